// GitHub's rules on merging and pushing that the rehearsal's GitHub stand-in enforces: the merge
// methods a repository allows (REST pulls/merge), branch protection (required approvals and status
// checks before a merge, restricted pushes: GH006), and mergeBlockers, the one answer to "what
// blocks merging this pull request" that the REST merge and auto-merge share.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, gitOutcomeAsync as run } from '@exegol-release/testbed/fixtures/git.js';
import { mergeBlockers } from '@exegol-release/testbed/stand-ins/github-api.js';
import { DEFAULT_MERGE_SETTINGS } from '@exegol-release/testbed/stand-ins/github-api-open-release.js';
import { ALICE, BOB, GitHub, type Maintainer } from '../scripts/rehearse/github.js';
import { createImages, type HostedRepository } from '../scripts/rehearse/repositories.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
let root: string;
let github: GitHub;
let images: HostedRepository;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rehearsal-protection-'));
  github = await new GitHub().start(root);
  images = await createImages(root);
  github.host(images);
}, 60_000);

afterAll(async () => {
  await github?.stop();
  await rm(root, { recursive: true, force: true });
});

/** A REST request as `who`: the status and the JSON answered. */
async function call(who: Maintainer, method: string, route: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${github.url}/repos/${REPOSITORY}${route}`, {
    method,
    headers: { authorization: `token ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Opens a pull request of a new branch (one commit on main) into main. @returns its number and head */
async function openPull(branch: string): Promise<{ number: number; head: string }> {
  const main = git(images.bare, 'rev-parse', 'main');
  const tree = git(images.bare, 'rev-parse', `${main}^{tree}`);
  const commit = git(images.bare, 'commit-tree', tree, '-p', main, '-m', `Change on ${branch}`);
  git(images.bare, 'update-ref', `refs/heads/${branch}`, commit);
  const { status, json } = await call(ALICE, 'POST', '/pulls', { title: `Change ${branch}`, head: branch, base: 'main', body: '' });
  expect(status, JSON.stringify(json)).toBe(201);
  return { number: Number(json['number']), head: commit };
}

describe('REST merges under the repository’s merge settings', () => {
  it('refuses a merge method the repository does not allow, 405 in GitHub’s words, and changes nothing', async () => {
    github.openRelease.settings.set(REPOSITORY, { ...DEFAULT_MERGE_SETTINGS, allow_squash_merge: false, allow_rebase_merge: false });
    const { number, head } = await openPull('no-squash');
    const main = git(images.bare, 'rev-parse', 'main');
    const squash = await call(ALICE, 'PUT', `/pulls/${number}/merge`, { merge_method: 'squash', sha: head });
    expect(squash).toMatchObject({ status: 405, json: { message: 'Squash merges are not allowed on this repository.' } });
    const rebase = await call(ALICE, 'PUT', `/pulls/${number}/merge`, { merge_method: 'rebase', sha: head });
    expect(rebase).toMatchObject({ status: 405, json: { message: 'Rebase merges are not allowed on this repository.' } });
    expect(git(images.bare, 'rev-parse', 'main')).toBe(main);
    expect(github.pull(REPOSITORY, number).state).toBe('open');
    expect((await call(ALICE, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge', sha: head })).status).toBe(200);
    github.openRelease.settings.delete(REPOSITORY);
  });
});

describe('branch protection', () => {
  it('a required status check refuses the merge until it succeeded on the head: expected, in progress, failing', async () => {
    github.api.protect(REPOSITORY, 'main', { requiredStatusChecks: ['Verify release pull request'], enforceAdmins: true });
    try {
      const { number, head } = await openPull('checked');
      const main = git(images.bare, 'rev-parse', 'main');
      const merge = () => call(ALICE, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge', sha: head });
      expect(await merge()).toMatchObject({ status: 405, json: { message: 'Required status check "Verify release pull request" is expected.' } });
      const finish = github.startJob(REPOSITORY, '9000000001', head, 'Verify release pull request', 'runner');
      expect((await merge()).json['message']).toBe('Required status check "Verify release pull request" is in progress.');
      finish('failure');
      expect((await merge()).json['message']).toBe('Required status check "Verify release pull request" is failing.');
      expect(git(images.bare, 'rev-parse', 'main')).toBe(main);
      // A re-run that passes: the latest check run of that name counts.
      github.startJob(REPOSITORY, '9000000002', head, 'Verify release pull request', 'runner')('success');
      expect(mergeBlockers(github.api.repository(REPOSITORY), github.pull(REPOSITORY, number))).toEqual([]);
      expect((await merge()).status).toBe(200);
    } finally {
      github.api.protect(REPOSITORY, 'main', undefined);
    }
  });

  it('required approvals by reviewers with write access; an administrator bypasses the rules unless they include administrators', async () => {
    github.api.protect(REPOSITORY, 'main', { requiredApprovingReviewCount: 1 });
    try {
      const { number, head } = await openPull('approved');
      const blockers = () => mergeBlockers(github.api.repository(REPOSITORY), github.pull(REPOSITORY, number));
      expect(blockers()).toEqual(['At least 1 approving review is required by reviewers with write access.']);
      // Bob (maintain) may merge with write access, but not without the approval.
      expect(await call(BOB, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge', sha: head })).toMatchObject({
        status: 405,
        json: { message: 'At least 1 approving review is required by reviewers with write access.' },
      });
      // Alice is an administrator and the protection leaves administrators out (GitHub's default).
      expect((await call(ALICE, 'PUT', `/pulls/${number}/merge`, { merge_method: 'merge', sha: head })).status).toBe(200);
      const second = await openPull('approved-2');
      github.api.protect(REPOSITORY, 'main', { requiredApprovingReviewCount: 1, enforceAdmins: true });
      expect((await call(ALICE, 'PUT', `/pulls/${second.number}/merge`, { merge_method: 'merge', sha: second.head })).status).toBe(405);
      expect((await call(BOB, 'POST', `/pulls/${second.number}/reviews`, { event: 'APPROVE' })).status).toBe(200);
      expect(mergeBlockers(github.api.repository(REPOSITORY), github.pull(REPOSITORY, second.number))).toEqual([]);
      expect((await call(ALICE, 'PUT', `/pulls/${second.number}/merge`, { merge_method: 'merge', sha: second.head })).status).toBe(200);
    } finally {
      github.api.protect(REPOSITORY, 'main', undefined);
    }
  });

  it('restricted pushes: an account the rule does not name is refused with GH006, one it names pushes', async () => {
    github.api.protect(REPOSITORY, 'main', { pushAllowances: [ALICE.login] });
    try {
      const branchInfo = await call(BOB, 'GET', '/branches/main');
      expect(branchInfo.json['protected']).toBe(true);
      const work = path.join(root, 'bob');
      await run(root, 'clone', '--quiet', '--branch', 'main', github.cloneUrl(REPOSITORY), work);
      await run(work, 'commit', '--quiet', '--allow-empty', '-m', 'Straight to main');
      const before = git(images.bare, 'rev-parse', 'main');
      const as = (who: Maintainer) => ['-c', `http.extraheader=AUTHORIZATION: basic ${Buffer.from(`x-access-token:${who.token}`).toString('base64')}`];
      const refused = await run(work, ...as(BOB), 'push', 'origin', 'main');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('remote: error: GH006: Protected branch update failed for refs/heads/main.');
      expect(refused.output).toContain("remote: error: You're not authorized to push to this branch.");
      expect(git(images.bare, 'rev-parse', 'main')).toBe(before);
      // Another branch is not protected: bob pushes it.
      expect((await run(work, ...as(BOB), 'push', 'origin', 'HEAD:refs/heads/bob-branch')).code).toBe(0);
      expect((await run(work, ...as(ALICE), 'push', 'origin', 'main')).code).toBe(0);
      expect(git(images.bare, 'rev-parse', 'main')).toBe(git(work, 'rev-parse', 'HEAD'));
    } finally {
      github.api.protect(REPOSITORY, 'main', undefined);
    }
  });
});
