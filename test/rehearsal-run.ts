// Runs `npm run rehearse`'s script as npm does, for the rehearsal's tests: under Node 24, in a TMPDIR of its
// own, which must be empty afterwards, with no process left naming it.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

/** One run of the rehearsal. */
export interface Rehearsal {
  code: number;
  output: string;
  /** Files left in the run's TMPDIR. */
  leftFiles: string[];
  /** Command lines of processes still running that name the run's TMPDIR. */
  leftProcesses: string[];
}

/** Processes whose command line names `directory` (a registry, a gpg-agent, a server left running). */
export async function processesIn(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(directory)) found.push(`${pid}: ${commandLine.replace(/\0/g, ' ').trim()}`);
  }
  return found;
}

/** Runs `npm run rehearse`'s script under Node 24, as npm does, in a TMPDIR of its own. */
export async function rehearse(args: string[] = [], env: Record<string, string> = {}): Promise<Rehearsal> {
  // Short: bump-version's GNUPGHOME goes under RUNNER_TEMP, and gpg-agent's socket path may hold 107 bytes.
  const tmp = await mkdtemp('/tmp/rh-');
  const child = spawn(NODE24, [path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(REPO_ROOT, 'scripts', 'rehearse.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TMPDIR: tmp, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  // tsx-<uid> is tsx's own compile cache, made by the runner of the script, not by the rehearsal.
  const leftFiles = (await readdir(tmp)).filter((name) => !/^tsx-\d+$/.test(name));
  const result = { code, output, leftFiles, leftProcesses: await processesIn(tmp) };
  await rm(tmp, { recursive: true, force: true });
  return result;
}
