import path from 'node:path';
import * as core from '@actions/core';
import {
  InputError,
  actionsLogger,
  addSummaryTable,
  pushedTag,
  readBoolean,
  readRunnerContext,
  readSecret,
  readString,
  runAction,
  writeSummary,
  type RunnerContext,
} from '@exegol-release/core/action';
import {
  PUBLIC_FULCIO_URL,
  PUBLIC_REKOR_URL,
  parseRepositoryUrl,
  publishDistributions,
  type PublishRequest,
  type PublishTarget,
} from '@exegol-release/core/pypi';
import { formatBytes } from '@exegol-release/core/units';

/** One index from its URL input and token input: credentials in the URL are masked, taken off the URL, and used for Basic auth. */
function readTarget(label: string, urlInput: string, passwordInput: string, fallback: string): PublishTarget {
  const text = readString(urlInput, { fallback });
  const repository = parseRepositoryUrl(text, urlInput);
  if (repository.password) core.setSecret(repository.password);
  const password = readSecret(passwordInput);
  if (repository.password && password)
    throw new InputError(urlInput, `holds a password, and ${passwordInput} is given too: give the token once (in ${passwordInput}, preferably from a secret)`);
  return {
    label,
    url: repository.url,
    display: repository.display,
    username: repository.username ?? '__token__',
    password: password || (repository.password ?? ''),
  };
}

function readTargets(): PublishTarget[] {
  const main = readTarget('PyPI', 'repository-url', 'password', 'https://upload.pypi.org/legacy/');
  const test = readString('test-repository-url') ? readTarget('TestPyPI', 'test-repository-url', 'test-password', '') : undefined;
  return test ? [test, main] : [main];
}

function readSigstoreUrl(input: string, fallback: string): string {
  const url = parseRepositoryUrl(readString(input, { fallback }), input);
  if (url.password || url.username) throw new InputError(input, `"${url.display}" must not hold credentials`);
  return url.url.replace(/\/+$/, '');
}

/**
 * The request the inputs and the runner context describe (every input read and checked here).
 * @throws InputError naming the first bad input
 */
export function readRequest(context: RunnerContext = readRunnerContext()): PublishRequest {
  const workspace = context.workspace;
  const workingDirectory = path.resolve(workspace, readString('working-directory', { fallback: '.' }));
  return {
    build: readBoolean('build', true),
    python: readString('python', { fallback: 'python3' }),
    workingDirectory,
    buildArgs: readString('build-args').split(/\s+/).filter(Boolean),
    packagesDirectory: path.resolve(workingDirectory, readString('packages-dir', { fallback: 'dist' })),
    expectedVersion: readString('expected-version', { fallback: pushedTag(context) }),
    checkInstall: readBoolean('check-install', true),
    wheels: readBoolean('wheels', true),
    attestations: readBoolean('attestations', true),
    fulcioUrl: readSigstoreUrl('fulcio-url', PUBLIC_FULCIO_URL),
    rekorUrl: readSigstoreUrl('rekor-url', PUBLIC_REKOR_URL),
    targets: readTargets(),
    skipExisting: readBoolean('skip-existing', false),
    dryRun: readBoolean('dry-run', false),
    tempDirectory: path.join(context.runnerTemp, 'publish-pypi-sdist'),
    getIdToken: (audience) => core.getIDToken(audience),
    logger: actionsLogger,
  };
}

/** Reads the inputs, builds, validates, signs, uploads, sets the outputs and the summary. */
export async function run(): Promise<void> {
  await runAction('publish-pypi-sdist', async () => {
    const request = readRequest();
    const { sdist, wheels, uploads, warnings } = await publishDistributions(request);
    for (const warning of warnings) core.warning(warning);
    const files = [sdist, ...wheels];
    core.setOutput('sdist', sdist.path);
    core.setOutput('filename', sdist.filename);
    core.setOutput('name', sdist.normalisedName);
    core.setOutput('version', sdist.canonicalVersion);
    core.setOutput('sha256', sdist.sha256);
    core.setOutput('files', JSON.stringify(files.map((file) => ({ filename: file.filename, sha256: file.sha256, kind: file.kind }))));
    core.setOutput('uploaded-to', JSON.stringify(uploads));
    addSummaryTable(
      `publish-pypi-sdist: ${sdist.metadata.name} ${sdist.canonicalVersion}${request.dryRun ? ' (dry run: nothing uploaded)' : ''}`,
      ['File', 'Kind', 'Size', 'sha256'],
      files.map((file) => [file.filename, file.kind, formatBytes(file.size), file.sha256]),
    );
    addSummaryTable(
      'Uploads',
      ['Index', 'URL', 'Result', 'Auth', 'Attestations'],
      uploads.map((upload) => [upload.repository, upload.url, upload.result, upload.auth, upload.attestations ? 'PEP 740, signed with Sigstore' : 'none']),
    );
    await writeSummary();
  });
}
