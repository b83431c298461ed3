import { comparePythonVersions, parsePythonVersion, type PythonVersion } from '../versions/python-version.js';
import { PERMISSION_LEVELS, type CheckFacts, type PermissionLevel, type PullRequestFacts, type ReviewFacts } from './facts.js';

/** One line of the checklist. */
export interface RuleResult {
  /** A stable identifier, e.g. `approvals`. */
  readonly rule: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why, in a sentence. */
  readonly detail: string;
}

const passed = (rule: string, detail: string): RuleResult => ({ rule, status: 'passed', detail });
const failed = (rule: string, detail: string): RuleResult => ({ rule, status: 'failed', detail });
const skipped = (rule: string, detail: string): RuleResult => ({ rule, status: 'skipped', detail });

/** The pull request is open (not closed, not merged) and not a draft. */
export function stateRules(pr: PullRequestFacts): RuleResult[] {
  const open =
    pr.state === 'open'
      ? passed('open', 'the pull request is open')
      : failed('open', pr.merged ? 'the pull request is already merged' : `the pull request is ${pr.state}`);
  const draft = pr.draft
    ? failed('not-draft', 'the pull request is a draft: mark it ready for review')
    : passed('not-draft', 'the pull request is ready for review');
  return [open, draft];
}

/** The pull request goes from `head` in this repository to `base`. */
export function branchRule(pr: PullRequestFacts, base: string, head: string, repository: string): RuleResult {
  const problems: string[] = [];
  if (pr.baseRef !== base) problems.push(`its base is ${pr.baseRef}, not ${base}`);
  if (pr.headRef !== head) problems.push(`its head is ${pr.headRef}, not ${head}`);
  if (pr.headRepository !== repository) problems.push(`its head is in ${pr.headRepository ?? 'a deleted repository'}, not ${repository}`);
  return problems.length ? failed('branches', problems.join('; ')) : passed('branches', `${head} → ${base}`);
}

/**
 * Reads the version from the title with `pattern` (a named group `version`) and checks it is PEP 440.
 * @returns the rule results, and the version when both passed
 */
export function titleRules(title: string, pattern: RegExp): { results: RuleResult[]; version?: PythonVersion } {
  const text = pattern.exec(title)?.groups?.['version'];
  if (text === undefined) return { results: [failed('title', `"${title}" does not match ${pattern.source}`), skipped('version', 'no version in the title')] };
  const version = parsePythonVersion(text);
  if (!version) return { results: [passed('title', `"${title}" matches`), failed('version', `"${text}" is not a PEP 440 version`)] };
  const canonical = version.text === text ? '' : ` (canonical form ${version.text})`;
  return {
    results: [
      passed('title', `"${title}" matches`),
      passed('version', `${text} is a PEP 440 ${version.isPrerelease ? 'pre-release' : 'final release'}${canonical}`),
    ],
    version,
  };
}

/** The versions of the tags that are PEP 440 versions, with their tag names. */
function versionTags(tags: readonly string[]): { tag: string; version: PythonVersion }[] {
  return tags.flatMap((tag) => {
    const version = parsePythonVersion(tag);
    return version && !version.text.includes('+') ? [{ tag, version }] : [];
  });
}

/**
 * The version is not tagged yet, and is greater than the latest release tag.
 * Also finds the previous final release: the greatest final tag below `version`.
 */
export function tagRules(version: PythonVersion, tags: readonly string[]): { results: RuleResult[]; previousRelease?: string } {
  const known = versionTags(tags);
  const same = known.find((entry) => comparePythonVersions(entry.version.text, version.text) === 0);
  // A tag of this very version is the not-tagged rule's failure; newer compares with the others.
  const latest = known
    .filter((entry) => entry !== same)
    .reduce<(typeof known)[number] | undefined>(
      (best, entry) => (!best || comparePythonVersions(entry.version.text, best.version.text) > 0 ? entry : best),
      undefined,
    );
  const previous = known
    .filter((entry) => !entry.version.isPrerelease && comparePythonVersions(entry.version.text, version.text) < 0)
    .reduce<(typeof known)[number] | undefined>(
      (best, entry) => (!best || comparePythonVersions(entry.version.text, best.version.text) > 0 ? entry : best),
      undefined,
    );
  const notTagged = same ? failed('not-tagged', `tag ${same.tag} already exists`) : passed('not-tagged', `no tag ${version.text} yet`);
  const newer = !latest
    ? passed('newer', 'no release tag yet')
    : comparePythonVersions(version.text, latest.version.text) > 0
      ? passed('newer', `${version.text} > latest tag ${latest.tag}`)
      : failed('newer', `${version.text} is not greater than the latest tag ${latest.tag}`);
  return { results: [notTagged, newer], ...(previous ? { previousRelease: previous.tag } : {}) };
}

