import * as pep440 from '@renovatebot/pep440';

/** Pre-release labels of PEP 440, in order: alpha < beta < release candidate. */
export const PRE_LABELS = ['a', 'b', 'rc'] as const;
export type PreLabel = (typeof PRE_LABELS)[number];

/** The ways a version can be bumped. See {@link bumpPythonVersion}. */
export const BUMPS = ['release', 'pre', 'patch', 'minor', 'major'] as const;
export type Bump = (typeof BUMPS)[number];

/** A parsed PEP 440 version (https://peps.python.org/pep-0440/#public-version-identifiers). */
export interface PythonVersion {
  /** The canonical form, e.g. `4.3.6b1` for `4.3.6-beta.1`. */
  readonly text: string;
  readonly epoch: number;
  /** The release segment, e.g. [5, 1, 4]. */
  readonly release: readonly number[];
  readonly pre?: { readonly label: PreLabel; readonly number: number };
  readonly post?: number;
  readonly dev?: number;
  /** True for alpha, beta, release-candidate and dev releases. */
  readonly isPrerelease: boolean;
}

/**
 * Parses a PEP 440 version in any form PEP 440 normalises (`v1.0`,
 * `5.2.0-beta.1`, `1.0RC1`) through @renovatebot/pep440.
 *
 * @returns the version, or undefined when the text is not a PEP 440 version
 */
export function parsePythonVersion(text: string): PythonVersion | undefined {
  const explained = pep440.explain(text.trim());
  if (!explained) return undefined;
  // The library's typings say arrays, but it returns numbers for post and dev.
  const post = explained.post as unknown as number | null;
  const dev = explained.dev as unknown as number | null;
  const pre = explained.pre as [PreLabel, number] | null;
  return {
    text: explained.local ? `${explained.public}+${explained.local}` : explained.public,
    epoch: explained.epoch,
    release: explained.release,
    ...(pre ? { pre: { label: pre[0], number: pre[1] } } : {}),
    ...(post !== null ? { post } : {}),
    ...(dev !== null ? { dev } : {}),
    isPrerelease: explained.is_prerelease,
  };
}

/** The PEP 440 canonical form of `text` (e.g. `4.3.6-beta.1` → `4.3.6b1`), or undefined when it is not a version. */
export function canonicalPythonVersion(text: string): string | undefined {
  return parsePythonVersion(text)?.text;
}

/** Compares two PEP 440 versions: negative when a < b, 0 when equal under PEP 440 (`1.0` == `1.0.0`), positive when a > b. */
export function comparePythonVersions(a: string, b: string): number {
  return pep440.compare(a, b);
}

/** Formats version parts in the PEP 440 canonical form. */
function formatVersion(parts: Omit<PythonVersion, 'text' | 'isPrerelease'>): PythonVersion {
  const epoch = parts.epoch ? `${parts.epoch}!` : '';
  const pre = parts.pre ? `${parts.pre.label}${parts.pre.number}` : '';
  const post = parts.post !== undefined ? `.post${parts.post}` : '';
  const dev = parts.dev !== undefined ? `.dev${parts.dev}` : '';
  const text = `${epoch}${parts.release.join('.')}${pre}${post}${dev}`;
  const parsed = parsePythonVersion(text);
  if (!parsed) throw new Error(`internal error: formatted an invalid version ${text}`);
  return parsed;
}

function nextRelease(release: readonly number[], level: 'patch' | 'minor' | 'major'): number[] {
  const [major = 0, minor = 0, patch = 0] = release;
  if (level === 'major') return [major + 1, 0, 0];
  if (level === 'minor') return [major, minor + 1, 0];
  return [major, minor, patch + 1];
}

/** True when `release` (padded to three numbers) already is the next `level` release of a pre-release, e.g. 5.2.0b1 for minor. */
function preReleaseOfLevel(release: readonly number[], level: 'patch' | 'minor' | 'major'): boolean {
  const [, minor = 0, patch = 0] = release;
  if (level === 'major') return minor === 0 && patch === 0;
  if (level === 'minor') return patch === 0;
  return true;
}

/**
 * Computes the next version under the maintainers' release rules:
 * - `release`: drops the pre-release and dev parts (5.1.5b2 → 5.1.5); a
 *   version that is already final is an error.
 * - `pre`: the next pre-release (5.1.5b1 → 5.1.5b2); with a higher `preLabel`
 *   it starts that label at 1 (5.1.5b2 → 5.1.5rc1); from a final version it
 *   starts the next patch (5.1.4 → 5.1.5b1). A lower label is an error.
 * - `patch`, `minor`, `major`: the next such release (5.1.4 → 5.1.5); a
 *   pre-release of that level becomes final (5.2.0b1 minor → 5.2.0). With
 *   `preLabel` the result is that label's first pre-release (5.1.4 patch b → 5.1.5b1).
 *
 * The release segment is padded to three numbers for patch, minor and major.
 *
 * @throws Error with a message that names both versions when the bump is impossible
 */
export function bumpPythonVersion(current: PythonVersion, bump: Bump, preLabel?: PreLabel): PythonVersion {
  const { epoch, release } = current;
  const isFinal = !current.pre && current.dev === undefined;
  switch (bump) {
    case 'release':
      if (isFinal) throw new Error(`${current.text} is already a final release: there is no pre-release to drop`);
      return formatVersion({ epoch, release });
    case 'pre': {
      const label = preLabel ?? current.pre?.label ?? 'b';
      if (isFinal) return formatVersion({ epoch, release: nextRelease(release, 'patch'), pre: { label, number: 1 } });
      if (!current.pre) return formatVersion({ epoch, release, pre: { label, number: 1 } });
      const order = PRE_LABELS.indexOf(label) - PRE_LABELS.indexOf(current.pre.label);
      if (order < 0) throw new Error(`pre-label ${label} would go back from ${current.text}: ${label} comes before ${current.pre.label}`);
      if (order > 0) return formatVersion({ epoch, release, pre: { label, number: 1 } });
      // A dev release of a pre-release (5.1.5b2.dev1) comes before that pre-release.
      const number = current.dev !== undefined ? current.pre.number : current.pre.number + 1;
      return formatVersion({ epoch, release, pre: { label, number } });
    }
    default: {
      const reachesBase = !isFinal && !preLabel && preReleaseOfLevel(release, bump);
      const next = reachesBase ? [...release] : nextRelease(release, bump);
      while (next.length < 3) next.push(0);
      return formatVersion({ epoch, release: next, ...(preLabel ? { pre: { label: preLabel, number: 1 } } : {}) });
    }
  }
}
