import { ActionError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { gitTokenAuthorization, identityEnvironment, type GitCredentials } from '../git/environment.js';
import { GitRepository, type GitIdentity, type GitResult } from '../git/git.js';
import { logValue } from '../text/untrusted.js';

/** A merge of an upstream branch into a pull request's head branch, with git. */
export interface GitMergeRequest {
  /** An empty directory for the work tree; the caller removes it. */
  readonly directory: string;
  /** The branch to merge: the upstream repository's clone URL and the branch's name. */
  readonly upstream: { readonly cloneUrl: string; readonly branch: string };
  /** The pull request's head branch (in a fork or in the upstream repository) and the commit it must still be at. */
  readonly head: { readonly cloneUrl: string; readonly branch: string; readonly expectedSha: string };
  readonly credentials?: GitCredentials;
  readonly identity: GitIdentity;
  readonly logger: Logger;
}

/** How a git merge ended. Nothing is pushed unless `kind` is `updated`. */
export type GitMergeOutcome =
  | { readonly kind: 'updated'; readonly sha: string }
  | { readonly kind: 'up-to-date' }
  /** The head branch is no longer at `expectedSha` (fetched at another commit, or moved before the push). */
  | { readonly kind: 'moved'; readonly currentSha?: string }
  | { readonly kind: 'conflict'; readonly paths: readonly string[] }
  | { readonly kind: 'missing-branch'; readonly side: 'upstream' | 'head'; readonly branch: string };

/**
 * Merges as the maintainers do by hand (`git merge --no-edit upstream/<branch>` on the head
 * branch), in a new repository in `directory`: the two branches are fetched from their clone
 * URLs (remotes `upstream` and `fork`, URLs without credentials), the head must be at
 * `expectedSha`, an upstream branch already contained in the head is reported up to date, a
 * conflict is listed and aborted, and a merge is pushed to the head branch only as a
 * compare-and-swap from `expectedSha` (`--force-with-lease=<ref>:<sha>` on a fast-forward):
 * a head that moved meanwhile is left as it is. Git runs under the one git environment policy
 * (git/environment.ts `gitEnvironment`: no hooks, no system or global configuration, no
 * credential helper, no redirect followed, the token scoped to the server's origin).
 *
 * @throws ActionError holding git's message (credentials redacted) when git fails for another
 *   reason: an unreachable remote, a refused token, a push refused by a hook or a protection rule
 */
export async function mergeWithGit(request: GitMergeRequest): Promise<GitMergeOutcome> {
  const { upstream, head, logger, credentials } = request;
  if (credentials?.token) logger.mask(gitTokenAuthorization(credentials.token).slice('basic '.length));
  const repository = new GitRepository(request.directory, credentials);
  const git = (args: string[], extra: Record<string, string> = {}): Promise<GitResult> => repository.tryRun(args, { env: extra });
  const must = async (args: string[], extra: Record<string, string> = {}): Promise<string> => {
    const result = await git(args, extra);
    if (result.exitCode !== 0) throw new ActionError(`git ${args.join(' ')} exited with ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`);
    return result.stdout.trim();
  };

  await must(['init', '--quiet', '--initial-branch=sync-pr-branch']);
  await must(['remote', 'add', 'upstream', upstream.cloneUrl]);
  await must(['remote', 'add', 'fork', head.cloneUrl]);
  for (const [remote, branch, side] of [
    ['upstream', upstream.branch, 'upstream'],
    ['fork', head.branch, 'head'],
  ] as const) {
    logger.info(`Fetching ${logValue(branch)} from ${logValue(remote === 'upstream' ? upstream.cloneUrl : head.cloneUrl)}`);
    if (!(await must(['ls-remote', '--heads', remote, `refs/heads/${branch}`]))) return { kind: 'missing-branch', side, branch };
    await must(['fetch', '--quiet', '--no-tags', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
  }
  const fetchedHead = await must(['rev-parse', `refs/remotes/fork/${head.branch}`]);
  if (fetchedHead !== head.expectedSha) return { kind: 'moved', currentSha: fetchedHead };
  const upstreamRef = `refs/remotes/upstream/${upstream.branch}`;
  if ((await git(['merge-base', '--is-ancestor', upstreamRef, head.expectedSha])).exitCode === 0) return { kind: 'up-to-date' };

  await must(['checkout', '--quiet', '-B', head.branch, head.expectedSha]);
  // `upstream/<branch>` as in the maintainers' recipe, unless a local branch of that very name makes it ambiguous.
  const mergeArgument = head.branch === `upstream/${upstream.branch}` ? upstreamRef : `upstream/${upstream.branch}`;
  const merge = await git(['merge', '--no-edit', mergeArgument], identityEnvironment(request.identity));
  if (merge.exitCode !== 0) {
    const unmerged = await must(['diff', '--name-only', '--diff-filter=U', '-z']);
    await git(['merge', '--abort']);
    if (!unmerged) throw new ActionError(`git merge --no-edit ${mergeArgument} exited with ${merge.exitCode}: ${(merge.stderr || merge.stdout).trim()}`);
    return { kind: 'conflict', paths: unmerged.split('\0').filter(Boolean) };
  }
  const sha = await must(['rev-parse', 'HEAD']);

  logger.info(`Pushing ${sha} to ${logValue(head.branch)} at ${logValue(head.cloneUrl)} (only if it is still at ${head.expectedSha})`);
  const ref = `refs/heads/${head.branch}`;
  const pushed = await git(['push', '--porcelain', `--force-with-lease=${ref}:${head.expectedSha}`, 'fork', `${sha}:${ref}`]);
  if (pushed.exitCode === 0) return { kind: 'updated', sha };
  if (/stale info|fetch first|non-fast-forward/.test(pushed.stdout + pushed.stderr)) {
    const current = (await git(['ls-remote', '--heads', 'fork', ref])).stdout.split('\t')[0]?.trim();
    return { kind: 'moved', ...(current ? { currentSha: current } : {}) };
  }
  const refusal = (pushed.stderr || pushed.stdout).trim();
  const hint = /could not read Username|Authentication failed|Permission to .* denied|\b403\b/.test(refusal)
    ? " (this token may not push there: for a fork's branch, pass a maintainer's token in github-token)"
    : '';
  throw new ActionError(`git push to ${head.cloneUrl} ${ref} failed: ${refusal}${hint}`);
}
