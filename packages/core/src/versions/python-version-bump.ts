import { PRE_LABELS, comparePythonVersions, pythonVersionFromParts, type PreLabel, type PythonVersion } from './python-version.js';

/** The ways a version can be bumped. See {@link bumpPythonVersion}. */
export const BUMPS = ['release', 'pre', 'patch', 'minor', 'major'] as const;
export type Bump = (typeof BUMPS)[number];

/** One bump and its optional pre-release label. */
export interface BumpChoice {
  readonly bump: Bump;
  readonly preLabel?: PreLabel;
}

/** A bump refused because it would not move the version forward; `alternatives` lists bumps that would, with their results. */
export class VersionBumpError extends Error {
  override name = 'VersionBumpError';
  constructor(
    message: string,
    readonly alternatives: readonly { readonly choice: BumpChoice; readonly version: PythonVersion }[],
  ) {
    super(message);
  }
}

type Level = 'patch' | 'minor' | 'major';

/** The release segment of the next `level` release, three numbers long (5.1 patch → 5.1.1): higher than `release` whatever follows it. */
function nextRelease(release: readonly bigint[], level: Level): bigint[] {
  const [major = 0n, minor = 0n, patch = 0n] = release;
  if (level === 'major') return [major + 1n, 0n, 0n];
  if (level === 'minor') return [major, minor + 1n, 0n];
  return [major, minor, patch + 1n];
}

/** `release` padded with zeros to three numbers (padding does not change its order). */
function padded(release: readonly bigint[]): bigint[] {
  return [...release, 0n, 0n, 0n].slice(0, Math.max(3, release.length));
}

/** True when the final release of `release` is itself a `level` release (5.2.0 for minor, 6.0.0 for major, any for patch). */
function isOfLevel(release: readonly bigint[], level: Level): boolean {
  const [, minor = 0n, patch = 0n] = release;
  if (level === 'major') return minor === 0n && patch === 0n;
  if (level === 'minor') return patch === 0n;
  return true;
}

/**
 * True when the version sorts before the final release of its release
 * segment: a pre-release (with or without post and dev parts), or a dev
 * release of the final release itself (5.1.5.dev1). A dev release of a
 * post-release (5.1.4.post1.dev2) sorts after the final release.
 */
function precedesItsFinal(version: PythonVersion): boolean {
  return version.pre !== undefined || (version.post === undefined && version.dev !== undefined);
}

/** The version a bump rule gives, or the reason it gives none; not yet checked to be higher. */
function applyRule(current: PythonVersion, bump: Bump, preLabel: PreLabel | undefined): PythonVersion | string {
  const { epoch, release } = current;
  const make = (next: readonly bigint[], pre?: { label: PreLabel; number: bigint }, post?: bigint) =>
    pythonVersionFromParts({ epoch, release: next, ...(pre ? { pre } : {}), ...(post !== undefined ? { post } : {}) });
  switch (bump) {
    case 'release':
      if (precedesItsFinal(current)) return make(release);
      if (current.post !== undefined && current.dev !== undefined) return make(release, undefined, current.post);
      return `${current.text} is already a final release${current.post !== undefined ? ' (a post-release)' : ''}: there is no pre-release or development release to finish`;
    case 'pre': {
      const label = preLabel ?? current.pre?.label ?? 'b';
      if (!current.pre) {
        // A dev release of the final release (5.1.5.dev1) sorts before its pre-releases; anything else starts the next patch.
        return current.post === undefined && current.dev !== undefined
          ? make(release, { label, number: 1n })
          : make(nextRelease(release, 'patch'), { label, number: 1n });
      }
      const order = PRE_LABELS.indexOf(label) - PRE_LABELS.indexOf(current.pre.label);
      if (order < 0) return `pre-label ${label} would go back from ${current.text}: ${label} comes before ${current.pre.label}`;
      if (order > 0) return make(release, { label, number: 1n });
      // A dev release of a pre-release (5.1.5b2.dev1) comes before that pre-release; a post-release of one (5.1.5b2.post1) after it.
      const finishes = current.post === undefined && current.dev !== undefined;
      return make(release, { label, number: finishes ? current.pre.number : current.pre.number + 1n });
    }
    default: {
      if (!preLabel && precedesItsFinal(current) && isOfLevel(release, bump)) return make(padded(release));
      return make(nextRelease(release, bump), preLabel ? { label: preLabel, number: 1n } : undefined);
    }
  }
}

function describeChoice(choice: BumpChoice): string {
  return choice.preLabel ? `${choice.bump} with pre-label ${choice.preLabel}` : choice.bump;
}

/**
 * Every bump (with no label, and `pre` with each label) that moves `current`
 * forward, with the version it gives.
 */
export function forwardBumps(current: PythonVersion): { choice: BumpChoice; version: PythonVersion }[] {
  const choices: BumpChoice[] = [...BUMPS.map((bump) => ({ bump })), ...PRE_LABELS.map((preLabel) => ({ bump: 'pre' as const, preLabel }))];
  return choices.flatMap((choice) => {
    const version = applyRule(current, choice.bump, choice.preLabel);
    return typeof version !== 'string' && comparePythonVersions(version, current) > 0 ? [{ choice, version }] : [];
  });
}

/**
 * Computes the next version under the maintainers' release rules, and
 * guarantees it is higher than `current` under PEP 440's ordering:
 * - `release`: the release this version leads to: the final release of a
 *   pre-release or dev release (5.1.5b2 → 5.1.5, 5.1.5b2.post1.dev1 → 5.1.5),
 *   the post-release of a dev release of one (5.1.4.post1.dev2 → 5.1.4.post1).
 *   A final release or post-release is refused.
 * - `pre`: the next pre-release (5.1.5b1 → 5.1.5b2, 5.1.5b2.dev1 → 5.1.5b2);
 *   with a higher `preLabel` that label's first (5.1.5b2 → 5.1.5rc1); from a
 *   final release, a post-release or a dev release of one, the next patch's
 *   first (5.1.4 → 5.1.5b1); from a dev release of a final release, that
 *   release's first (5.1.5.dev1 → 5.1.5b1). A lower label is refused.
 * - `patch`, `minor`, `major`: the next such release (5.1.4 → 5.1.5); a
 *   version before a final release of that level becomes it (5.2.0b1 minor
 *   → 5.2.0). With `preLabel`, that label's first pre-release of the next
 *   such release (5.1.4 patch b → 5.1.5b1). The release segment is padded to
 *   three numbers.
 *
 * The epoch is kept; the local label is dropped. Every number is a BigInt.
 *
 * @throws VersionBumpError when the rule refuses, or (never, by construction;
 *   checked all the same) gives a version that is not higher; its message says
 *   why and names the bumps that would move the version forward
 */
export function bumpPythonVersion(current: PythonVersion, bump: Bump, preLabel?: PreLabel): PythonVersion {
  const next = applyRule(current, bump, preLabel);
  if (typeof next !== 'string' && comparePythonVersions(next, current) > 0) return next;
  const why =
    typeof next === 'string'
      ? next
      : `${describeChoice({ bump, ...(preLabel ? { preLabel } : {}) })} would give ${next.text}, which is not higher than ${current.text}`;
  const alternatives = forwardBumps(current);
  const working = alternatives.map(({ choice, version }) => `${describeChoice(choice)} (→ ${version.text})`).join(', ');
  throw new VersionBumpError(`${why}; bumps that move ${current.text} forward: ${working}`, alternatives);
}
