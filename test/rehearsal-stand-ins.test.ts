// The GitHub rules the rehearsal's stand-ins add (packages/testbed/src/stand-ins/github-api-release.ts, the token
// permissions of github-api.ts, startPublicGitRemote of git-http.ts, the gh stand-in
// scripts/rehearse/gh.mjs): each one a real release depends on, so that the rehearsal cannot pass where
// GitHub would refuse.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitOutcomeAsync as gitAsync } from '@exegol-release/testbed/fixtures/git.js';
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn } from '@exegol-release/testbed/stand-ins/github-api.js';
import { serveReleaseEndpoints, type ReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-release.js';
import { startPublicGitRemote, type GitHttpRemote } from '@exegol-release/testbed/stand-ins/git-http.js';
import { NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
const TOKENS = {
  alice: 'pat-alice',
  bob: 'pat-bob',
  readOnly: 'ghs-contents-read',
  writer: 'ghs-contents-write',
  commenter: 'ghs-pull-requests-write',
  issues: 'ghs-issues-write',
};
let root: string;
let bare: string;
let api: GitHubApiStandIn;
let endpoints: ReleaseEndpoints;
let remote: GitHttpRemote;

/** A REST request with a token. */
async function call(token: string, method: string, route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api.url}/repos/${REPOSITORY}${route}`, {
    method,
    headers: { authorization: `token ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rehearsal-stand-ins-'));
  bare = path.join(root, 'github.com', `${REPOSITORY}.git`);
  const work = path.join(root, 'work');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  git(work, 'commit', '--quiet', '--allow-empty', '-m', 'Exegol images 3.1.5');
  git(work, 'tag', '-a', '-m', '3.1.5', '3.1.5');
  git(work, 'checkout', '--quiet', '-b', 'dev');
  git(work, 'commit', '--quiet', '--allow-empty', '-m', 'Sliver in the full image');
  git(work, 'push', '--quiet', `file://${bare}`, 'main', 'dev', '3.1.5');
  api = new GitHubApiStandIn('ThePorgs', 'Exegol-images');
  endpoints = serveReleaseEndpoints(api);
  api.tokens.set(TOKENS.alice, { login: 'maintainer-alice', installation: false });
  api.tokens.set(TOKENS.bob, { login: 'maintainer-bob', installation: false });
  api.tokens.set(TOKENS.readOnly, { ...GITHUB_ACTIONS_BOT, permissions: { contents: 'read', 'pull-requests': 'read' } });
  api.tokens.set(TOKENS.writer, { ...GITHUB_ACTIONS_BOT, permissions: { contents: 'write' } });
  api.tokens.set(TOKENS.commenter, { ...GITHUB_ACTIONS_BOT, permissions: { contents: 'read', 'pull-requests': 'write' } });
  api.tokens.set(TOKENS.issues, { ...GITHUB_ACTIONS_BOT, permissions: { issues: 'write' } });
  await api.start();
  api.repository(REPOSITORY);
  endpoints.bare.set(REPOSITORY, bare);
  remote = await startPublicGitRemote(path.join(root, 'github.com'), (password) => {
    const identity = api.tokens.get(password);
    return identity
      ? {
          login: identity.login,
          mayPush: !identity.permissions || identity.permissions['contents'] === 'write',
          mayChangeWorkflows: !identity.permissions || identity.permissions['workflows'] === 'write',
        }
      : undefined;
  });
});

