import { ActionError } from '../action/errors.js';
import { runCommand } from '../util/command.js';

/** The identity written as author and committer. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** The default identity: GitHub Actions' bot, as actions/checkout documents it. */
export const GITHUB_ACTIONS_BOT: GitIdentity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

/** The outcome of one git command. */
export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A git command that exited non-zero; its message holds git's own error text. */
export class GitError extends ActionError {
  override name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(' ')} exited with ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`);
  }
}

/**
 * A git working tree, driven through the `git` executable (runCommand, over @actions/exec).
 * Commands run silently; failures throw {@link GitError} with git's message.
 */
export class GitRepository {
  /** @param directory the working tree's directory */
  constructor(readonly directory: string) {}

  /** Runs git and returns its result whatever the exit code. */
  async tryRun(args: readonly string[], env?: Record<string, string>): Promise<GitResult> {
    const result = await runCommand('git', args, { cwd: this.directory, ...(env ? { env } : {}) });
    return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs git. @returns its standard output, trimmed. @throws GitError when it exits non-zero */
  async run(args: readonly string[], env?: Record<string, string>): Promise<string> {
    const result = await this.tryRun(args, env);
    if (result.exitCode !== 0) throw new GitError(args, result);
    return result.stdout.trim();
  }

  /** Whether the directory is inside a git working tree. */
  async isWorkTree(): Promise<boolean> {
    const result = await this.tryRun(['rev-parse', '--is-inside-work-tree']);
    return result.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /** The full SHA of HEAD. */
  headSha(): Promise<string> {
    return this.run(['rev-parse', 'HEAD']);
  }

  /** The checked-out branch's short name, or undefined when HEAD is detached. */
  async currentBranch(): Promise<string | undefined> {
    const result = await this.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** The commit a local tag points to (peeled), or undefined when there is no such tag. */
  async localTagCommit(tag: string): Promise<string | undefined> {
    const result = await this.tryRun(['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * The object a ref points to on a remote (`git ls-remote`), or undefined when the remote lacks it.
   * For an annotated tag this is the tag object, not the commit.
   */
  async remoteRef(remote: string, ref: string): Promise<string | undefined> {
    const output = await this.run(['ls-remote', remote, ref]);
    const line = output.split('\n').find((entry) => entry.endsWith(`\t${ref}`));
    return line?.split('\t')[0];
  }

  /** Whether `ancestor` is an ancestor of (or equal to) `descendant`; false when either is unknown locally. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await this.tryRun(['merge-base', '--is-ancestor', ancestor, descendant]);
    return result.exitCode === 0;
  }

  /** Stages `paths` and commits them (only them) as `identity`. @returns the new commit's SHA */
  async commit(paths: readonly string[], message: string, identity: GitIdentity): Promise<string> {
    await this.run(['add', '--', ...paths]);
    await this.run(['commit', '--no-verify', '--message', message, '--', ...paths], identityEnv(identity));
    return this.headSha();
  }

  /** Creates an annotated tag on HEAD as `identity`. */
  async createAnnotatedTag(tag: string, message: string, identity: GitIdentity): Promise<void> {
    await this.run(['tag', '--annotate', '--message', message, tag, 'HEAD'], identityEnv(identity));
  }

  /** Pushes refspecs in one atomic push (all or none; git ≥ 2.4 and the remote must support it). */
  async push(remote: string, refspecs: readonly string[]): Promise<GitResult> {
    return this.tryRun(['push', '--atomic', '--porcelain', remote, ...refspecs]);
  }
}

function identityEnv(identity: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}
