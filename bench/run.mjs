// Runs every benchmark under bench/ in turn (or those whose names start with an argument), .ts with
// tsx, each printing its figures measured in that one run. The bundles older than their sources
// are rebuilt first (scripts/build.mjs --stale), as `npm test` does: a benchmark measures the code
// as it is now. At the end, the headline lines of every benchmark run are printed again together.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const directory = import.meta.dirname;
const tsx = path.join(directory, '..', 'node_modules', '.bin', 'tsx');
const only = process.argv.slice(2);
const build = spawnSync(process.execPath, [path.join(directory, '..', 'scripts', 'build.mjs'), '--stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
/** The lines each benchmark prints as its headline figures, by how they begin. */
const HEADLINES = [
  'zero layer bytes through the client:',
  'speed-up over skopeo (cold cache):',
  'cross-registry vs verifying plain copy:',
  'cross-registry vs skopeo:',
  'upload client time vs twine:',
];
const headlines = [];

/** Runs one benchmark, its output passed through as it comes, and keeps its headline lines. */
function runOne(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      headlines.push(...lines.filter((line) => HEADLINES.some((start) => line.startsWith(start))));
    });
    child.on('close', (code) => resolve(code));
  });
}

for (const file of readdirSync(directory).filter((name) => /\.(mjs|ts)$/.test(name) && name !== 'run.mjs')) {
  if (only.length && !only.some((name) => file.startsWith(name))) continue;
  console.log(`\n## ${file}`);
  const [command, args] = file.endsWith('.ts') ? [tsx, [path.join(directory, file)]] : [process.execPath, [path.join(directory, file)]];
  if ((await runOne(command, args)) !== 0) process.exitCode = 1;
}
if (headlines.length) console.log(`\n## headlines (this run)\n${headlines.join('\n')}`);
