import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../action/errors.js';
import type { GitRepository } from '../git/git.js';
import { parseGitmodules } from '../release-pr/submodules.js';

/** What open-release-pr does with submodules: move each to the tip of its tracked branch, refuse one that is behind, or leave them. */
export const SUBMODULE_MODES = ['update', 'check', 'none'] as const;
export type SubmoduleMode = (typeof SUBMODULE_MODES)[number];

/** One submodule commit between the recorded commit and the tip. `subject` is untrusted text. */
export interface SubmoduleCommit {
  readonly sha: string;
  readonly subject: string;
}

/** A submodule as planned: where its gitlink is, and where it moves (or stays). */
export interface SubmoduleMove {
  readonly name: string;
  readonly path: string;
  /** The URL the tip was read from (a relative URL resolved against the superproject's). */
  readonly url: string;
  readonly branch: string;
  /** The commit the superproject records now. */
  readonly from: string;
  /** The tip of `branch`. */
  readonly to: string;
  /** The commits `from..to`, newest first, at most {@link MAX_LISTED_COMMITS}. */
  readonly commits: readonly SubmoduleCommit[];
  /** How many commits `from..to` holds. */
  readonly count: number;
}

/** Commits listed for one submodule in the description; the count says how many there are in all. */
export const MAX_LISTED_COMMITS = 50;

/** The URL schemes a submodule may be fetched from: no `ext::`, no `fd::`, no option-like URL. */
const FETCHABLE = /^(?:https?|ssh|git|file):\/\/|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/;

/**
 * A submodule URL resolved as `git submodule` resolves it (gitmodules(5)): `./` and `../` are
 * relative to the superproject's remote URL.
 */
export function resolveSubmoduleUrl(url: string, superproject: string): string {
  if (!url.startsWith('./') && !url.startsWith('../')) return url;
  return new URL(url, superproject.replace(/\/*$/, '/')).href;
}

/**
 * Reads `.gitmodules` in the checkout of `head` and, for each submodule, the commit the
 * superproject records (its gitlink at HEAD) and the tip of the branch it tracks (`branch`,
 * `git ls-remote`; unset: the remote's HEAD, as `git submodule update --remote` does). For a move,
 * the submodule's branch is fetched into the superproject's repository (objects only, no
 * checkout) to list the commits between, and the recorded commit must be an ancestor of the tip:
 * a submodule is never moved backwards or sideways.
 *
 * @param mode `check` refuses a submodule behind its tip; `update` plans the move; `none` reads nothing
 * @returns only the submodules that move (none for `check` and `none`)
 * @throws ActionError naming the submodule: a missing path, URL or gitlink, a URL of another kind, a branch the remote lacks, a recorded commit not on the branch, or (check) one behind
 */
export async function planSubmoduleMoves(repository: GitRepository, superprojectUrl: string, mode: SubmoduleMode): Promise<SubmoduleMove[]> {
  if (mode === 'none') return [];
  let text: string;
  try {
    text = await readFile(path.join(repository.directory, '.gitmodules'), 'utf8');
  } catch {
    return [];
  }
  const moves: SubmoduleMove[] = [];
  for (const spec of parseGitmodules(text)) {
    if (!spec.path || !spec.url) throw new ActionError(`.gitmodules: submodule "${spec.name}" has no ${spec.path ? 'url' : 'path'}`);
    const url = resolveSubmoduleUrl(spec.url, superprojectUrl);
    if (!FETCHABLE.test(url)) throw new ActionError(`.gitmodules: submodule "${spec.name}" has a URL git would not fetch here: ${url}`);
    const from = await repository.gitlinkAt('HEAD', spec.path);
    if (!from) throw new ActionError(`.gitmodules lists submodule "${spec.name}" at ${spec.path}, but the commit records no submodule there`);
    const branch = spec.branch === '.' ? undefined : spec.branch;
    const ref = branch ? `refs/heads/${branch}` : 'HEAD';
    const listing = await repository.run(['ls-remote', '--', url, ref]);
    const to = listing
      .split('\n')
      .map((line) => line.split('\t'))
      .find(([, name]) => name === ref)?.[0];
    if (!to) throw new ActionError(`submodule "${spec.name}": ${url} has no ${branch ? `branch ${branch}` : 'HEAD'}`);
    if (from === to) continue;
    if (mode === 'check')
      throw new ActionError(
        `submodule "${spec.name}" (${spec.path}) is at ${from.slice(0, 12)}, not at the tip of ${branch ?? 'HEAD'} (${to.slice(0, 12)}); set submodules: update to move it`,
      );
    await repository.run([
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      '--',
      url,
      `+${ref}:refs/open-release-pr/submodules/${spec.name.replace(/[^A-Za-z0-9._-]/g, '_')}`,
    ]);
    if (!(await repository.isAncestor(from, to)))
      throw new ActionError(
        `submodule "${spec.name}" (${spec.path}) records ${from.slice(0, 12)}, which is not on ${branch ?? 'HEAD'} of ${url} (tip ${to.slice(0, 12)}): moving it would drop commits; move it by hand`,
      );
    const log = await repository.run(['log', `--max-count=${MAX_LISTED_COMMITS}`, '--format=%H%x1f%s', '--end-of-options', `${from}..${to}`]);
    const commits = log
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha = '', subject = ''] = line.split('\x1f');
        return { sha, subject };
      });
    const count = Number(await repository.run(['rev-list', '--count', '--end-of-options', `${from}..${to}`]));
    moves.push({ name: spec.name, path: spec.path, url, branch: branch ?? 'HEAD', from, to, commits, count });
  }
  return moves;
}
