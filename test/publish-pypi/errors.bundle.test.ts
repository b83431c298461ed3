import { copyFile, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildDistributionsOf,
  demoProjectFiles,
  exegolProjectFiles,
  wrapperProjectFiles,
  writeProject,
} from '@exegol-release/testbed/fixtures/python-projects.js';
import { MAIN_TOKEN, useIndexes } from './harness.js';

const { main, publish } = useIndexes();
let demo: { sdist: string; wheel: string };

beforeAll(async () => {
  demo = await buildDistributionsOf(await writeProject(demoProjectFiles('1.2.3')));
}, 120_000);

/** A packages directory holding the given files (copied, or written from text or bytes). */
async function packages(files: Record<string, string | Buffer | { copyOf: string }>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'packages-'));
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string' || Buffer.isBuffer(content)) await writeFile(path.join(directory, name), content);
    else await copyFile(content.copyOf, path.join(directory, name));
  }
  return directory;
}

/** A gzipped tar of `files` (text or bytes), under `directory`; `prepare` may add links to the source tree first. */
async function tarball(directory: string, name: string, files: Record<string, string | Buffer>, prepare?: (source: string) => Promise<void>): Promise<void> {
  const source = await mkdtemp(path.join(tmpdir(), 'tar-source-'));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(source, file)), { recursive: true });
    await writeFile(path.join(source, file), content);
  }
  await prepare?.(source);
  await create(
    { gzip: true, file: path.join(directory, name), cwd: source, portable: true },
    Object.keys(files)
      .map((file) => file.split('/')[0]!)
      .filter((value, index, all) => all.indexOf(value) === index),
  );
}

