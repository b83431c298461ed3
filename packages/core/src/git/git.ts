import { ActionError } from '../action/errors.js';
import { runCommand } from '../util/command.js';
import { gitEnvironment, identityEnvironment, type GitCredentials } from './environment.js';
import { redactCredentials } from './redact.js';

/** The identity written as author and committer (and tagger). */
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

/** A git command that exited non-zero; its message holds git's own error text, credentials in URLs redacted. */
export class GitError extends ActionError {
  override name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
    credentials?: GitCredentials,
  ) {
    super(redactCredentials(`git ${args.join(' ')} exited with ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`, credentials));
  }
}

/**
 * How git signs and verifies for one step: `config` holds `name=value`
 * pairs given as `git -c` (gpg.format, user.signingkey, …), `env` the
 * variables (GNUPGHOME, SSH_ASKPASS). Nothing goes to the user's git config.
 */
export interface SigningConfig {
  readonly sign: boolean;
  readonly config: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** No signing; commits and tags say so explicitly (`--no-gpg-sign`, `--no-sign`), whatever commit.gpgSign or tag.gpgSign say. */
export const NO_SIGNING: SigningConfig = { sign: false, config: [], env: {} };

/** Options of one git command. */
export interface GitCommandOptions {
  /** Variables added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** `name=value` pairs passed as `git -c name=value`, for this command only. */
  readonly config?: readonly string[];
  /** Text written to git's standard input. */
  readonly input?: string;
}

/** What `git status` says of one path. */
export interface PathStatus {
  readonly tracked: boolean;
  /** Ignored by .gitignore, .git/info/exclude or core.excludesFile (and untracked). */
  readonly ignored: boolean;
  /** The two-letter porcelain v1 status (`XY`), empty when the path is as HEAD has it. */
  readonly change: string;
}

/** A blob at a commit, a symbolic link, or nothing. */
export type TreeEntry = { readonly kind: 'file'; readonly content: string } | { readonly kind: 'symlink' | 'missing' | 'other' };

/** An annotated or lightweight tag in this repository. */
export interface LocalTag {
  /** What refs/tags/<name> points to: the tag object, or the commit for a lightweight tag. */
  readonly object: string;
  readonly commit: string;
  readonly annotated: boolean;
}

/**
 * A git working tree, driven through the `git` executable (runCommand, over
 * @actions/exec). Every command runs under the one git environment policy,
 * {@link gitEnvironment} (no hooks, no system or global configuration, no
 * credential helper, no redirect followed, `credentials` scoped to their
 * server). Commands run silently; failures throw {@link GitError}, and every
 * result's output has its credentials redacted ({@link redactCredentials}).
 * Values that come from inputs reach git after `--` or `--end-of-options`,
 * or are checked first (git/names.ts), so that none is read as an option.
 */
export class GitRepository {
  private readonly environment: Record<string, string>;

  /**
   * @param directory the working tree's directory (paths are relative to it)
   * @param credentials a token for git over HTTPS, sent only to its server's origin
   */
  constructor(
    readonly directory: string,
    private readonly credentials?: GitCredentials,
  ) {
    this.environment = gitEnvironment(credentials);
  }

  /** Runs git and returns its result whatever the exit code, credentials redacted from its output. */
  async tryRun(args: readonly string[], options: GitCommandOptions = {}): Promise<GitResult> {
    const config = (options.config ?? []).flatMap((pair) => ['-c', pair]);
    const result = await runCommand('git', [...config, ...args], {
      cwd: this.directory,
      env: { ...this.environment, ...options.env },
      ...(options.input !== undefined ? { input: Buffer.from(options.input, 'utf8') } : {}),
    });
    if (!this.credentials?.token) return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr };
    return { exitCode: result.code, stdout: redactCredentials(result.stdout, this.credentials), stderr: redactCredentials(result.stderr, this.credentials) };
  }

  /** Runs git. @returns its standard output, trimmed. @throws GitError when it exits non-zero */
  async run(args: readonly string[], options: GitCommandOptions = {}): Promise<string> {
    const result = await this.tryRun(args, options);
    if (result.exitCode !== 0) throw new GitError(args, result, this.credentials);
    return result.stdout.trim();
  }

