import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE24, REPO_ROOT } from './harness/run-bundle.js';

/** Runs `npm run rehearse`'s script under Node 24, as npm would. */
function rehearse(args: string[] = []): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE24, [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'scripts', 'rehearse.ts'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

describe('npm run rehearse', () => {
  it('rehearses a whole release end to end, exits 0, and leaves no server behind', async () => {
    const { code, output } = await rehearse();
    expect(code, output).toBe(0);
    for (const action of ['check-runner-disk', 'verify-release-pr', 'bump-version', 'publish-pypi-sdist', 'promote-images-preprod-to-prod'])
      expect(output).toContain(`(${action}, `);
    expect(output).toMatch(/✓ 7\. dev moves to the next beta/);
    expect(output).not.toContain('✗');
    expect(output).toMatch(/Release 5\.1\.5 rehearsed in [\d.]+ s: 7 steps/);
    const root = /in (\/\S+exegol-rehearsal-\S+)/.exec(output)![1]!;
    expect(existsSync(root)).toBe(false);
    const registry = /registry: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    await expect(fetch(`${registry}/v2/`)).rejects.toThrow();
  }, 300_000);
});
