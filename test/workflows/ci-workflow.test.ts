// ci.yml: check-runner-disk's mount-based safety tests (they skip unless run as root) run as root in CI, and the
// tests' checkouts keep no credentials.
import { describe, expect, it } from 'vitest';
import { checkouts, ownWorkflow, writeScopes } from './own-workflow-facts.js';

const CI = ownWorkflow('ci.yml');

describe('ci.yml', () => {
  it("runs check-runner-disk's tests as root, failing rather than skipping them", () => {
    const rootRuns = Object.entries(CI.workflow.jobs).flatMap(([name, job]) =>
      (job.steps ?? [])
        .filter((step) => /^sudo\s+-E\s+env\s+"PATH=\$PATH"\s+npm\s+test\s+--\s+test\/check-runner-disk\b/m.test(step.run ?? ''))
        .map((step) => ({ name, job, step })),
    );
    expect(rootRuns.map(({ name }) => name)).toHaveLength(1);
    const [{ job, step }] = rootRuns as [(typeof rootRuns)[number]];
    expect(step.env?.EXEGOL_REQUIRE_MOUNT_TESTS).toBe('1');
    expect(job['runs-on']).toBe('ubuntu-latest');
    expect(writeScopes(CI, job)).toEqual([]);
  });

  it('checks out without persisting credentials wherever it installs and tests', () => {
    for (const name of ['test', 'root-tests'])
      for (const step of checkouts(CI.workflow.jobs[name] ?? {})) expect(step.with?.['persist-credentials'], name).toBe(false);
  });
});
