// Bundles every action (actions/<name>/src/index.ts) into actions/<name>/dist with ncc, as ESM,
// with the licenses of the bundled packages in dist/licenses.txt and the stamp of the sources it
// was built from in dist/sources.sha256 (scripts/bundle-stamp.mjs).
//
//   node scripts/build.mjs [--stale] [action…]
//
// With action names, only those. With --stale, only the actions whose stamp differs from their
// sources now (what `npm test` runs first); prints nothing when every bundle is fresh.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { isStale, listActions, sourcesDigest, STAMP_FILE } from './bundle-stamp.mjs';

const root = path.resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const staleOnly = argv.includes('--stale');
const only = argv.filter((argument) => !argument.startsWith('--'));
const all = listActions(root);
const unknown = only.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`no action named ${unknown.join(', ')} (actions: ${all.join(', ')})`);
  process.exit(2);
}
const actions = all.filter((name) => (only.length === 0 || only.includes(name)) && (!staleOnly || isStale(root, name)));
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
if (staleOnly && actions.length) console.log(`rebuilding the bundles older than their sources: ${actions.join(', ')}`);

/** Builds one action; resolves to its exit status. The stamp is taken before ncc reads the sources. */
function build(name) {
  const directory = path.join(root, 'actions', name);
  const digest = sourcesDigest(root, name);
  const started = performance.now();
  // Built beside dist/ and moved there only when the build succeeds: a failed build leaves dist/ as it was.
  const building = path.join(directory, 'dist.building');
  rmSync(building, { recursive: true, force: true });
  // ncc writes one license file per chunk (its license plugin overwrites a fixed name): one each, merged below.
  const args = [ncc, 'build', 'src/index.ts', '--out', 'dist.building', '--license', 'licenses-[name].txt', '--no-cache', '--quiet', '--target', 'es2022'];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: directory, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`build of ${name} failed: ${error.message}`);
      resolve(1);
    });
    child.on('close', (status) => {
      if (status !== 0) {
        rmSync(building, { recursive: true, force: true });
        console.error(`build of ${name} failed`);
        resolve(status ?? 1);
        return;
      }
      mergeLicenses(building);
      writeFileSync(path.join(building, STAMP_FILE), `${digest}\n`);
      rmSync(path.join(directory, 'dist'), { recursive: true, force: true });
      renameSync(building, path.join(directory, 'dist'));
      console.log(`built actions/${name}/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      resolve(0);
    });
  });
}

/** The license field of an installed package, or undefined when `name` is not one. */
function installedLicense(name) {
  const manifest = [
    path.join(root, 'node_modules', name, 'package.json'),
    path.join(root, 'packages', name.replace(/^@exegol-release\//, ''), 'package.json'),
  ].find((file) => existsSync(file));
  if (!manifest) return undefined;
  const { name: declared, license } = JSON.parse(readFileSync(manifest, 'utf8'));
  return declared === name ? license : undefined;
}

/**
 * Merges the per-chunk license files into dist/licenses.txt: each package once, sorted by name, in
 * ncc's own format (`name`, `license`, the license text; entries separated by a blank line). An
 * entry starts at a line after a blank one that names an installed package whose next line is its license.
 */
function mergeLicenses(directory) {
  const entries = new Map();
  for (const file of readdirSync(directory).filter((name) => /^licenses-.+\.txt$/.test(name))) {
    const lines = readFileSync(path.join(directory, file), 'utf8').split('\n');
    let current;
    lines.forEach((line, index) => {
      const starts =
        (index === 0 || lines[index - 1] === '') && line !== '' && installedLicense(line) !== undefined && lines[index + 1] === installedLicense(line);
      if (starts) {
        current = entries.has(line) ? undefined : [];
        if (current) entries.set(line, current);
      }
      current?.push(line);
    });
    rmSync(path.join(directory, file));
  }
  const text = [...entries.keys()]
    .sort()
    .map((name) => entries.get(name).join('\n').trimEnd())
    .join('\n\n');
  writeFileSync(path.join(directory, 'licenses.txt'), `${text}\n`);
}

// Two builds at a time on two cores or more (ncc is mostly single-threaded); stops at the first failure.
const queue = [...actions];
let failure = 0;
const worker = async () => {
  while (queue.length && !failure) {
    const status = await build(queue.shift());
    if (status !== 0) failure ||= status;
  }
};
await Promise.all(Array.from({ length: Math.min(2, availableParallelism()) }, worker));
if (failure) process.exit(failure);