  /** Whether the directory is inside a git working tree. */
  async isWorkTree(): Promise<boolean> {
    const result = await this.tryRun(['rev-parse', '--is-inside-work-tree']);
    return result.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /** The working tree's top directory (`git rev-parse --show-toplevel`). */
  topLevel(): Promise<string> {
    return this.run(['rev-parse', '--show-toplevel']);
  }

  /** The full SHA of HEAD. */
  headSha(): Promise<string> {
    return this.run(['rev-parse', '--verify', 'HEAD']);
  }

  /** The checked-out branch's short name, or undefined when HEAD is detached. */
  async currentBranch(): Promise<string | undefined> {
    const result = await this.tryRun(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** The commit a commit-ish names (a SHA, branch, tag, `HEAD~1`), or undefined when there is none. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    const result = await this.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /**
   * The commit a full ref name points to, peeled through annotated tags, read strictly: the ref
   * `refs/…` itself (`git show-ref --verify`), never another ref git's abbreviation rules would
   * find for the same text (gitrevisions(7) "<refname>").
   * @param ref a full ref name, e.g. `refs/heads/master`, already checked with {@link isValidRefName}
   * @returns the commit's full SHA, or undefined when the ref does not exist (or names no commit)
   */
  async refCommit(ref: string): Promise<string | undefined> {
    const shown = await this.tryRun(['show-ref', '--verify', '--hash', '--', ref]);
    if (shown.exitCode !== 0) return undefined;
    return this.objectCommit(shown.stdout.trim());
  }

  /** The commit a full object SHA names (peeled through annotated tags), or undefined when the object is absent or no commit. */
  async objectCommit(sha: string): Promise<string | undefined> {
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) return undefined;
    const result = await this.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', `${sha}^{commit}`]);
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  }

  /** A local tag, or undefined when there is no such tag. */
  async localTag(tag: string): Promise<LocalTag | undefined> {
    const ref = `refs/tags/${tag}`;
    const object = await this.tryRun(['rev-parse', '--verify', '--quiet', '--end-of-options', ref]);
    if (object.exitCode !== 0) return undefined;
    const commit = await this.run(['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]);
    const type = await this.run(['cat-file', '-t', object.stdout.trim()]);
    return { object: object.stdout.trim(), commit, annotated: type === 'tag' };
  }

  /**
   * The objects full refs point to on a remote (one `git ls-remote`), by ref
   * name; an annotated tag also appears peeled, as `refs/tags/<name>^{}`.
   * Refs the remote lacks are absent from the map.
   *
   * @throws GitError when the remote cannot be reached or read
   */
  async remoteRefs(remote: string, refs: readonly string[]): Promise<Map<string, string>> {
    const patterns = refs.flatMap((ref) => (ref.startsWith('refs/tags/') ? [ref, `${ref}^{}`] : [ref]));
    const output = await this.run(['ls-remote', '--end-of-options', remote, ...patterns]);
    const wanted = new Set(patterns);
    const found = new Map<string, string>();
    for (const line of output.split('\n')) {
      const [object, ref] = line.split('\t');
      if (object && ref && wanted.has(ref)) found.set(ref, object);
    }
    return found;
  }

  /** Whether `ancestor` is an ancestor of (or equal to) `descendant`; false when either is unknown locally. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await this.tryRun(['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant]);
    return result.exitCode === 0;
  }

  /** The names of the configured remotes. */
  async remoteNames(): Promise<string[]> {
    return (await this.run(['remote'])).split('\n').filter(Boolean);
  }

  /** The URL git pushes to for a configured remote. */
  remotePushUrl(name: string): Promise<string> {
    return this.run(['remote', 'get-url', '--push', '--', name]);
  }

  /** Whether `name` is a valid branch name as `git check-ref-format --branch` says, taken literally (no `@{-1}`). */
  async isValidBranchName(name: string): Promise<boolean> {
    const result = await this.tryRun(['check-ref-format', '--branch', name]);
    return result.exitCode === 0 && result.stdout.trim() === name;
  }

  /** Whether `ref` is a valid full ref name (`git check-ref-format`). */
  async isValidRefName(ref: string): Promise<boolean> {
    return (await this.tryRun(['check-ref-format', ref])).exitCode === 0;
  }

  /** Why git would refuse `identity` as author or committer (`git var GIT_AUTHOR_IDENT`), or undefined when it accepts it. */
  async identityProblem(identity: GitIdentity): Promise<string | undefined> {
    for (const variable of ['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT']) {
      const result = await this.tryRun(['var', variable], { env: identityEnvironment(identity) });
      if (result.exitCode !== 0) return (result.stderr || result.stdout).trim().replace(/^fatal: /, '');
    }
    return undefined;
  }

  /** What git says of `path` (relative to the directory): tracked, ignored, and its change against HEAD. */
  async pathStatus(path: string): Promise<PathStatus> {
    const tracked = (await this.tryRun(['ls-files', '--error-unmatch', '--', path])).exitCode === 0;
    const args = ['status', '--porcelain=v1', '-z', '--ignored=matching', '--untracked-files=all', '--', path];
    const status = await this.tryRun(args);
    if (status.exitCode !== 0) throw new GitError(args, status, this.credentials);
    const change = status.stdout.slice(0, 2);
    return { tracked, ignored: change === '!!', change: tracked ? change : '' };
  }

  /** The entry at `path` (from the top of the tree) in `commit`: a file's text, a symlink, or nothing. */
  async entryAt(commit: string, path: string): Promise<TreeEntry> {
    const listing = await this.run(['ls-tree', '--full-tree', '-z', '--end-of-options', commit, '--', path]);
    const [mode, type] = listing.split(/[ \t]/);
    if (!mode) return { kind: 'missing' };
    if (mode === '120000') return { kind: 'symlink' };
    if (type !== 'blob') return { kind: 'other' };
    const args = ['cat-file', 'blob', `${commit}:${path}`];
    const blob = await this.tryRun(args);
    if (blob.exitCode !== 0) throw new GitError(args, blob, this.credentials);
    return { kind: 'file', content: blob.stdout };
  }

  /** Stages `paths` and commits them (only them) as `identity`, signed or not. @returns the new commit's SHA */
  async commit(paths: readonly string[], message: string, identity: GitIdentity, signing: SigningConfig = NO_SIGNING): Promise<string> {
    await this.run(['add', '--', ...paths]);
    return this.commitWith(['--', ...paths], message, identity, signing);
  }

  /**
   * Commits the index as it stands (files added and gitlinks set with {@link stageGitlink}), as
   * `identity`, signed or not, with the same options as {@link commit}.
   * @returns the new commit's SHA
   */
  commitStaged(message: string, identity: GitIdentity, signing: SigningConfig = NO_SIGNING): Promise<string> {
    return this.commitWith([], message, identity, signing);
  }

  private async commitWith(pathspec: readonly string[], message: string, identity: GitIdentity, signing: SigningConfig): Promise<string> {
    const sign = signing.sign ? '--gpg-sign' : '--no-gpg-sign';
    await this.run(['commit', '--no-verify', sign, '--cleanup=whitespace', '--file=-', ...pathspec], {
      env: { ...identityEnvironment(identity), ...signing.env },
      config: signing.config,
      input: message,
    });
    return this.headSha();
  }

  /** Stages `path` as a submodule at `commit` (a gitlink, mode 160000: `git update-index --cacheinfo`), without checking the submodule out. */
  async stageGitlink(path: string, commit: string): Promise<void> {
    await this.run(['update-index', '--cacheinfo', `160000,${commit},${path}`]);
  }

  /** The commit a submodule's gitlink records at `commit` (mode 160000 at `path`), or undefined when there is none. */
  async gitlinkAt(commit: string, path: string): Promise<string | undefined> {
    const listing = await this.run(['ls-tree', '--full-tree', '--end-of-options', commit, '--', path]);
    const match = /^160000 commit ([0-9a-f]{40,64})\t/.exec(listing);
    return match?.[1];
  }

  /**
   * Creates an annotated tag (signed when `signing.sign`) on `target` as
   * `identity`; the message is kept as given, `#` lines included (`--cleanup=whitespace`).
   * @returns the tag object's SHA
   */
  async createAnnotatedTag(tag: string, target: string, message: string, identity: GitIdentity, signing: SigningConfig = NO_SIGNING): Promise<string> {
    const mode = signing.sign ? '--sign' : '--annotate';
    await this.run(['tag', mode, ...(signing.sign ? [] : ['--no-sign']), '--cleanup=whitespace', '--file=-', '--', tag, target], {
      env: { ...identityEnvironment(identity), ...signing.env },
      config: signing.config,
      input: message,
    });
    return this.run(['rev-parse', '--verify', '--end-of-options', `refs/tags/${tag}`]);
  }

  /** `git verify-tag` with the step's signing configuration. */
  verifyTag(tag: string, signing: SigningConfig): Promise<GitResult> {
    return this.tryRun(['verify-tag', '--', tag], { env: signing.env, config: signing.config });
  }

  /** `git verify-commit` with the step's signing configuration. */
  verifyCommit(commit: string, signing: SigningConfig): Promise<GitResult> {
    return this.tryRun(['verify-commit', '--', commit], { env: signing.env, config: signing.config });
  }

  /** Deletes refs/tags/<tag> if it still points to `object`. */
  async deleteTag(tag: string, object: string): Promise<void> {
    await this.run(['update-ref', '-d', `refs/tags/${tag}`, object]);
  }

  /** Moves HEAD (and the checked-out branch) back to `commit`, leaving the index and the tree alone. */
  async resetHead(commit: string): Promise<void> {
    await this.run(['reset', '--quiet', '--soft', commit]);
  }

  /** Sets the index entries of `paths` back to those of `commit`. */
  async resetIndexPaths(commit: string, paths: readonly string[]): Promise<void> {
    await this.run(['reset', '--quiet', commit, '--', ...paths]);
  }

  /**
   * Pushes refspecs in one atomic push (all or none; git ≥ 2.4 and the remote must support it).
   * @param options.leases ref → the commit it must still be at on the remote (`--force-with-lease=<ref>:<sha>`, git-push(1)): a ref that moved is not pushed
   * @param options.dryRun `--dry-run`: every check git and the remote make (authentication, receive-pack, leases), nothing sent
   */
  async push(remote: string, refspecs: readonly string[], options: { leases?: Readonly<Record<string, string>>; dryRun?: boolean } = {}): Promise<GitResult> {
    const leases = Object.entries(options.leases ?? {}).map(([ref, sha]) => `--force-with-lease=${ref}:${sha}`);
    return this.tryRun(['push', '--atomic', '--porcelain', ...(options.dryRun ? ['--dry-run'] : []), ...leases, '--', remote, ...refspecs]);
  }
}
