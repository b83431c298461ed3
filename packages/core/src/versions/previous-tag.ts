import { comparePythonVersions, parsePythonVersion, type PythonVersion } from './python-version.js';

/**
 * The tag a release's notes start from, chosen under PEP 440's ordering
 * (https://peps.python.org/pep-0440/#summary-of-permitted-suffixes-and-relative-ordering):
 *
 * - a final release (no pre-release or dev part: `5.1.5`, `5.1.5.post1`) starts at the previous
 *   final release, the greatest final tag below it, betas skipped: `5.1.5`'s notes cover every
 *   change since `5.1.4`, the betas of 5.1.5 included;
 * - a pre-release (`5.1.5b2`, `5.2.0rc1`, `5.2.0.dev3`) starts at the greatest tag below it, final
 *   or not: `5.1.5b2`'s notes cover the changes since `5.1.5b1`.
 *
 * Tags that are not PEP 440 versions (`nightly`, `latest`) and tags with a local label (`+…`) are
 * ignored; a tag equal to `version` under PEP 440 (`v5.1.5` for `5.1.5`) is never its own previous
 * tag. Among tags equal under PEP 440 (`1.0`, `1.0.0`), the first in `tags` is returned.
 *
 * @param tags the repository's tag names, in any order (GET /repos/{owner}/{repo}/tags)
 * @param version the release's version, in any PEP 440 spelling
 * @returns the previous tag's name as given in `tags`, or undefined when there is none (a first
 *   release) or when `version` is not a PEP 440 version
 */
export function previousReleaseTag(tags: readonly string[], version: string): string | undefined {
  const target = parsePythonVersion(version);
  if (!target) return undefined;
  let best: { tag: string; version: PythonVersion } | undefined;
  for (const tag of tags) {
    const parsed = parsePythonVersion(tag);
    if (!parsed || parsed.local) continue;
    if (!target.isPrerelease && parsed.isPrerelease) continue;
    if (comparePythonVersions(parsed, target) >= 0) continue;
    if (!best || comparePythonVersions(parsed, best.version) > 0) best = { tag, version: parsed };
  }
  return best?.tag;
}