afterAll(async () => {
  await remote?.close();
  await api?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('pull requests served from git', () => {
  it('are opened, approved by another maintainer, merged with a merge commit of base and head, and only once', async () => {
    const refused = await call(TOKENS.readOnly, 'POST', '/pulls', { title: 'Release 3.1.6', head: 'dev', base: 'main' });
    expect([refused.status, refused.json['message']]).toEqual([403, 'Resource not accessible by integration']);
    const opened = await call(TOKENS.alice, 'POST', '/pulls', { title: 'Release 3.1.6', head: 'dev', base: 'main', body: '- Sliver' });
    expect(opened.status).toBe(201);
    const number = opened.json['number'] as number;
    const dev = git(bare, 'rev-parse', 'dev');
    const main = git(bare, 'rev-parse', 'main');
    expect((opened.json['head'] as { sha: string }).sha).toBe(dev);
    const again = await call(TOKENS.alice, 'POST', '/pulls', { title: 'Release 3.1.6', head: 'dev', base: 'main' });
    expect(again.status).toBe(422);
    expect(JSON.stringify(again.json)).toContain('A pull request already exists for ThePorgs:dev.');

    const own = await call(TOKENS.alice, 'POST', `/pulls/${number}/reviews`, { event: 'APPROVE' });
    expect([own.status, own.json['errors']]).toEqual([422, ['Can not approve your own pull request']]);
    const approved = await call(TOKENS.bob, 'POST', `/pulls/${number}/reviews`, { event: 'APPROVE' });
    expect([approved.status, approved.json['state'], approved.json['commit_id']]).toEqual([200, 'APPROVED', dev]);

    const noWrite = await call(TOKENS.readOnly, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge' });
    expect(noWrite.status).toBe(403);
    const stale = await call(TOKENS.alice, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge', sha: main });
    expect([stale.status, stale.json['message']]).toEqual([409, 'Head branch was modified. Review and try the merge again.']);
    const merged = await call(TOKENS.alice, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge', sha: dev });
    expect([merged.status, merged.json['merged']]).toEqual([200, true]);
    const sha = merged.json['sha'] as string;
    expect(git(bare, 'rev-parse', 'main')).toBe(sha);
    expect(git(bare, 'rev-list', '--parents', '-n', '1', sha).split(' ').slice(1)).toEqual([main, dev]);
    expect(git(bare, 'log', '-1', '--format=%an <%ae> / %cn <%ce>%n%B', sha).trim()).toBe(
      `maintainer-alice <${'maintainer-alice'.length * 1000 + 'm'.charCodeAt(0)}+maintainer-alice@users.noreply.github.com> / GitHub <noreply@github.com>\nMerge pull request #${number} from ThePorgs/dev\n\nRelease 3.1.6`,
    );
    const pull = (await call(TOKENS.readOnly, 'GET', `/pulls/${number}`)).json;
    expect([pull['state'], pull['merged'], pull['merge_commit_sha']]).toEqual(['closed', true, sha]);
    expect(api.repository(REPOSITORY).parents.get(sha)).toEqual([main, dev]);
    const twice = await call(TOKENS.alice, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge' });
    expect([twice.status, twice.json['message']]).toEqual([405, 'Pull Request is not mergeable']);
  });

  it('take a comment only from a token with pull-requests: write or issues: write, as GitHub answers a GITHUB_TOKEN', async () => {
    const number = [...api.repository(REPOSITORY).pulls.keys()][0]!;
    const refused = await call(TOKENS.readOnly, 'POST', `/issues/${number}/comments`, { body: 'checklist' });
    expect([refused.status, refused.json['message']]).toEqual([403, 'Resource not accessible by integration']);
    expect((await call(TOKENS.commenter, 'POST', `/issues/${number}/comments`, { body: 'checklist' })).status).toBe(201);
    expect((await call(TOKENS.issues, 'POST', `/issues/${number}/comments`, { body: 'checklist' })).status).toBe(201);
  });
});

describe('releases', () => {
  it('need contents: write; one a tag; latest by default, never for a pre-release, kept with make_latest false', async () => {
    expect((await call(TOKENS.readOnly, 'POST', '/releases', { tag_name: '3.1.5' })).status).toBe(403);
    expect((await call(TOKENS.writer, 'POST', '/releases', { tag_name: '3.1.5', name: 'Exegol images 3.1.5' })).status).toBe(201);
    expect(endpoints.latest(REPOSITORY)?.tag_name).toBe('3.1.5');
    const twice = await call(TOKENS.writer, 'POST', '/releases', { tag_name: '3.1.5' });
    expect([twice.status, JSON.stringify(twice.json['errors'])]).toEqual([
      422,
      JSON.stringify([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]),
    ]);
    // A tag that does not exist is made at target_commitish, as GitHub does.
    expect(
      (await call(TOKENS.writer, 'POST', '/releases', { tag_name: '3.1.6b1', target_commitish: 'main', prerelease: true, make_latest: 'true' })).status,
    ).toBe(201);
    expect(git(bare, 'rev-parse', '3.1.6b1')).toBe(git(bare, 'rev-parse', 'main'));
    expect(endpoints.latest(REPOSITORY)?.tag_name).toBe('3.1.5');
    expect((await call(TOKENS.writer, 'POST', '/releases', { tag_name: '3.1.6', target_commitish: 'main', make_latest: 'false' })).status).toBe(201);
    expect((await call(TOKENS.readOnly, 'GET', '/releases/latest')).json['tag_name']).toBe('3.1.5');
  });

  it("have notes listing the merged pull requests since the previous tag, and gh's release create verifies the tag first", async () => {
    const notes = await call(TOKENS.writer, 'POST', '/releases/generate-notes', { tag_name: '3.1.6', previous_tag_name: '3.1.5' });
    expect(notes.json['body']).toMatch(
      /^## What's Changed\n\* Release 3\.1\.6 by @maintainer-alice in https:\/\/github\.com\/ThePorgs\/Exegol-images\/pull\/1\n\n\*\*Full Changelog\*\*: https:\/\/github\.com\/ThePorgs\/Exegol-images\/compare\/3\.1\.5\.\.\.3\.1\.6$/,
    );
    const gh = (...args: string[]) =>
      promisify(execFile)(NODE24, [path.join(REPO_ROOT, 'scripts', 'rehearse', 'gh.mjs'), ...args], {
        env: { ...process.env, GH_TOKEN: TOKENS.writer, REHEARSAL_GITHUB_API_URL: api.url },
      }).then(
        ({ stdout }) => ({ code: 0, output: stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: `${error.stdout}${error.stderr}` }),
      );
    expect(await gh('release', 'create', '3.1.7', '--repo', REPOSITORY, '--verify-tag', '--title', 'Exegol images 3.1.7', '--generate-notes')).toEqual({
      code: 1,
      output: `tag 3.1.7 doesn't exist in the repo ${REPOSITORY}, aborting due to --verify-tag flag\n`,
    });
    expect(await gh('api', '--paginate', `repos/${REPOSITORY}/tags`, '--jq', '.[].name')).toEqual({ code: 0, output: '3.1.6b1\n3.1.6\n3.1.5\n' });
    expect(await gh('pr', 'create')).toEqual({ code: 1, output: 'gh (rehearsal): `gh pr create` is not supported\n' });
  });
});

describe('git over HTTP, as GitHub serves a public repository', () => {
  it('lets anyone fetch, and a push through only with contents: write (403 "Permission … denied" otherwise)', async () => {
    const work = path.join(root, 'clone');
    expect((await gitAsync(root, 'clone', '--quiet', '--branch', 'dev', `${remote.base}/${REPOSITORY}.git`, work)).code).toBe(0);
    await gitAsync(work, 'commit', '--quiet', '--allow-empty', '-m', 'next');
    const as = (token: string) => ['-c', `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`];
    const anonymous = await gitAsync(work, 'push', 'origin', 'dev');
    expect(anonymous.code).not.toBe(0);
    const readOnly = await gitAsync(work, ...as(TOKENS.readOnly), 'push', 'origin', 'dev');
    expect(readOnly.code).not.toBe(0);
    expect(readOnly.output).toContain('403');
    expect((await gitAsync(work, ...as(TOKENS.writer), 'push', 'origin', 'dev')).code).toBe(0);
    expect(git(bare, 'rev-parse', 'dev')).toBe(git(work, 'rev-parse', 'HEAD'));
  });

  it("refuses a GITHUB_TOKEN's push that changes .github/workflows/ (no workflows permission), in GitHub's words; a maintainer's passes", async () => {
    const work = path.join(root, 'clone-workflows');
    expect((await gitAsync(root, 'clone', '--quiet', '--branch', 'dev', `${remote.base}/${REPOSITORY}.git`, work)).code).toBe(0);
    await mkdir(path.join(work, '.github', 'workflows'), { recursive: true });
    await writeFile(path.join(work, '.github', 'workflows', 'ci.yml'), 'on: push\n');
    await gitAsync(work, 'add', '.github');
    await gitAsync(work, 'commit', '--quiet', '-m', 'CI');
    const as = (token: string) => ['-c', `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`];
    const before = git(bare, 'rev-parse', 'dev');
    const refused = await gitAsync(work, ...as(TOKENS.writer), 'push', 'origin', 'dev');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission');
    expect(git(bare, 'rev-parse', 'dev')).toBe(before);
    expect((await gitAsync(work, ...as(TOKENS.alice), 'push', 'origin', 'dev')).code).toBe(0);
    expect(git(bare, 'rev-parse', 'dev')).toBe(git(work, 'rev-parse', 'HEAD'));
  });
});
