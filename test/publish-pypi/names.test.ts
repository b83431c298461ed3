// File names and metadata against the pairs warehouse's own tests use (tests/unit/forklift/test_legacy.py).
import { describe, expect, it } from 'vitest';
import {
  firstInvalidUtf8Byte,
  isUploadablePlatform,
  parseCoreMetadata,
  metadataProblem,
  sdistFilenameProblem,
  wheelFilenameProblem,
} from '@exegol-release/core/pypi';

describe('sdist file names (PEP 625, as PyPI checks them)', () => {
  it.each([
    ['some_thing-1.0.post9.zip', 'some-thing', '1.0.post9', "Filename 'some_thing-1.0.post9.zip' is invalid, should be 'some_thing-1.0.post9.tar.gz'."],
    ['some-thing-1.0.post9.tar.gz', 'some-thing', '1.0.post9', "Filename 'some-thing-1.0.post9.tar.gz' is invalid, should be 'some_thing-1.0.post9.tar.gz'."],
    ['some_thing-1.0-9.tar.gz', 'some-thing', '1.0.post9', "Filename 'some_thing-1.0-9.tar.gz' is invalid, should be 'some_thing-1.0.post9.tar.gz'."],
    ['some_thing-1.02.3.tar.gz', 'some-thing', '1.2.3', "Filename 'some_thing-1.02.3.tar.gz' is invalid, should be 'some_thing-1.2.3.tar.gz'."],
    ['Some_Thing-1.0.tar.gz', 'Some-Thing', '1.0', "Filename 'Some_Thing-1.0.tar.gz' is invalid, should be 'some_thing-1.0.tar.gz'."],
    ['wutang-6.6.6.tar.gz', 'wutang', '1.2.3', "Filename 'wutang-6.6.6.tar.gz' is invalid, should be 'wutang-1.2.3.tar.gz'."],
    ['other-1.0.tar.gz', 'Exegol', '1.0', "Start filename for 'Exegol' with 'exegol'."],
    ['exegol.tar.gz', 'Exegol', '1.0', 'Invalid source distribution filename: exegol.tar.gz'],
  ])('%s for %s %s', (filename, name, version, problem) => {
    expect(sdistFilenameProblem(filename, name, version)).toBe(problem);
  });

  it('accepts the PEP 625 name', () => {
    expect(sdistFilenameProblem('exegol-5.1.5.tar.gz', 'Exegol', '5.1.5')).toBeUndefined();
    expect(sdistFilenameProblem('exegol_release_demo-1.2.3.tar.gz', 'exegol-release-demo', '1.2.3')).toBeUndefined();
  });
});

describe('wheel file names', () => {
  it.each([
    [
      'Some_Thing-1.0-py3-none-any.whl',
      "Filename 'Some_Thing-1.0-py3-none-any.whl' should contain the normalized project name 'some_thing', not 'Some_Thing'.",
    ],
    [
      'some.thing-1.0-py3-none-any.whl',
      "Filename 'some.thing-1.0-py3-none-any.whl' should contain the normalized project name 'some_thing', not 'some.thing'.",
    ],
    ['some_thing-1.0-py3-none-linux_x86_64.whl', "Binary wheel 'some_thing-1.0-py3-none-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."],
    ['some_thing-1.1-py3-none-any.whl', "Version in filename should be '1.0' not '1.1'."],
    ['some_thing-1.0-q-py3-none-any.whl', "Invalid build number: q in 'some_thing-1.0-q-py3-none-any'"],
    ['some_thing-1.0.whl', "Invalid wheel filename (wrong number of parts): 'some_thing-1.0'"],
  ])('%s', (filename, problem) => {
    expect(wheelFilenameProblem(filename, 'some-thing', '1.0')).toBe(problem);
  });

  it('accepts 1.0.0 for 1.0 and the platforms PyPI takes', () => {
    expect(wheelFilenameProblem('some_thing-1.0.0-py3-none-any.whl', 'some-thing', '1.0')).toBeUndefined();
    for (const platform of ['manylinux_2_28_aarch64', 'musllinux_1_2_x86_64', 'macosx_11_0_arm64', 'macosx_10_9_x86_64', 'win_amd64'])
      expect(isUploadablePlatform(platform)).toBe(true);
    for (const platform of ['linux_x86_64', 'macosx_11_2_arm64', 'macosx_9_2_x86_64', 'musllinux_1_2_ppc64'])
      expect(isUploadablePlatform(platform)).toBe(false);
  });
});

describe('metadata', () => {
  it('finds the first invalid UTF-8 byte: overlong forms, surrogates and truncated sequences included', () => {
    expect(firstInvalidUtf8Byte(Buffer.from('Ren\u00e9 \u{1F600}'))).toBe(-1);
    expect(firstInvalidUtf8Byte(Buffer.from([0x41, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8Byte(Buffer.from([0x41, 0x42, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8Byte(Buffer.from([0x41, 0xe2, 0x82]))).toBe(1);
  });

  it('gives PyPI\u2019s words for what it refuses', () => {
    const problem = (text: string): string | undefined => metadataProblem(parseCoreMetadata(text, 'PKG-INFO'));
    expect(problem('Metadata-Version: 2.4\nName: x\nVersion: 1.0+local\n')).toContain("The use of local versions in '1.0+local' is not allowed.");
    expect(problem('Metadata-Version: 2.2\nName: x\nVersion: 1.0\nDynamic: Version\n')).toBe("'version' is not allowed as a dynamic field");
    expect(problem('Metadata-Version: 2.5\nName: x\nVersion: 1.0\nImport-Name: x.class\n')).toBe(
      "'x.class' is invalid for 'import-name'; 'class' is a keyword",
    );
    expect(problem('Metadata-Version: 2.4\nName: x\nVersion: 1.0\nLicense: MIT\nLicense-Expression: MIT\n')).toBe(
      'License is deprecated when License-Expression is present. Only License-Expression should be present.',
    );
    expect(problem('Metadata-Version: 2.4\nName: x\nVersion: 1.0\nLicense-File: ../LICENSE\n')).toBe(
      "'../LICENSE' is invalid for 'license-file', parent directory indicators are not allowed",
    );
    expect(problem('Metadata-Version: 2.1\nName: x\nVersion: 1.0\nProvides-Extra: dev\n')).toBeUndefined();
  });
});
