// No test can run a bundle older than its sources: the stamp (scripts/bundle-stamp.mjs) changes with
// every input of the bundle and with nothing else, the harness refuses a stale bundle naming the
// action, and build.mjs --stale rebuilds only stale bundles. All on a copy of the sources in a
// temporary directory: the repository's own files are only read.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isStale, listActions, sourcesDigest, stampPath, staleMessage } from '../../scripts/bundle-stamp.mjs';
import { runsBundles } from '@exegol-release/testbed/harness/global-setup.js';
import { assertFreshBundle, checkBundlesOnce, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

const ACTION = 'check-runner-disk';
const OTHER = 'bump-version';
let root: string;

/** A file of the copy, read or written by its path relative to the copy's root. */
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const write = (file: string, text: string): void => writeFileSync(path.join(root, file), text);

/** Stamps both actions of the copy as freshly built. */
function stampAll(): void {
  for (const action of [ACTION, OTHER]) {
    mkdirSync(path.dirname(stampPath(root, action)), { recursive: true });
    writeFileSync(stampPath(root, action), `${sourcesDigest(root, action)}\n`);
  }
}

/** Runs an edit, checks which actions it made stale, then undoes it. */
function staleAfter(file: string, edit: (text: string) => string): string[] {
  const before = read(file);
  write(file, edit(before));
  try {
    return [ACTION, OTHER].filter((action) => isStale(root, action));
  } finally {
    write(file, before);
  }
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'stale-bundle-'));
  for (const part of [
    'packages/core/src',
    'packages/core/package.json',
    'actions/tsconfig.json',
    'tsconfig.json',
    'package.json',
    'package-lock.json',
    'scripts/build.mjs',
    'scripts/bundle-stamp.mjs',
  ]) {
    cpSync(path.join(REPO_ROOT, part), path.join(root, part), { recursive: true });
  }
  // The stamp follows imports with TypeScript's preProcessFile: the one package the copy needs (ncc stays out).
  mkdirSync(path.join(root, 'node_modules'));
  symlinkSync(path.join(REPO_ROOT, 'node_modules', 'typescript'), path.join(root, 'node_modules', 'typescript'));
  for (const action of [ACTION, OTHER]) {
    for (const part of ['src', 'package.json', 'action.yml'])
      cpSync(path.join(REPO_ROOT, 'actions', action, part), path.join(root, 'actions', action, part), { recursive: true });
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(stampAll);

describe('the stamp of the sources a bundle is built from', () => {
  it('matches right after a build, and the harness runs the bundle', () => {
    expect(listActions(root)).toEqual([OTHER, ACTION]);
    expect(isStale(root, ACTION)).toBe(false);
    expect(() => assertFreshBundle(ACTION, root)).not.toThrow();
  });

  it("changes with the action's own sources and package.json, for that action only", () => {
    expect(staleAfter(`actions/${ACTION}/src/main.ts`, (text) => `${text}\n// edited\n`)).toEqual([ACTION]);
    expect(staleAfter(`actions/${ACTION}/package.json`, (text) => text.replace('"private": true', '"private": false'))).toEqual([ACTION]);
  });

  it('changes with a module of packages/core for the actions whose bundle contains it, and only those', () => {
    // Every action reports its errors through the action domain; only check-runner-disk empties directories.
    expect(staleAfter('packages/core/src/action/errors.ts', (text) => `${text}\n// edited\n`)).toEqual([ACTION, OTHER]);
    expect(staleAfter('packages/core/src/disk/cleanup-guard.ts', (text) => `${text}\n// edited\n`)).toEqual([ACTION]);
    expect(staleAfter('packages/core/src/bump/version-files.ts', (text) => `${text}\n// edited\n`)).toEqual([OTHER]);
    // A module reached only through a relative import inside core, not through a domain's index.
    write('packages/core/src/disk/unused.ts', 'export const unused = 1;\n');
    expect([ACTION, OTHER].filter((action) => isStale(root, action))).toEqual([]);
    rmSync(path.join(root, 'packages', 'core', 'src', 'disk', 'unused.ts'));
  });

  it("changes with core's package.json, the tsconfigs and the build script, for every action", () => {
    expect(staleAfter('packages/core/package.json', (text) => `${text} `)).toEqual([ACTION, OTHER]);
    expect(staleAfter('actions/tsconfig.json', (text) => `${text} `)).toEqual([ACTION, OTHER]);
    expect(staleAfter('tsconfig.json', (text) => `${text} `)).toEqual([ACTION, OTHER]);
    expect(staleAfter('scripts/build.mjs', (text) => `${text}\n// edited\n`)).toEqual([ACTION, OTHER]);
  });

  it('changes when a source file is added or removed', () => {
    write(`actions/${ACTION}/src/extra.ts`, 'export const extra = 1;\n');
    expect(isStale(root, ACTION)).toBe(true);
    rmSync(path.join(root, 'actions', ACTION, 'src', 'extra.ts'));
    expect(isStale(root, ACTION)).toBe(false);
  });

  it('changes with the locked version of a bundled package and of the bundler, not with a devDependency', () => {
    const bump = (name: string) => (text: string) => {
      const lock = JSON.parse(text) as { packages: Record<string, { version?: string; integrity?: string }> };
      const entry = lock.packages[`node_modules/${name}`];
      if (!entry) throw new Error(`${name} is not in package-lock.json`);
      entry.version = `${entry.version}-edited`;
      return JSON.stringify(lock, null, 2);
    };
    // A package every action bundles: the first run-time dependency of packages/core.
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
    const bundled = Object.keys(lock.packages['packages/core']?.dependencies ?? {})[0]!;
    expect(staleAfter('package-lock.json', bump(bundled))).toEqual([ACTION, OTHER]);
    expect(staleAfter('package-lock.json', bump('@vercel/ncc'))).toEqual([ACTION, OTHER]);
    expect(staleAfter('package-lock.json', bump('eslint'))).toEqual([]);
    expect(staleAfter('package-lock.json', bump('vitest'))).toEqual([]);
  });

  it("does not change with what the bundle is not built from: action.yml, the root package.json, editors' leftovers", () => {
    expect(staleAfter(`actions/${ACTION}/action.yml`, (text) => `${text}\n# edited\n`)).toEqual([]);
    expect(staleAfter('package.json', (text) => text.replace('"private": true', '"private": false'))).toEqual([]);
    expect(staleAfter('scripts/bundle-stamp.mjs', (text) => `${text}\n// edited\n`)).toEqual([]);
    for (const leftover of ['.main.ts.swp', 'main.ts~']) {
      write(`actions/${ACTION}/src/${leftover}`, 'an editor left this');
      expect(isStale(root, ACTION)).toBe(false);
      rmSync(path.join(root, 'actions', ACTION, 'src', leftover));
    }
  });
});

describe('the harness', () => {
  it('refuses a bundle older than its sources, naming the action and the command that rebuilds it', () => {
    const main = read(`actions/${ACTION}/src/main.ts`);
    write(`actions/${ACTION}/src/main.ts`, `${main}\n// edited\n`);
    try {
      expect(() => assertFreshBundle(ACTION, root)).toThrow(`actions/${ACTION}/dist is older than its sources`);
      expect(() => assertFreshBundle(ACTION, root)).toThrow('run npm run build');
      expect(() => assertFreshBundle(OTHER, root)).not.toThrow();
    } finally {
      write(`actions/${ACTION}/src/main.ts`, main);
    }
    expect(() => assertFreshBundle(ACTION, root)).not.toThrow();
  });

  it('refuses a bundle without a stamp (built before stamps, or by hand)', () => {
    rmSync(stampPath(root, ACTION));
    expect(() => assertFreshBundle(ACTION, root)).toThrow(staleMessage(ACTION));
  });

  it('refuses in runBundle, before it starts anything', async () => {
    vi.resetModules();
    vi.doMock('../../scripts/bundle-stamp.mjs', async (importOriginal) => ({ ...(await importOriginal<object>()), isStale: () => true }));
    try {
      const { runBundle } = await import('@exegol-release/testbed/harness/run-bundle.js');
      await expect(runBundle(ACTION)).rejects.toThrow(staleMessage(ACTION));
    } finally {
      vi.doUnmock('../../scripts/bundle-stamp.mjs');
      vi.resetModules();
    }
  });

  it('checks every bundle once, out of process, then trusts a stamp it found fresh until that stamp changes', () => {
    // A copy of its own: the stamps trusted here stay trusted for the rest of this process.
    const checked = mkdtempSync(path.join(tmpdir(), 'stale-bundle-once-'));
    try {
      cpSync(root, checked, { recursive: true, verbatimSymlinks: true });
      const main = path.join(checked, 'actions', ACTION, 'src', 'main.ts');
      const source = readFileSync(main, 'utf8');
      writeFileSync(main, `${source}\n// edited\n`);
      expect(() => checkBundlesOnce(checked)).toThrow(staleMessage(ACTION));
      expect(() => checkBundlesOnce(checked)).not.toThrow(staleMessage(OTHER));
      writeFileSync(main, source);
      expect(() => checkBundlesOnce(checked)).not.toThrow();
      // Trusted: an edit after the check goes unseen while the stamp file holds the stamp found fresh…
      writeFileSync(main, `${source}\n// edited after the check\n`);
      expect(() => assertFreshBundle(ACTION, checked)).not.toThrow();
      // …and a bundle whose stamp changed since (rebuilt, or stamped by hand) is hashed again.
      writeFileSync(stampPath(checked, ACTION), `${'0'.repeat(64)}\n`);
      expect(() => assertFreshBundle(ACTION, checked)).toThrow(staleMessage(ACTION));
      expect(() => assertFreshBundle(OTHER, checked)).not.toThrow();
    } finally {
      rmSync(checked, { recursive: true, force: true });
    }
  });
});

describe('build.mjs --stale', () => {
  const build = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, encoding: 'utf8' });

  it('builds nothing, and says nothing, when every bundle is fresh', () => {
    const result = build('--stale');
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('rebuilds exactly the stale bundles (here without ncc, so the build itself fails, naming the action)', () => {
    const main = read(`actions/${ACTION}/src/main.ts`);
    write(`actions/${ACTION}/src/main.ts`, `${main}\n// edited\n`);
    const result = build('--stale');
    write(`actions/${ACTION}/src/main.ts`, main);
    expect(result.stdout).toContain(`rebuilding the bundles older than their sources: ${ACTION}\n`);
    expect(result.stderr).toContain(`build of ${ACTION} failed`);
    expect(result.stderr).not.toContain(OTHER);
    expect(result.status).not.toBe(0);
  });

  it('names an unknown action', () => {
    const result = build('no-such-action');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no action named no-such-action');
  });
});

describe('the global set-up', () => {
  it('rebuilds before bundle tests and the rehearsal, not before unit tests alone', () => {
    const test = (file: string) => runsBundles(path.join(REPO_ROOT, 'test', file));
    expect(test('core/units.test.ts')).toBe(false);
    expect(test('bundles.test.ts')).toBe(true);
    expect(test('rehearsal.test.ts')).toBe(true);
    expect(test('check-runner-disk/thresholds.bundle.test.ts')).toBe(true);
  });
});
