import * as core from '@actions/core';
import {
  ActionError,
  actionsLogger,
  InputError,
  addSummaryTable,
  addSummaryText,
  readBoolean,
  readDuration,
  readEnum,
  readInteger,
  readList,
  readSecret,
  readString,
  runAction,
  writeSummary,
  readRunnerContext,
} from '@exegol-release/core/action';
import { parseVersionFileSpecs, splitPathLine } from '@exegol-release/core/bump';
import {
  createGitHubClient,
  currentRepository,
  eventPullRequestNumber,
  parsePullRequestRef,
  parseRepositoryName,
  type PullRequestRef,
} from '@exegol-release/core/github';
import {
  keepChecklistComment,
  parseCheckEntries,
  parseCompanionPullRequest,
  verifyReleasePullRequest,
  type ChecksMode,
  type CommentOutcome,
  type FileRuleSpec,
  type VerifyRequest,
  type VerifyResult,
} from '@exegol-release/core/release-pr';
import { logValue } from '@exegol-release/core/text';

const DEFAULT_TITLE_PATTERN = String.raw`^Release (?<version>\d+\.\d+\.\d+(?:b\d+)?)$`;

function readTitlePattern(): RegExp {
  const source = readString('title-pattern', { fallback: DEFAULT_TITLE_PATTERN });
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch (error) {
    throw new InputError('title-pattern', `does not compile: ${(error as Error).message}`);
  }
  if (!source.includes('(?<version>')) throw new InputError('title-pattern', `has no named group (?<version>…): ${source}`);
  return pattern;
}

/** Reads `path: expression` lines of an input whose expression is required. */
function readFilePatterns(input: string): FileRuleSpec[] {
  return readList(input).map((line) => {
    const { path, expression } = splitPathLine(line);
    if (expression === undefined) throw new InputError(input, `needs an expression for ${path}: write "${path}: <expression>"`);
    try {
      return { path, pattern: new RegExp(expression, 'm') };
    } catch (error) {
      throw new InputError(input, `has an expression that does not compile for ${path}: ${(error as Error).message}`);
    }
  });
}

function readChecksMode(): ChecksMode {
  const names = readList('checks');
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return { mode: 'all' };
  if (names.length === 1 && names[0] === 'none') return { mode: 'none' };
  return { mode: 'named', entries: parseCheckEntries('checks', names) };
}

/** The companion pull request and the client that reads it (companion-token, else github-token), or undefined when none is asked for. */
function readCompanion(token: string, apiUrl: string | undefined): VerifyRequest['companion'] {
  const value = readString('companion-pull-request');
  if (!value) return undefined;
  const spec = parseCompanionPullRequest('companion-pull-request', value);
  const companionToken = readSecret('companion-token') || token;
  return { spec, client: createGitHubClient(companionToken, { ...(apiUrl ? { apiUrl } : {}), logger: actionsLogger }) };
}

/** The pull request's repository: the `repository` input, else the one a pull request URL names, else the current repository. */
function readRepository(named: string | undefined): { owner: string; repo: string } {
  const input = readString('repository');
  if (input) {
    const repository = parseRepositoryName('repository', input);
    if (named && named.toLowerCase() !== input.toLowerCase())
      throw new InputError('pull-request', `names a pull request of ${named}, not of repository ${input}`);
    return repository;
  }
  return named ? parseRepositoryName('pull-request', named) : currentRepository();
}

function isCurrentRepository(repository: { owner: string; repo: string }): boolean {
  return (readRunnerContext().repository ?? '').toLowerCase() === `${repository.owner}/${repository.repo}`.toLowerCase();
}

/** The pull request: the `pull-request` input in any form parsePullRequestRef reads, else the event's when the pull request is in this repository. */
function readPullRequest(): { ref: PullRequestRef; repository: { owner: string; repo: string } } {
  const value = readString('pull-request');
  const parsed = value ? parsePullRequestRef('pull-request', value) : undefined;
  const repository = readRepository(parsed?.repository);
  if (parsed) return { ref: parsed.ref, repository };
  if (!isCurrentRepository(repository))
    throw new InputError(
      'pull-request',
      `is needed: the event's pull request is one of ${readRunnerContext().repository ?? 'this repository'}, not of ${repository.owner}/${repository.repo}`,
    );
  const number = eventPullRequestNumber();
  if (number === undefined)
    throw new InputError('pull-request', `is needed: this ${readRunnerContext().eventName} event has no pull request`.replace('  ', ' '));
  return { ref: { number }, repository };
}

function serverHost(): string {
  try {
    return new URL(readRunnerContext().serverUrl).host;
  } catch {
    return 'github.com';
  }
}

interface Settings {
  readonly request: VerifyRequest;
  readonly token: string;
  readonly comment: boolean;
  readonly fail: boolean;
}

