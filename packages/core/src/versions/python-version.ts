import { VERSION_PATTERN } from '@renovatebot/pep440/lib/version.js';

/**
 * PEP 440 versions (https://peps.python.org/pep-0440/) with integers of any
 * size. The syntax is @renovatebot/pep440's pattern (PEP 440 Appendix B's
 * regular expression, the one pypa/packaging uses); the numbers, the
 * canonical form and the ordering are computed here with BigInt, because the
 * library turns every number into a JavaScript number, which loses precision
 * above 2^53 (`1.0.dev20240101120000123456` would become `…123000`). PEP 440
 * puts no bound on these integers, and date-stamped dev releases reach 20 digits.
 */

/** Pre-release labels of PEP 440, in order: alpha < beta < release candidate. */
export const PRE_LABELS = ['a', 'b', 'rc'] as const;
export type PreLabel = (typeof PRE_LABELS)[number];

/** A segment of a local version label: a number, or lower-case letters and digits. */
export type LocalSegment = bigint | string;

/** A parsed PEP 440 version (https://peps.python.org/pep-0440/#public-version-identifiers). */
export interface PythonVersion {
  /** The canonical form (packaging's `str(Version(…))`), e.g. `4.3.6b1` for `4.3.6-beta.1`. */
  readonly text: string;
  readonly epoch: bigint;
  /** The release segment as written, trailing zeros kept, e.g. [5n, 1n, 4n]. */
  readonly release: readonly bigint[];
  readonly pre?: { readonly label: PreLabel; readonly number: bigint };
  readonly post?: bigint;
  readonly dev?: bigint;
  /** The local version label's segments (`+ubuntu.1` → ['ubuntu', 1n]); numbers lose their leading zeros. */
  readonly local?: readonly LocalSegment[];
  /** True for alpha, beta, release-candidate and dev releases (packaging's `is_prerelease`). */
  readonly isPrerelease: boolean;
}

/** The parts a version is made of, without the derived fields. */
export type PythonVersionParts = Omit<PythonVersion, 'text' | 'isPrerelease'>;

// PEP 440 "Parsing with a regular expression": surrounding white space is allowed, case is not significant.
// Without the `u` flag, `i` folds no character outside ASCII onto ASCII (ECMA-262 Canonicalize), so `İ` is not `i`.
// White space is Python's (`\s` of a str pattern: the characters str.isspace() accepts), as pypa/packaging reads it;
// JavaScript's `\s` also takes U+FEFF (a format character, not white space to Python), which packaging refuses.
const PYTHON_SPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const VERSION_EXPRESSION = new RegExp(`^${PYTHON_SPACE}*${VERSION_PATTERN}${PYTHON_SPACE}*$`, 'i');

/** PEP 440 "Pre-release spelling": alpha → a, beta → b, c, pre and preview → rc. */
function preLabelOf(spelling: string): PreLabel {
  const lower = spelling.toLowerCase();
  if (lower === 'a' || lower === 'alpha') return 'a';
  if (lower === 'b' || lower === 'beta') return 'b';
  return 'rc';
}

/** PEP 440 "Local version segments": lower case, `-` and `_` as `.`, numbers without leading zeros. */
function localSegments(label: string): LocalSegment[] {
  return label
    .toLowerCase()
    .split(/[-_.]/)
    .map((segment) => (/^[0-9]+$/.test(segment) ? BigInt(segment) : segment));
}

/** The canonical text of version parts (PEP 440 "Normalization"; packaging's `Version.__str__`). */
export function formatPythonVersion(parts: PythonVersionParts): string {
  const epoch = parts.epoch !== 0n ? `${parts.epoch}!` : '';
  const pre = parts.pre ? `${parts.pre.label}${parts.pre.number}` : '';
  const post = parts.post !== undefined ? `.post${parts.post}` : '';
  const dev = parts.dev !== undefined ? `.dev${parts.dev}` : '';
  const local = parts.local ? `+${parts.local.join('.')}` : '';
  return `${epoch}${parts.release.join('.')}${pre}${post}${dev}${local}`;
}

/**
 * Builds a version from its parts.
 * @throws Error when the release segment is empty or a number is negative
 */
