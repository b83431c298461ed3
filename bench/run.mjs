// Runs every benchmark under bench/ in turn (or those whose names start with an argument), .ts with
// tsx, each printing its figures measured in that one run. The bundles older than their sources
// are rebuilt first (scripts/build.mjs --stale), as `npm test` does: a benchmark measures the code
// as it is now.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const directory = import.meta.dirname;
const tsx = path.join(directory, '..', 'node_modules', '.bin', 'tsx');
const only = process.argv.slice(2);
const build = spawnSync(process.execPath, [path.join(directory, '..', 'scripts', 'build.mjs'), '--stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
for (const file of readdirSync(directory).filter((name) => /\.(mjs|ts)$/.test(name) && name !== 'run.mjs')) {
  if (only.length && !only.some((name) => file.startsWith(name))) continue;
  console.log(`\n## ${file}`);
  const [command, args] = file.endsWith('.ts') ? [tsx, [path.join(directory, file)]] : [process.execPath, [path.join(directory, file)]];
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
