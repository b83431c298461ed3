import { InputError } from '../action/errors.js';
import { comparePythonVersions, parsePythonVersion, type PythonVersion } from '../versions/python-version.js';
import type { CheckFacts } from './checks.js';
import type { CompanionLookup, CompanionSpec } from './companion.js';
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
  // PEP 440 and pypa/packaging read no invisible character as part of a version; JavaScript's \s and trim() take
  // U+FEFF for white space. The title's separator is the pattern's: inside the version, none is allowed.
  const invisible = INVISIBLE.exec(found)?.[0];
  if (invisible !== undefined)
    return {
      results: [
        passed('title', detail`"${title}" matches`),
        failed(
          'version',
          detail`"${found}" holds ${text(codePoint(invisible))} (white space, a control or an invisible format character): not a PEP 440 version`,
        ),
      ],
    };
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

/** White space, control and format characters (Unicode categories Z*, Cc, Cf): none belongs in a version. */
const INVISIBLE = /[\s\p{Z}\p{Cc}\p{Cf}]/u;

/** A character as `U+FEFF`. */
function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
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

/** The marker open-release-pr writes before its part of the pull request's description. */
export const RELEASE_DESCRIPTION_BEGIN = '<!-- open-release-pr:begin -->';
/** The marker open-release-pr writes after its part of the description. */
export const RELEASE_DESCRIPTION_END = '<!-- open-release-pr:end -->';

/**
 * A task list item (GFM §5.3 "Task list items (extension)"): a list item (`-`, `*`, `+`, or `1.` / `1)`),
 * inside block quotes or not, whose text starts with `[ ]` (unticked: a space or tab) or `[x]` / `[X]` (ticked).
 */
const TASK_ITEM = /^[ \t]*(?:>[ \t]*)*(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ \txX])\](?:[ \t]+(.*))?$/;

/** The task items of the parts of `body` between the open-release-pr markers; `unclosed` when a begin marker has no end after it. */
export function releaseChecklist(body: string): { found: boolean; unclosed: boolean; items: { ticked: boolean; text: string }[] } {
  const items: { ticked: boolean; text: string }[] = [];
  let found = false;
  let from = 0;
  for (;;) {
    const begin = body.indexOf(RELEASE_DESCRIPTION_BEGIN, from);
    if (begin === -1) return { found, unclosed: false, items };
    found = true;
    const start = begin + RELEASE_DESCRIPTION_BEGIN.length;
    const end = body.indexOf(RELEASE_DESCRIPTION_END, start);
    if (end === -1) return { found, unclosed: true, items };
    for (const line of body.slice(start, end).split(/\r\n|\r|\n/)) {
      const match = TASK_ITEM.exec(line);
      if (match) items.push({ ticked: match[1] === 'x' || match[1] === 'X', text: (match[2] ?? '').trim() });
    }
    from = end + RELEASE_DESCRIPTION_END.length;
  }
}

/**
 * `require-checklist`: every task item (`- [ ] …`) in the part of the description open-release-pr wrote (between
 * {@link RELEASE_DESCRIPTION_BEGIN} and {@link RELEASE_DESCRIPTION_END}) is ticked. A description without the
 * markers has no release checklist and passes; a begin marker without its end fails (the part cannot be told).
 * The unticked items are named, quoted (neutralised where they are shown).
 */
