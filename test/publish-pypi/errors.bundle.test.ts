import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSdistOf, demoProjectFiles, wrapperProjectFiles, writeProject } from '../fixtures/python-projects.js';
import { writeFiles } from '../fixtures/wrapper-repository.js';
import { MAIN_TOKEN, useIndexes } from './harness.js';

const { main, publish } = useIndexes();
let demoSdist: string;

beforeAll(async () => {
  demoSdist = await buildSdistOf(await writeProject(demoProjectFiles('1.2.3')));
}, 120_000);

/** A packages directory holding the given files (copied, or written from text). */
async function packages(files: Record<string, string | { copyOf: string }>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'packages-'));
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') await writeFile(path.join(directory, name), content);
    else await copyFile(content.copyOf, path.join(directory, name));
  }
  return directory;
}

/** A gzipped tar of `files`, under `directory`. */
async function tarball(directory: string, name: string, files: Record<string, string>): Promise<void> {
  const source = await mkdtemp(path.join(tmpdir(), 'tar-source-'));
  await writeFiles(source, files);
  await create(
    { gzip: true, file: path.join(directory, name), cwd: source, portable: true },
    Object.keys(files)
      .map((file) => file.split('/')[0]!)
      .filter((value, index, all) => all.indexOf(value) === index),
  );
}

async function expectRefused(inputs: Record<string, string>, message: string, env: Record<string, string> = {}): Promise<void> {
  const run = await publish({ password: MAIN_TOKEN, ...inputs }, env);
  expect(run.code, run.stdout).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toContain(message);
  expect(main().uploads).toEqual([]);
}

describe('publish-pypi-sdist bundle: bad input ends with a clear error, and nothing is uploaded', () => {
  it('no sdist found', async () => {
    await expectRefused({ build: 'false', 'packages-dir': await packages({}) }, 'no sdist (.tar.gz) in');
  });

  it('a packages directory that does not exist', async () => {
    await expectRefused({ build: 'false', 'packages-dir': '/nonexistent/dist' }, 'packages directory /nonexistent/dist does not exist');
  });

  it('two candidates', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'a-1.0.tar.gz': { copyOf: demoSdist }, 'b-1.0.tar.gz': { copyOf: demoSdist } }) },
      'holds 2 sdists (a-1.0.tar.gz, b-1.0.tar.gz): expected exactly one',
    );
  });

  it('only a wheel', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'exegol-5.1.5-py3-none-any.whl': 'PK' }) },
      'holds only wheels (exegol-5.1.5-py3-none-any.whl): this action publishes a source distribution',
    );
  });

  it('a tarball without PKG-INFO', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/setup.py': 'print(1)\n' });
    await expectRefused({ build: 'false', 'packages-dir': directory }, 'exegol-5.1.5.tar.gz has no exegol-5.1.5/PKG-INFO');
  });

  it('a tarball with two top-level directories', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': 'Metadata-Version: 2.1\nName: exegol\nVersion: 5.1.5\n', 'other/file': 'x' });
    await expectRefused({ build: 'false', 'packages-dir': directory }, 'must hold one top-level directory, and holds 2');
  });

  it('a file that is not a gzipped tar', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'exegol-5.1.5.tar.gz': 'not a tarball' }) },
      'exegol-5.1.5.tar.gz is not a readable gzipped tar archive',
    );
  });

  it('a Metadata-Version this action does not read', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': 'Metadata-Version: 3.0\nName: exegol\nVersion: 5.1.5\n' });
    await expectRefused({ build: 'false', 'packages-dir': directory }, 'has Metadata-Version 3.0; this action reads 1.0 to 2.4');
  });

  it('a file name that does not name the package inside', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'other-9.9.tar.gz': { copyOf: demoSdist } }), 'check-install': 'false' },
      'other-9.9.tar.gz does not name the package inside it (exegol-release-demo 1.2.3): expected exegol_release_demo-1.2.3.tar.gz',
    );
  });

  it('a version different from the pushed tag', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'exegol-release-demo-1.2.3.tar.gz': { copyOf: demoSdist } }) },
      'holds version 1.2.3, but 1.2.4 was expected (input expected-version, default the pushed tag)',
      { GITHUB_REF: 'refs/tags/1.2.4', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '1.2.4' },
    );
  });

  it('an sdist that fails the install check: the wrapper without requirements.txt, as 4.3.5 was', async () => {
    const project = await writeProject(wrapperProjectFiles('4.3.5', { manifestIncludesRequirements: false }));
    await expectRefused(
      { 'working-directory': project, 'expected-version': '4.3.5' },
      "install check failed: a wheel cannot be built from Exegol-4.3.5.tar.gz alone: FileNotFoundError: [Errno 2] No such file or directory: 'requirements.txt'",
    );
  });

  it('a Python without the build module, saying how to install it', async () => {
    const project = await writeProject(demoProjectFiles('1.2.3'));
    const python = path.join(await mkdtemp(path.join(tmpdir(), 'python-')), 'python3');
    await writeFile(python, '#!/bin/sh\necho "/usr/bin/python3: No module named build" >&2\nexit 1\n', { mode: 0o755 });
    await expectRefused(
      { 'working-directory': project, python },
      `${python} has no "build" module: install it with "${python} -m pip install build" (on Debian: apt-get install python3-build)`,
    );
  });

  it('a python that does not exist', async () => {
    const project = await writeProject(demoProjectFiles('1.2.3'));
    await mkdir(path.join(project, 'dist'));
    await expectRefused({ 'working-directory': project, python: 'python3.99' }, 'python executable "python3.99" was not found (input python)');
  });

  it('a repository URL that is not a URL', async () => {
    await expectRefused({ 'repository-url': 'pypi' }, `input 'repository-url' "pypi" is not an http(s) URL`);
  });
});
