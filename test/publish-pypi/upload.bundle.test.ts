import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { create } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, buildDistributionsOf, demoProjectFiles, twineUploadArgs, writeProject } from '@exegol-release/testbed/fixtures/python-projects.js';
import { PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';
import { MAIN_TOKEN, uploadedTo, useIndexes } from './harness.js';

const { main, publish } = useIndexes();
// Asynchronous: the stand-in index lives in this process and must keep serving twine.
const execute = promisify(execFile);
let demo: { sdist: string; wheel: string };
let otherBytes: { sdist: string; wheel: string };

/** A packages directory holding copies of `files`, under their own names or the names given. */
async function packagesWith(...files: (string | [string, string])[]): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'packages-'));
  for (const file of files) {
    const [source, name] = typeof file === 'string' ? [file, path.basename(file)] : file;
    await copyFile(source, path.join(directory, name));
  }
  return directory;
}

beforeAll(async () => {
  demo = await buildDistributionsOf(await writeProject(demoProjectFiles('1.2.3')));
  const changed = demoProjectFiles('1.2.3');
  changed['README.md'] += '\nA different README, same version.\n';
  otherBytes = await buildDistributionsOf(await writeProject(changed));
}, 120_000);

const SDIST = 'exegol_release_demo-1.2.3.tar.gz';
const publishFiles = async (files: (string | [string, string])[], inputs: Record<string, string> = {}) =>
  publish({
    build: 'false',
    'packages-dir': await packagesWith(...files),
    'expected-version': '1.2.3',
    'check-install': 'false',
    password: MAIN_TOKEN,
    ...inputs,
  });
const publishSdist = (inputs: Record<string, string> = {}) => publishFiles([demo.sdist], inputs);

