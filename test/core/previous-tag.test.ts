import { describe, expect, it } from 'vitest';
import { previousReleaseTag } from '@exegol-release/core';

const IMAGE_TAGS = ['3.1.4', '3.1.5', '3.1.6', '3.1.7b1', 'nightly', 'latest', '2.0.0b5'];

describe('previousReleaseTag', () => {
  it("starts a final release's notes at the previous final, not at its own betas", () => {
    expect(previousReleaseTag(IMAGE_TAGS, '3.1.7')).toBe('3.1.6');
  });

  it("starts a beta's notes at the previous tag of any kind lower than it", () => {
    expect(previousReleaseTag(IMAGE_TAGS, '3.1.7b1')).toBe('3.1.6');
    expect(previousReleaseTag(IMAGE_TAGS, '3.1.7b2')).toBe('3.1.7b1');
    expect(previousReleaseTag([...IMAGE_TAGS, '3.1.7a3'], '3.1.7b1')).toBe('3.1.7a3');
  });

  it('orders by PEP 440, not by text or by the order of the list', () => {
    expect(previousReleaseTag(['5.1.10', '5.1.9', '5.1.2'], '5.1.11')).toBe('5.1.10');
    expect(previousReleaseTag(['4.3.10b2', '4.3.10b1', '4.3.9b1', '4.3.8'], '4.3.10')).toBe('4.3.8');
    expect(previousReleaseTag(['4.3.10b2', '4.3.10b1', '4.3.9b1', '4.3.8'], '4.3.10b3')).toBe('4.3.10b2');
  });

  it('ignores tags that are not PEP 440 versions and tags not lower than the version', () => {
    expect(previousReleaseTag(['nightly', 'release-candidate', '3.1.8', '3.1.7'], '3.1.7')).toBeUndefined();
    expect(previousReleaseTag([], '1.0.0')).toBeUndefined();
  });

  it('returns the tag as written when its spelling is not canonical', () => {
    expect(previousReleaseTag(['v1.0', 'v1.1-beta.1'], 'v1.1')).toBe('v1.0');
    expect(previousReleaseTag(['v1.0', 'v1.1-beta.1'], '1.1b2')).toBe('v1.1-beta.1');
  });

  it('gives nothing for a version that is not PEP 440', () => {
    expect(previousReleaseTag(IMAGE_TAGS, 'nightly')).toBeUndefined();
  });
});