export function checklistRule(body: string, required: boolean): RuleResult {
  if (!required) return skipped('checklist', 'not required (require-checklist: false)');
  const checklist = releaseChecklist(body);
  if (!checklist.found) return passed('checklist', 'no release checklist in the description (no part written by open-release-pr)');
  if (checklist.unclosed)
    return failed('checklist', `the description holds ${RELEASE_DESCRIPTION_BEGIN} without ${RELEASE_DESCRIPTION_END} after it: restore the marker`);
  const unticked = checklist.items.filter((item) => !item.ticked);
  if (checklist.items.length === 0) return passed('checklist', 'the release checklist holds no item');
  if (unticked.length === 0) return passed('checklist', detail`${checklist.items.length} checklist item(s) ticked`);
  return failed(
    'checklist',
    detail`${unticked.length} of ${checklist.items.length} checklist item(s) not ticked: ${joinDetails(
      unticked.map((item) => detail`${item.text}`),
      '; ',
    )}`,
  );
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

/**
 * One entry of the `checks` input: a check name, bound to the GitHub App that must have made it
 * (`<app-slug>/<check name>`, as branch protection binds a required check to an app), or from any app
 * and commit statuses alike (a plain name without `/`, or any name after a leading `/`).
 */
export interface CheckEntry {
  /** The line as written. */
  readonly text: string;
  /** The app's slug, lower case; undefined for any app (and commit statuses). */
  readonly app?: string;
  readonly name: string;
}

/** Which checks the `checks` input asks for. */
export type ChecksMode = { readonly mode: 'all' } | { readonly mode: 'none' } | { readonly mode: 'named'; readonly entries: readonly CheckEntry[] };

/** A GitHub App's slug: letters, digits and hyphens, starting with a letter or digit (an app's URL https://github.com/apps/<slug>). */
const APP_SLUG = /^[a-z0-9][a-z0-9-]*$/i;

/**
 * Parses the lines of `checks` naming checks. Unambiguous by form alone, never by what ran:
 * - `name` without `/`: a check run of any app, or a commit status, of that name;
 * - `<app-slug>/<name>`: only a check run of that app (the part before the FIRST `/` is the slug,
 *   the rest the name, which may hold `/`), e.g. `github-actions/test`, `github-actions/build / amd64`;
 * - `/<name>`: any app again, for a check whose own name holds `/` (`/docs/readthedocs`, `/ci/circleci: build`).
 *
 * @throws InputError naming `input` for an empty name, or a part before the first `/` that is no app slug
 */
export function parseCheckEntries(input: string, lines: readonly string[]): CheckEntry[] {
  return lines.map((text) => {
    if (text.startsWith('/')) {
      if (text.length === 1) throw new InputError(input, 'holds "/" alone: write a check name after the "/"');
      return { text, name: text.slice(1) };
    }
    const slash = text.indexOf('/');
    if (slash === -1) return { text, name: text };
    const app = text.slice(0, slash);
    const name = text.slice(slash + 1);
    if (!APP_SLUG.test(app))
      throw new InputError(
        input,
        `holds "${text}": the part before the first "/" names the GitHub App, and "${app}" is no app slug (letters, digits, hyphens); for a check whose own name holds "/", from any app, write "/${text}"`,
      );
    if (name === '') throw new InputError(input, `holds "${text}": write the check's name after "${app}/"`);
    return { text, app: app.toLowerCase(), name };
  });
}

/** Whether `check` is one `entry` asks for: same name, and when the entry names an app, a check run of that app. */
export function matchesCheckEntry(check: CheckFacts, entry: CheckEntry): boolean {
  if (check.name !== entry.name) return false;
  return entry.app === undefined || (check.kind === 'check run' && check.app?.toLowerCase() === entry.app);
}

/** The checks the mode considers: all of them, or those a named entry asks for. */
export function consideredChecks(checks: readonly CheckFacts[], mode: ChecksMode): CheckFacts[] {
  if (mode.mode === 'none') return [];
  if (mode.mode === 'all') return [...checks];
  return checks.filter((check) => mode.entries.some((entry) => matchesCheckEntry(check, entry)));
}

/**
 * A check as the checklist names it: its name and where it comes from, in brackets: the app of a check run
 * (and its workflow, where two workflows hold a check of that name), or `commit status`.
 */
export function checkLabel(check: CheckFacts): Detail {
  if (check.kind === 'status') return detail`${check.name} [commit status]`;
  const where = check.source && !check.source.startsWith('app ') ? detail`, ${check.source}` : detail``;
  return detail`${check.name} [${check.app ?? 'unknown app'}${where}]`;
}

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

/**
 * Check runs and commit statuses on the head commit pass; zero checks where checks are required fails.
 * Each check is named with its app (or as a commit status), passing or not; with named entries, an entry
 * no check matches did not run, and a check of that name from another app does not stand in for it.
 */
export function checksRule(checks: readonly CheckFacts[], mode: ChecksMode, sha: string): RuleResult {
  if (mode.mode === 'none') return skipped('checks', 'not required (checks: none)');
  const considered = consideredChecks(checks, mode);
  const missing = mode.mode === 'named' ? mode.entries.filter((entry) => !checks.some((check) => matchesCheckEntry(check, entry))) : [];
  if (considered.length === 0 && missing.length === 0) return failed('checks', detail`no check ran on ${sha.slice(0, 7)}: a release needs its checks`);
  const notRun = (entry: CheckEntry): Detail => {
    if (entry.app === undefined) return detail`${entry.name} did not run`;
    const others = [
      ...new Set(checks.filter((check) => check.name === entry.name).map((check) => (check.kind === 'status' ? 'commit status' : (check.app ?? '?')))),
    ];
    const elsewhere = others.length
      ? detail` (one of that name came from ${joinDetails(
          others.map((other) => detail`${other}`),
          ', ',
        )}, which does not count)`
      : detail``;
    const whole = checks.some((check) => check.name === entry.text)
      ? detail`; a check named ${entry.text} ran: write ${`/${entry.text}`} to take it from any app`
      : detail``;
    return detail`${entry.name} of app ${entry.app} did not run${elsewhere}${whole}`;
  };
  const problems = [
    ...missing.map(notRun),
    ...considered.filter((check) => check.state === 'fail').map((check) => detail`${checkLabel(check)} (${check.detail}) failed`),
    ...considered.filter((check) => check.state === 'pending').map((check) => detail`${checkLabel(check)} (${check.detail}) is pending`),
  ];
  if (problems.length) return failed('checks', joinDetails(problems, '; '));
  return passed('checks', detail`${considered.length} check(s) passed on ${sha.slice(0, 7)}: ${joinDetails(considered.map(checkLabel), ', ')}`);
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

/**
 * `companion-pull-request`: an open pull request from the companion branch into its repository's default
 * branch exists (e.g. the Exegol-docs pull request `dev-images` → `main`, ready before the release).
 */
export function companionRule(spec: CompanionSpec | undefined, lookup: CompanionLookup | undefined): RuleResult {
  if (!spec || !lookup) return skipped('companion', 'no companion pull request asked for (companion-pull-request: empty)');
  const repository = `${spec.owner}/${spec.repo}`;
  if (lookup.kind === 'unreadable') return failed('companion', detail`cannot read the pull requests of ${repository} with companion-token: ${lookup.reason}`);
  const pr = lookup.pullRequest;
  if (!pr)
    return failed(
      'companion',
      detail`no open pull request from ${spec.branch} into ${lookup.defaultBranch} in ${repository}: open it before the release (companion-pull-request)`,
    );
  return passed(
    'companion',
    detail`#${pr.number} from ${spec.branch} into ${lookup.defaultBranch} in ${repository} is open${text(pr.draft ? ' (a draft)' : '')}`,
  );
}
