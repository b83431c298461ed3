import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, exegolProjectFiles, wrapperProjectFiles, writeProject } from '@exegol-release/testbed/fixtures/python-projects.js';
import { MAIN_TOKEN, TEST_TOKEN, uploadedTo, useIndexes } from './harness.js';

const { test, main, oidc, sigstore, publish } = useIndexes();
// Asynchronous: the stand-in index lives in this process and must keep serving pip.
const execute = promisify(execFile);
const TAG_ENV = { GITHUB_REF: 'refs/tags/5.1.5', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '5.1.5' };
const SDIST = 'exegol-5.1.5.tar.gz';
const WHEEL = 'exegol-5.1.5-py3-none-any.whl';
const sha256Of = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('publish-pypi-sdist bundle: Exegol built with a PEP 621 backend, its sdist and wheel validated and uploaded', () => {
  it('builds exegol-5.1.5.tar.gz and its wheel, uploads both to TestPyPI then PyPI by token, the sdist first, and pip fetches them back intact', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish(
      { 'working-directory': project, 'test-repository-url': `${test().url}/legacy/`, password: MAIN_TOKEN, 'test-password': TEST_TOKEN },
      TAG_ENV,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const sdistSha = await sha256Of(path.join(project, 'dist', SDIST));
    const wheelSha = await sha256Of(path.join(project, 'dist', WHEEL));
    expect(run.outputs).toMatchObject({ sdist: path.join(project, 'dist', SDIST), filename: SDIST, name: 'exegol', version: '5.1.5', sha256: sdistSha });
    expect(JSON.parse(run.outputs['files']!)).toEqual([
      { filename: SDIST, sha256: sdistSha, kind: 'sdist' },
      { filename: WHEEL, sha256: wheelSha, kind: 'wheel' },
    ]);
    const files = [
      { filename: SDIST, result: 'uploaded' },
      { filename: WHEEL, result: 'uploaded' },
    ];
    expect(uploadedTo(run)).toEqual([
      { repository: 'TestPyPI', url: `${test().url}/legacy/`, result: 'uploaded', auth: 'token', attestations: false, files },
      { repository: 'PyPI', url: `${main().url}/legacy/`, result: 'uploaded', auth: 'token', attestations: false, files },
    ]);
    for (const index of [test(), main()]) {
      expect(index.uploads.map((upload) => [upload.contentFilename, upload.status])).toEqual([
        [SDIST, 200],
        [WHEEL, 200],
      ]);
      expect(index.files.get(SDIST)!.sha256).toBe(sdistSha);
      expect(index.files.get(WHEEL)!.sha256).toBe(wheelSha);
      // Finding 2: PyPI reads provides_extra; twine 4.0.2's provides_extras never reached it.
      expect(index.files.get(SDIST)!.metadata['provides_extra']).toEqual(['dev']);
      expect(index.files.get(WHEEL)!.metadata['provides_extra']).toEqual(['dev']);
      expect(index.files.get(WHEEL)!.fields).toContainEqual(['pyversion', 'py3']);
      expect(index.files.get(WHEEL)!.fields).toContainEqual(['filetype', 'bdist_wheel']);
    }
    // Hatchling 1.12 writes License-File under Metadata-Version 2.1: left out, as twine leaves it out (PyPI would refuse the field below 2.4).
    expect(
      main()
        .files.get(SDIST)!
        .fields.some(([name]) => name === 'license_file'),
    ).toBe(false);
    expect(run.warnings).toEqual([]);
    expect(run.masks).toEqual(expect.arrayContaining([MAIN_TOKEN, TEST_TOKEN, Buffer.from(`__token__:${MAIN_TOKEN}`).toString('base64')]));
    expect(run.summary).toContain(`<td>${SDIST}</td><td>sdist</td>`);
    expect(run.summary).toContain(`<td>${WHEEL}</td><td>wheel</td>`);

    const download = await mkdtemp(path.join(tmpdir(), 'pip-download-'));
    const pip = ['-m', 'pip', 'download', '--no-deps', '--index-url', `${main().url}/simple/`, '--dest', download];
    const env = { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_CACHE_DIR: '1' } };
    await execute(DEBIAN_PYTHON, [...pip, '--no-build-isolation', '--no-binary', ':all:', 'Exegol==5.1.5'], env);
    await execute(DEBIAN_PYTHON, [...pip, '--only-binary', ':all:', 'Exegol==5.1.5'], env);
    expect((await readdir(download)).sort()).toEqual([SDIST, WHEEL].sort());
    expect(await sha256Of(path.join(download, SDIST))).toBe(sdistSha);
    expect(await sha256Of(path.join(download, WHEEL))).toBe(wheelSha);
  });

  it('uploads by trusted publishing with a PEP 740 attestation per file, each verifying with @sigstore/verify against the Sigstore stand-in', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project, 'test-repository-url': `${test().url}/legacy/` }, { ...TAG_ENV, ...oidc().env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(uploadedTo(run).map((upload) => [upload.repository, upload.result, upload.auth, upload.attestations])).toEqual([
      ['TestPyPI', 'uploaded', 'trusted publishing', true],
      ['PyPI', 'uploaded', 'trusted publishing', true],
    ]);
    // The job's OIDC identity: one token per index for the mint, one for Fulcio (audience sigstore), used for every file.
    expect(oidc().audiences).toEqual(['testpypi', 'pypi', 'sigstore']);
    expect(sigstore().requests.filter((request) => request.endsWith(' 201')).length).toBe(4);
    for (const index of [test(), main()]) {
      for (const filename of [SDIST, WHEEL]) {
        const held = index.files.get(filename)!;
        expect(held.attestations).toHaveLength(1);
        // Checked here again, independently of the index: the bundle verifies, its statement names this file and digest.
        const statement = JSON.parse(
          sigstore().verifyAttestation(held.attestations![0]!, { repository: 'ThePorgs/Exegol', workflow: 'entrypoint_release.yml' }).toString('utf8'),
        ) as Record<string, unknown>;
        expect(statement).toEqual({
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ name: filename, digest: { sha256: held.sha256 } }],
          predicateType: 'https://docs.pypi.org/attestations/publish/v1',
          predicate: null,
        });
      }
    }
    const minted = [...main().minted.keys()][0]!;
    expect(run.masks).toContain(minted);
    expect(run.masks).toContain(Buffer.from(`__token__:${minted}`).toString('base64'));
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain(minted);
    expect(run.summary).toContain('PEP 740, signed with Sigstore');
  });

  it('sends no attestation with a token upload (PyPI refuses them there) and none with attestations: false', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish(
      { 'working-directory': project, 'test-repository-url': `${test().url}/legacy/`, 'test-password': TEST_TOKEN, attestations: 'false' },
      { ...TAG_ENV, ...oidc().env() },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(uploadedTo(run).map((upload) => [upload.repository, upload.auth, upload.attestations])).toEqual([
      ['TestPyPI', 'token', false],
      ['PyPI', 'trusted publishing', false],
    ]);
    expect(sigstore().requests).toEqual([]);
    for (const index of [test(), main()]) expect([...index.files.values()].every((file) => file.attestations === undefined)).toBe(true);
  });

  it('mints again with a fresh OIDC token when the mint answer is lost, instead of re-sending a token PyPI already burnt', async () => {
    main().dropNextMintAnswer = 1;
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project }, { ...TAG_ENV, ...oidc().env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(main().mintRequests).toBe(2);
    expect(oidc().audiences).toEqual(['pypi', 'pypi', 'sigstore']);
    expect(run.stdout).toContain('minting again at');
    expect(main().files.has(SDIST)).toBe(true);
  });

  it('publishes only the sdist with wheels: false', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project, password: MAIN_TOKEN, wheels: 'false' }, TAG_ENV);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs['files']!)).toEqual([{ filename: SDIST, sha256: run.outputs['sha256'], kind: 'sdist' }]);
    expect([...main().files.keys()]).toEqual([SDIST]);
    expect(existsSync(path.join(project, 'dist', WHEEL))).toBe(false);
  });

  it('refuses the legacy sdist name setuptools 66 writes (Exegol-5.1.5.tar.gz) before any upload, naming the file PyPI wants', async () => {
    const project = await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true }));
    const run = await publish({ 'working-directory': project, password: MAIN_TOKEN, 'build-args': '--no-isolation', wheels: 'false' }, TAG_ENV);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain("Exegol-5.1.5.tar.gz: PyPI would answer 400 Filename 'Exegol-5.1.5.tar.gz' is invalid, should be 'exegol-5.1.5.tar.gz'.");
    expect(run.errors[0]).toContain('An sdist must be named exegol-5.1.5.tar.gz (PEP 625');
    expect(run.errors[0]).toContain('current build backends');
    expect(main().uploads).toEqual([]);
    expect(existsSync(path.join(project, 'dist'))).toBe(false);
  });

  it('shows the error and the claims that matter when the exchange is refused, and uploads nothing', async () => {
    oidc().claims = { ...oidc().claims, environment: 'staging', sub: 'repo:ThePorgs/Exegol:environment:staging' };
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project, 'test-repository-url': `${test().url}/legacy/` }, { ...TAG_ENV, ...oidc().env() });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(
      `${test().url} refused the trusted publishing exchange (HTTP 422): invalid-publisher: valid token, but no corresponding publisher`,
    );
    expect(run.errors[0]).toContain('repository=ThePorgs/Exegol');
    expect(run.errors[0]).toContain('job_workflow_ref=ThePorgs/Exegol/.github/workflows/entrypoint_release.yml@refs/tags/5.1.5');
    expect(run.errors[0]).toContain('environment=staging');
    expect(test().uploads).toEqual([]);
    expect(main().uploads).toEqual([]);
  });

  it('says that id-token: write is needed when there is neither a password nor an OIDC token, and uploads nothing', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project, 'test-repository-url': `${test().url}/legacy/`, 'test-password': TEST_TOKEN }, TAG_ENV);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('permissions: id-token: write');
    expect(test().uploads).toEqual([]);
  });

  it('dry-run builds and validates, and uploads nothing', async () => {
    const project = await writeProject(exegolProjectFiles('5.1.5'));
    const run = await publish({ 'working-directory': project, password: MAIN_TOKEN, 'dry-run': 'true' }, TAG_ENV);
    expect(run.code, run.stdout).toBe(0);
    expect(uploadedTo(run)).toEqual([
      {
        repository: 'PyPI',
        url: `${main().url}/legacy/`,
        result: 'dry-run',
        auth: 'token',
        attestations: false,
        files: [
          { filename: SDIST, result: 'dry-run' },
          { filename: WHEEL, result: 'dry-run' },
        ],
      },
    ]);
    expect(main().uploads).toEqual([]);
  });
});
