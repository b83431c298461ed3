// `npm run rehearse -- --only negative` (scripts/rehearse/negative.ts): what must not happen, each ending
// with checks of the end state, in a world of its own; every check must hold and nothing be left behind.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

/** Runs the rehearsal's script under Node 24 in a TMPDIR of its own. @returns its exit code, output and the files it left */
async function rehearse(args: string[]): Promise<{ code: number; output: string; leftFiles: string[] }> {
  const tmp = await mkdtemp('/tmp/rh-neg-');
  const child = spawn(NODE24, [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'scripts', 'rehearse.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  const leftFiles = (await readdir(tmp)).filter((name) => !/^tsx-\d+$/.test(name));
  await rm(tmp, { recursive: true, force: true });
  return { code, output, leftFiles };
}

describe('npm run rehearse -- --only negative', () => {
  it('a non-release merge, a failing pre-release, a squash merge and a half-way promotion each end as GitHub and Docker Hub leave them', async () => {
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
    // The failing pre-release is what the gate names once approved: its check, nothing else.
    expect(run.output).toContain('verify-release-pr failed: 1 rule(s) failed: checks: Self-hosted runners online [github-actions] (failure) failed');
    expect(run.output).toMatch(/Rehearsed negative in [\d.]+ s: \d+ steps/);
    expect(run.leftFiles).toEqual([]);
  }, 600_000);
});
