import { describe, expect, it } from 'vitest';
import { HEAD_SHA, PR_NUMBER, RUN_ID, review } from '@exegol-release/testbed/fixtures/release-pr.js';
import { WRAPPER_INPUTS, failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();

describe('verify-release-pr bundle: a release pull request that passes', () => {
  it('passes every rule, reads the pull request again, and sets the outputs', async () => {
    const run = await verify(WRAPPER_INPUTS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(failuresOf(run)).toEqual([]);
    expect(run.outputs).toMatchObject({
      'is-release': 'true',
      'pull-request': '42',
      version: '5.1.5',
      tag: '5.1.5',
      'is-prerelease': 'false',
      'previous-release': '5.1.4',
      'merge-commit-sha': '',
      ok: 'true',
    });
    expect(run.summary).toContain('Release pull request #42 &#34;Release 5.1.5&#34;: ready');
    for (const rule of [
      'open',
      'not-draft',
      'branches',
      'title',
      'version',
      'not-tagged',
      'newer',
      'description',
      'approvals',
      'checks',
      'version-files',
      'file-patterns',
    ])
      expect(run.summary).toContain(`<tr><td>${rule}</td><td>passed</td>`);
    expect(run.stdout).toContain('✓ approvals: 1 of 1 required approval(s) (maintainer-bob)');
    expect(run.stdout).toContain('✓ checks: 4 check(s) passed');
    expect(run.masks).toContain('ghs_standInToken123');
    expect(run.stdout.replace(/::add-mask::ghs_standInToken123/, '')).not.toContain('ghs_standInToken123');
  });

  it('verifies a typical pull request in 9 REST requests (at most 10)', async () => {
    const run = await verify(WRAPPER_INPUTS);
    expect(run.code).toBe(0);
    const repo = '/repos/ThePorgs/Exegol';
    expect(
      api()
        .requests.map((request) => `${request.method} ${decodeURIComponent(request.path)}`)
        .sort(),
    ).toEqual(
      [
        `GET ${repo}/pulls/42`,
        `GET ${repo}/pulls/42/reviews`,
        `GET ${repo}/collaborators/maintainer-bob/permission`,
        `GET ${repo}/commits/${HEAD_SHA}/check-runs`,
        `GET ${repo}/actions/runs/${RUN_ID}/jobs`,
        `GET ${repo}/commits/${HEAD_SHA}/status`,
        `GET ${repo}/git/matching-refs/tags`,
        `GET ${repo}/contents/exegol/config/ConstantConfig.py`,
        `GET ${repo}/contents/exegol/utils/imgsync/spawn.sh`,
      ].sort(),
    );
    expect(api().count()).toBeLessThanOrEqual(10);
  });

  it('keeps the request count at 9 with 100 reviews and 100 checks', async () => {
    const state = api().state;
    const many = Array.from({ length: 99 }, (_, index) => review(`commenter-${index}`, 'COMMENTED'));
    state.reviews.set(PR_NUMBER, [...many, review('maintainer-bob', 'APPROVED')]);
    const runs = state.checkRuns.get(HEAD_SHA)!;
    const { checkRun } = await import('@exegol-release/testbed/fixtures/release-pr.js');
    state.checkRuns.set(HEAD_SHA, [...runs, ...Array.from({ length: 96 }, (_, index) => checkRun(`build (${index})`, 'success'))]);
    const run = await verify(WRAPPER_INPUTS);
    expect(run.code, run.stdout).toBe(0);
    expect(api().count()).toBe(9);
  });

  it('accepts a beta: Release 5.1.5b3 is a pre-release, and its notes start at the previous final release', async () => {
    api().state.pulls.get(PR_NUMBER)!.title = 'Release 5.1.5b3';
    api().state.files.get(HEAD_SHA)!.set('exegol/config/ConstantConfig.py', '__version__ = "5.1.5b3"\n');
    const run = await verify({ 'version-files': WRAPPER_INPUTS['version-files'] });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ version: '5.1.5b3', 'is-prerelease': 'true', 'previous-release': '5.1.4' });
  });

  it('takes the pull request number from the input as well as from the event', async () => {
    const run = await verify({ 'pull-request': String(PR_NUMBER) }, { GITHUB_EVENT_PATH: undefined, GITHUB_EVENT_NAME: 'workflow_dispatch' });
    expect(run.code, run.stdout).toBe(0);
  });
});
