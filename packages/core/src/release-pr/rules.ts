import { comparePythonVersions, parsePythonVersion, type PythonVersion } from '../versions/python-version.js';
import type { CheckFacts } from './checks.js';
import { Detail, detail, joinDetails } from './detail.js';
import { PERMISSION_LEVELS, type PermissionLevel, type PullRequestFacts, type ReviewFacts } from './facts.js';
import { submoduleProblems, type SubmoduleState } from './submodules.js';

/** One line of the checklist. */
export interface RuleResult {
  /** A stable identifier, e.g. `approvals`. */
  readonly rule: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why, in a sentence: our words around quoted values, rendered for each place by {@link Detail}. */
  readonly detail: Detail;
}

const text = (value: string | Detail): Detail => (typeof value === 'string' ? new Detail([value]) : value);
const passed = (rule: string, why: string | Detail): RuleResult => ({ rule, status: 'passed', detail: text(why) });
const failed = (rule: string, why: string | Detail): RuleResult => ({ rule, status: 'failed', detail: text(why) });
const skipped = (rule: string, why: string | Detail): RuleResult => ({ rule, status: 'skipped', detail: text(why) });

/**
 * Whether the pull request is a release pull request, as Exegol's pipelines decide it
 * (`startsWith(github.event.pull_request.title, 'Release')`): its title starts with `prefix`,
 * ignoring case as GitHub's `startsWith` does. A title that starts with it but does not match
 * `title-pattern` is a malformed release pull request, not a non-release one.
 */
export function isReleaseTitle(title: string, prefix: string): boolean {
  return title.trimStart().toLowerCase().startsWith(prefix.toLowerCase());
}

/**
 * The pull request is open (not closed, not merged) and not a draft; or, with `state: merged`,
 * merged (the tag workflow's check).
 */
export function stateRules(pr: PullRequestFacts, expected: 'open' | 'merged' = 'open'): RuleResult[] {
  const open =
    expected === 'merged'
      ? pr.merged
        ? passed('merged', detail`the pull request is merged as ${(pr.mergeCommitSha ?? '').slice(0, 7)}`)
        : failed('merged', detail`the pull request is not merged: it is ${pr.state}`)
      : pr.state === 'open'
        ? passed('open', 'the pull request is open')
        : failed('open', pr.merged ? 'the pull request is already merged' : detail`the pull request is ${pr.state}`);
  const draft = pr.draft
    ? failed('not-draft', 'the pull request is a draft: mark it ready for review')
    : passed('not-draft', 'the pull request is ready for review');
  return [open, draft];
}

/** The pull request goes from `head` in this repository to `base`. */
export function branchRule(pr: PullRequestFacts, base: string, head: string, repository: string): RuleResult {
  const problems: Detail[] = [];
  if (pr.baseRef !== base) problems.push(detail`its base is ${pr.baseRef}, not ${base}`);
  if (pr.headRef !== head) problems.push(detail`its head is ${pr.headRef}, not ${head}`);
  if (pr.headRepository !== repository)
    problems.push(
      pr.headRepository === undefined
        ? detail`its head is in a deleted repository, not ${repository}`
        : detail`its head is in ${pr.headRepository}, not ${repository}`,
    );
  return problems.length ? failed('branches', joinDetails(problems, '; ')) : passed('branches', detail`${head} → ${base}`);
}

/**
 * Reads the version from the title with `pattern` (a named group `version`) and checks it is PEP 440.
 * @returns the rule results, and the version when both passed
 */
