import { describe, expect, it } from 'vitest';
import * as pep440 from '@renovatebot/pep440';
import { comparePythonVersions, parsePythonVersion, type PythonVersion } from '@exegol-release/core/versions';
import vectorsJson from '@exegol-release/testbed/fixtures/pypa-packaging-version-vectors.json' with { type: 'json' };

type Table<T> = readonly (readonly [string, T])[];
/** The fixture's shape: lists of version strings, and tables of [version, what packaging says of it]. */
interface Vectors {
  ordered: readonly string[];
  invalid: readonly string[];
  normalized: Table<string>;
  str: Table<string>;
  public: Table<string>;
  base_version: Table<string>;
  epoch: Table<number>;
  release: Table<readonly number[]>;
  local: Table<string | null>;
  pre: Table<readonly [string, number] | null>;
  dev: Table<number | null>;
  post: Table<number | null>;
  is_prerelease: Table<boolean>;
  is_devrelease: Table<boolean>;
  is_postrelease: Table<boolean>;
}
const vectors = vectorsJson as unknown as Vectors;

/**
 * pypa/packaging's own version test vectors (tests/test_version.py, commit and
 * path in the fixture's `source`), checked against our model: parsing,
 * canonical form, the parts, and the ordering of every pair of VERSIONS.
 */

function parsed(text: string): PythonVersion {
  const version = parsePythonVersion(text);
  if (!version) throw new Error(`${JSON.stringify(text)} did not parse`);
  return version;
}

const publicText = (text: string): string => parsed(text).text.split('+')[0]!;
const baseText = (text: string): string => {
  const version = parsed(text);
  return `${version.epoch !== 0n ? `${version.epoch}!` : ''}${version.release.join('.')}`;
};
const asNumber = (value: bigint | undefined): number | null => (value === undefined ? null : Number(value));

describe('PEP 440 parsing against pypa/packaging vectors', () => {
  it.each(vectors.ordered)('%s is a version', (text) => expect(parsePythonVersion(text)).toBeDefined());

  it.each(vectors.invalid)('%j is not a version', (text) => expect(parsePythonVersion(text)).toBeUndefined());

  it.each(vectors.normalized)('%j normalises to %s', (text, canonical) => expect(parsed(text).text).toBe(canonical));

  it.each(vectors.str)('str(Version(%j)) is %s', (text, canonical) => expect(parsed(text).text).toBe(canonical));

  it('gives the parts packaging gives', () => {
    const parts = (text: string) => parsed(text);
    for (const [text, expected] of vectors.public) expect(publicText(text), text).toBe(expected);
    for (const [text, expected] of vectors.base_version) expect(baseText(text), text).toBe(expected);
    for (const [text, expected] of vectors.epoch) expect(Number(parts(text).epoch), text).toBe(expected);
    for (const [text, expected] of vectors.release) expect(parts(text).release.map(Number), text).toEqual(expected);
    for (const [text, expected] of vectors.local) expect(parts(text).local?.join('.') ?? null, text).toBe(expected);
    for (const [text, expected] of vectors.pre) {
      const pre = parts(text).pre;
      expect(pre ? [pre.label, Number(pre.number)] : null, text).toEqual(expected);
    }
    for (const [text, expected] of vectors.dev) expect(asNumber(parts(text).dev), text).toBe(expected);
    for (const [text, expected] of vectors.post) expect(asNumber(parts(text).post), text).toBe(expected);
    for (const [text, expected] of vectors.is_prerelease) expect(parts(text).isPrerelease, text).toBe(expected);
    for (const [text, expected] of vectors.is_devrelease) expect(parts(text).dev !== undefined, text).toBe(expected);
    for (const [text, expected] of vectors.is_postrelease) expect(parts(text).post !== undefined, text).toBe(expected);
  });
});

describe('PEP 440 ordering against pypa/packaging vectors', () => {
  it(`orders every pair of the ${vectors.ordered.length} VERSIONS as packaging's comparison tests do`, () => {
    let pairs = 0;
    vectors.ordered.forEach((left, i) =>
      vectors.ordered.forEach((right, j) => {
        expect(Math.sign(comparePythonVersions(left, right)), `${left} vs ${right}`).toBe(Math.sign(i - j));
        pairs += 1;
      }),
    );
    expect(pairs).toBe(vectors.ordered.length ** 2);
  });

  it('agrees with @renovatebot/pep440 wherever its numbers are exact (below 2^53)', () => {
    for (const left of vectors.ordered)
      for (const right of vectors.ordered)
        expect(Math.sign(comparePythonVersions(left, right)), `${left} vs ${right}`).toBe(Math.sign(pep440.compare(left, right)));
  });
});

describe('PEP 440 integers above 2^53', () => {
  const stamp = '1.0.dev20240101120000123456';

  it('keeps every digit in the canonical form', () => {
    expect(parsed(stamp).text).toBe(stamp);
    expect(parsed('1.0.dev020240101120000123456').text).toBe(stamp);
    expect(parsed('99999999999999999999999!1.18446744073709551617.0').text).toBe('99999999999999999999999!1.18446744073709551617.0');
    expect(parsed('1.0+00018446744073709551617.abc').text).toBe('1.0+18446744073709551617.abc');
  });

  it('orders numbers that differ only beyond 2^53', () => {
    expect(comparePythonVersions(stamp, '1.0.dev20240101120000123457')).toBeLessThan(0);
    expect(comparePythonVersions('1.9007199254740993', '1.9007199254740992')).toBeGreaterThan(0);
    expect(comparePythonVersions('9007199254740993!1.0', '9007199254740992!2.0')).toBeGreaterThan(0);
    expect(comparePythonVersions('1.0.post9007199254740993', '1.0.post9007199254740992')).toBeGreaterThan(0);
    expect(comparePythonVersions('1.0rc9007199254740993', '1.0rc9007199254740992')).toBeGreaterThan(0);
    expect(comparePythonVersions('1.0+9007199254740993', '1.0+9007199254740992')).toBeGreaterThan(0);
    // The library this model replaces for numbers loses the difference.
    expect(pep440.compare(stamp, '1.0.dev20240101120000123457')).toBe(0);
  });
});
