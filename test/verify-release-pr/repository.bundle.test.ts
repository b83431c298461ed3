import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD_SHA, OWNER, PR_NUMBER, eventFile, passingRelease, releasePullRequest } from '@exegol-release/testbed/fixtures/release-pr.js';
import { failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();
const pr = () => api().state.pulls.get(PR_NUMBER)!;
const comments = () => api().state.comments.get(PR_NUMBER) ?? [];
const IMAGES = `${OWNER}/Exegol-images`;
/** The token of the harness: an installation token (ghs_), the GITHUB_TOKEN's kind. */
const TOKEN = 'ghs_standInToken123';

describe('the pull request of another repository (the images pipeline runs in ThePorgs/Pipelines)', () => {
  let dispatch: string;
  beforeAll(async () => {
    // What Exegol-images sends: repository_dispatch preprod-base-pipeline, payload sha and image_version.
    dispatch = await eventFile({
      action: 'preprod-base-pipeline',
      client_payload: { sha: HEAD_SHA, image_version: '5.1.5', pull_request: PR_NUMBER },
      repository: { full_name: `${OWNER}/Pipelines` },
    });
  });
  const pipelines = () => ({ GITHUB_REPOSITORY: `${OWNER}/Pipelines`, GITHUB_EVENT_NAME: 'repository_dispatch', GITHUB_EVENT_PATH: dispatch });

  it.each([
    ['the number from client_payload.pull_request', String(PR_NUMBER)],
    ['the head commit from client_payload.sha', HEAD_SHA],
    ['toJSON of a pull request object', JSON.stringify({ number: PR_NUMBER, base: { repo: { full_name: IMAGES } } })],
    ['the pull request URL', `https://github.com/${IMAGES}/pull/${PR_NUMBER}`],
  ])('verifies Exegol-images #42 from ThePorgs/Pipelines, given %s', async (_, value) => {
    passingRelease(api(), IMAGES);
    const run = await verify({ repository: IMAGES, 'pull-request': value }, pipelines());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ ok: 'true', 'is-release': 'true', version: '5.1.5', 'pull-request': '42' });
    expect(api().requests.every((request) => !request.path.startsWith(`/repos/${OWNER}/Pipelines`))).toBe(true);
    // The workflow run's jobs are in ThePorgs/Pipelines: they are not checks of Exegol-images' commit.
    expect(api().requests.some((request) => request.path.includes('/actions/runs'))).toBe(false);
  });

  it('the repository a pull request URL names is enough', async () => {
    passingRelease(api(), IMAGES);
    const run = await verify({ 'pull-request': `https://github.com/${IMAGES}/pull/${PR_NUMBER}` }, pipelines());
    expect(run.code, run.stdout).toBe(0);
  });

  it('fails the branches rule when the head is in the workflow repository rather than Exegol-images', async () => {
    passingRelease(api(), IMAGES);
    api().repository(IMAGES).pulls.get(PR_NUMBER)!.head!.repo!.full_name = `${OWNER}/Pipelines`;
    const run = await verify({ repository: IMAGES, 'pull-request': '42' }, pipelines());
    expect(failuresOf(run)).toEqual([{ rule: 'branches', detail: `its head is in ${OWNER}/Pipelines, not ${IMAGES}` }]);
  });
});

describe('pull requests that are not release pull requests, and forks', () => {
  it('skips "Fix f-string typo for python 3.11": passes, is-release=false, one summary line, no comment, one request', async () => {
    pr().title = 'Fix f-string typo for python 3.11';
    const run = await verify({ comment: 'true' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'is-release': 'false', ok: 'false', failures: '[]', version: '', 'pull-request': '42' });
    expect(run.summary.trim().split('\n')).toHaveLength(1);
    expect(run.summary).toContain('is not a release pull request: its title does not start with &#34;Release&#34;');
    expect(comments()).toEqual([]);
    expect(api().count()).toBe(1);
  });

  it('fails it with on-non-release: fail', async () => {
    pr().title = 'Exegol v5';
    const run = await verify({ 'on-non-release': 'fail' });
    expect(run.code).toBe(1);
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['release', 'title']);
    expect(run.outputs['is-release']).toBe('false');
  });

  it('a custom release-title-prefix decides', async () => {
    pr().title = 'Release 5.1.5';
    const run = await verify({ 'release-title-prefix': 'Publish' });
    expect(run.code).toBe(0);
    expect(run.outputs['is-release']).toBe('false');
  });

  it('a fork: the 403 on the comment is a warning; outputs, summary and the verdict stay', async () => {
    api().tokens.set(TOKEN, { login: 'github-actions[bot]', installation: true, readOnly: true });
    pr().head!.repo = { ...pr().head!.repo, full_name: 'contributor/Exegol' };
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['branches']);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^verify-release-pr failed: 1 rule\(s\) failed: branches: /);
    expect(run.warnings.join('\n')).toMatch(
      /The checklist comment was not written: GitHub answered 403: Resource not accessible by integration.*pull_request_target/,
    );
    expect(run.summary).toContain('<tr><td>branches</td><td>failed</td>');
    expect(run.summary).toContain('Checklist comment not written');
    expect(run.outputs).toMatchObject({ 'is-release': 'true', ok: 'false' });
  });

  it('a read-only token on a release pull request that passes: the step passes with a warning', async () => {
    api().tokens.set(TOKEN, { login: 'github-actions[bot]', installation: true, readOnly: true });
    const run = await verify({ comment: 'true' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['ok']).toBe('true');
    expect(run.warnings).toHaveLength(1);
  });
});

describe('the event payload may be stale; the API is read', () => {
  it('uses the title from the API, not the event', async () => {
    const stale = await eventFile({ action: 'edited', number: PR_NUMBER, pull_request: releasePullRequest({ title: 'WIP' }) });
    const run = await verify({}, { GITHUB_EVENT_PATH: stale });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('Release pull request #42 &#34;Release 5.1.5&#34;: ready');
  });
});
