import { errorStatus, type GitHubClient } from '../github/client.js';
import { detail, type Detail } from './detail.js';
import { fetchFileText, type RepositoryRef } from './facts.js';

/** A `[submodule "name"]` section of `.gitmodules` (git-config syntax; gitmodules(5)). */
export interface SubmoduleSpec {
  readonly name: string;
  readonly path?: string;
  readonly url?: string;
  /** The branch `git submodule update --remote` follows; `.` means the superproject's branch; unset, the remote's default branch. */
  readonly branch?: string;
}

function unquote(raw: string): string {
  let value = '';
  let quoted = false;
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw[index]!;
    if (char === '\\' && index + 1 < raw.length) {
      const next = raw[(index += 1)]!;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'b' ? '\b' : next;
    } else if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '#' || char === ';')) break;
    else value += char;
  }
  return value.trim();
}

/**
 * Reads `.gitmodules` as git-config(1) does, for what submodules need: `[submodule "name"]` sections
 * and their `path`, `url` and `branch` keys (names case-insensitive, values unquoted, `#` and `;` comments).
 * Other sections and keys are ignored.
 */
export function parseGitmodules(text: string): SubmoduleSpec[] {
  const submodules: { name: string; values: Record<string, string> }[] = [];
  let current: { name: string; values: Record<string, string> } | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (header) {
      current = header[1]!.toLowerCase() === 'submodule' && header[2] !== undefined ? { name: header[2].replace(/\\(.)/g, '$1'), values: {} } : undefined;
      if (current) submodules.push(current);
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (current && entry) current.values[entry[1]!.toLowerCase()] = entry[2] === undefined ? 'true' : unquote(entry[2]);
  }
  return submodules.map(({ name, values }) => ({
    name,
    ...(values['path'] ? { path: values['path'] } : {}),
    ...(values['url'] ? { url: values['url'] } : {}),
    ...(values['branch'] ? { branch: values['branch'] } : {}),
  }));
}

/**
 * The GitHub repository (`owner/name`) a submodule URL names: `https://HOST/owner/name(.git)`,
 * `ssh://git@HOST/owner/name`, `git@HOST:owner/name.git`, `git://HOST/owner/name`, or a URL relative
 * to the superproject's (`../name.git`, as gitmodules(5) allows).
 *
 * @param host the GitHub host (GITHUB_SERVER_URL's, github.com by default)
 * @returns undefined when the URL is not on that host
 */
export function submoduleRepository(url: string, superproject: string, host: string): string | undefined {
  if (url.startsWith('./') || url.startsWith('../')) {
    const segments = superproject.split('/');
    for (const segment of url.split('/')) {
      if (segment === '..') segments.pop();
      else if (segment !== '.' && segment !== '') segments.push(segment);
    }
    return segments.length === 2 ? segments.join('/').replace(/\.git$/, '') : undefined;
  }
  const match =
    /^(?:https?|git|ssh):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url) ??
    /^(?:[^@/]+@)?([^/:]+):\/?([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url);
  if (!match || match[1]!.toLowerCase() !== host.toLowerCase()) return undefined;
  return `${match[2]}/${match[3]}`;
}

/** What one submodule is at the head commit, and where its branch is. */
export interface SubmoduleState {
  readonly spec: SubmoduleSpec;
  /** The commit the gitlink records; undefined when there is none at `path`. */
  readonly gitlink?: string;
  /** `owner/name` of its repository; undefined when the URL is not on GitHub. */
  readonly repository?: string;
  /** The branch followed. */
  readonly branch?: string;
  /** The branch's head commit; undefined when it could not be read. */
  readonly branchHead?: string;
  /** Why the branch head could not be read. */
  readonly problem?: Detail;
}

/**
 * The gitlinks at `sha` by path: the commit entries (mode 160000) of the recursive tree
 * (GET /repos/{owner}/{repo}/git/trees/{tree_sha}?recursive=1). When GitHub truncates the tree,
 * a path missing from it is read with GET …/contents/{path} (a `submodule` entry holds its commit).
 */
async function fetchGitlinks(client: GitHubClient, repository: RepositoryRef, sha: string, paths: readonly string[]): Promise<Map<string, string>> {
  const { data } = await client.rest.git.getTree({ ...repository, tree_sha: sha, recursive: '1' });
  const gitlinks = new Map(data.tree.filter((entry) => entry.type === 'commit' && entry.path && entry.sha).map((entry) => [entry.path!, entry.sha!]));
  if (data.truncated) {
    for (const path of paths.filter((entry) => !gitlinks.has(entry))) {
      try {
        const { data: content } = await client.rest.repos.getContent({ ...repository, path, ref: sha });
        if (!Array.isArray(content) && content.type === 'submodule') gitlinks.set(path, content.sha);
      } catch (error) {
        if (errorStatus(error) !== 404) throw error;
      }
    }
  }
  return gitlinks;
}

