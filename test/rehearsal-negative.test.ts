// `npm run rehearse -- --only negative` (scripts/rehearse/negative.ts): what must not happen, each ending
// with checks of the end state, in a world of its own; every check must hold and nothing be left behind.
import { describe, expect, it } from 'vitest';
import { DOCKER_ENGINE_SKIP_REASON } from '@exegol-release/testbed/harness/docker-engine.js';
import { rehearse } from './rehearsal-run.js';

describe('npm run rehearse -- --only negative', () => {
  it('a non-release merge, a failing build, a squash merge and a half-way promotion each end as GitHub and Docker Hub leave them', async () => {
    const run = await rehearse(['--only', 'negative']);
    expect(run.code, run.output).toBe(0);
    const checks = run.output.slice(run.output.indexOf('Checks: the negative rehearsals'));
    expect(checks).not.toContain('✗');
    for (const line of [
      /^✓ a push straight to the protected main is refused with GH006, main unchanged$/m,
      /^✓ \(a\) no tag was made/m,
      /^✓ \(a\) no promotion: production untouched, no preprod tag deleted, release\.yml ran no job$/m,
      /^✓ \(b\) the gate "Release pull request gate" failed on the head commit, and the merge was refused: 405 "Required status check \\"Release pull request gate\\" is failing\."$/m,
      /^✓ \(b\) nothing merged: main still at [0-9a-f]{7}, #2 open; nothing tagged$/m,
      /^✓ \(c\) the squash merge is refused by the repository’s settings: 405 "Squash merges are not allowed on this repository\."$/m,
      /^✓ \(d\) the promotion failed half-way: [1-9]\d* production tag\(s\) written \(.*\) before web's was refused$/m,
      /^✓ \(d\) after the re-run, production is whole/m,
      /^✓ \(d\) the re-run is idempotent/m,
    ])
      expect(checks).toMatch(line);
    // The failing pre-release is what the gate names once approved: its check, nothing else. With a Docker
    // engine, full's build (its install step exits 1); without one, the runners check.
    if (DOCKER_ENGINE_SKIP_REASON)
      expect(run.output).toContain('verify-release-pr failed: 1 rule(s) failed: checks: Self-hosted runners online [github-actions] (failure) failed');
    else {
      expect(run.output).toContain('install_sliver: the release asset answered HTTP 404');
      expect(run.output).toContain(
        'verify-release-pr failed: 1 rule(s) failed: checks: Pre-release 3.1.6 / full / full (amd64) / build, test, push (full, amd64) [github-actions] (failure) failed',
      );
      expect(checks).toMatch(/^✓ \(b\) full's build failed on the Docker engine and pushed nothing/m);
      // The failed build job still runs check-runner-disk's post step (post-if: always()).
      expect(run.output).toMatch(
        /^✓ \d+\. Post Run OWNER\/exegol-release-actions\/actions\/check-runner-disk@<sha> \(check-runner-disk post · sub_build\.yml › build › step 1, /m,
      );
    }
    expect(run.output).toMatch(/Rehearsed negative in [\d.]+ s: \d+ steps/);
    expect(run.leftFiles).toEqual([]);
  }, 600_000);
});
