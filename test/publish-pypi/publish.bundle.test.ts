import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, wrapperProjectFiles, writeProject } from '../fixtures/python-projects.js';
import { MAIN_TOKEN, TEST_TOKEN, uploadedTo, useIndexes } from './harness.js';

const { test, main, oidc, publish } = useIndexes();
// Asynchronous: the stand-in index lives in this process and must keep serving pip.
const execute = promisify(execFile);
const TAG_ENV = { GITHUB_REF: 'refs/tags/5.1.5', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '5.1.5' };

describe('publish-pypi-sdist bundle: a real sdist built, validated and uploaded', () => {
  it('builds the wrapper-shaped project, uploads to TestPyPI then PyPI by token, and pip fetches it back intact', async () => {
    const project = await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true }));
    const run = await publish(
      { 'working-directory': project, 'test-repository-url': `${test().url}/legacy/`, password: MAIN_TOKEN, 'test-password': TEST_TOKEN },
      TAG_ENV,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const sdist = path.join(project, 'dist', 'Exegol-5.1.5.tar.gz');
    const sha256 = createHash('sha256')
      .update(await readFile(sdist))
      .digest('hex');
    expect(run.outputs).toMatchObject({ sdist, filename: 'Exegol-5.1.5.tar.gz', name: 'exegol', version: '5.1.5', sha256 });
    expect(uploadedTo(run)).toEqual([
      { repository: 'TestPyPI', url: `${test().url}/legacy/`, result: 'uploaded', auth: 'token' },
      { repository: 'PyPI', url: `${main().url}/legacy/`, result: 'uploaded', auth: 'token' },
    ]);
    expect(test().files.get('Exegol-5.1.5.tar.gz')!.sha256).toBe(sha256);
    expect(main().files.get('Exegol-5.1.5.tar.gz')!.sha256).toBe(sha256);
    expect(main().uploads.map((upload) => upload.status)).toEqual([200]);
    expect(run.warnings).toContain('Exegol-5.1.5.tar.gz is a legacy sdist name; PEP 625 names it exegol-5.1.5.tar.gz (a newer build backend writes that name)');
    expect(run.masks).toEqual(expect.arrayContaining([MAIN_TOKEN, TEST_TOKEN]));
    expect(run.summary).toContain('<td>Exegol</td><td>5.1.5</td><td>Exegol-5.1.5.tar.gz</td>');

    const download = await mkdtemp(path.join(tmpdir(), 'pip-download-'));
    await execute(
      DEBIAN_PYTHON,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--no-build-isolation',
        '--no-binary',
        ':all:',
        '--index-url',
        `${main().url}/simple/`,
        '--dest',
        download,
        'Exegol==5.1.5',
      ],
      { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_CACHE_DIR: '1' } },
    );
    const [fetched] = await readdir(download);
    expect(fetched).toBe('Exegol-5.1.5.tar.gz');
    expect(
      createHash('sha256')
        .update(await readFile(path.join(download, fetched!)))
        .digest('hex'),
    ).toBe(sha256);
  });

  it('uploads by trusted publishing: the OIDC token exchanged for a masked, short-lived token at each index', async () => {
    const project = await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true }));
    const run = await publish({ 'working-directory': project, 'test-repository-url': `${test().url}/legacy/` }, { ...TAG_ENV, ...oidc().env() });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(uploadedTo(run).map((upload) => [upload.repository, upload.result, upload.auth])).toEqual([
      ['TestPyPI', 'uploaded', 'trusted publishing'],
      ['PyPI', 'uploaded', 'trusted publishing'],
    ]);
    const minted = [...main().tokens].find((token) => token.startsWith('pypi-minted-'))!;
    expect(run.masks).toContain(minted);
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain(minted);
  });

  it('shows the error and the claims that matter when the exchange is refused, and uploads nothing', async () => {
    oidc().claims = { ...oidc().claims, environment: 'staging', sub: 'repo:ThePorgs/Exegol:environment:staging' };
    const project = await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true }));
    const run = await publish({ 'working-directory': project, 'test-repository-url': `${test().url}/legacy/` }, { ...TAG_ENV, ...oidc().env() });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(
      `${test().url} refused the trusted publishing exchange (HTTP 422): invalid-publisher: valid token, but no corresponding publisher`,
    );
    expect(run.errors[0]).toContain('repository=ThePorgs/Exegol');
    expect(run.errors[0]).toContain('job_workflow_ref=ThePorgs/Exegol/.github/workflows/release.yml@refs/tags/5.1.5');
    expect(run.errors[0]).toContain('environment=staging');
    expect(test().uploads).toEqual([]);
    expect(main().uploads).toEqual([]);
  });

  it('says that id-token: write is needed when there is neither a password nor an OIDC token, and uploads nothing', async () => {
    const project = await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true }));
    const run = await publish({ 'working-directory': project, 'test-repository-url': `${test().url}/legacy/`, 'test-password': TEST_TOKEN }, TAG_ENV);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('permissions: id-token: write');
    expect(test().uploads).toEqual([]);
  });

  it('dry-run builds and validates, and uploads nothing', async () => {
    const project = await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true }));
    const run = await publish({ 'working-directory': project, password: MAIN_TOKEN, 'dry-run': 'true' }, TAG_ENV);
    expect(run.code, run.stdout).toBe(0);
    expect(uploadedTo(run)).toEqual([{ repository: 'PyPI', url: `${main().url}/legacy/`, result: 'dry-run', auth: 'token' }]);
    expect(main().uploads).toEqual([]);
  });
});