describe('publish-pypi-sdist bundle: the upload API\u2019s answers', () => {
  it('sends every field twine sends, with the same values, but provides_extra where twine 4.0.2 sent provides_extras', async () => {
    const twineIndex = await new PackageIndexStandIn('pypi').start();
    try {
      twineIndex.tokens.add('pypi-twine-token');
      await execute(DEBIAN_PYTHON, twineUploadArgs(`${twineIndex.url}/legacy/`, 'pypi-twine-token', [demo.sdist]));
      const run = await publishSdist();
      expect(run.code, run.stdout).toBe(0);
      const asMap = (fields: [string, string][]) => {
        const map = new Map<string, string[]>();
        for (const [name, value] of fields) map.set(name, [...(map.get(name) ?? []), value]);
        return map;
      };
      const theirs = asMap(twineIndex.uploads[0]!.fields);
      const mine = asMap(main().uploads[0]!.fields);
      // The known exceptions: twine 4.0.2 still sends an MD5 (PyPI ignores it; twine dropped it, pypa/twine#1262),
      // sends pyversion empty for an sdist (PyPI's form reads "source"), and names extras provides_extras, which
      // warehouse does not read: PyPI's key is provides_extra (current twine sends it).
      expect([...theirs.keys()].filter((name) => !mine.has(name)).sort()).toEqual(['md5_digest', 'provides_extras']);
      expect([...mine.keys()].filter((name) => !theirs.has(name))).toEqual(['provides_extra']);
      expect(theirs.get('provides_extras')).toEqual(['dev']);
      expect(mine.get('provides_extra')).toEqual(['dev']);
      expect(theirs.get('pyversion')).toEqual(['']);
      expect(mine.get('pyversion')).toEqual(['source']);
      const notCompared = new Set(['pyversion', 'md5_digest', 'provides_extras']);
      for (const [name, values] of theirs) if (!notCompared.has(name)) expect(mine.get(name), name).toEqual(values);
      // What each index read: twine 4.0.2's extras never reached it.
      expect(twineIndex.files.get(SDIST)!.metadata['provides_extra']).toBeUndefined();
      expect(main().files.get(SDIST)!.metadata['provides_extra']).toEqual(['dev']);
      expect(mine.get('description')![0]).toContain('\n\n- one\n- two\n');
      expect(main().uploads[0]!.contentFilename).toBe(twineIndex.uploads[0]!.contentFilename);
    } finally {
      await twineIndex.stop();
    }
  });

  it('sends Metadata-Version 2.5 with its Import-Name fields, as PyPI reads them', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'packages-'));
    const source = await mkdtemp(path.join(tmpdir(), 'sdist-'));
    await mkdir(path.join(source, 'exegol-5.1.5'));
    await writeFile(
      path.join(source, 'exegol-5.1.5', 'PKG-INFO'),
      'Metadata-Version: 2.5\nName: Exegol\nVersion: 5.1.5\nLicense-Expression: GPL-3.0-only\nLicense-File: LICENSE\nImport-Name: exegol\nImport-Namespace: exegol.plugins; private\n',
    );
    await writeFile(path.join(source, 'exegol-5.1.5', 'LICENSE'), 'GPL\n');
    await create({ gzip: true, file: path.join(directory, 'exegol-5.1.5.tar.gz'), cwd: source, portable: true }, ['exegol-5.1.5']);
    const run = await publish({ build: 'false', 'packages-dir': directory, 'check-install': 'false', password: MAIN_TOKEN });
    expect(run.code, run.stdout).toBe(0);
    expect(main().files.get('exegol-5.1.5.tar.gz')!.metadata).toMatchObject({
      metadata_version: ['2.5'],
      import_name: ['exegol'],
      import_namespace: ['exegol.plugins; private'],
      license_expression: ['GPL-3.0-only'],
      license_file: ['LICENSE'],
    });
  });

  it('skips an identical file with skip-existing when the index answers 400 File already exists', async () => {
    main().identicalReupload = 400;
    expect((await publishSdist()).code).toBe(0);
    const again = await publishSdist({ 'skip-existing': 'true' });
    expect(again.code, again.stdout).toBe(0);
    expect(uploadedTo(again)[0]!.result).toBe('skipped');
    expect(main().uploads.map((upload) => upload.status)).toEqual([200, 400]);
  });

  it('refuses an existing file without skip-existing, saying how to skip', async () => {
    main().identicalReupload = 400;
    await publishSdist();
    const again = await publishSdist();
    expect(again.code).toBe(1);
    expect(again.errors[0]).toContain(`${SDIST} already exists on PyPI with the same sha256 (HTTP 400 File already exists`);
    expect(again.errors[0]).toContain('set skip-existing: true');
  });

  it('refuses different bytes under the same name even with skip-existing', async () => {
    await publishSdist();
    const other = await publishFiles([otherBytes.sdist], { 'skip-existing': 'true' });
    expect(other.code).toBe(1);
    expect(other.errors[0]).toMatch(
      /exegol_release_demo-1\.2\.3\.tar\.gz already exists on PyPI with other content \(sha256 [a-f0-9]{64}, this file [a-f0-9]{64}\): a file name can be uploaded once/,
    );
  });

  it('says that the same bytes are already there under another name, without the skip-existing hint', async () => {
    expect((await publishFiles([demo.sdist, demo.wheel])).code).toBe(0);
    const renamed = 'exegol_release_demo-1.2.3-py2.py3-none-any.whl';
    const run = await publishFiles([demo.sdist, [demo.wheel, renamed]], { 'skip-existing': 'true' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`PyPI refused ${renamed} (HTTP 400 File already exists ('${renamed}', with blake2_256 hash`);
    expect(run.errors[0]).toContain('these bytes are already there as exegol_release_demo-1.2.3-py3-none-any.whl');
    expect(run.errors[0]).not.toContain('set skip-existing');
  });

  it('accepts an identical re-upload answered 200, as PyPI answers it', async () => {
    await publishSdist();
    const again = await publishSdist();
    expect(again.code, again.stdout).toBe(0);
    expect(uploadedTo(again)[0]!.result).toBe('uploaded');
  });

  it('reports a refused token (403) with the index\u2019s reason', async () => {
    const run = await publishSdist({ password: 'pypi-wrong' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`PyPI (${main().url}/legacy/) refused the credentials: HTTP 403 Invalid or non-existent authentication information`);
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain('pypi-wrong');
  });

  it('says that the index is in read-only mode rather than blaming the credentials', async () => {
    main().readOnly = true;
    const run = await publishSdist();
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('is in read-only mode and takes no upload for now (HTTP 403 Read-only mode: Uploads are temporarily disabled.)');
    expect(run.errors[0]).not.toContain('refused the credentials');
    expect(main().uploads).toHaveLength(1);
  });

  it('masks the Basic header and redacts it from what an index echoes back', async () => {
    main().echoHeadersOn403 = true;
    const run = await publishSdist({ password: 'pypi-not-known-here' });
    const basic = Buffer.from('__token__:pypi-not-known-here').toString('base64');
    expect(run.code).toBe(1);
    expect(run.masks).toEqual(expect.arrayContaining(['pypi-not-known-here', basic]));
    expect(run.errors[0]).toContain('authorization: Basic ***');
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain(basic);
  });

  it('takes credentials from the repository URL, masks them, and shows the URL redacted in outputs and summary', async () => {
    const url = `${main().url.replace('http://', 'http://__token__:' + MAIN_TOKEN + '@')}/legacy/`;
    const run = await publishSdist({ password: '', 'repository-url': url });
    expect(run.code, run.stdout).toBe(0);
    expect(run.masks).toContain(MAIN_TOKEN);
    expect(uploadedTo(run)[0]!.url).toBe(`${main().url.replace('http://', 'http://***@')}/legacy/`);
    expect(run.outputs['uploaded-to']).not.toContain(MAIN_TOKEN);
    expect(run.summary).not.toContain(MAIN_TOKEN);
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain(MAIN_TOKEN);
  });

  it('waits once for a 429 with a short Retry-After, then uploads', async () => {
    main().failNext.push({ status: 429, reason: 'Too many new projects created', headers: { 'retry-after': '1' } });
    const run = await publishSdist();
    expect(run.code, run.stdout).toBe(0);
    expect(main().uploads.map((upload) => upload.status)).toEqual([429, 200]);
  });

  it('sends a file again after a 429 at most once, and never without a Retry-After in bounds', async () => {
    const tooMany = { status: 429, reason: 'Too many new projects created', headers: { 'retry-after': '1' } };
    main().failNext.push(tooMany, tooMany, tooMany);
    const twice = await publishSdist();
    expect(twice.code).toBe(1);
    expect(twice.errors[0]).toContain('refused exegol_release_demo-1.2.3.tar.gz with HTTP 429 Too many new projects created (Retry-After: 1)');
    expect(main().uploads.map((upload) => upload.status)).toEqual([429, 429]);
    main().failNext.length = 0;
    main().uploads.length = 0;
    main().failNext.push(
      { status: 429, reason: 'Too many new projects created' },
      { status: 429, reason: 'Too many new projects created', headers: { 'retry-after': '3600' } },
    );
    expect((await publishSdist()).code).toBe(1);
    expect((await publishSdist()).code).toBe(1);
    expect(main().uploads.map((upload) => upload.status)).toEqual([429, 429]);
  });

  it('retries 5xx answers, then uploads', async () => {
    main().failNext.push(503, 502);
    const run = await publishSdist();
    expect(run.code, run.stdout).toBe(0);
    expect(main().uploads.map((upload) => upload.status)).toEqual([503, 502, 200]);
    expect(run.stdout).toContain(`retrying the upload of ${SDIST} to PyPI`);
  });

  it('retries a connection reset before the answer, then uploads the file intact', async () => {
    main().dropNext = 2;
    const run = await publishSdist();
    expect(run.code, run.stdout).toBe(0);
    expect(main().dropped).toBe(2);
    expect(main().uploads.map((upload) => upload.status)).toEqual([200]);
    expect(main().files.get(SDIST)!.sha256).toBe(run.outputs['sha256']);
    expect(run.stdout.match(/retrying the upload of/g)).toHaveLength(2);
  });

  it('does not follow a redirect: it means a wrong URL, and says so', async () => {
    const run = await publishSdist({ 'repository-url': `${main().url}/` });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(
      `${main().url}/ redirects (HTTP 301 Moved Permanently) to ${main().url}/legacy/: the repository URL must be the upload endpoint itself, ending in /legacy/`,
    );
    expect(main().files.size).toBe(0);
  });

  it('publishes the sdist, then its wheel, and leaves out a wheel of another version with a warning', async () => {
    const run = await publishFiles([demo.sdist, demo.wheel, [demo.wheel, 'exegol_release_demo-1.2.2-py3-none-any.whl']]);
    expect(run.code, run.stdout).toBe(0);
    expect(main().uploads.map((upload) => upload.contentFilename)).toEqual([SDIST, 'exegol_release_demo-1.2.3-py3-none-any.whl']);
    expect(run.warnings).toEqual(['exegol_release_demo-1.2.2-py3-none-any.whl left out: not a wheel of exegol-release-demo 1.2.3']);
  });
});
