import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { GitHubApiStandIn, emptyState, user, type Comment, type PullRequest, type Route } from '@exegol-release/testbed/stand-ins/github-api.js';
import { serveSyncEndpoints, type SyncEndpoints } from '@exegol-release/testbed/stand-ins/github-api-sync.js';

export const UPSTREAM = 'ThePorgs/Exegol';
export const FORK = 'contributor/Exegol';
export const PR_NUMBER = 7;
export const COMMENT_ID = 9001;
export const HEAD_BRANCH = 'feature/compose-support';
export const TOKEN = 'ghs_syncStandInToken789';
export const MAINTAINER = 'maintainer-bob';
export const DRIVE_BY = 'drive-by';

/** Two bare repositories laid out as a Git host serves them: `<root>/ThePorgs/Exegol.git` and its fork `<root>/contributor/Exegol.git`. */
export interface Repositories {
  readonly root: string;
  readonly upstream: string;
  readonly fork: string;
}

/** Writes `files` on `branch` of a bare repository (from `from`, default the branch itself) as one commit, and pushes it. @returns the commit */
export async function commitTo(bare: string, branch: string, files: Record<string, string>, message: string, from = branch): Promise<string> {
  const work = await mkdtemp(path.join(tmpdir(), 'sync-work-'));
  try {
    git(work, 'init', '--quiet');
    git(work, 'fetch', '--quiet', bare, `+refs/heads/${from}:refs/remotes/origin/${from}`);
    git(work, 'checkout', '--quiet', '-B', branch, `origin/${from}`);
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), text);
    }
    git(work, 'add', '--all');
    git(work, 'commit', '--quiet', '--message', message);
    git(work, 'push', '--quiet', bare, `HEAD:refs/heads/${branch}`);
    return git(work, 'rev-parse', 'HEAD');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const CONSTANT_CONFIG = 'exegol/config/ConstantConfig.py';

/**
 * The wrapper upstream (`master`, `dev`) and a contributor's fork with a head branch off `dev`
 * that changes the README; then upstream's `dev` moves on: with `conflict`, it changes the same
 * README line, else another file. `master` gains a commit of its own (another branch to sync).
 */
export async function createRepositories(options: { conflict?: boolean; headBranch?: string } = {}): Promise<Repositories> {
  const key = JSON.stringify([options.conflict ?? false, options.headBranch ?? HEAD_BRANCH]);
  if (!templates.has(key)) templates.set(key, buildRepositories(options));
  const template = await templates.get(key)!;
  const root = await mkdtemp(path.join(tmpdir(), 'sync-repositories-'));
  await cp(template.root, root, { recursive: true });
  return { root, upstream: path.join(root, 'ThePorgs', 'Exegol.git'), fork: path.join(root, 'contributor', 'Exegol.git') };
}

/** Repositories built once a test file and variant, copied for each test. */
const templates = new Map<string, Promise<Repositories>>();

async function buildRepositories(options: { conflict?: boolean; headBranch?: string }): Promise<Repositories> {
  const root = await mkdtemp(path.join(tmpdir(), 'sync-template-'));
  const upstream = path.join(root, 'ThePorgs', 'Exegol.git');
  const fork = path.join(root, 'contributor', 'Exegol.git');
  const headBranch = options.headBranch ?? HEAD_BRANCH;
  await mkdir(upstream, { recursive: true });
  git(upstream, 'init', '--quiet', '--bare', '--initial-branch', 'master');
  const seed = await mkdtemp(path.join(tmpdir(), 'sync-seed-'));
  git(seed, 'init', '--quiet', '--initial-branch', 'master');
  await mkdir(path.join(seed, 'exegol', 'config'), { recursive: true });
  await writeFile(path.join(seed, 'README.md'), '# Exegol\n\nA community-driven hacking environment.\n');
  await writeFile(path.join(seed, CONSTANT_CONFIG), '__version__ = "5.1.4"\n');
  git(seed, 'add', '--all');
  git(seed, 'commit', '--quiet', '--message', 'Exegol 5.1.4');
  git(seed, 'push', '--quiet', upstream, 'master', 'master:dev');
  await rm(seed, { recursive: true, force: true });

  await mkdir(path.dirname(fork), { recursive: true });
  git(root, 'clone', '--quiet', '--bare', upstream, fork);
  await commitTo(fork, headBranch, { 'README.md': '# Exegol\n\nA community-driven hacking environment, with Compose support.\n' }, 'Compose support', 'dev');
  if (options.conflict) await commitTo(upstream, 'dev', { 'README.md': '# Exegol\n\nA fully featured hacking environment.\n' }, 'Reword the README');
  else await commitTo(upstream, 'dev', { [CONSTANT_CONFIG]: '__version__ = "5.1.5b1"\n' }, 'Version 5.1.5b1');
  await commitTo(upstream, 'master', { 'SECURITY.md': '# Security policy\n' }, 'Security policy');
  return { root, upstream, fork };
}

