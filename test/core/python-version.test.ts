import { describe, expect, it } from 'vitest';
import {
  bumpPythonVersion,
  canonicalPythonVersion,
  comparePythonVersions,
  majorTagOf,
  parsePlainTag,
  parsePythonVersion,
  sortPlainTags,
  type Bump,
  type PreLabel,
} from '@exegol-release/core/versions';

function bump(version: string, kind: Bump, label?: PreLabel): string {
  return bumpPythonVersion(parsePythonVersion(version)!, kind, label).text;
}

describe('PEP 440 versions', () => {
  it.each([
    ['4.3.6-beta.1', '4.3.6b1'],
    ['5.2.0-beta.1', '5.2.0b1'],
    ['v1.0', '1.0'],
    ['1.0RC1', '1.0rc1'],
    ['5.1.4', '5.1.4'],
    ['1.0-dev2', '1.0.dev2'],
  ])('canonical form of %s is %s', (text, canonical) => expect(canonicalPythonVersion(text)).toBe(canonical));

  it('refuses what is not a version', () => {
    expect(parsePythonVersion('5.1.x')).toBeUndefined();
    expect(parsePythonVersion('latest')).toBeUndefined();
  });

  it('compares under PEP 440', () => {
    expect(comparePythonVersions('5.1.5b2', '5.1.5')).toBeLessThan(0);
    expect(comparePythonVersions('5.1.4', '5.1.4.0')).toBe(0);
    expect(comparePythonVersions('4.3.10b1', '4.3.9b1')).toBeGreaterThan(0);
  });

  it('marks pre-releases', () => {
    expect(parsePythonVersion('5.1.5b1')!.isPrerelease).toBe(true);
    expect(parsePythonVersion('5.1.5')!.isPrerelease).toBe(false);
  });

  it('holds every number as a BigInt, whatever its size', () => {
    const version = parsePythonVersion('1!5.20240101120000123456.0rc18446744073709551617.post2.dev3+Ubuntu-01')!;
    expect(version).toMatchObject({
      epoch: 1n,
      release: [5n, 20240101120000123456n, 0n],
      pre: { label: 'rc', number: 18446744073709551617n },
      post: 2n,
      dev: 3n,
    });
    expect(version.local).toEqual(['ubuntu', 1n]);
    expect(version.text).toBe('1!5.20240101120000123456.0rc18446744073709551617.post2.dev3+ubuntu.1');
  });

  it('refuses to compare what is not a version, naming it', () =>
    expect(() => comparePythonVersions('5.1.x', '5.1.4')).toThrow('"5.1.x" is not a PEP 440 version'));
});

describe('bumpPythonVersion: the maintainers\u2019 transitions', () => {
  it.each<[string, Bump, PreLabel | undefined, string]>([
    ['5.1.5b2', 'release', undefined, '5.1.5'],
    ['5.0.1b1', 'release', undefined, '5.0.1'],
    ['5.1.5.dev3', 'release', undefined, '5.1.5'],
    ['5.1.4', 'patch', 'b', '5.1.5b1'],
    ['5.1.5b1', 'pre', undefined, '5.1.5b2'],
    ['4.3.10b1', 'pre', undefined, '4.3.10b2'],
    ['5.1.4', 'pre', undefined, '5.1.5b1'],
    ['5.1.5b2', 'pre', 'rc', '5.1.5rc1'],
    ['5.1.5.dev1', 'pre', 'a', '5.1.5a1'],
    ['5.1.5b2.dev1', 'pre', undefined, '5.1.5b2'],
    ['5.1.4', 'patch', undefined, '5.1.5'],
    ['5.1.4', 'minor', undefined, '5.2.0'],
    ['5.1.4', 'major', undefined, '6.0.0'],
    ['5.1.4', 'minor', 'rc', '5.2.0rc1'],
    ['5.2.0b1', 'minor', undefined, '5.2.0'],
    ['5.2.1b1', 'minor', undefined, '5.3.0'],
    ['6.0.0b3', 'major', undefined, '6.0.0'],
    ['5.1.5b2', 'patch', undefined, '5.1.5'],
    ['5.1', 'patch', undefined, '5.1.1'],
    ['1!2.0', 'minor', undefined, '1!2.1.0'],
    ['5.1.4+ubuntu.1', 'patch', undefined, '5.1.5'],
    ['1.0.dev20240101120000123456', 'release', undefined, '1.0'],
    ['1.0.20240101120000123456', 'patch', undefined, '1.0.20240101120000123457'],
  ])('%s %s %s → %s', (from, kind, label, to) => expect(bump(from, kind, label)).toBe(to));

  it('refuses to release a version that is already final', () => expect(() => bump('5.1.4', 'release')).toThrow(/5\.1\.4 is already a final release/));

  it('refuses a pre-label that goes back, naming the bumps that work', () =>
    expect(() => bump('5.1.5rc1', 'pre', 'b')).toThrow(/would go back from 5\.1\.5rc1.*release \(→ 5\.1\.5\), pre \(→ 5\.1\.5rc2\)/));

  it('refuses to release a post-release, naming the bumps that work', () =>
    expect(() => bump('5.1.4.post1', 'release')).toThrow(
      '5.1.4.post1 is already a final release (a post-release): there is no pre-release or development release to finish; bumps that move 5.1.4.post1 forward: pre (→ 5.1.5b1), patch (→ 5.1.5)',
    ));

  it('always moves forward', () => {
    for (const [from, kind] of [
      ['5.1.5b2', 'pre'],
      ['5.1.4', 'patch'],
      ['0.9', 'major'],
    ] as const) {
      expect(comparePythonVersions(bump(from, kind), from)).toBeGreaterThan(0);
    }
  });
});

describe('bumpPythonVersion: versions that once went backwards', () => {
  it.each<[string, Bump, PreLabel | undefined, string]>([
    ['5.1.4.post1.dev2', 'release', undefined, '5.1.4.post1'],
    ['5.1.4b2.post1.dev1', 'pre', undefined, '5.1.4b3'],
    ['5.1.4b2.post1.dev1', 'release', undefined, '5.1.4'],
    ['6.0.0.post1.dev2', 'major', undefined, '7.0.0'],
    ['5.1.5.post1.dev0', 'release', undefined, '5.1.5.post1'],
    ['5.1.5.post1.dev0', 'pre', undefined, '5.1.6b1'],
    ['5.1.5.post1.dev0', 'patch', undefined, '5.1.6'],
    ['5.1.5b1.post2', 'pre', undefined, '5.1.5b2'],
  ])('%s %s %s → %s, higher', (from, kind, label, to) => {
    expect(bump(from, kind, label)).toBe(to);
    expect(comparePythonVersions(to, from)).toBeGreaterThan(0);
  });
});

describe('plain tags (semver)', () => {
  it('reads X.Y.Z and vX.Y.Z only', () => {
    expect(parsePlainTag('v1.4.0')).toBe('1.4.0');
    expect(parsePlainTag('5.1.4')).toBe('5.1.4');
    expect(parsePlainTag('5.1.5b1')).toBeUndefined();
    expect(parsePlainTag('v1')).toBeUndefined();
  });
  it('gives the major tag and sorts newest first', () => {
    expect(majorTagOf('v1.4.0')).toBe('v1');
    expect(sortPlainTags(['v1.2.0', 'v1', 'v1.10.0', 'latest', 'v1.9.3'])).toEqual(['v1.10.0', 'v1.9.3', 'v1.2.0']);
    expect(() => majorTagOf('latest')).toThrow(/not a plain/);
  });
});
