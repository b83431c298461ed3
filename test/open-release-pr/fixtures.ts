// Exegol's wrapper and images as open-release-pr meets them: real bare repositories under one root,
// served over smart HTTP by git-http-backend as GitHub serves public repositories (anyone fetches, a
// push needs a token that may write), and the GitHub stand-in with the release and open-release
// endpoints reading those repositories. Built fresh for each test.
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, SPAWN_SCRIPT, TEST_FILE, wrapperFiles, writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { startPublicGitRemote, type GitHttpRemote } from '@exegol-release/testbed/stand-ins/git-http.js';
import { GitHubApiStandIn, user, type GitHubState, type PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import { serveOpenReleaseEndpoints, type OpenReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-open-release.js';
import { serveReleaseEndpoints, type ReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-release.js';

export const WRAPPER = 'ThePorgs/Exegol';
export const IMAGES = 'ThePorgs/Exegol-images';
export const RESOURCES = 'ThePorgs/Exegol-resources';
/** The GitHub App installation token the examples create (contents and pull requests: write). */
export const TOKEN = 'ghs_openReleaseAppToken0123456789';
/** A token of an account that may read but not push (a GITHUB_TOKEN with contents: read). */
export const READ_ONLY_TOKEN = 'ghs_readOnlyToken0123456789';
export const APP_LOGIN = 'exegol-release[bot]';
export const MAINTAINER = 'maintainer-alice';

/** The spawn.sh rewrite of the wrapper example: the beta letter dropped. */
export const SPAWN_PATTERN = String.raw`${SPAWN_SCRIPT}: ^# Spawn Version:(\d+)[a-z]*\d*$ = # Spawn Version:$1`;
export const WRAPPER_FILES = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

export { CONSTANT_CONFIG, SPAWN_SCRIPT, TEST_FILE };

/** The repositories, the git server and the GitHub stand-in of one test. */
export interface World {
  readonly root: string;
  readonly api: GitHubApiStandIn;
  readonly release: ReleaseEndpoints;
  readonly open: OpenReleaseEndpoints;
  readonly remote: GitHttpRemote;
  /** The bare repository of `owner/name`. */
  bare(fullName: string): string;
  /** The commit a branch or tag of a bare repository points to (peeled). */
  tip(fullName: string, ref: string): string;
  /** Every ref of a bare repository, to show that nothing was written. */
  refs(fullName: string): string;
  /** The file `file` at `ref` of a bare repository. */
  show(fullName: string, ref: string, file: string): string;
  /** Commits `files` on `branch` of a bare repository (a new branch starts from `from`). @returns the commit */
  commit(fullName: string, branch: string, files: Record<string, string>, message: string, from?: string): Promise<string>;
  /** Records a merged pull request whose merge commit is `sha` (what generate-notes lists). */
  merged(fullName: string, title: string, sha: string, login?: string): PullRequest;
  /** Runs the bundle against this world. */
  run(inputs: Record<string, string>, token?: string): Promise<BundleRun>;
  /** Requests that wrote something through the REST API or GraphQL (generate-notes only reads). */
  writes(): string[];
  close(): Promise<void>;
}

/** Commits `files` on `branch` (created from `from` when missing) of a bare repository, through a scratch clone. */
async function commitTo(
  bare: string,
  branch: string,
  files: Record<string, string>,
  message: string,
  options: { from?: string; gitlinks?: Record<string, string>; tag?: string } = {},
): Promise<string> {
  const work = await mkdtemp(path.join(tmpdir(), 'open-release-work-'));
  try {
    git(work, 'init', '--quiet', '--initial-branch', branch);
    const from = options.from ?? branch;
    const known = git(bare, 'for-each-ref', '--format=%(refname)', `refs/heads/${from}`);
    if (known) {
      git(work, 'fetch', '--quiet', bare, `+refs/heads/${from}:refs/remotes/origin/${from}`);
      git(work, 'checkout', '--quiet', '-B', branch, `origin/${from}`);
    }
    await writeFiles(work, files);
    git(work, 'add', '--all');
    for (const [at, sha] of Object.entries(options.gitlinks ?? {})) git(work, 'update-index', '--add', '--cacheinfo', `160000,${sha},${at}`);
    git(work, 'commit', '--quiet', '--allow-empty', '--message', message);
    const sha = git(work, 'rev-parse', 'HEAD');
    if (options.tag) git(work, 'tag', '--annotate', '--message', options.tag, options.tag);
    git(work, 'push', '--quiet', bare, `HEAD:refs/heads/${branch}`, ...(options.tag ? [`refs/tags/${options.tag}`] : []));
    return sha;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const GITMODULES = `[submodule "exegol-images"]\n\tpath = exegol-images\n\turl = ../Exegol-images.git\n\tbranch = main\n[submodule "exegol-resources"]\n\tpath = exegol-resources\n\turl = ../Exegol-resources.git\n\tbranch = main\n`;

/**
 * The world of the rehearsal's two releases:
 * - images (`main`, `dev`): `main` i0 → i1 tagged 3.1.5; `dev` two merged pull requests past 3.1.5;
 * - resources (`main`): r0 → r1;
 * - wrapper (`master`, `dev`): `master` at 5.1.4 (tagged), recording images i0 and resources r0 (both
 *   behind their `main`); `dev` 5.1.5b1 (tagged, spawn `2b`), a merged pull request, then 5.1.5b2 (tagged).
 */
export async function createWorld(): Promise<World> {
  template ??= buildTemplate();
  const { root: source, merged } = await template;
  const root = await mkdtemp(path.join(tmpdir(), 'open-release-'));
  await cp(source, root, { recursive: true });
  const bare = (fullName: string) => path.join(root, `${fullName}.git`);
  const api = new GitHubApiStandIn('ThePorgs', 'Exegol');
  api.repository(IMAGES);
  api.repository(RESOURCES);
  const release = serveReleaseEndpoints(api);
  for (const name of [WRAPPER, IMAGES, RESOURCES]) release.bare.set(name, bare(name));
  const remote = await startPublicGitRemote(root, (password) =>
    password === TOKEN ? { login: APP_LOGIN, mayPush: true } : password === READ_ONLY_TOKEN ? { login: 'github-actions[bot]', mayPush: false } : undefined,
  );
  const open = serveOpenReleaseEndpoints(api, release, (fullName) => `${remote.base}/${fullName}.git`);
  for (const name of [WRAPPER, IMAGES])
    open.settings.set(name, { allow_merge_commit: true, allow_squash_merge: true, allow_rebase_merge: true, allow_auto_merge: true });
  api.tokens.set(TOKEN, { login: APP_LOGIN, installation: true, permissions: { contents: 'write', 'pull-requests': 'write' } });
  api.tokens.set(READ_ONLY_TOKEN, { login: 'github-actions[bot]', installation: true, permissions: { contents: 'read', 'pull-requests': 'read' } });
  for (const name of [WRAPPER, IMAGES]) api.repository(name).permissions.set(MAINTAINER, 'maintain');
  await api.start();

  const world: World = {
    root,
    api,
    release,
    open,
    remote,
    bare,
    tip: (fullName, ref) => git(bare(fullName), 'rev-parse', `${ref}^{commit}`),
    refs: (fullName) => git(bare(fullName), 'for-each-ref', '--format=%(refname) %(objectname)'),
    show: (fullName, ref, file) => git(bare(fullName), 'show', `${ref}:${file}`),
    commit: (fullName, branch, files, message, from) => commitTo(bare(fullName), branch, files, message, from ? { from } : {}),
    merged: (fullName, title, sha, login = 'contributor') => mergedPull(api.repository(fullName), fullName, title, sha, login),
    run: (inputs, token = TOKEN) =>
      runBundle('open-release-pr', {
        inputs: { 'github-token': token, ...inputs },
        env: { GITHUB_API_URL: api.url, GITHUB_SERVER_URL: remote.base, GITHUB_REPOSITORY: WRAPPER },
      }),
    writes: () =>
      api.requests
        .filter((request) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(request.method) && !/\/releases\/generate-notes$|^\/graphql$/.test(request.path))
        .map((request) => `${request.method} ${request.path}`)
        .concat(open.mutations.map((mutation) => `graphql ${mutation.query.slice(0, 40)}`)),
    close: async () => {
      await api.stop();
      await remote.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  for (const pull of merged) world.merged(pull.fullName, pull.title, pull.sha);
  return world;
}

/** The repositories, built once a test file and copied for each test, and the merged pull requests to record. */
let template: Promise<{ root: string; merged: { fullName: string; title: string; sha: string }[] }> | undefined;

async function buildTemplate(): Promise<{ root: string; merged: { fullName: string; title: string; sha: string }[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'open-release-template-'));
  const bare = (fullName: string) => path.join(root, `${fullName}.git`);
  for (const name of [WRAPPER, IMAGES, RESOURCES]) {
    await mkdir(bare(name), { recursive: true });
    git(bare(name), 'init', '--quiet', '--bare', '--initial-branch', name === WRAPPER ? 'master' : 'main');
  }
  const merged: { fullName: string; title: string; sha: string }[] = [];
  const record = (fullName: string, title: string, sha: string) => void merged.push({ fullName, title, sha });

  // Images and resources: the submodules' histories, and the images' own release history.
  const i0 = await commitTo(bare(IMAGES), 'main', { Dockerfile: 'FROM debian\n' }, 'Images base');
  await commitTo(bare(IMAGES), 'main', { 'sources/install/package_ad.sh': 'install_ad_tools\n' }, 'AD tools', { tag: '3.1.5' });
  const r0 = await commitTo(bare(RESOURCES), 'main', { 'resources_list.csv': 'name,url\n' }, 'Resources');
  await commitTo(bare(RESOURCES), 'main', { 'resources_list.csv': 'name,url\nwinpeas,https://example.invalid/winpeas\n' }, 'Update resources');
  await commitTo(bare(IMAGES), 'dev', {}, 'Start dev', { from: 'main' });
  record(
    IMAGES,
    'Add the web flavour tools',
    await commitTo(bare(IMAGES), 'dev', { 'sources/install/package_web.sh': 'install_web_tools\n' }, 'Merge pull request #1'),
  );
  record(
    IMAGES,
    'Fix the OSINT install',
    await commitTo(bare(IMAGES), 'dev', { 'sources/install/package_osint.sh': 'install_osint\n' }, 'Merge pull request #2'),
  );

  // The wrapper: master at 5.1.4, dev at 5.1.5b2 with a merged pull request since 5.1.5b1.
  const gitlinks = { 'exegol-images': i0, 'exegol-resources': r0 };
  await commitTo(bare(WRAPPER), 'master', { ...wrapperFiles({ version: '5.1.4', spawnVersion: '2' }), '.gitmodules': GITMODULES }, 'Exegol 5.1.4', {
    gitlinks,
    tag: '5.1.4',
  });
  await commitTo(bare(WRAPPER), 'dev', wrapperFiles({ version: '5.1.5b1', spawnVersion: '2b' }), 'Version 5.1.5b1', { from: 'master', tag: '5.1.5b1' });
  record(WRAPPER, 'Compose support', await commitTo(bare(WRAPPER), 'dev', { 'exegol/compose.py': 'COMPOSE = True\n' }, 'Merge pull request #3'));
  await commitTo(bare(WRAPPER), 'dev', wrapperFiles({ version: '5.1.5b2', spawnVersion: '2b' }), 'Version 5.1.5b2', { tag: '5.1.5b2' });
  return { root, merged };
}

/** A merged pull request as GET …/pulls returns it, merged at `sha` (generate-notes lists it when the range holds `sha`). */
function mergedPull(state: GitHubState, fullName: string, title: string, sha: string, login: string): PullRequest {
  const number = Math.max(500, ...state.pulls.keys()) + 1;
  const now = new Date().toISOString();
  const pr: PullRequest = {
    number,
    state: 'closed',
    title,
    body: null,
    user: user(login),
    html_url: `https://github.com/${fullName}/pull/${number}`,
    merged: true,
    merged_at: now,
    closed_at: now,
    merge_commit_sha: sha,
    head: { ref: `feature-${number}`, label: `${login}:feature-${number}`, sha },
    base: { ref: 'dev', label: `ThePorgs:dev`, sha },
  };
  state.pulls.set(number, pr);
  return pr;
}