function readSettings(): Settings {
  const versionFiles = readList('version-files');
  const token = readSecret('github-token');
  if (!token) throw new InputError('github-token', 'is empty: pass a token, e.g. ${{ github.token }}');
  const { ref, repository } = readPullRequest();
  const releaseTitlePrefix = readString('release-title-prefix', { fallback: 'Release' });
  const apiUrl = readRunnerContext().apiUrl;
  const companion = readCompanion(token, apiUrl);
  const request: VerifyRequest = {
    client: createGitHubClient(token, { ...(apiUrl ? { apiUrl } : {}), logger: actionsLogger }),
    repository,
    pullRequest: ref,
    base: readString('base', { fallback: 'main' }),
    head: readString('head', { fallback: 'dev' }),
    releaseTitlePrefix,
    onNonRelease: readEnum('on-non-release', ['skip', 'fail'] as const, 'skip'),
    state: readEnum('state', ['open', 'merged'] as const, 'open'),
    titlePattern: readTitlePattern(),
    requiredApprovals: readInteger('required-approvals', { fallback: 1, min: 0, max: 100 }),
    approverPermission: readEnum('approver-permission', ['write', 'maintain', 'admin'] as const, 'write'),
    allowStaleApprovals: readBoolean('allow-stale-approvals', false),
    requireDescription: readBoolean('require-description', true),
    requireChecklist: readBoolean('require-checklist', true),
    ...(companion ? { companion } : {}),
    checks: readChecksMode(),
    ignoreChecks: readList('ignore-checks'),
    waitForChecksSeconds: readDuration('wait-for-checks', 0),
    versionFiles: versionFiles.length ? parseVersionFileSpecs(versionFiles, 'version-files') : [],
    filePatterns: readFilePatterns('file-patterns'),
    submodules: readString('submodules') ? (readEnum('submodules', ['current'] as const) as 'current') : 'off',
    serverHost: serverHost(),
    self: { runId: readRunnerContext().runId, job: readRunnerContext().job, runnerName: readRunnerContext().runnerName },
    ...(isCurrentRepository(repository) && eventPullRequestNumber() !== undefined ? { runPullRequest: eventPullRequestNumber()! } : {}),
    logger: actionsLogger,
  };
  return { request, token, comment: readBoolean('comment', false), fail: readBoolean('fail', true) };
}

const ICON: Record<string, string> = { passed: '✓', failed: '✗', skipped: '-' };

function setOutputs(result: VerifyResult): { rule: string; detail: string }[] {
  const failures = result.results.filter((rule) => rule.status === 'failed').map(({ rule, detail }) => ({ rule, detail: detail.plain() }));
  core.setOutput('is-release', String(result.isRelease));
  core.setOutput('pull-request', String(result.pullRequest.number));
  core.setOutput('version', result.version?.text ?? '');
  core.setOutput('tag', result.version?.text ?? '');
  core.setOutput('is-prerelease', String(result.version?.isPrerelease ?? false));
  core.setOutput('previous-release', result.previousRelease ?? '');
  core.setOutput('merge-commit-sha', result.pullRequest.mergeCommitSha ?? '');
  core.setOutput('ok', String(result.ok));
  core.setOutput('failures', JSON.stringify(failures));
  core.setOutput('companion-pull-request-number', result.companion ? String(result.companion.number) : '');
  core.setOutput('companion-pull-request-url', result.companion?.url ?? '');
  return failures;
}

function report(result: VerifyResult): void {
  const { pullRequest: pr } = result;
  core.info(`Release pull request #${pr.number} ${logValue(JSON.stringify(pr.title))}, head ${logValue(pr.headRef)} at ${pr.headSha.slice(0, 7)}:`);
  for (const rule of result.results) core.info(`${ICON[rule.status]} ${rule.rule}: ${rule.detail.log()}`);
  addSummaryTable(
    `Release pull request #${pr.number} "${pr.title}": ${result.ok ? 'ready' : 'not ready'}`,
    ['Rule', 'Status', 'Detail'],
    result.results.map((rule) => [rule.rule, rule.status, rule.detail.plain()]),
  );
}

function commentLine(outcome: CommentOutcome | undefined): string {
  if (!outcome) return '';
  return outcome.action === 'not written' ? ' Checklist comment not written (see the warning).' : ` Checklist comment ${outcome.action}: ${outcome.url}`;
}

/** Reads the inputs, verifies the pull request, sets the outputs, the summary and the comment, and fails when a rule failed. */
export async function run(): Promise<void> {
  await runAction('verify-release-pr', async () => {
    const { request, token, comment, fail } = readSettings();
    const result = await verifyReleasePullRequest(request);
    const failures = setOutputs(result);
    const { pullRequest: pr } = result;
    if (result.results.length === 0) {
      const line = `Pull request #${pr.number} is not a release pull request: its title does not start with "${request.releaseTitlePrefix}"; nothing to verify (on-non-release: skip).`;
      core.info(`${line} Title: ${logValue(JSON.stringify(pr.title))}`);
      addSummaryText(`${line} Title: "${pr.title}".`);
      await writeSummary();
      return;
    }
    report(result);
    let outcome: CommentOutcome | undefined;
    try {
      if (comment) outcome = await keepChecklistComment(request.client, request.repository, token, result);
    } finally {
      addSummaryText(`Head ${pr.headRef} at ${pr.headSha.slice(0, 7)} → ${pr.baseRef}.${commentLine(outcome)}`);
      await writeSummary();
    }
    if (outcome?.action === 'not written')
      core.warning(
        `The checklist comment was not written: ${logValue(outcome.reason)}. On a pull request from a fork the GITHUB_TOKEN is read-only: see the README (pull_request_target).`,
        { title: 'Checklist comment not written' },
      );
    if (result.ok) return;
    const message = `${failures.length} rule(s) failed: ${result.results
      .filter((rule) => rule.status === 'failed')
      .map((rule) => `${rule.rule}: ${rule.detail.log()}`)
      .join(' | ')}`;
    if (fail) throw new ActionError(message);
    core.warning(message, { title: 'Release pull request not ready' });
  });
}
