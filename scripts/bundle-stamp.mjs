// The stamp of the sources a bundle is built from. scripts/build.mjs writes it next to each
// bundle, in actions/<name>/dist/sources.sha256; `npm test` rebuilds the bundles whose stamp
// differs (build.mjs --stale, from the vitest global set-up) and the bundle harness refuses to run
// one whose stamp differs, so that no test runs a bundle older than its sources.
//
// The stamp is a sha256 over what changes the bundle, and nothing else (so that an update of a
// devDependency such as eslint leaves every dist/ as it is, and an edit of one domain of core
// leaves the bundles that do not contain it as they are):
//  - every file under actions/<name>/src, and the files of packages/core/src those files reach
//    through their imports (relative ones, and `@exegol-release/core/<domain>` through core's
//    package.json `exports`), with the type declarations (*.d.ts) of each directory reached;
//  - actions/<name>/package.json, packages/core/package.json, actions/tsconfig.json and the root
//    tsconfig.json it extends, and scripts/build.mjs;
//  - from package-lock.json, the version and integrity of each package the action depends on at
//    run time (its dependencies, its workspace dependencies' and theirs, transitively), and of the
//    bundler (@vercel/ncc) and the compiler (typescript).
// Line endings are as committed (.gitattributes keeps them LF), so the stamp is reproducible.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * TypeScript, loaded at the first import scan rather than with this module: it takes about 100 MB of
 * memory, which a long-lived importer (the rehearsal, through the bundle harness) would otherwise carry
 * into every process it forks.
 */
let typescript;
const ts = () => (typescript ??= createRequire(import.meta.url)('typescript'));

/** The file, inside an action's dist/, that holds the stamp of the sources the bundle was built from. */
export const STAMP_FILE = 'sources.sha256';

/** Packages from package-lock.json that change every bundle: the bundler and the compiler. */
const BUILD_TOOLS = ['node_modules/@vercel/ncc', 'node_modules/typescript'];

