import { describe, expect, it } from 'vitest';
import { CI_RUN_ID, HEAD_SHA, RUN_ID, actionsJob, checkRun, workflowRun } from '@exegol-release/testbed/fixtures/release-pr.js';
import { failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();

describe('check runs of one name from another app or workflow', () => {
  const CIRCLECI = { id: 18001, slug: 'circleci-checks', name: 'CircleCI Checks' };

  it('a failing "test" of another workflow is not hidden by a newer passing "test"', async () => {
    const runs = api().state.checkRuns.get(HEAD_SHA)!;
    runs.push(checkRun('test', 'failure', { runId: CI_RUN_ID }), checkRun('test', 'success', { runId: '5555' }));
    api().state.workflowRuns.push(workflowRun('5555', '.github/workflows/nightly.yml'));
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'test [github-actions, workflow .github/workflows/ci.yml] (failure) failed' }]);
  });

  it('a failing "test" of another app is not hidden by a newer passing one of GitHub Actions', async () => {
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('test', 'failure', { app: CIRCLECI }), checkRun('test', 'success'));
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'test [circleci-checks] (failure) failed' }]);
  });

  it('within one workflow the newest decides: a re-run that passed, a later run of the same workflow that passed', async () => {
    const suite = api().state.checkRuns.get(HEAD_SHA)!;
    suite.push(checkRun('test', 'failure', { runId: CI_RUN_ID }), checkRun('test', 'success', { runId: CI_RUN_ID }));
    suite.push(checkRun('lint', 'failure', { runId: CI_RUN_ID }), checkRun('lint', 'success', { runId: '6666' }));
    api().state.workflowRuns.push(workflowRun('6666', '.github/workflows/ci.yml'));
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    // The workflow runs were read once, to tell the two runs of lint apart: 10 requests.
    expect(api().requests.filter((request) => request.path.endsWith('/actions/runs'))).toHaveLength(1);
  });
});

describe("this workflow run's other jobs are checks; only this job is left out", () => {
  it('a pending "tests" job of this run fails the checks rule', async () => {
    const tests = actionsJob('tests', null);
    api().state.jobs.get(RUN_ID)!.push(tests.job);
    api().state.checkRuns.get(HEAD_SHA)!.push(tests.checkRun);
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'tests [github-actions] (in_progress) is pending' }]);
  });

  it('wait-for-checks waits for it', async () => {
    const tests = actionsJob('tests', null);
    api().state.jobs.get(RUN_ID)!.push(tests.job);
    api().state.checkRuns.get(HEAD_SHA)!.push(tests.checkRun);
    // The job completes once the action has been answered that it is pending (not at a set time: a slow start would miss it).
    const completeOnceSeen = setInterval(() => {
      const answered = (suffix: string): boolean => api().requests.some((request) => request.path.endsWith(suffix) && request.status === 200);
      if (!answered('/jobs') || !answered('/check-runs')) return;
      clearInterval(completeOnceSeen);
      Object.assign(tests.job, { status: 'completed', conclusion: 'success' });
      Object.assign(tests.checkRun, { status: 'completed', conclusion: 'success' });
    }, 20);
    const run = await verify({ 'wait-for-checks': '20s' });
    clearInterval(completeOnceSeen);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('Waiting 2s for pending checks: "tests"');
  });

  it('a queued job with no check run on the head commit counts too', async () => {
    api()
      .state.jobs.get(RUN_ID)!
      .push({ ...actionsJob('build (amd64)', null, { status: 'queued' }).job });
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'build (amd64) [github-actions] (queued) is pending' }]);
  });

  it('this job is found by its runner even when its name is not GITHUB_JOB, and its earlier failed run is left out', async () => {
    const jobs = api().state.jobs.get(RUN_ID)!;
    jobs[0]!.name = 'Verify the release pull request';
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .find((run) => run.id === jobs[0]!.id)!.name = 'Verify the release pull request';
    // The same workflow ran before on this commit (before the approval): its verify job failed.
    api().state.workflowRuns.push(workflowRun('9876500000', '.github/workflows/pre-release.yml'));
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('Verify the release pull request', 'failure', { runId: '9876500000', id: 100 }));
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('✓ checks: 4 check(s) passed');
  });

  it('without actions: read, warns and finds this job by GITHUB_JOB', async () => {
    api().faults.push({
      method: 'GET',
      path: /\/actions\/runs\/\d+\/jobs$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
      times: 1,
    });
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.warnings[0]).toContain('Cannot read the jobs of this workflow run (HTTP 403; give the job `actions: read`)');
  });
});