/** The description lists changes: at least one Markdown list item (`- `, `* `, `+ `, `1. `). */
export function descriptionRule(body: string, required: boolean): RuleResult {
  if (!required) return skipped('description', 'not required (require-description: false)');
  const items = body.split(/\r?\n/).filter((line) => /^\s*(?:[-*+]|\d+[.)])\s+\S/.test(line)).length;
  return items > 0
    ? passed('description', `the description lists ${items} item(s)`)
    : failed('description', 'the description lists no change: add a Markdown list of the major changes');
}

/** The latest decisive review (approved, changes requested, dismissed) of each user other than the author. */
export function latestReviews(pr: PullRequestFacts, reviews: readonly ReviewFacts[]): Map<string, ReviewFacts> {
  const latest = new Map<string, ReviewFacts>();
  for (const review of reviews) {
    if (review.user === pr.author || !['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(review.state)) continue;
    latest.set(review.user, review);
  }
  return latest;
}

/** Users whose latest review approves the head commit (or any commit, with stale approvals allowed): the ones whose permission must be read. */
export function approvalCandidates(pr: PullRequestFacts, reviews: readonly ReviewFacts[], allowStale: boolean): string[] {
  return [...latestReviews(pr, reviews).values()]
    .filter((review) => review.state === 'APPROVED' && (allowStale || review.commitId === pr.headSha))
    .map((review) => review.user);
}

/**
 * Counts approvals: the latest decisive review of each user, the author left
 * out, on the head commit unless stale approvals are allowed, from users
 * holding at least `level`. Changes requested by anyone fail the rule.
 */
export function approvalRule(
  pr: PullRequestFacts,
  reviews: readonly ReviewFacts[],
  permissions: ReadonlyMap<string, PermissionLevel>,
  options: { required: number; level: PermissionLevel; allowStale: boolean },
): RuleResult {
  if (options.required === 0) return skipped('approvals', 'no approval required (required-approvals: 0)');
  const counted: string[] = [];
  const notes: string[] = [];
  for (const review of latestReviews(pr, reviews).values()) {
    if (review.state === 'CHANGES_REQUESTED') notes.push(`${review.user} requested changes`);
    if (review.state !== 'APPROVED') continue;
    if (!options.allowStale && review.commitId !== pr.headSha) {
      notes.push(`${review.user} approved ${review.commitId.slice(0, 7)}, not the head commit ${pr.headSha.slice(0, 7)}`);
      continue;
    }
    const permission = permissions.get(review.user) ?? 'none';
    if (PERMISSION_LEVELS.indexOf(permission) < PERMISSION_LEVELS.indexOf(options.level)) {
      notes.push(`${review.user} holds ${permission} permission, under ${options.level}`);
      continue;
    }
    counted.push(review.user);
  }
  const changesRequested = notes.some((note) => note.endsWith('requested changes'));
  const summary = `${counted.length} of ${options.required} required approval(s)${counted.length ? ` (${counted.join(', ')})` : ''}`;
  const detail = notes.length ? `${summary}; ${notes.join('; ')}` : summary;
  return counted.length >= options.required && !changesRequested ? passed('approvals', detail) : failed('approvals', detail);
}

/** Which checks the `checks` input asks for. */
export type ChecksMode = { readonly mode: 'all' } | { readonly mode: 'none' } | { readonly mode: 'named'; readonly names: readonly string[] };

/** Turns a glob (`*` any run of characters, `?` one character) into an anchored expression. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

/**
 * The checks that count: `ignore` patterns and this job's own check run left out.
 * A GitHub Actions check run of this workflow run that has not completed is
 * this job, or one that may wait on it, so it is left out too.
 */
export function relevantChecks(checks: readonly CheckFacts[], ignore: readonly string[], self: { job?: string; runId?: string }): CheckFacts[] {
  const patterns = ignore.map(globToRegExp);
  return checks.filter((check) => {
    if (patterns.some((pattern) => pattern.test(check.name))) return false;
    if (check.kind === 'check run' && self.job && check.name === self.job && check.state === 'pending') return false;
    if (check.kind === 'check run' && self.runId && check.state === 'pending' && check.url?.includes(`/actions/runs/${self.runId}/`)) return false;
    return true;
  });
}

/** Check runs and commit statuses on the head commit pass; zero checks where checks are required fails. */
export function checksRule(checks: readonly CheckFacts[], mode: ChecksMode, sha: string): RuleResult {
  if (mode.mode === 'none') return skipped('checks', 'not required (checks: none)');
  const considered = mode.mode === 'all' ? checks : checks.filter((check) => mode.names.includes(check.name));
  const missing = mode.mode === 'named' ? mode.names.filter((name) => !checks.some((check) => check.name === name)) : [];
  if (considered.length === 0 && missing.length === 0) return failed('checks', `no check ran on ${sha.slice(0, 7)}: a release needs its checks`);
  const failing = considered.filter((check) => check.state === 'fail').map((check) => `${check.name} (${check.detail})`);
  const pending = considered.filter((check) => check.state === 'pending').map((check) => `${check.name} (${check.detail})`);
  const problems = [
    ...missing.map((name) => `${name} did not run`),
    ...failing.map((text) => `${text} failed`),
    ...pending.map((text) => `${text} is pending`),
  ];
  if (problems.length) return failed('checks', problems.join('; '));
  return passed('checks', `${considered.length} check(s) passed on ${sha.slice(0, 7)}`);
}

/** A file read at the head commit, and the expression it must hold. */
export interface FileAtHead {
  readonly path: string;
  readonly pattern: RegExp;
  /** Undefined when the file does not exist at the head commit. */
  readonly text?: string;
}

/** Each version file holds the title's version (PEP 440 equality) at the head commit. */
export function versionFileRule(files: readonly FileAtHead[], version: PythonVersion | undefined): RuleResult {
  if (files.length === 0) return skipped('version-files', 'no version file configured');
  if (!version) return skipped('version-files', 'no valid version in the title to compare with');
  const problems: string[] = [];
  for (const file of files) {
    if (file.text === undefined) {
      problems.push(`${file.path} does not exist at the head commit`);
      continue;
    }
    const found = [...file.text.matchAll(new RegExp(file.pattern.source, 'gm'))]
      .map((match) => match.groups?.['version'])
      .filter((text): text is string => text !== undefined);
    if (found.length === 0) problems.push(`${file.path} holds no version matching ${file.pattern.source}`);
    for (const text of found) {
      if (!parsePythonVersion(text) || comparePythonVersions(text, version.text) !== 0) problems.push(`${file.path} holds ${text}, not ${version.text}`);
    }
  }
  return problems.length
    ? failed('version-files', problems.join('; '))
    : passed('version-files', `${files.map((file) => file.path).join(', ')} hold ${version.text}`);
}

/** Each file matches its expression at the head commit. */
export function filePatternRule(files: readonly FileAtHead[]): RuleResult {
  if (files.length === 0) return skipped('file-patterns', 'no file pattern configured');
  const problems = files.flatMap((file) =>
    file.text === undefined
      ? [`${file.path} does not exist at the head commit`]
      : new RegExp(file.pattern.source, 'm').test(file.text)
        ? []
        : [`${file.path} does not match ${file.pattern.source}`],
  );
  return problems.length
    ? failed('file-patterns', problems.join('; '))
    : passed('file-patterns', files.map((file) => `${file.path} matches ${file.pattern.source}`).join('; '));
}
