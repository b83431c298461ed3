import { describe, expect, it } from 'vitest';
import { releaseFlags } from '@exegol-release/core/github-release';
import { previousReleaseTag } from '@exegol-release/core/versions';

const TAGS = ['4.3.9', '5.0.0', '5.1.3', '5.1.4', '5.1.5b1', 'nightly', '5.1.5b2', 'v5.1.5+local', '5.1.5', 'latest', '5.2.0rc1'];

describe('previousReleaseTag', () => {
  it('starts a final release at the previous final release, its betas skipped', () => {
    expect(previousReleaseTag(TAGS, '5.1.5')).toBe('5.1.4');
    expect(previousReleaseTag(TAGS, '5.2.0')).toBe('5.1.5');
    expect(previousReleaseTag(TAGS, '5.1.5.post1')).toBe('5.1.5');
  });

  it('starts a pre-release at the tag just below it, final or not', () => {
    expect(previousReleaseTag(TAGS, '5.1.5b2')).toBe('5.1.5b1');
    expect(previousReleaseTag(TAGS, '5.1.5b1')).toBe('5.1.4');
    expect(previousReleaseTag(TAGS, '5.2.0rc2')).toBe('5.2.0rc1');
    expect(previousReleaseTag(TAGS, '5.1.6.dev1')).toBe('5.1.5');
  });

  it('orders by PEP 440, not by text or by the order given', () => {
    expect(previousReleaseTag(['5.1.10', '5.1.9', '5.1.11'], '5.1.12')).toBe('5.1.11');
    expect(previousReleaseTag(['5.1.9', '5.1.10'], '5.1.10b1')).toBe('5.1.9');
    expect(previousReleaseTag(['1.0.0rc1', '1.0.0b2', '1.0.0a9'], '1.0.0')).toBeUndefined();
  });

  it('ignores tags that are not PEP 440 versions, local versions, and the version itself in another spelling', () => {
    expect(previousReleaseTag(['nightly', 'latest', 'v1'], '2.0.0')).toBe('v1');
    expect(previousReleaseTag(['5.1.5', 'v5.1.5', '5.1.5+build.1', '5.1.4'], '5.1.5')).toBe('5.1.4');
  });

  it('returns undefined for a first release and for a version that is not PEP 440', () => {
    expect(previousReleaseTag([], '1.0.0')).toBeUndefined();
    expect(previousReleaseTag(['nightly'], '1.0.0b1')).toBeUndefined();
    expect(previousReleaseTag(TAGS, 'nightly')).toBeUndefined();
  });
});

describe('releaseFlags', () => {
  it('auto: a PEP 440 pre-release is a pre-release and never the latest', () => {
    expect(releaseFlags('5.1.5b2', TAGS, 'auto', 'auto')).toEqual({ prerelease: true, latest: false });
    expect(releaseFlags('5.2.0.dev1', TAGS, 'auto', 'auto')).toEqual({ prerelease: true, latest: false });
  });

  it('auto: a final release is the latest only when no final tag is higher (pre-releases and local versions aside)', () => {
    expect(releaseFlags('5.1.5', TAGS, 'auto', 'auto')).toEqual({ prerelease: false, latest: true });
    expect(releaseFlags('5.1.4', TAGS, 'auto', 'auto')).toEqual({ prerelease: false, latest: false });
    expect(releaseFlags('5.1.5', [...TAGS, '5.1.5.post1'], 'auto', 'auto')).toEqual({ prerelease: false, latest: false });
  });

  it('takes fixed choices, and refuses a pre-release made latest or auto on a tag that is not PEP 440', () => {
    expect(releaseFlags('5.1.4', TAGS, false, true)).toEqual({ prerelease: false, latest: true });
    expect(releaseFlags('nightly', TAGS, true, false)).toEqual({ prerelease: true, latest: false });
    expect(() => releaseFlags('5.1.5b1', TAGS, 'auto', true)).toThrow(/input 'latest' is true for a pre-release/);
    expect(() => releaseFlags('nightly', TAGS, 'auto', false)).toThrow(/input 'prerelease' is auto, but tag nightly is not a PEP 440 version/);
  });
});
