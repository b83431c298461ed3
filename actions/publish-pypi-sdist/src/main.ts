import path from 'node:path';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import {
  InputError,
  actionsLogger,
  addSummaryTable,
  formatBytes,
  publishSdist,
  pushedTagName,
  readBoolean,
  readSecret,
  readString,
  runAction,
  writeSummary,
  type PublishRequest,
  type PublishTarget,
} from '@exegol-release/core';

function readTargets(): PublishTarget[] {
  const testUrl = readString('test-repository-url');
  const main: PublishTarget = {
    label: 'PyPI',
    url: readString('repository-url', { fallback: 'https://upload.pypi.org/legacy/' }),
    password: readSecret('password'),
  };
  const test: PublishTarget | undefined = testUrl ? { label: 'TestPyPI', url: testUrl, password: readSecret('test-password') } : undefined;
  for (const [input, target] of [
    ['repository-url', main],
    ['test-repository-url', test],
  ] as const) {
    if (target && !/^https?:\/\/[^/]+/.test(target.url)) throw new InputError(input, `"${target.url}" is not an http(s) URL`);
  }
  return test ? [test, main] : [main];
}

function readRequest(): PublishRequest {
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  const workingDirectory = path.resolve(workspace, readString('working-directory', { fallback: '.' }));
  return {
    build: readBoolean('build', true),
    python: readString('python', { fallback: 'python3' }),
    workingDirectory,
    buildArgs: readString('build-args').split(/\s+/).filter(Boolean),
    packagesDirectory: path.resolve(workingDirectory, readString('packages-dir', { fallback: 'dist' })),
    expectedVersion: readString('expected-version', { fallback: pushedTagName() }),
    checkInstall: readBoolean('check-install', true),
    targets: readTargets(),
    skipExisting: readBoolean('skip-existing', false),
    dryRun: readBoolean('dry-run', false),
    tempDirectory: path.join(process.env['RUNNER_TEMP'] || tmpdir(), 'publish-pypi-sdist'),
    getIdToken: (audience) => core.getIDToken(audience),
    logger: actionsLogger,
  };
}

/** Reads the inputs, builds, validates, uploads, sets the outputs and the summary. */
export async function run(): Promise<void> {
  await runAction('publish-pypi-sdist', async () => {
    const request = readRequest();
    const { sdist, uploads, warnings } = await publishSdist(request);
    for (const warning of warnings) core.warning(warning);
    core.setOutput('sdist', sdist.path);
    core.setOutput('filename', sdist.filename);
    core.setOutput('name', sdist.normalisedName);
    core.setOutput('version', sdist.canonicalVersion);
    core.setOutput('sha256', sdist.sha256);
    core.setOutput('uploaded-to', JSON.stringify(uploads));
    addSummaryTable(
      `publish-pypi-sdist: ${sdist.metadata.name} ${sdist.canonicalVersion}${request.dryRun ? ' (dry run: nothing uploaded)' : ''}`,
      ['Package', 'Version', 'File', 'Size', 'sha256'],
      [[sdist.metadata.name, sdist.canonicalVersion, sdist.filename, formatBytes(sdist.size), sdist.sha256]],
    );
    addSummaryTable(
      'Uploads',
      ['Index', 'URL', 'Result', 'Auth'],
      uploads.map((upload) => [upload.repository, upload.url, upload.result, upload.auth]),
    );
    await writeSummary();
  });
}
