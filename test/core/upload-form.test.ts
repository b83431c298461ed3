// The upload form as PyPI's upload API reads it (warehouse's forms.UploadForm), on the sources.
import { describe, expect, it } from 'vitest';
import { multipartBody, parseCoreMetadata, uploadFields, uploadFormFields } from '@exegol-release/core/pypi';

const PKG_INFO = [
  'Metadata-Version: 2.4',
  'Name: Exegol',
  'Version: 5.1.5',
  'Summary: Python wrapper to use Exegol',
  'License-Expression: GPL-3.0-only',
  'License-File: LICENSE',
  'Requires-Python: >=3.9',
  'Requires-Dist: docker~=7.1.0',
  'Requires-Dist: rich~=13.7.1',
  'Provides-Extra: dev',
  'Classifier: Programming Language :: Python :: 3',
  'Description-Content-Type: text/markdown',
  '',
  'Line one\nline two\n',
].join('\n');

const metadata = parseCoreMetadata(PKG_INFO, 'exegol-5.1.5/PKG-INFO');
const values = (fields: [string, string][], name: string): string[] => fields.filter(([field]) => field === name).map(([, value]) => value);

describe('the upload form', () => {
  it("sends PyPI's field names: provides_extra, not twine 4.0.2's provides_extras", () => {
    const fields = uploadFields(metadata);
    expect(values(fields, 'provides_extra')).toEqual(['dev']);
    expect(values(fields, 'provides_extras')).toEqual([]);
  });

  it('repeats a multi-use field once a value, in order, and sends a missing single field empty', () => {
    const fields = uploadFields(metadata);
    expect(values(fields, 'requires_dist')).toEqual(['docker~=7.1.0', 'rich~=13.7.1']);
    expect(values(fields, 'author')).toEqual(['']);
    expect(values(fields, 'platform')).toEqual([]);
  });

  it('sends License-File only from Metadata-Version 2.4 (PEP 639)', () => {
    expect(values(uploadFields(metadata), 'license_file')).toEqual(['LICENSE']);
    const older = parseCoreMetadata(PKG_INFO.replace('Metadata-Version: 2.4', 'Metadata-Version: 2.1'), 'PKG-INFO');
    expect(values(uploadFields(older), 'license_file')).toEqual([]);
  });

  it('keeps the description byte for byte and names the file type', () => {
    const fields = uploadFields(metadata, { filetype: 'bdist_wheel', pyversion: 'py3' });
    expect(values(fields, 'description')).toEqual(['Line one\nline two\n']);
    expect(values(fields, 'filetype')).toEqual(['bdist_wheel']);
    expect(values(fields, 'pyversion')).toEqual(['py3']);
  });

  it('ends with both digests, the attestations when given, the action and the protocol version', () => {
    const file = { metadata, filetype: 'sdist', pyversion: 'source', sha256: 'a'.repeat(64), blake2b256: 'b'.repeat(64) } as unknown as Parameters<
      typeof uploadFormFields
    >[0];
    const fields = uploadFormFields(file, [{ version: 1 } as never]);
    expect(fields.slice(-5)).toEqual([
      ['sha256_digest', 'a'.repeat(64)],
      ['blake2_256_digest', 'b'.repeat(64)],
      ['attestations', '[{"version":1}]'],
      [':action', 'file_upload'],
      ['protocol_version', '1'],
    ]);
    expect(values(uploadFormFields(file), 'attestations')).toEqual([]);
  });

  it('encodes multipart/form-data without turning LF into CRLF in values (RFC 7578)', () => {
    const body = multipartBody([['description', 'a\nb']], { name: 'exegol-5.1.5.tar.gz', field: 'content', bytes: Buffer.from('BYTES') });
    const text = Buffer.concat(body.parts).toString('utf8');
    const boundary = /boundary=(.+)$/.exec(body.contentType)![1]!;
    expect(text).toContain('name="description"\r\n\r\na\nb\r\n');
    expect(text).toContain('name="content"; filename="exegol-5.1.5.tar.gz"\r\nContent-Type: application/octet-stream\r\n\r\nBYTES\r\n');
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });
});
