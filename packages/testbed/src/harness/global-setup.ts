// Vitest's global set-up: before any test, rebuilds each bundle older than its sources
// (scripts/build.mjs --stale), so that editing a source and running `npm test` tests the new code.
// A build that fails stops the run at once, naming the action.
//
// Skipped when the selected test files are all unit tests (none runs a bundle: no *.bundle.test.ts,
// and none imports the bundle harness or the rehearsal), and when SKIP_BUNDLE_BUILD=1; then a stale
// bundle is still never run: packages/testbed/src/harness/run-bundle.ts refuses it, naming the action.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './run-bundle.js';

/** Whether a test file runs bundles: by its name (*.bundle.test.ts) or by what it imports. */
export function runsBundles(file: string): boolean {
  if (file.endsWith('.bundle.test.ts')) return true;
  const text = readFileSync(file, 'utf8');
  return /harness\/run-bundle|rehearsal-run|\/harness(\.js)?['"]|scripts\/rehearse|\/dist\//.test(text);
}

export default async function setup(project: TestProject): Promise<void> {
  if (process.env['SKIP_BUNDLE_BUILD'] === '1') return;
  // The file filters given on the command line (`npm test -- test/core`), where this vitest keeps them.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters);
  if (!testFiles.some(runsBundles)) return;
  // Streamed as it goes (a rebuild takes a while), and kept to name the actions that do not build.
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs'), '--stale'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const status = await new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(code ?? signal ?? 1)));
  if (status !== 0) {
    const failed = [...stderr.matchAll(/^build of (\S+) failed/gm)].map((match) => `actions/${match[1]}`);
    throw new Error(
      `the bundle of ${failed.join(', ') || 'an action'} is older than its sources and does not build (scripts/build.mjs --stale exited with ${status}): see the build's errors above`,
    );
  }
}
