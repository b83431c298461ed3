// Runs every benchmark under bench/ in turn (or those named on the command line).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const directory = import.meta.dirname;
const only = process.argv.slice(2);
for (const file of readdirSync(directory).filter((name) => name.endsWith('.mjs') && name !== 'run.mjs')) {
  if (only.length && !only.some((name) => file.startsWith(name))) continue;
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, [path.join(directory, file)], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
