// Dependency install scripts: package.json's allowScripts lists exactly the dependencies whose scripts must run,
// and CI (.ci/run) fails on a script that is neither allowed nor denied there.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

const CHECK = path.join(REPO_ROOT, 'scripts', 'check-install-scripts.sh');
const scratch = mkdtempSync(path.join(tmpdir(), 'install-scripts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the check with `npm` replaced by a script printing `output` to stdout (stderr when `status` is not 0). */
function checkWithNpm(name: string, output: string, status = 0) {
  const bin = path.join(scratch, name);
  rmSync(bin, { recursive: true, force: true });
  writeFileSync(path.join(scratch, `${name}.out`), output);
  const npm = path.join(bin, 'npm');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    npm,
    `#!/bin/sh\nif [ "$1" = --version ]; then echo 10.9.2; exit 0; fi\n` +
      `cat '${path.join(scratch, `${name}.out`)}' ${status === 0 ? '' : '>&2'}\nexit ${status}\n`,
  );
  chmodSync(npm, 0o755);
  return spawnSync('bash', [CHECK], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
}

describe('dependency install scripts', () => {
  it("are allowed for exactly node and esbuild in package.json's allowScripts", () => {
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    expect(manifest.allowScripts).toEqual({ node: true, esbuild: true });
  });

  it('are all reviewed: npm install-scripts ls finds nothing pending in this repository', () => {
    const run = spawnSync('bash', [CHECK], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/every dependency install script is reviewed|has no install-scripts command/);
  });

  it('fail the check when one is pending, naming it', () => {
    const pending = JSON.stringify({ allowScripts: [{ name: 'left-pad', changes: [{ key: 'left-pad@1.3.0', change: 'pending' }] }] });
    const run = checkWithNpm('pending', pending);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('left-pad@1.3.0 (pending)');
  });

  it('pass the check when none is pending', () => {
    const run = checkWithNpm('none', '{\n  "allowScripts": []\n}\n');
    expect(run.status, run.stderr).toBe(0);
  });

  it('are not checked, with a message, by an npm without the install-scripts command', () => {
    const run = checkWithNpm('old', 'Unknown command: "install-scripts"\n\nTo see a list of supported npm commands, run:\n  npm help\n', 1);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('npm 10.9.2 has no install-scripts command');
  });

  it('fail the check when npm fails otherwise, or prints no listing', () => {
    expect(checkWithNpm('broken', 'npm error code ENOENT\n', 1).status).toBe(1);
    expect(checkWithNpm('garbled', 'not json').status).toBe(1);
    expect(checkWithNpm('shapeless', '{}').status).toBe(1);
  });

  it('are checked by CI right after the set-up', () => {
    const run = readFileSync(path.join(REPO_ROOT, '.ci', 'run'), 'utf8');
    expect(run).toMatch(/^bash scripts\/setup\.sh\nbash scripts\/check-install-scripts\.sh\n/m);
  });
});
