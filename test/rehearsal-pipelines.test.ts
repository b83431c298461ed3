// `npm run rehearse -- --only pipelines` (scripts/rehearse/pipelines.ts): the images' pre-release through
// ThePorgs/Pipelines, started by the repository_dispatch Exegol-images sends today, its builds reported as
// commit statuses on the Exegol-images pull request's head and read by that repository's merge gate, then
// the release dispatched with {"version": …} only; and the statuses posted with the wrong token, refused.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'vitest';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { rehearse as run, type Rehearsal } from './rehearsal-run.js';

/** `npm run rehearse -- --only pipelines`, `env` added to its environment. */
const rehearse = (env: Record<string, string> = {}): Promise<Rehearsal> => run(['--only', 'pipelines'], env);

describe.concurrent('npm run rehearse -- --only pipelines', () => {
  it("dispatches the pre-release as Exegol-images does today; Pipelines reports each build and test job on the pull request's head; the gate reads them", async ({
    expect,
  }) => {
    const run = await rehearse();
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain('The wrapper:');
    expect(run.output).toContain('event pull_request (opened): #1 opened by maintainer-alice → dispatch_preprod_base.yml, verify-release-pr.yml');
    expect(run.output).toMatch(
      /event repository_dispatch \(preprod-base-pipeline\): preprod-base-pipeline from ThePorgs\/Exegol-images, payload \{"sha":"[0-9a-f]{40}","image_version":"3\.1\.6"\} → preprod\.yml/,
    );
    // The only failure: the gate before the approval, as on GitHub.
    expect(run.output.match(/^✗ .*$/gm)).toEqual([
      expect.stringMatching(
        /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/verify-release-pr@<sha> \(verify-release-pr · verify-release-pr\.yml › verify › step 1, /,
      ),
    ]);
    for (const check of [
      /^✓ dispatch_preprod_base\.yml sent one preprod-base-pipeline to ThePorgs\/Pipelines with PIPELINE_PAT, payload exactly \{sha, image_version\}: sha the merge-ref commit [0-9a-f]{7} \(not the head\)/m,
      /^✓ ThePorgs\/Pipelines's preprod\.yml ran on that repository_dispatch and built light only: 2 build jobs in its run$/m,
      /^✓ the pull request's head [0-9a-f]{7} holds 6 commit statuses, one for each build and test job of the run \("Pipelines \/ <job>"\) and "Pipelines \/ pre-release", each success$/m,
      /^✓ "Pipelines \/ pre-release" was pending on the head while the pipeline ran, then success; no status was set on the merge-ref commit$/m,
      /^✓ Exegol-images' merge gate \(verify-release-pr\.yml\) read the 6 statuses on the head after the approval, and passed$/m,
      /^✓ once merged, dispatch_release\.yml tagged the merge commit [0-9a-f]{7} with an annotated 3\.1\.6 and sent one release-pipeline, payload exactly \{"version": "3\.1\.6"\}$/m,
      /^✓ ThePorgs\/Pipelines's release\.yml read the version from that payload, found the tag in ThePorgs\/Exegol-images and released it \(sub_release\.yml\)$/m,
    ])
      expect(run.output).toMatch(check);
    expect(run.output).toContain(
      'event repository_dispatch (release-pipeline): release-pipeline from ThePorgs/Exegol-images, payload {"version":"3.1.6"} → release.yml',
    );
    expect(run.output).toMatch(/Rehearsed pipelines in [\d.]+ s: \d+ steps/);
    expect(run.leftFiles).toEqual([]);
  }, 600_000);

  it("refuses the statuses posted with Pipelines' own GITHUB_TOKEN (no Commit statuses: write on Exegol-images), and the rehearsal stops there", async ({
    expect,
  }) => {
    const directory = await mkdtemp('/tmp/rh-examples-');
    try {
      await cp(path.join(REPO_ROOT, 'workflows-examples'), directory, { recursive: true });
      const file = path.join(directory, 'pipelines', 'pipelines-repository', 'preprod.yml');
      const before = await readFile(file, 'utf8');
      const after = before.replace('          STATUS_TOKEN: ${{ secrets.PIPELINE_PAT }}\n', '          STATUS_TOKEN: ${{ github.token }}\n');
      expect(after, 'the example changed: update this test').not.toBe(before);
      await writeFile(file, after);
      const run = await rehearse({ REHEARSAL_EXAMPLES: directory });
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain('gh: Resource not accessible by integration (HTTP 403)');
      expect(run.output).toContain('preprod.yml › statuses: failure, expected success');
      expect(run.leftFiles).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }, 600_000);
});