const PKG_INFO = (version: string, extra = ''): string => `Metadata-Version: ${version}\nName: exegol\nVersion: 5.1.5\n${extra}`;

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
      { build: 'false', 'packages-dir': await packages({ 'a-1.0.tar.gz': { copyOf: demo.sdist }, 'b-1.0.tar.gz': { copyOf: demo.sdist } }) },
      'holds 2 sdists (a-1.0.tar.gz, b-1.0.tar.gz): expected exactly one',
    );
  });

  it('only a wheel: the sdist is required', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'exegol-5.1.5-py3-none-any.whl': 'PK' }) },
      'holds wheels but no sdist (exegol-5.1.5-py3-none-any.whl): this action publishes a source distribution (.tar.gz), and its wheels with it',
    );
  });

  it('a tarball without PKG-INFO', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/setup.py': 'print(1)\n' });
    await expectRefused({ build: 'false', 'packages-dir': directory }, 'exegol-5.1.5.tar.gz has no exegol-5.1.5/PKG-INFO');
  });

  it('a tarball with two top-level directories', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': PKG_INFO('2.1'), 'other/file': 'x' });
    await expectRefused({ build: 'false', 'packages-dir': directory }, 'must hold one top-level directory, and holds 2');
  });

  it('a file that is not a gzipped tar', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'exegol-5.1.5.tar.gz': 'not a tarball' }) },
      'exegol-5.1.5.tar.gz is not a readable gzipped tar archive',
    );
  });

  it('Metadata-Version 2.0, which PyPI refuses, in PyPI\u2019s words', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': PKG_INFO('2.0') });
    await expectRefused(
      { build: 'false', 'packages-dir': directory, 'check-install': 'false' },
      "has Metadata-Version 2.0, which PyPI refuses (it accepts 1.0, 1.1, 1.2, 2.1, 2.2, 2.3, 2.4, 2.5): 400 '2.0' is not a valid metadata version. See https://packaging.python.org/specifications/core-metadata for more information.",
    );
  });

  it('a PKG-INFO that is not UTF-8, with the offset of the first bad byte', async () => {
    const directory = await packages({});
    const latin1 = Buffer.concat([Buffer.from(PKG_INFO('2.1', 'Author: Ren')), Buffer.from([0xe9]), Buffer.from('\n')]);
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': latin1 });
    await expectRefused(
      { build: 'false', 'packages-dir': directory, 'check-install': 'false' },
      `exegol-5.1.5.tar.gz:exegol-5.1.5/PKG-INFO is not UTF-8: byte ${PKG_INFO('2.1', 'Author: Ren').length} (0xe9, then 0a) starts no valid UTF-8 sequence`,
    );
  });

  for (const [what, prepare, expected] of [
    [
      'a symbolic link',
      (source: string) => symlink('/etc/passwd', path.join(source, 'exegol-5.1.5', 'passwd')),
      '"exegol-5.1.5/passwd" is a symbolic link (to /etc/passwd)',
    ],
  ] as const) {
    it(`an sdist holding ${what}, refused with check-install: false`, async () => {
      const directory = await packages({});
      await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': PKG_INFO('2.1') }, prepare);
      await expectRefused({ build: 'false', 'packages-dir': directory, 'check-install': 'false' }, `exegol-5.1.5.tar.gz holds unsafe members: ${expected}`);
    });
  }

  for (const [what, member, expected] of [
    ['a ".." member', '../../outside.py', '"exegol-5.1.5/../../outside.py" is a ".." component'],
    ['an absolute member', '/etc/cron.d/job', 'is an absolute path'],
    ['a hard link', 'link:/etc/shadow', '"exegol-5.1.5/link" is a hard link (to /etc/shadow)'],
  ] as const) {
    it(`an sdist holding ${what}, refused with check-install: false`, async () => {
      const directory = await packages({});
      const file = path.join(directory, 'exegol-5.1.5.tar.gz');
      // node-tar strips such paths when writing; the raw header is written by Python's tarfile, as an attacker would.
      const script = `import tarfile,io,sys
with tarfile.open(sys.argv[1], "w:gz") as t:
    for name, data in (("exegol-5.1.5/PKG-INFO", b"Metadata-Version: 2.1\\nName: exegol\\nVersion: 5.1.5\\n"), (sys.argv[2], b"x")):
        name, _, target = name.partition(":")
        info = tarfile.TarInfo(name); info.size = 0 if target else len(data)
        if target: info.type = tarfile.LNKTYPE; info.linkname = target
        t.addfile(info, None if target else io.BytesIO(data))`;
      execFileSync('python3', ['-c', script, file, member.startsWith('/') ? member : `exegol-5.1.5/${member}`]);
      await expectRefused({ build: 'false', 'packages-dir': directory, 'check-install': 'false' }, expected);
    });
  }

  it('a License-File the sdist lacks (Metadata-Version 2.4), in PyPI\u2019s words', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': PKG_INFO('2.4', 'License-Expression: GPL-3.0-only\nLicense-File: LICENSE\n') });
    await expectRefused(
      { build: 'false', 'packages-dir': directory, 'check-install': 'false' },
      'exegol-5.1.5.tar.gz: PyPI would answer 400 License-File LICENSE does not exist in distribution file exegol-5.1.5.tar.gz at exegol-5.1.5/LICENSE',
    );
  });

  it('metadata PyPI refuses: a field newer than the declared Metadata-Version', async () => {
    const directory = await packages({});
    await tarball(directory, 'exegol-5.1.5.tar.gz', { 'exegol-5.1.5/PKG-INFO': PKG_INFO('2.1', 'License-Expression: GPL-3.0-only\n') });
    await expectRefused(
      { build: 'false', 'packages-dir': directory, 'check-install': 'false' },
      'PyPI would answer 400 license-expression introduced in metadata version 2.4, not 2.1. See https://packaging.python.org/specifications/core-metadata for more information.',
    );
  });

  it('a file name that does not start with the project\u2019s normalised name', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ 'other-9.9.tar.gz': { copyOf: demo.sdist } }), 'check-install': 'false' },
      "other-9.9.tar.gz: PyPI would answer 400 Start filename for 'exegol-release-demo' with 'exegol_release_demo'.",
    );
  });

  it('a wheel PyPI refuses: an unsupported platform tag', async () => {
    await expectRefused(
      {
        build: 'false',
        'packages-dir': await packages({
          [path.basename(demo.sdist)]: { copyOf: demo.sdist },
          'exegol_release_demo-1.2.3-cp311-cp311-linux_x86_64.whl': { copyOf: demo.wheel },
        }),
        'check-install': 'false',
      },
      "PyPI would answer 400 Binary wheel 'exegol_release_demo-1.2.3-cp311-cp311-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'.",
    );
  });

  it('a wheel without its .dist-info/WHEEL', async () => {
    await expectRefused(
      {
        build: 'false',
        'packages-dir': await packages({
          [path.basename(demo.sdist)]: { copyOf: demo.sdist },
          'exegol_release_demo-1.2.3-py3-none-any.whl': { copyOf: demo.sdist },
        }),
        'check-install': 'false',
      },
      'exegol_release_demo-1.2.3-py3-none-any.whl: PyPI would answer 400 Invalid distribution file. File is not a zipfile',
    );
  });

  it('a version different from the pushed tag', async () => {
    await expectRefused(
      { build: 'false', 'packages-dir': await packages({ [path.basename(demo.sdist)]: { copyOf: demo.sdist } }) },
      'holds version 1.2.3, but 1.2.4 was expected (input expected-version, default the pushed tag)',
      { GITHUB_REF: 'refs/tags/1.2.4', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '1.2.4' },
    );
  });

  it('an expected-version that is no version, refused before the build writes anything', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project, password: MAIN_TOKEN, 'expected-version': 'release-five' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(
      'expected version "release-five" is not a PEP 440 version (input expected-version, default the pushed tag): nothing was built or uploaded',
    );
    expect(run.stdout).not.toContain('Building');
    expect(existsSync(path.join(project, 'dist'))).toBe(false);
  });

  it('a built version other than the expected one leaves dist/ untouched', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    await expectRefused({ 'working-directory': project, 'expected-version': '5.1.6' }, 'holds version 5.1.5, but 5.1.6 was expected');
    expect(existsSync(path.join(project, 'dist'))).toBe(false);
  });

  it('an sdist that fails the install check: the wrapper without requirements.txt, as 4.3.5 was', async () => {
    const project = await writeProject(wrapperProjectFiles('4.3.5', { manifestIncludesRequirements: false }));
    await expectRefused(
      { 'working-directory': project, 'expected-version': '4.3.5', 'build-args': '--no-isolation' },
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

  it('a token both in the repository URL and in password', async () => {
    await expectRefused(
      { 'repository-url': `http://__token__:pypi-in-url@127.0.0.1:9/legacy/` },
      "input 'repository-url' holds a password, and password is given too: give the token once",
    );
  });
});
