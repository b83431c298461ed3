import { comparePythonVersions, parsePythonVersion, type PythonVersion } from './python-version.js';

/**
 * The tag a release's notes start from, chosen by PEP 440 ordering (PEP 440,
 * "Summary of permitted suffixes and relative ordering"), not by date or by
 * git ancestry:
 * - a final release (or post-release) starts at the highest final release
 *   lower than it: 3.1.7's notes start at 3.1.6, not at 3.1.7b1, so that
 *   they hold everything the betas held too;
 * - a pre-release or development release starts at the highest tag of any
 *   kind lower than it: 3.1.7b2's notes start at 3.1.7b1, 3.1.7b1's at 3.1.6.
 *
 * Tags that are not PEP 440 versions (`nightly`, `latest`) are ignored; a
 * `v` prefix is accepted, as PEP 440 normalisation allows, and the tag is
 * returned as written.
 *
 * @param tags the repository's tag names (refs/tags/ stripped)
 * @param version the release's version, any PEP 440 spelling
 * @returns the tag name, or undefined when no tag is lower (the first release), or when `version` is not PEP 440
 */
export function previousReleaseTag(tags: readonly string[], version: string): string | undefined {
  const target = parsePythonVersion(version);
  if (!target) return undefined;
  const final = !target.isPrerelease;
  let best: { tag: string; version: PythonVersion } | undefined;
  for (const tag of tags) {
    const candidate = parsePythonVersion(tag);
    if (!candidate || comparePythonVersions(candidate, target) >= 0) continue;
    if (final && candidate.isPrerelease) continue;
    if (!best || comparePythonVersions(candidate, best.version) > 0) best = { tag, version: candidate };
  }
  return best?.tag;
}
