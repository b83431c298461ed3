import semver from 'semver';

/**
 * Parses a plain release tag `X.Y.Z` or `vX.Y.Z` (this repository's own
 * release tags, and Exegol's image tags) with semver's strict parser.
 *
 * @returns the version without its `v`, e.g. `1.4.0`, or undefined when `tag` is not of that form
 */
export function parsePlainTag(tag: string): string | undefined {
  const version = semver.valid(tag.trim());
  return version && /^v?\d+\.\d+\.\d+$/.test(tag.trim()) ? version : undefined;
}

/** The major tag that moves with a release, e.g. `v1` for `v1.4.0`. @throws Error when `tag` is not a plain tag */
export function majorTagOf(tag: string): string {
  const version = parsePlainTag(tag);
  if (!version) throw new Error(`"${tag}" is not a plain X.Y.Z tag`);
  return `v${semver.major(version)}`;
}

/** Sorts plain tags from the newest, leaving out anything that is not a plain tag. */
export function sortPlainTags(tags: readonly string[]): string[] {
  return tags.filter((tag) => parsePlainTag(tag)).sort((a, b) => semver.rcompare(parsePlainTag(a)!, parsePlainTag(b)!));
}
