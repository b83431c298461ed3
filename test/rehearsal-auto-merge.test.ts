// GitHub Apps' installation tokens (packages/testbed/src/stand-ins/github-api-apps.ts, minted by the
// rehearsal's stand-in for actions/create-github-app-token) and auto-merge under branch protection
// (packages/testbed/src/stand-ins/github-api-auto-merge.ts): the rules the rehearsal's release pull
// requests depend on, so that a release cannot merge in the rehearsal where GitHub would not merge it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { GitHubApiStandIn } from '@exegol-release/testbed/stand-ins/github-api.js';
import { freshRequest } from '@exegol-release/testbed/stand-ins/fresh-request.js';
import { serveReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-release.js';
import { serveOpenReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-open-release.js';
import { serveAppEndpoints, type AppEndpoints, type GitHubApp } from '@exegol-release/testbed/stand-ins/github-api-apps.js';
import { serveAutoMerge, type AutoMerge } from '@exegol-release/testbed/stand-ins/github-api-auto-merge.js';
import { ACTION_STAND_INS, type StandInCall } from '../scripts/rehearse/engine/stand-ins.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
const GATE = 'Release pull request gate';
let root: string;
let bare: string;
let api: GitHubApiStandIn;
let apps: AppEndpoints;
let autoMerge: AutoMerge;
let app: GitHubApp;
let nextCheck = 1;

/** A REST request with a token (a connection of its own: the stand-in runs in this process). */
async function call(token: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await freshRequest(`${api.url}${route}`, { method, headers: { authorization: `token ${token}` }, ...(body !== undefined ? { body } : {}) });
  return { status: response.status, json: response.text ? (JSON.parse(response.text) as Record<string, unknown>) : {} };
}

/** The stand-in for actions/create-github-app-token, run as a step of a job in `repository`. */
function mintToken(privateKey: string, extra: Record<string, string> = {}) {
  const standIn = ACTION_STAND_INS['actions/create-github-app-token']!;
  const step: StandInCall = {
    with: { 'app-id': String(app.id), 'private-key': privateKey, ...extra },
    workspace: root,
    runnerDirectory: root,
    token: 'ghs_job',
    github: { repository: REPOSITORY, sha: '', ref: 'refs/heads/main' },
    apiUrl: api.url,
    env: {},
    cloneUrl: () => '',
    artifacts: root,
    addPath: () => undefined,
    addEnv: () => undefined,
  };
  return standIn.run(step) as Promise<{
    outputs: { token: string; 'installation-id': string; 'app-slug': string };
    lines: string[];
    post?: () => Promise<{ lines?: string[] }>;
  }>;
}

/** A completed check run of `name` on `sha`, as GitHub Actions records a job's. */
function checkRun(sha: string, name: string, conclusion: 'success' | 'failure'): void {
  const state = api.repository(REPOSITORY);
  const id = (nextCheck += 1);
  state.checkRuns.set(sha, [
    ...(state.checkRuns.get(sha) ?? []),
    { id, name, head_sha: sha, status: 'completed', conclusion, completed_at: new Date().toISOString() },
  ]);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rehearsal-auto-merge-'));
  bare = path.join(root, `${REPOSITORY}.git`);
  const work = path.join(root, 'work');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  git(work, 'commit', '--quiet', '--allow-empty', '-m', 'Exegol images 3.1.5');
  git(work, 'checkout', '--quiet', '-b', 'dev');
  git(work, 'commit', '--quiet', '--allow-empty', '-m', 'Sliver in the full image');
  git(work, 'push', '--quiet', `file://${bare}`, 'main', 'dev');
  api = new GitHubApiStandIn('ThePorgs', 'Exegol-images');
  const release = serveReleaseEndpoints(api);
  const openRelease = serveOpenReleaseEndpoints(api, release, () => '');
  apps = serveAppEndpoints(api);
  autoMerge = serveAutoMerge(api, release);
  app = apps.register({
    id: 42,
    slug: 'exegol-release',
    name: 'Exegol release',
    account: 'ThePorgs',
    repositories: [REPOSITORY],
    permissions: { contents: 'write', pull_requests: 'write' },
  });
  api.tokens.set('pat-alice', { login: 'maintainer-alice', installation: false });
  api.tokens.set('pat-bob', { login: 'maintainer-bob', installation: false });
  api.tokens.set('pat-reader', { login: 'reader-dan', installation: false });
  await api.start();
  const state = api.repository(REPOSITORY);
  state.permissions.set('maintainer-alice', 'admin');
  state.permissions.set('maintainer-bob', 'maintain');
  state.permissions.set('reader-dan', 'read');
  release.bare.set(REPOSITORY, bare);
  openRelease.settings.set(REPOSITORY, { allow_merge_commit: true, allow_squash_merge: false, allow_rebase_merge: false, allow_auto_merge: true });
  api.protect(REPOSITORY, 'main', { requiredApprovingReviewCount: 1, requiredStatusChecks: [GATE] });
});

afterAll(async () => {
  await api?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('a GitHub App installation token, as actions/create-github-app-token mints it', () => {
  it("acts as the App's bot with the installation's permissions, for the current repository", async () => {
    const minted = await mintToken(app.privateKey);
    expect(minted.outputs).toMatchObject({ 'installation-id': '421', 'app-slug': 'exegol-release' });
    expect(minted.lines.join('\n')).not.toContain(minted.outputs.token);
    expect(api.tokens.get(minted.outputs.token)).toEqual({
      login: 'exegol-release[bot]',
      installation: true,
      permissions: { metadata: 'read', contents: 'write', 'pull-requests': 'write' },
    });
    expect(apps.minted.at(-1)).toMatchObject({ app: 'exegol-release', repositories: [REPOSITORY] });
  });

  it('is refused for a JWT signed with another key (401), a permission the installation lacks or another repository (422)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await expect(mintToken(other)).rejects.toThrow(/HTTP 401 A JSON web token could not be decoded/);
    await expect(mintToken(app.privateKey, { 'permission-administration': 'write' })).rejects.toThrow(
      /HTTP 422 The permissions requested are not granted to this installation/,
    );
    await expect(mintToken(app.privateKey, { repositories: 'Exegol-images\nExegol-docs' })).rejects.toThrow(/HTTP 422 There is at least one repository/);
    const narrowed = await mintToken(app.privateKey, { 'permission-contents': 'read' });
    expect(api.tokens.get(narrowed.outputs.token)?.permissions).toEqual({ contents: 'read' });
  });

  it('is revoked by the post step at the end of the job, then refused 401 everywhere; skip-token-revoke keeps it', async () => {
    const minted = await mintToken(app.privateKey);
    expect((await call(minted.outputs.token, 'GET', `/repos/${REPOSITORY}`)).status).toBe(200);
    expect(minted.post).toBeDefined();
    expect((await minted.post!()).lines).toEqual(['Token revoked (DELETE /installation/token: 204)']);
    expect(await call(minted.outputs.token, 'GET', `/repos/${REPOSITORY}`)).toEqual({
      status: 401,
      json: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
    });
    expect(api.revokedTokens.has(minted.outputs.token)).toBe(true);
    // Only an installation token revokes itself: another token is refused, and stays valid.
    expect((await call('pat-alice', 'DELETE', '/installation/token')).status).toBe(403);
    expect((await call('pat-alice', 'GET', `/repos/${REPOSITORY}`)).status).toBe(200);
    const kept = await mintToken(app.privateKey, { 'skip-token-revoke': 'true' });
    expect(kept.post).toBeUndefined();
  });
});

describe('auto-merge under branch protection', () => {
  it('merges only once one approval by a writer and the required gate on the head are there, as the App that enabled it, with a merge commit', async () => {
    const { outputs } = await mintToken(app.privateKey);
    const opened = await call(outputs.token, 'POST', `/repos/${REPOSITORY}/pulls`, { title: 'Release 3.1.6', head: 'dev', base: 'main', body: 'Release' });
    expect([opened.status, (opened.json['user'] as { login: string }).login]).toEqual([201, 'exegol-release[bot]']);
    const number = opened.json['number'] as number;
    const enabled = await call(outputs.token, 'POST', '/graphql', {
      query:
        'mutation($pullRequestId: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: MERGE}) { pullRequest { number } } }',
      variables: { pullRequestId: opened.json['node_id'] },
    });
    expect(enabled.json['errors']).toBeUndefined();
    const head = git(bare, 'rev-parse', 'dev');
    const main = git(bare, 'rev-parse', 'main');

    // Nothing yet: no approval, no gate.
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
    expect(autoMerge.evaluations.at(-1)!.missing).toEqual([
      'At least 1 approving review is required by reviewers with write access.',
      `Required status check "${GATE}" is expected.`,
    ]);
    // The gate passed, but no approval: too early.
    checkRun(head, GATE, 'success');
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
    // An approval by someone without write access does not count.
    expect((await call('pat-reader', 'POST', `/repos/${REPOSITORY}/pulls/${number}/reviews`, { event: 'APPROVE' })).status).toBe(200);
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
    // A maintainer's approval, while the gate's latest run failed: still too early.
    checkRun(head, GATE, 'failure');
    expect((await call('pat-bob', 'POST', `/repos/${REPOSITORY}/pulls/${number}/reviews`, { event: 'APPROVE' })).status).toBe(200);
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
    expect(autoMerge.evaluations.at(-1)!.missing).toEqual([`Required status check "${GATE}" is failing.`]);
    expect(git(bare, 'rev-parse', 'main')).toBe(main);
    // A change requested by a maintainer blocks it, until they approve.
    expect((await call('pat-alice', 'POST', `/repos/${REPOSITORY}/pulls/${number}/reviews`, { event: 'REQUEST_CHANGES', body: 'README' })).status).toBe(200);
    checkRun(head, GATE, 'success');
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
    expect(autoMerge.evaluations.at(-1)!.missing).toEqual(['Changes requested by maintainer-alice: blocked until they approve or their review is dismissed.']);
    expect((await call('pat-alice', 'POST', `/repos/${REPOSITORY}/pulls/${number}/reviews`, { event: 'COMMENT', body: 'ok' })).status).toBe(200);
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
    api
      .repository(REPOSITORY)
      .reviews.get(number)!
      .find((review) => review.user?.login === 'maintainer-alice')!.state = 'DISMISSED';

    // Every requirement met: merged, as the App.
    const [merged] = await autoMerge.run(REPOSITORY);
    expect(merged).toMatchObject({ repository: REPOSITORY, number, by: 'exegol-release[bot]', mergeMethod: 'merge' });
    expect(git(bare, 'rev-parse', 'main')).toBe(merged!.sha);
    expect(git(bare, 'rev-list', '--parents', '-n', '1', merged!.sha).split(' ').slice(1)).toEqual([main, head]);
    const pull = api.repository(REPOSITORY).pulls.get(number)!;
    expect([pull.merged, pull.merged_by?.login, pull.merge_commit_sha]).toEqual([true, 'exegol-release[bot]', merged!.sha]);
    expect(await autoMerge.run(REPOSITORY)).toEqual([]);
  });
});