export function pythonVersionFromParts(parts: PythonVersionParts): PythonVersion {
  const numbers = [parts.epoch, ...parts.release, parts.pre?.number, parts.post, parts.dev];
  if (parts.release.length === 0 || numbers.some((value) => value !== undefined && value < 0n)) {
    throw new Error(`internal error: invalid version parts ${formatPythonVersion(parts)}`);
  }
  return {
    ...parts,
    text: formatPythonVersion(parts),
    isPrerelease: parts.pre !== undefined || parts.dev !== undefined,
  };
}

/**
 * Parses a PEP 440 version in any spelling PEP 440 normalises (`v1.0`,
 * `5.2.0-beta.1`, `1.0RC1`, ` 1.0 `), with integers of any size.
 *
 * @returns the version, or undefined when the text is not a PEP 440 version
 */
export function parsePythonVersion(text: string): PythonVersion | undefined {
  const groups = VERSION_EXPRESSION.exec(text)?.groups;
  if (!groups) return undefined;
  const number = (digits: string | undefined): bigint => BigInt(digits ?? '0');
  const postDigits = groups['post_n1'] ?? groups['post_n2'];
  return pythonVersionFromParts({
    epoch: number(groups['epoch']),
    release: groups['release']!.split('.').map((digits) => BigInt(digits)),
    ...(groups['pre_l'] !== undefined ? { pre: { label: preLabelOf(groups['pre_l']), number: number(groups['pre_n']) } } : {}),
    ...(groups['post_n1'] !== undefined || groups['post_l'] !== undefined ? { post: number(postDigits) } : {}),
    ...(groups['dev_l'] !== undefined ? { dev: number(groups['dev_n']) } : {}),
    ...(groups['local'] !== undefined ? { local: localSegments(groups['local']) } : {}),
  });
}

/** The PEP 440 canonical form of `text` (e.g. `4.3.6-beta.1` → `4.3.6b1`), or undefined when it is not a version. */
export function canonicalPythonVersion(text: string): string | undefined {
  return parsePythonVersion(text)?.text;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRelease(a: readonly bigint[], b: readonly bigint[]): number {
  // PEP 440 "Release segment": trailing zeros do not count (1.0 == 1.0.0).
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const order = compareBig(a[index] ?? 0n, b[index] ?? 0n);
    if (order !== 0) return order;
  }
  return 0;
}

/** Where a version's pre-release part sorts: a dev release of a final release before every pre-release, a final release after them. */
function preRank(version: PythonVersion): [number, bigint] {
  if (version.pre) return [1 + PRE_LABELS.indexOf(version.pre.label), version.pre.number];
  if (version.post === undefined && version.dev !== undefined) return [0, 0n];
  return [PRE_LABELS.length + 1, 0n];
}

function compareLocal(a: readonly LocalSegment[] | undefined, b: readonly LocalSegment[] | undefined): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const [x, y] = [a[index]!, b[index]!];
    // PEP 440 "Local version identifiers": numeric segments sort after alphanumeric ones; letters compare as text.
    if (typeof x !== typeof y) return typeof x === 'bigint' ? 1 : -1;
    const order = typeof x === 'bigint' ? compareBig(x, y as bigint) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function asVersion(value: string | PythonVersion): PythonVersion {
  if (typeof value !== 'string') return value;
  const version = parsePythonVersion(value);
  if (!version) throw new Error(`"${value}" is not a PEP 440 version`);
  return version;
}

/**
 * Compares two PEP 440 versions under PEP 440's ordering (the order of
 * pypa/packaging's `Version`): epoch, release (trailing zeros ignored),
 * pre-release (dev-only releases first, finals last), post-release, dev
 * release (a dev release before what it leads to), then the local label.
 *
 * @returns negative when a < b, 0 when equal under PEP 440 (`1.0` == `1.0.0`), positive when a > b
 * @throws Error when a string is not a PEP 440 version
 */
export function comparePythonVersions(a: string | PythonVersion, b: string | PythonVersion): number {
  const [x, y] = [asVersion(a), asVersion(b)];
  const [xPre, yPre] = [preRank(x), preRank(y)];
  return (
    compareBig(x.epoch, y.epoch) ||
    compareRelease(x.release, y.release) ||
    xPre[0] - yPre[0] ||
    compareBig(xPre[1], yPre[1]) ||
    compareBig(x.post ?? -1n, y.post ?? -1n) ||
    // No dev part sorts after every dev part.
    (x.dev === undefined ? (y.dev === undefined ? 0 : 1) : y.dev === undefined ? -1 : compareBig(x.dev, y.dev)) ||
    compareLocal(x.local, y.local)
  );
}