/** The pull request fork → upstream `dev`, shaped as GET /repos/{owner}/{repo}/pulls/{pull_number} returns it; the stand-in fills the SHAs from the repositories. */
export function syncPullRequest(cloneUrl: (fullName: string) => string, overrides: Partial<PullRequest> = {}, headBranch = HEAD_BRANCH): PullRequest {
  const repository = (fullName: string, id: number) => ({
    id,
    name: fullName.split('/')[1],
    full_name: fullName,
    owner: user(fullName.split('/')[0]!),
    private: false,
    fork: fullName !== UPSTREAM,
    html_url: `https://github.com/${fullName}`,
    clone_url: cloneUrl(fullName),
    default_branch: 'master',
  });
  return {
    url: `https://api.github.com/repos/${UPSTREAM}/pulls/${PR_NUMBER}`,
    id: 2_100_000_007,
    html_url: `https://github.com/${UPSTREAM}/pull/${PR_NUMBER}`,
    number: PR_NUMBER,
    state: 'open',
    locked: false,
    title: 'Compose support',
    user: user('contributor'),
    body: 'Adds Compose support.',
    draft: false,
    merged: false,
    merged_at: null,
    closed_at: null,
    maintainer_can_modify: true,
    head: { label: `contributor:${headBranch}`, ref: headBranch, sha: '', user: user('contributor'), repo: repository(FORK, 2) },
    base: { label: 'ThePorgs:dev', ref: 'dev', sha: '', user: user('ThePorgs'), repo: repository(UPSTREAM, 1) },
    author_association: 'CONTRIBUTOR',
    comments: 1,
    ...overrides,
  };
}

/** The command comment, as the issue_comment webhook and GET …/issues/{issue_number}/comments give it. */
export function commandComment(body: string, login = MAINTAINER): Comment {
  return {
    id: COMMENT_ID,
    node_id: 'IC_kwDOsync',
    body,
    user: user(login),
    html_url: `https://github.com/${UPSTREAM}/pull/${PR_NUMBER}#issuecomment-${COMMENT_ID}`,
    created_at: '2026-11-20T10:00:00Z',
    updated_at: '2026-11-20T10:00:00Z',
    author_association: login === MAINTAINER ? 'MEMBER' : 'NONE',
  };
}

/** A webhook payload file (GITHUB_EVENT_PATH) holding `payload`. */
export async function eventFile(payload: unknown): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'sync-event-'));
  const file = path.join(directory, 'event.json');
  await writeFile(file, JSON.stringify(payload));
  return file;
}

/** An issue_comment webhook payload file (GITHUB_EVENT_PATH), `created` unless `action` says otherwise. */
export async function commentEvent(comment: Comment, onPullRequest = true, action = 'created'): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'sync-event-'));
  const file = path.join(directory, 'event.json');
  await writeFile(
    file,
    JSON.stringify({
      action,
      issue: {
        number: PR_NUMBER,
        title: 'Compose support',
        state: 'open',
        user: user('contributor'),
        ...(onPullRequest ? { pull_request: { url: `https://api.github.com/repos/${UPSTREAM}/pulls/${PR_NUMBER}` } } : {}),
      },
      comment,
      repository: { full_name: UPSTREAM },
      sender: comment.user,
    }),
  );
  return file;
}