export function titleRules(title: string, pattern: RegExp): { results: RuleResult[]; version?: PythonVersion } {
  const found = pattern.exec(title)?.groups?.['version'];
  if (found === undefined)
    return { results: [failed('title', detail`"${title}" does not match ${pattern.source}`), skipped('version', 'no version in the title')] };
  const version = parsePythonVersion(found);
  if (!version) return { results: [passed('title', detail`"${title}" matches`), failed('version', detail`"${found}" is not a PEP 440 version`)] };
  const canonical = version.text === found ? detail`` : detail` (canonical form ${version.text})`;
  return {
    results: [
      passed('title', detail`"${title}" matches`),
      passed('version', detail`${found} is a PEP 440 ${text(version.isPrerelease ? 'pre-release' : 'final release')}${canonical}`),
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
  const notTagged = same ? failed('not-tagged', detail`tag ${same.tag} already exists`) : passed('not-tagged', detail`no tag ${version.text} yet`);
  const newer = !latest
    ? passed('newer', 'no release tag yet')
    : comparePythonVersions(version.text, latest.version.text) > 0
      ? passed('newer', detail`${version.text} > latest tag ${latest.tag}`)
      : failed('newer', detail`${version.text} is not greater than the latest tag ${latest.tag}`);
  return { results: [notTagged, newer], ...(previous ? { previousRelease: previous.tag } : {}) };
}

/** The description lists changes: at least one Markdown list item (`- `, `* `, `+ `, `1. `). */
export function descriptionRule(body: string, required: boolean): RuleResult {
  if (!required) return skipped('description', 'not required (require-description: false)');
  const items = body.split(/\r?\n/).filter((line) => /^\s*(?:[-*+]|\d+[.)])\s+\S/.test(line)).length;
  return items > 0
    ? passed('description', detail`the description lists ${items} item(s)`)
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
  const notes: Detail[] = [];
  let changesRequested = false;
  for (const review of latestReviews(pr, reviews).values()) {
    if (review.state === 'CHANGES_REQUESTED') {
      changesRequested = true;
      notes.push(detail`${review.user} requested changes`);
    }
    if (review.state !== 'APPROVED') continue;
    if (!options.allowStale && review.commitId !== pr.headSha) {
      notes.push(detail`${review.user} approved ${review.commitId.slice(0, 7)}, not the head commit ${pr.headSha.slice(0, 7)}`);
      continue;
    }
    const permission = permissions.get(review.user) ?? 'none';
    if (PERMISSION_LEVELS.indexOf(permission) < PERMISSION_LEVELS.indexOf(options.level)) {
      notes.push(detail`${review.user} holds ${permission} permission, under ${options.level}`);
      continue;
    }
    counted.push(review.user);
  }
  const who = counted.length
    ? detail` (${joinDetails(
        counted.map((user) => detail`${user}`),
        ', ',
      )})`
    : detail``;
  const summary = detail`${counted.length} of ${options.required} required approval(s)${who}`;
  const why = notes.length ? joinDetails([summary, ...notes], '; ') : summary;
  return counted.length >= options.required && !changesRequested ? passed('approvals', why) : failed('approvals', why);
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

/** The checks that count: those `ignore` (names or globs) leaves out are dropped. This job's own check run is left out when the checks are read. */
export function relevantChecks(checks: readonly CheckFacts[], ignore: readonly string[]): CheckFacts[] {
  const patterns = ignore.map(globToRegExp);
  return checks.filter((check) => !patterns.some((pattern) => pattern.test(check.name)));
}

/** Check runs and commit statuses on the head commit pass; zero checks where checks are required fails. */
export function checksRule(checks: readonly CheckFacts[], mode: ChecksMode, sha: string): RuleResult {
  if (mode.mode === 'none') return skipped('checks', 'not required (checks: none)');
  const considered = mode.mode === 'all' ? checks : checks.filter((check) => mode.names.includes(check.name));
  const missing = mode.mode === 'named' ? mode.names.filter((name) => !checks.some((check) => check.name === name)) : [];
  if (considered.length === 0 && missing.length === 0) return failed('checks', detail`no check ran on ${sha.slice(0, 7)}: a release needs its checks`);
  const named = (check: CheckFacts): Detail =>
    check.source ? detail`${check.name} [${check.source}] (${check.detail})` : detail`${check.name} (${check.detail})`;
  const problems = [
    ...missing.map((name) => detail`${name} did not run`),
    ...considered.filter((check) => check.state === 'fail').map((check) => detail`${named(check)} failed`),
    ...considered.filter((check) => check.state === 'pending').map((check) => detail`${named(check)} is pending`),
  ];
  if (problems.length) return failed('checks', joinDetails(problems, '; '));
  return passed('checks', detail`${considered.length} check(s) passed on ${sha.slice(0, 7)}`);
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
  const problems: Detail[] = [];
  for (const file of files) {
    if (file.text === undefined) {
      problems.push(detail`${file.path} does not exist at the head commit`);
      continue;
    }
    const found = [...file.text.matchAll(new RegExp(file.pattern.source, 'gm'))]
      .map((match) => match.groups?.['version'])
      .filter((text): text is string => text !== undefined);
    if (found.length === 0) problems.push(detail`${file.path} holds no version matching ${file.pattern.source}`);
    for (const held of found) {
      if (!parsePythonVersion(held) || comparePythonVersions(held, version.text) !== 0) problems.push(detail`${file.path} holds ${held}, not ${version.text}`);
    }
  }
  return problems.length
    ? failed('version-files', joinDetails(problems, '; '))
    : passed(
        'version-files',
        detail`${joinDetails(
          files.map((file) => detail`${file.path}`),
          ', ',
        )} hold ${version.text}`,
      );
}

/** Each file matches its expression at the head commit. */
export function filePatternRule(files: readonly FileAtHead[]): RuleResult {
  if (files.length === 0) return skipped('file-patterns', 'no file pattern configured');
  const problems = files.flatMap((file) =>
    file.text === undefined
      ? [detail`${file.path} does not exist at the head commit`]
      : new RegExp(file.pattern.source, 'm').test(file.text)
        ? []
        : [detail`${file.path} does not match ${file.pattern.source}`],
  );
  return problems.length
    ? failed('file-patterns', joinDetails(problems, '; '))
    : passed(
        'file-patterns',
        joinDetails(
          files.map((file) => detail`${file.path} matches ${file.pattern.source}`),
          '; ',
        ),
      );
}

/**
 * `submodules: current`: each submodule's gitlink at the head commit is the head of the branch
 * `.gitmodules` says it follows, in the submodule's repository.
 *
 * @param read what readSubmodules found: undefined when `.gitmodules` does not exist at the head commit
 */
export function submoduleRule(mode: 'current' | 'off', read: { states: readonly SubmoduleState[] } | undefined): RuleResult {
  if (mode === 'off') return skipped('submodules', 'not checked (submodules: empty)');
  if (!read) return failed('submodules', '.gitmodules does not exist at the head commit (submodules: current)');
  if (read.states.length === 0) return failed('submodules', '.gitmodules names no submodule (submodules: current)');
  const { problems, fine } = submoduleProblems(read.states);
  return problems.length ? failed('submodules', joinDetails(problems, '; ')) : passed('submodules', joinDetails(fine, '; '));
}

/**
 * `state: merged`: the pull request was merged with a merge commit (two parents, the second its head
 * commit), not squashed or rebased — a release is merged, never squashed.
 */
export function mergeCommitRule(pr: PullRequestFacts, parents: readonly string[] | undefined): RuleResult {
  if (!pr.merged || !pr.mergeCommitSha || !parents) return skipped('merge-commit', 'not merged');
  const sha = pr.mergeCommitSha.slice(0, 7);
  if (parents.length >= 2 && parents.slice(1).includes(pr.headSha))
    return passed('merge-commit', detail`${sha} merges the head commit ${pr.headSha.slice(0, 7)}`);
  return failed(
    'merge-commit',
    parents.length < 2
      ? detail`${sha} has ${parents.length} parent: the pull request was squashed or rebased, not merged with a merge commit`
      : detail`${sha} does not merge the head commit ${pr.headSha.slice(0, 7)}`,
  );
}