/** The actions of a repository: the directories of actions/ that have src/index.ts. */
export function listActions(root) {
  return readdirSync(path.join(root, 'actions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, 'actions', entry.name, 'src', 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Every file under a directory, as paths relative to root with forward slashes, sorted. */
function filesUnder(root, directory) {
  const absolute = path.join(root, directory);
  if (!existsSync(absolute)) return [];
  return (
    readdirSync(absolute, { recursive: true, withFileTypes: true })
      // Editors' leftovers (dotfiles such as .DS_Store or .main.ts.swp, backups ending in ~) are not sources.
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && !entry.name.endsWith('~'))
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
  );
}

/** The package-lock.json entries (version, integrity, dependencies) of what the action bundles, and of the build tools. */
function lockedPackages(root, action) {
  const lockPath = path.join(root, 'package-lock.json');
  if (!existsSync(lockPath)) return {};
  const packages = JSON.parse(readFileSync(lockPath, 'utf8')).packages ?? {};
  const seen = new Map();

  // Node's resolution over the lockfile's keys: <dir>/node_modules/<name>, then each parent directory.
  const resolve = (from, name) => {
    for (let directory = from; ; directory = path.posix.dirname(directory)) {
      if (path.posix.basename(directory) === 'node_modules') continue;
      const key = directory === '.' || directory === '' ? `node_modules/${name}` : `${directory}/node_modules/${name}`;
      if (packages[key]) return key;
      if (directory === '.' || directory === '') return undefined;
    }
  };
  const visit = (key) => {
    if (seen.has(key) || !packages[key]) return;
    const entry = packages[key];
    if (entry.link) {
      seen.set(key, { link: entry.resolved });
      visit(entry.resolved);
      return;
    }
    const dependencies = { ...entry.peerDependencies, ...entry.optionalDependencies, ...entry.dependencies };
    seen.set(key, {
      version: entry.version,
      integrity: entry.integrity,
      dependencies: entry.dependencies,
      optionalDependencies: entry.optionalDependencies,
      peerDependencies: entry.peerDependencies,
    });
    for (const name of Object.keys(dependencies).sort()) {
      const resolved = resolve(key, name);
      if (resolved) visit(resolved);
    }
  };
  visit(`actions/${action}`);
  for (const tool of BUILD_TOOLS) visit(tool);
  return Object.fromEntries([...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A file path relative to root, with forward slashes. */
const relative = (root, file) => path.relative(root, file).split(path.sep).join('/');

/**
 * The source file an import specifier names, or undefined for a package outside this repository
 * (those are stamped through package-lock.json). Relative specifiers are resolved as NodeNext does
 * for TypeScript sources (`./x.js` is `./x.ts`); `@exegol-release/core/<subpath>` through core's
 * package.json `exports`.
 */
function resolveImport(root, from, specifier, coreExports) {
  let target;
  if (specifier.startsWith('.')) target = path.resolve(path.dirname(from), specifier);
  else if (specifier.startsWith('@exegol-release/core/')) {
    const mapped = coreExports[`./${specifier.slice('@exegol-release/core/'.length)}`];
    if (typeof mapped !== 'string') return undefined;
    target = path.join(root, 'packages/core', mapped);
  } else return undefined;
  for (const candidate of [target, target.replace(/\.(m?)js$/, '.$1ts'), `${target}.ts`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * The files of packages/core/src an action's sources reach through their imports (static, type-only
 * and dynamic, as TypeScript's preProcessFile lists them), with the *.d.ts files of each directory
 * reached. @returns paths relative to root, forward slashes
 */
export function coreFilesReached(repositoryRoot, sources) {
  const root = path.resolve(repositoryRoot);
  const corePackage = path.join(root, 'packages/core/package.json');
  const coreExports = existsSync(corePackage) ? (JSON.parse(readFileSync(corePackage, 'utf8')).exports ?? {}) : {};
  const coreSrc = path.join(root, 'packages/core/src') + path.sep;
  const seen = new Set();
  const queue = sources.map((file) => path.join(root, file)).filter((file) => /\.(m?ts|m?js)$/.test(file));
  while (queue.length) {
    const file = queue.pop();
    const { importedFiles } = ts().preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const target = resolveImport(root, file, fileName, coreExports);
      if (!target || seen.has(target)) continue;
      if (!target.startsWith(coreSrc)) continue;
      seen.add(target);
      if (/\.(m?ts|m?js)$/.test(target)) queue.push(target);
    }
  }
  const directories = new Set([...seen].map((file) => path.dirname(file)));
  for (const directory of directories) {
    for (const entry of readdirSync(directory)) if (entry.endsWith('.d.ts')) seen.add(path.join(directory, entry));
  }
  return [...seen].map((file) => relative(root, file));
}

/**
 * The stamp of an action's sources under a repository root: a sha256, in hex, over each input's
 * path and bytes (see the top of this file). Reads only; a few tens of milliseconds.
 * @throws when a source file cannot be read
 */
export function sourcesDigest(root, action) {
  const own = filesUnder(root, `actions/${action}/src`);
  const files = [
    ...coreFilesReached(root, own),
    ...own,
    `actions/${action}/package.json`,
    'packages/core/package.json',
    'actions/tsconfig.json',
    'tsconfig.json',
    'scripts/build.mjs',
  ].sort();
  const hash = createHash('sha256');
  const add = (name, bytes) => {
    hash.update(`${name}\0${bytes.length}\0`);
    hash.update(bytes);
  };
  for (const file of files) {
    const absolute = path.join(root, file);
    add(file, existsSync(absolute) ? readFileSync(absolute) : Buffer.alloc(0));
  }
  add('package-lock.json#packages', Buffer.from(JSON.stringify(lockedPackages(root, action))));
  return hash.digest('hex');
}

/** The path of an action's stamp file. */
export function stampPath(root, action) {
  return path.join(root, 'actions', action, 'dist', STAMP_FILE);
}

/** The stamp the action's bundle was built with, or undefined when it has none. */
export function readStamp(root, action) {
  try {
    return readFileSync(stampPath(root, action), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Whether the action's bundle was built from other sources than those under root now (or has no stamp). */
export function isStale(root, action) {
  return readStamp(root, action) !== sourcesDigest(root, action);
}

/** The message of a refusal to run a stale bundle. */
export function staleMessage(action) {
  return `actions/${action}/dist is older than its sources (its dist/${STAMP_FILE} does not match them): run npm run build, or npm test, which rebuilds stale bundles first`;
}