/** The world of one test: repositories, the stand-in's state for them, and a run of the bundle. */
export interface SyncWorld {
  repositories: Repositories;
  api: GitHubApiStandIn;
  endpoints: SyncEndpoints;
  /** Sets up repositories and the pull request; `comment` is the command comment's body. */
  prepare(options?: { conflict?: boolean; headBranch?: string; pullRequest?: Partial<PullRequest>; commenter?: string }): Promise<Repositories>;
  /** Runs the bundle for a comment `body` (stored as the command comment), or with `inputs` only when `body` is undefined. */
  sync(body: string | undefined, inputs?: Record<string, string>, env?: Record<string, string | undefined>): Promise<BundleRun>;
  /** The replies on the pull request, the command comment left out. */
  replies(): Comment[];
}

/** One stand-in per test file, reset before each test; each `prepare` makes new repositories. */
export function useSyncWorld(options: { cloneUrl?: (root: string, fullName: string) => string; serverUrl?: () => string } = {}): SyncWorld {
  const world = {} as SyncWorld;
  const cloneUrlFor = options.cloneUrl ?? ((root, fullName) => `file://${path.join(root, `${fullName}.git`)}`);
  let commenter = MAINTAINER;
  let syncRoutes: Route[] = [];
  beforeAll(async () => {
    world.api = await new GitHubApiStandIn('ThePorgs', 'Exegol').start();
    world.endpoints = serveSyncEndpoints(world.api);
    syncRoutes = [...world.api.routes];
  });
  afterAll(async () => world.api?.stop());
  beforeEach(() => {
    Object.assign(world.api.state, emptyState());
    world.api.repositories.clear();
    world.api.repositories.set(UPSTREAM, world.api.state);
    world.api.requests.length = 0;
    world.api.faults.length = 0;
    world.api.routes.splice(0, Infinity, ...syncRoutes);
    world.endpoints.bare.clear();
    world.endpoints.reactions.clear();
    world.endpoints.reactionLog.length = 0;
    world.endpoints.updates.length = 0;
  });
  world.prepare = async (prepared = {}) => {
    const repositories = await createRepositories(prepared);
    world.repositories = repositories;
    world.endpoints.bare.set(UPSTREAM, repositories.upstream);
    world.endpoints.bare.set(FORK, repositories.fork);
    const state = world.api.state;
    state.pulls.set(
      PR_NUMBER,
      syncPullRequest((fullName) => cloneUrlFor(repositories.root, fullName), prepared.pullRequest, prepared.headBranch),
    );
    state.permissions.set(MAINTAINER, 'write');
    state.permissions.set('maintainer-alice', 'admin');
    state.permissions.set(DRIVE_BY, 'read');
    commenter = prepared.commenter ?? MAINTAINER;
    return repositories;
  };
  world.sync = async (body, inputs = {}, env = {}) => {
    let eventEnv: Record<string, string | undefined> = { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_EVENT_PATH: undefined };
    if (body !== undefined) {
      const comment = commandComment(body, commenter);
      const others = (world.api.state.comments.get(PR_NUMBER) ?? []).filter((entry) => entry.id !== COMMENT_ID);
      world.api.state.comments.set(PR_NUMBER, [comment, ...others]);
      eventEnv = { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: await commentEvent(comment) };
    }
    const run = await runBundle('sync-pr-branch', {
      inputs: { 'github-token': TOKEN, ...inputs },
      env: {
        GITHUB_API_URL: world.api.url,
        GITHUB_SERVER_URL: options.serverUrl?.() ?? 'https://github.com',
        GITHUB_REPOSITORY: UPSTREAM,
        GITHUB_RUN_ID: '424242',
        ...eventEnv,
        ...env,
      },
    });
    await world.endpoints.settled();
    return run;
  };
  world.replies = () => (world.api.state.comments.get(PR_NUMBER) ?? []).filter((comment) => comment.id !== COMMENT_ID);
  return world;
}

/** A branch's tip in a bare repository. */
export function tip(bare: string, branch: string): string {
  return git(bare, 'rev-parse', `refs/heads/${branch}`);
}

/** The parents of a commit. */
export function parents(bare: string, commit: string): string[] {
  return git(bare, 'rev-list', '--parents', '-n', '1', commit).split(' ').slice(1);
}

/** A file at a commit. */
export function fileAt(bare: string, commit: string, file: string): string {
  return git(bare, 'show', `${commit}:${file}`);
}