/** A branch's head commit (GET /repos/{owner}/{repo}/branches/{branch}); the default branch's (GET /repos/{owner}/{repo} first) when `branch` is undefined. */
async function fetchBranchHead(
  client: GitHubClient,
  fullName: string,
  branch: string | undefined,
): Promise<{ branch: string; head?: string; problem?: Detail }> {
  const [owner, repo] = fullName.split('/') as [string, string];
  let name = branch;
  try {
    if (name === undefined) name = (await client.rest.repos.get({ owner, repo })).data.default_branch;
    const { data } = await client.rest.repos.getBranch({ owner, repo, branch: name });
    return { branch: name, head: data.commit.sha };
  } catch (error) {
    if (errorStatus(error) !== 404) throw error;
    return name === undefined
      ? { branch: '', problem: detail`${fullName} does not exist (or the token cannot read it)` }
      : { branch: name, problem: detail`branch ${name} does not exist in ${fullName} (or the token cannot read it)` };
  }
}

/**
 * Reads `.gitmodules` and the gitlinks at the head commit, and the head of the branch each submodule follows
 * in its repository. Requests: 2, plus 1 a submodule (2 when `.gitmodules` names no branch).
 *
 * @param superBranch the superproject's branch (the pull request's head branch), for `branch = .`
 * @returns undefined when `.gitmodules` does not exist at `sha`
 */
export async function readSubmodules(
  client: GitHubClient,
  repository: RepositoryRef,
  sha: string,
  superBranch: string,
  host: string,
): Promise<{ text: string; states: SubmoduleState[] } | undefined> {
  const text = await fetchFileText(client, repository, '.gitmodules', sha);
  if (text === undefined) return undefined;
  const specs = parseGitmodules(text);
  if (specs.length === 0) return { text, states: [] };
  const gitlinks = await fetchGitlinks(
    client,
    repository,
    sha,
    specs.flatMap((spec) => (spec.path ? [spec.path] : [])),
  );
  const superproject = `${repository.owner}/${repository.repo}`;
  const states = await Promise.all(
    specs.map(async (spec): Promise<SubmoduleState> => {
      const gitlink = spec.path ? gitlinks.get(spec.path) : undefined;
      const fullName = spec.url ? submoduleRepository(spec.url, superproject, host) : undefined;
      const base = { spec, ...(gitlink ? { gitlink } : {}), ...(fullName ? { repository: fullName } : {}) };
      if (!gitlink || !fullName) return base;
      const wanted = spec.branch === '.' ? superBranch : spec.branch;
      const head = await fetchBranchHead(client, fullName, wanted);
      return { ...base, branch: head.branch, ...(head.head ? { branchHead: head.head } : {}), ...(head.problem ? { problem: head.problem } : {}) };
    }),
  );
  return { text, states };
}

/** Each submodule's gitlink is the head of the branch `.gitmodules` says it follows. */
export function submoduleProblems(states: readonly SubmoduleState[]): { problems: Detail[]; fine: Detail[] } {
  const problems: Detail[] = [];
  const fine: Detail[] = [];
  for (const state of states) {
    const { spec } = state;
    if (!spec.path) problems.push(detail`submodule ${spec.name} has no path in .gitmodules`);
    else if (!state.gitlink) problems.push(detail`submodule ${spec.name} has no gitlink at ${spec.path} in the head commit`);
    else if (!spec.url) problems.push(detail`submodule ${spec.name} has no url in .gitmodules`);
    else if (!state.repository) problems.push(detail`submodule ${spec.name}: ${spec.url} is not a GitHub repository this token can check`);
    else if (state.problem) problems.push(detail`submodule ${spec.name}: ${state.problem}`);
    else if (state.branchHead !== state.gitlink)
      problems.push(
        detail`submodule ${spec.name} (${spec.path}) is at ${state.gitlink.slice(0, 12)}, not at the head of ${state.branch ?? ''} in ${state.repository}, ${(state.branchHead ?? '').slice(0, 12)}: update it and commit`,
      );
    else fine.push(detail`${spec.name} at the head of ${state.branch ?? ''} (${state.gitlink.slice(0, 7)})`);
  }
  return { problems, fine };
}
