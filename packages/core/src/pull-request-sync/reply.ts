import { markdownCode } from '../text/untrusted.js';

/** How an untrusted value is written: `markdownCode` in a reply, quoted in the log and the job summary. */
export type Render = (untrusted: string) => string;

/** Untrusted values in plain text (the log through `logValue`, outputs, the job summary): double-quoted. */
export const plainText: Render = (value) => `"${value}"`;

/**
 * A word for a POSIX shell: as it is when it holds only characters no shell reads specially,
 * else single-quoted (a `'` inside written `'\''`). Branch names may hold `$`, `(`, `` ` ``, `;`, `&`.
 */
export function shellWord(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A fenced code block (CommonMark §4.5) whose fence is longer than any run of backticks inside,
 * so that nothing in `text` can close it: its content is shown as it is and does nothing.
 */
export function fencedBlock(text: string, info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** The repository's directory name after `git clone <url>`: the URL's last path segment without `.git`. */
function cloneDirectory(cloneUrl: string): string {
  return (cloneUrl.replace(/\/+$/, '').split('/').pop() ?? 'repository').replace(/\.git$/, '');
}

/** What the recipe needs: where each branch lives. */
export interface RecipeFacts {
  readonly upstreamCloneUrl: string;
  readonly upstreamBranch: string;
  readonly headCloneUrl: string;
  readonly headBranch: string;
  /** The head branch is in a fork: the recipe clones the fork and adds the upstream repository as `upstream`. */
  readonly fork: boolean;
}

/**
 * The maintainers' own recipe ("Pull Request Management": clone the fork, add the upstream
 * remote, fetch, check out the fork's branch, `git merge --no-edit upstream/<branch>`, resolve,
 * push), filled in for this pull request, every value a shell word ({@link shellWord}).
 */
export function mergeRecipe(facts: RecipeFacts): string {
  const upstream = facts.fork ? 'upstream' : 'origin';
  return [
    `git clone ${shellWord(facts.headCloneUrl)}`,
    `cd ${shellWord(cloneDirectory(facts.headCloneUrl))}`,
    ...(facts.fork ? [`git remote add upstream ${shellWord(facts.upstreamCloneUrl)}`, 'git fetch upstream'] : []),
    `git checkout ${shellWord(facts.headBranch)}`,
    `git merge --no-edit ${shellWord(`${upstream}/${facts.upstreamBranch}`)}`,
    '# resolve the conflicts, then: git add <files> && git commit --no-edit',
    `git push origin ${shellWord(facts.headBranch)}`,
  ].join('\n');
}

/** The longest list of conflicting paths a reply shows; the rest is counted. */
export const MAX_LISTED_PATHS = 50;

/** The conflicting paths as a Markdown list of code spans, at most {@link MAX_LISTED_PATHS}. */
export function pathList(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_LISTED_PATHS).map((path) => `- ${markdownCode(path)}`);
  if (paths.length > MAX_LISTED_PATHS) shown.push(`- … and ${paths.length - MAX_LISTED_PATHS} more`);
  return shown.join('\n');
}
