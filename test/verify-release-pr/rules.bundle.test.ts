import { describe, expect, it } from 'vitest';
import { HEAD_SHA, OLD_SHA, PR_NUMBER, checkRun, review, wrapperFilesAt } from '@exegol-release/testbed/fixtures/release-pr.js';
import type { GitHubApiStandIn } from '@exegol-release/testbed/stand-ins/github-api.js';
import { WRAPPER_INPUTS, failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();

interface Case {
  name: string;
  change: (api: GitHubApiStandIn) => void;
  inputs?: Record<string, string>;
  rule: string;
  detail: string;
}

const pr = (stand: GitHubApiStandIn) => stand.state.pulls.get(PR_NUMBER)!;

const CASES: Case[] = [
  {
    name: 'a title with trailing words',
    change: (s) => void (pr(s).title = 'Release 3.1.12 (cancelled)'),
    rule: 'title',
    detail: '"Release 3.1.12 (cancelled)" does not match',
  },
  {
    name: 'a release title in lower case (startsWith ignores case, the pattern does not)',
    change: (s) => void (pr(s).title = 'release 5.1.5'),
    rule: 'title',
    detail: '"release 5.1.5" does not match',
  },
  {
    name: 'a release title with a trailing space',
    change: (s) => void (pr(s).title = 'Release 5.1.5 '),
    rule: 'title',
    detail: '"Release 5.1.5 " does not match',
  },
  { name: 'a draft', change: (s) => void (pr(s).draft = true), rule: 'not-draft', detail: 'is a draft' },
  { name: 'a closed pull request', change: (s) => void (pr(s).state = 'closed'), rule: 'open', detail: 'the pull request is closed' },
  { name: 'a merged pull request', change: (s) => Object.assign(pr(s), { state: 'closed', merged: true }), rule: 'open', detail: 'already merged' },
  { name: 'another base', change: (s) => void (pr(s).base!.ref = 'dev-images'), rule: 'branches', detail: 'its base is dev-images, not main' },
  { name: 'another head', change: (s) => void (pr(s).head!.ref = 'feature/x'), rule: 'branches', detail: 'its head is feature/x, not dev' },
  {
    name: 'a head in a fork',
    change: (s) => void (pr(s).head!.repo = { ...pr(s).head!.repo, full_name: 'someone/Exegol' }),
    rule: 'branches',
    detail: 'its head is in someone/Exegol',
  },
  { name: 'a version already tagged', change: (s) => void (s.state.tags = [...s.state.tags, '5.1.5']), rule: 'not-tagged', detail: 'tag 5.1.5 already exists' },
  {
    name: 'a version not above the latest tag',
    change: (s) => void (pr(s).title = 'Release 5.1.4b9'),
    rule: 'newer',
    detail: '5.1.4b9 is not greater than the latest tag 5.1.5b2',
  },
  { name: 'a description without a list', change: (s) => void (pr(s).body = 'Lots of changes, see commits.'), rule: 'description', detail: 'lists no change' },
  { name: 'an empty description', change: (s) => void (pr(s).body = null), rule: 'description', detail: 'lists no change' },
  {
    name: 'an approval on an older commit',
    change: (s) => s.state.reviews.set(PR_NUMBER, [review('maintainer-bob', 'APPROVED', OLD_SHA)]),
    rule: 'approvals',
    detail: 'maintainer-bob approved 0a1b2c3, not the head commit 4f3e2a1',
  },
  {
    name: 'an approval from a user without write permission',
    change: (s) => s.state.reviews.set(PR_NUMBER, [review('contributor-carol', 'APPROVED')]),
    rule: 'approvals',
    detail: 'contributor-carol holds read permission, under write',
  },
  {
    name: 'only the author approving',
    change: (s) => s.state.reviews.set(PR_NUMBER, [review('maintainer-alice', 'APPROVED')]),
    rule: 'approvals',
    detail: '0 of 1 required approval(s)',
  },
  {
    name: 'an approval followed by a change request from the same user',
    change: (s) => s.state.reviews.set(PR_NUMBER, [review('maintainer-bob', 'APPROVED'), review('maintainer-bob', 'CHANGES_REQUESTED')]),
    rule: 'approvals',
    detail: 'maintainer-bob requested changes',
  },
  {
    name: 'a dismissed approval',
    change: (s) => s.state.reviews.set(PR_NUMBER, [review('maintainer-bob', 'APPROVED'), review('maintainer-bob', 'DISMISSED')]),
    rule: 'approvals',
    detail: '0 of 1',
  },
  {
    name: 'fewer approvals than required',
    change: () => undefined,
    inputs: { 'required-approvals': '2' },
    rule: 'approvals',
    detail: '1 of 2 required approval(s) (maintainer-bob)',
  },
  {
    name: 'an approver under maintain',
    change: () => undefined,
    inputs: { 'approver-permission': 'maintain' },
    rule: 'approvals',
    detail: 'maintainer-bob holds write permission, under maintain',
  },
  {
    name: 'a pending check',
    change: (s) => s.state.checkRuns.get(HEAD_SHA)!.push(checkRun('build (arm64)', null)),
    rule: 'checks',
    detail: 'build (arm64) [github-actions] (in_progress) is pending',
  },
  {
    name: 'a failing check run',
    change: (s) => s.state.checkRuns.get(HEAD_SHA)!.push(checkRun('mypy (3.14, windows-latest)', 'failure')),
    rule: 'checks',
    detail: 'mypy (3.14, windows-latest) [github-actions] (failure) failed',
  },
  {
    name: 'a failing commit status',
    change: (s) => s.state.statuses.get(HEAD_SHA)!.push({ context: 'ci/legacy', state: 'error', id: 9 }),
    rule: 'checks',
    detail: 'ci/legacy [commit status] (error) failed',
  },
  {
    name: 'zero checks',
    change: (s) => void (s.state.checkRuns.set(HEAD_SHA, []), s.state.statuses.set(HEAD_SHA, [])),
    rule: 'checks',
    detail: 'no check ran on 4f3e2a1',
  },
  {
    name: 'only this job as a check',
    change: (s) =>
      void (
        s.state.checkRuns.set(
          HEAD_SHA,
          s.state.checkRuns.get(HEAD_SHA)!.filter((run) => run.name === 'verify'),
        ),
        s.state.statuses.set(HEAD_SHA, [])
      ),
    rule: 'checks',
    detail: 'no check ran',
  },
  {
    name: 'a named check that did not run',
    change: () => undefined,
    inputs: { checks: 'pre-commit\nbuild-amd64' },
    rule: 'checks',
    detail: 'build-amd64 did not run',
  },
  {
    name: 'a version file holding the beta',
    change: (s) => s.state.files.set(HEAD_SHA, wrapperFilesAt('5.1.5b2')),
    inputs: WRAPPER_INPUTS,
    rule: 'version-files',
    detail: 'exegol/config/ConstantConfig.py holds 5.1.5b2, not 5.1.5',
  },
  {
    name: 'a version file missing at head',
    change: (s) => s.state.files.get(HEAD_SHA)!.delete('exegol/config/ConstantConfig.py'),
    inputs: WRAPPER_INPUTS,
    rule: 'version-files',
    detail: 'does not exist at the head commit',
  },
  {
    name: 'a beta spawn version',
    change: (s) => s.state.files.set(HEAD_SHA, wrapperFilesAt('5.1.5', '2b')),
    inputs: WRAPPER_INPUTS,
    rule: 'file-patterns',
    detail: 'exegol/utils/imgsync/spawn.sh does not match ^# Spawn Version:[0-9]+$',
  },
];

describe('verify-release-pr bundle: each rule fails where it should', () => {
  it.each(CASES)('fails on $name', async ({ change, inputs, rule, detail }) => {
    change(api());
    const run = await verify(inputs);
    expect(run.code, run.stdout).toBe(1);
    expect(run.outputs['ok']).toBe('false');
    const failures = failuresOf(run);
    expect(failures.map((failure) => failure.rule)).toEqual([rule]);
    expect(failures[0]!.detail).toContain(detail);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(new RegExp(`^verify-release-pr failed: 1 rule\\(s\\) failed: ${rule}: `));
    expect(run.summary).toContain(`<tr><td>${rule}</td><td>failed</td>`);
  });
});

describe('verify-release-pr bundle: what is left out, and what is allowed', () => {
  it('allows a stale approval with allow-stale-approvals', async () => {
    api().state.reviews.set(PR_NUMBER, [review('maintainer-bob', 'APPROVED', OLD_SHA)]);
    expect((await verify({ 'allow-stale-approvals': 'true' })).code).toBe(0);
  });

  it('leaves out ignored checks by name and by pattern', async () => {
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun('build (arm64)', 'failure'), checkRun('flaky-lint', 'cancelled'));
    const run = await verify({ 'ignore-checks': 'build (*)\nflaky-lint' });
    expect(run.code, run.stdout).toBe(0);
  });

  it('needs only the named checks', async () => {
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun('build (arm64)', 'failure'));
    expect((await verify({ checks: 'pre-commit\n/docs/readthedocs' })).code).toBe(0);
  });

  it('skips checks with checks: none, in fewer requests', async () => {
    api().state.checkRuns.set(HEAD_SHA, []);
    const run = await verify({ checks: 'none' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('<tr><td>checks</td><td>skipped</td>');
    expect(api().requests.some((request) => request.path.includes('check-runs'))).toBe(false);
  });

  it('reports without failing with fail: false', async () => {
    api().state.pulls.get(PR_NUMBER)!.draft = true;
    const run = await verify({ fail: 'false' });
    expect(run.code).toBe(0);
    expect(run.outputs['ok']).toBe('false');
    expect(run.warnings[0]).toContain('not-draft');
  });

  it('reports several failures at once', async () => {
    Object.assign(api().state.pulls.get(PR_NUMBER)!, { draft: true, title: 'Release 5.1.4' });
    const run = await verify();
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['not-draft', 'not-tagged', 'newer']);
  });
});
