import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, buildSdistOf, demoProjectFiles, writeProject } from '../fixtures/python-projects.js';
import { PackageIndexStandIn } from '../stand-ins/package-index.js';
import { MAIN_TOKEN, uploadedTo, useIndexes } from './harness.js';

const { main, publish } = useIndexes();
// Asynchronous: the stand-in index lives in this process and must keep serving twine.
const execute = promisify(execFile);
let demoSdist: string;
let otherBytesSdist: string;

/** A packages directory holding a copy of `sdist` only. */
async function packagesWith(sdist: string): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'packages-'));
  await copyFile(sdist, path.join(directory, path.basename(sdist)));
  return directory;
}

beforeAll(async () => {
  demoSdist = await buildSdistOf(await writeProject(demoProjectFiles('1.2.3')));
  const changed = demoProjectFiles('1.2.3');
  changed['README.md'] += '\nA different README, same version.\n';
  otherBytesSdist = await buildSdistOf(await writeProject(changed));
}, 120_000);

const publishFile = async (sdist: string, inputs: Record<string, string> = {}) =>
  publish({ build: 'false', 'packages-dir': await packagesWith(sdist), 'expected-version': '1.2.3', password: MAIN_TOKEN, ...inputs });

describe('publish-pypi-sdist bundle: the upload API\u2019s answers', () => {
  it('sends every field twine sends, with the same values', async () => {
    const twineIndex = await new PackageIndexStandIn('pypi').start();
    try {
      twineIndex.tokens.add('pypi-twine-token');
      await execute(DEBIAN_PYTHON, [
        '-m',
        'twine',
        'upload',
        '--non-interactive',
        '--disable-progress-bar',
        '--repository-url',
        `${twineIndex.url}/legacy/`,
        '-u',
        '__token__',
        '-p',
        'pypi-twine-token',
        demoSdist,
      ]);
      const run = await publishFile(demoSdist);
      expect(run.code, run.stdout).toBe(0);
      const twine = twineIndex.uploads[0]!.fields;
      const ours = main().uploads[0]!.fields;
      const asMap = (fields: [string, string][]) => {
        const map = new Map<string, string[]>();
        for (const [name, value] of fields) map.set(name, [...(map.get(name) ?? []), value]);
        return map;
      };
      const theirs = asMap(twine);
      const mine = asMap(ours);
      expect([...theirs.keys()].filter((name) => !mine.has(name))).toEqual(['md5_digest']);
      // twine 4.0.2 sends pyversion empty for an sdist; PyPI's upload API documents "source", which this action sends.
      expect(theirs.get('pyversion')).toEqual(['']);
      expect(mine.get('pyversion')).toEqual(['source']);
      // twine 4.0.2 still sends an MD5; PyPI ignores it and twine itself dropped it (pypa/twine#1262).
      expect(theirs.get('md5_digest')![0]).toMatch(/^[a-f0-9]{32}$/);
      expect(mine.has('md5_digest')).toBe(false);
      const notCompared = new Set(['pyversion', 'md5_digest']);
      for (const [name, values] of theirs) if (!notCompared.has(name)) expect(mine.get(name), name).toEqual(values);
      expect([...mine.keys()].filter((name) => !theirs.has(name))).toEqual([]);
      expect(theirs.get('metadata_version')).toEqual(['2.1']);
      expect(mine.get('description')![0]).toContain('\n\n- one\n- two\n');
      expect(mine.get('classifiers')).toEqual(['Programming Language :: Python :: 3', 'Operating System :: OS Independent']);
      expect(main().uploads[0]!.contentFilename).toBe(twineIndex.uploads[0]!.contentFilename);
    } finally {
      await twineIndex.stop();
    }
  });

  it('skips an identical file with skip-existing when the index answers 400 File already exists', async () => {
    main().identicalReupload = 400;
    expect((await publishFile(demoSdist)).code).toBe(0);
    const again = await publishFile(demoSdist, { 'skip-existing': 'true' });
    expect(again.code, again.stdout).toBe(0);
    expect(uploadedTo(again)[0]!.result).toBe('skipped');
    expect(main().uploads.map((upload) => upload.status)).toEqual([200, 400]);
  });

  it('refuses an existing file without skip-existing, saying how to skip', async () => {
    main().identicalReupload = 400;
    await publishFile(demoSdist);
    const again = await publishFile(demoSdist);
    expect(again.code).toBe(1);
    expect(again.errors[0]).toContain('exegol-release-demo-1.2.3.tar.gz already exists on PyPI (HTTP 400 File already exists');
    expect(again.errors[0]).toContain('set skip-existing: true');
  });

  it('refuses different bytes under the same name even with skip-existing', async () => {
    await publishFile(demoSdist);
    const other = await publishFile(otherBytesSdist, { 'skip-existing': 'true' });
    expect(other.code).toBe(1);
    expect(other.errors[0]).toMatch(
      /exegol-release-demo-1\.2\.3\.tar\.gz already exists on PyPI with other content \(sha256 [a-f0-9]{64}, this file [a-f0-9]{64}\): a file name can be uploaded once/,
    );
  });

  it('accepts an identical re-upload answered 200, as PyPI answers it', async () => {
    await publishFile(demoSdist);
    const again = await publishFile(demoSdist);
    expect(again.code, again.stdout).toBe(0);
    expect(uploadedTo(again)[0]!.result).toBe('uploaded');
  });

  it('reports a refused token (403) with the index\u2019s reason', async () => {
    const run = await publishFile(demoSdist, { password: 'pypi-wrong' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('PyPI (');
    expect(run.errors[0]).toContain('refused the credentials: HTTP 403 Invalid or non-existent authentication information');
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain('pypi-wrong');
  });

  it('retries 5xx answers, then uploads', async () => {
    main().failNext.push(503, 502);
    const run = await publishFile(demoSdist);
    expect(run.code, run.stdout).toBe(0);
    expect(main().uploads.map((upload) => upload.status)).toEqual([503, 502, 200]);
    expect(run.stdout).toContain('retrying the upload to PyPI');
  });

  it('retries a connection reset before the answer, then uploads the file intact', async () => {
    main().dropNext = 2;
    const run = await publishFile(demoSdist);
    expect(run.code, run.stdout).toBe(0);
    expect(main().dropped).toBe(2);
    expect(main().uploads.map((upload) => upload.status)).toEqual([200]);
    expect(main().files.get('exegol-release-demo-1.2.3.tar.gz')!.sha256).toBe(run.outputs['sha256']);
    expect(run.stdout.match(/retrying the upload to PyPI/g)).toHaveLength(2);
  });

  it('does not follow a redirect: it means a wrong URL, and says so', async () => {
    const run = await publishFile(demoSdist, { 'repository-url': `${main().url}/` });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(
      `${main().url}/ redirects (HTTP 301 Moved Permanently) to ${main().url}/legacy/: the repository URL must be the upload endpoint itself, ending in /legacy/`,
    );
    expect(main().files.size).toBe(0);
  });

  it('accepts a PEP 625 file name without warning', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'packages-'));
    await copyFile(demoSdist, path.join(directory, 'exegol_release_demo-1.2.3.tar.gz'));
    const run = await publish({ build: 'false', 'packages-dir': directory, password: MAIN_TOKEN, 'check-install': 'false' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.warnings).toEqual([]);
  });

  it('writes the file under the packages directory it was given, and ignores other files there', async () => {
    const directory = await packagesWith(demoSdist);
    await mkdir(path.join(directory, 'notes'));
    await writeFile(path.join(directory, 'notes', 'x.txt'), 'x');
    const run = await publish({ build: 'false', 'packages-dir': directory, password: MAIN_TOKEN, 'check-install': 'false' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['sdist']).toBe(path.join(directory, 'exegol-release-demo-1.2.3.tar.gz'));
  });
});
