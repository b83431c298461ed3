// Bundles every action (actions/<name>/src/index.ts) into actions/<name>/dist with ncc, as ESM,
// with the licenses of the bundled packages in dist/licenses.txt.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const actions = readdirSync(path.join(root, 'actions')).filter((name) => existsSync(path.join(root, 'actions', name, 'src', 'index.ts')) && (only.length === 0 || only.includes(name)));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

for (const name of actions) {
  const directory = path.join(root, 'actions', name);
  rmSync(path.join(directory, 'dist'), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [ncc, 'build', 'src/index.ts', '--out', 'dist', '--license', 'licenses.txt', '--no-cache', '--quiet', '--target', 'es2022'], { cwd: directory, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build of ${name} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`built actions/${name}/dist`);
}
