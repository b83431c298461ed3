// The stand-in index's own rules, each against the rule of PyPI's upload endpoint it mirrors
// (pypi/warehouse warehouse/forklift/legacy.py and friends; /work/notes/warehouse-upload.md §N).
// Requests are made here with fetch and FormData, independently of the action's code, and with
// Debian's twine 4.0.2 where a real client matters.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEBIAN_PYTHON,
  buildDistributionsOf,
  buildSdistOf,
  exegolProjectFiles,
  twineUploadArgs,
  wrapperProjectFiles,
  writeProject,
} from '@exegol-release/testbed/fixtures/python-projects.js';
import { PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';

const execute = promisify(execFile);
const TOKEN = 'pypi-stand-in-test-token';
let index: PackageIndexStandIn;
let exegol: { sdist: string; wheel: string };
let legacy: string;

beforeAll(async () => {
  index = await new PackageIndexStandIn('pypi').start();
  exegol = await buildDistributionsOf(await writeProject(exegolProjectFiles('5.1.5')));
  legacy = await buildSdistOf(await writeProject(wrapperProjectFiles('5.1.5', { manifestIncludesRequirements: true })));
}, 120_000);
afterAll(() => index.stop());
beforeEach(() => {
  index.reset();
  index.tokens.add(TOKEN);
});

const METADATA: [string, string][] = [
  ['metadata_version', '2.1'],
  ['name', 'Exegol'],
  ['version', '5.1.5'],
  ['provides_extra', 'dev'],
];

/** Posts an upload: form fields, then the file; Basic `__token__` unless `authorization` is given. @returns status and reason phrase */
async function upload(
  file: string,
  fields: [string, string][],
  options: { authorization?: string; name?: string; filetype?: string } = {},
): Promise<{ status: number; reason: string }> {
  const bytes = await readFile(file);
  const form = new FormData();
  const filetype = options.filetype ?? (file.endsWith('.whl') ? 'bdist_wheel' : 'sdist');
  const base: [string, string][] = [
    [':action', 'file_upload'],
    ['protocol_version', '1'],
    ['filetype', filetype],
    ['pyversion', filetype === 'sdist' ? 'source' : 'py3'],
    ['sha256_digest', createHash('sha256').update(bytes).digest('hex')],
  ];
  for (const [name, value] of [...base, ...fields]) form.append(name, value);
  form.append('content', new Blob([bytes], { type: 'application/octet-stream' }), options.name ?? path.basename(file));
  const response = await fetch(`${index.url}/legacy/`, {
    method: 'POST',
    body: form,
    headers: { authorization: options.authorization ?? `Basic ${Buffer.from(`__token__:${TOKEN}`).toString('base64')}` },
  });
  await response.arrayBuffer();
  return { status: response.status, reason: response.statusText };
}

const twine = (file: string) =>
  execute(DEBIAN_PYTHON, twineUploadArgs(`${index.url}/legacy/`, TOKEN, [file])).then(
    () => 'uploaded',
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );

describe('package index stand-in: PyPI\u2019s upload rules', () => {
  it('§6.21 PEP 625: refuses the legacy sdist name setuptools 66 writes, as PyPI answers twine', async () => {
    expect(await twine(legacy)).toContain('HTTPError: 400');
    expect(index.uploads.map((answer) => [answer.status, answer.reason])).toEqual([
      [400, "Filename 'Exegol-5.1.5.tar.gz' is invalid, should be 'exegol-5.1.5.tar.gz'."],
    ]);
    expect(index.files.size).toBe(0);
  });

  it('§6.21: takes the PEP 625 sdist and its wheel from twine, and reads provides_extra, not twine 4.0.2\u2019s provides_extras (§4)', async () => {
    expect(await twine(exegol.sdist)).toBe('uploaded');
    expect(await twine(exegol.wheel)).toBe('uploaded');
    expect(index.files.get('exegol-5.1.5.tar.gz')!.metadata['provides_extra']).toBeUndefined();
    expect(index.files.get('exegol-5.1.5.tar.gz')!.fields).toContainEqual(['provides_extras', 'dev']);
  });

  it('§6.21: a name that does not start with the project\u2019s normalised name', async () => {
    expect(await upload(exegol.sdist, METADATA, { name: 'other-5.1.5.tar.gz' })).toEqual({ status: 400, reason: "Start filename for 'Exegol' with 'exegol'." });
  });

  it('§4: Metadata-Version 2.0 is refused, 2.5 accepted', async () => {
    const with20 = METADATA.map(([name, value]): [string, string] => [name, name === 'metadata_version' ? '2.0' : value]);
    expect(await upload(exegol.sdist, with20)).toEqual({
      status: 400,
      reason: "'2.0' is not a valid metadata version. See https://packaging.python.org/specifications/core-metadata for more information.",
    });
    const with25 = [
      ...METADATA.map(([name, value]): [string, string] => [name, name === 'metadata_version' ? '2.5' : value]),
      ['import_name', 'exegol'] as [string, string],
    ];
    expect(await upload(exegol.sdist, with25)).toEqual({ status: 200, reason: 'OK' });
    expect(index.files.get('exegol-5.1.5.tar.gz')!.metadata['import_name']).toEqual(['exegol']);
  });

  it('§4: a field newer than the declared version, and License-File below 2.4', async () => {
    expect(await upload(exegol.sdist, [...METADATA, ['license_file', 'LICENSE']])).toEqual({
      status: 400,
      reason: 'license-file introduced in metadata version 2.4, not 2.1. See https://packaging.python.org/specifications/core-metadata for more information.',
    });
  });

  it('§6.21: a License-File the sdist lacks (2.4)', async () => {
    const fields = METADATA.map(([name, value]): [string, string] => [name, name === 'metadata_version' ? '2.4' : value]);
    expect(await upload(exegol.sdist, [...fields, ['license_file', 'COPYING']])).toEqual({
      status: 400,
      reason: 'License-File COPYING does not exist in distribution file exegol-5.1.5.tar.gz at exegol-5.1.5/COPYING',
    });
  });

  it('§6.15: every digest sent must match; §3.6: at least one', async () => {
    expect(await upload(exegol.sdist, [...METADATA, ['blake2_256_digest', '0'.repeat(64)]])).toEqual({
      status: 400,
      reason: 'The digest supplied does not match a digest calculated from the uploaded file.',
    });
  });

  it('§6.16: identical re-upload is 200; other bytes under the name, or these bytes under another name, "File already exists"', async () => {
    expect((await upload(exegol.wheel, METADATA)).status).toBe(200);
    expect((await upload(exegol.wheel, METADATA)).status).toBe(200);
    const renamed = await upload(exegol.wheel, METADATA, { name: 'exegol-5.1.5-py2.py3-none-any.whl' });
    expect(renamed.status).toBe(400);
    expect(renamed.reason).toMatch(
      /^File already exists \('exegol-5\.1\.5-py2\.py3-none-any\.whl', with blake2_256 hash '[0-9a-f]{64}'\)\. See https:\/\/pypi\.org\/help\/#file-name-reuse/,
    );
  });

  it('§6.19: one sdist per release', async () => {
    expect((await upload(exegol.sdist, METADATA)).status).toBe(200);
    index.files.clear();
    expect(await upload(exegol.sdist, METADATA)).toEqual({ status: 400, reason: 'Only one sdist may be uploaded per release.' });
  });

  it('§6.22: a wheel\u2019s platform tag and its normalised name', async () => {
    expect(await upload(exegol.wheel, METADATA, { name: 'exegol-5.1.5-cp311-cp311-linux_x86_64.whl' })).toEqual({
      status: 400,
      reason: "Binary wheel 'exegol-5.1.5-cp311-cp311-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'.",
    });
    expect((await upload(exegol.wheel, METADATA, { name: 'Exegol-5.1.5-py3-none-any.whl' })).reason).toBe(
      'Invalid distribution file. WHEEL not found at Exegol-5.1.5.dist-info/WHEEL',
    );
  });

  it('§2: read-only mode, Username/Password, unknown tokens', async () => {
    index.readOnly = true;
    expect(await upload(exegol.sdist, METADATA)).toEqual({ status: 403, reason: 'Read-only mode: Uploads are temporarily disabled.' });
    index.readOnly = false;
    expect((await upload(exegol.sdist, METADATA, { authorization: `Basic ${Buffer.from('someone:secret').toString('base64')}` })).reason).toMatch(
      /^Username\/Password authentication is no longer supported/,
    );
    expect(await upload(exegol.sdist, METADATA, { authorization: `Basic ${Buffer.from('__token__:pypi-unknown').toString('base64')}` })).toEqual({
      status: 403,
      reason: 'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.',
    });
  });

  it('§8: attestations only with trusted publishing', async () => {
    expect(await upload(exegol.sdist, [...METADATA, ['attestations', '[]']])).toEqual({
      status: 400,
      reason: 'Invalid attestations supplied during upload: Attestations are only supported when using Trusted Publishing',
    });
  });

  it('§3.6: the form: filetype, and a binary upload without pyversion', async () => {
    expect((await upload(exegol.sdist, METADATA, { filetype: 'bdist_egg' })).reason).toBe('Invalid value for filetype. Error: Use a known file type.');
  });
});
