import * as core from '@actions/core';
import {
  ActionError,
  actionsLogger,
  InputError,
  addSummaryTable,
  addSummaryText,
  createGitHubClient,
  currentRepository,
  eventPullRequestNumber,
  parseVersionFileSpecs,
  readBoolean,
  readDuration,
  readEnum,
  readInteger,
  readList,
  readSecret,
  readString,
  runAction,
  splitPathLine,
  verifyReleasePullRequest,
  writeSummary,
  type ChecksMode,
  type FileRuleSpec,
  type VerifyRequest,
  type VerifyResult,
} from '@exegol-release/core';

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
  return { mode: 'named', names };
}

function readPullRequestNumber(): number {
  if (readString('pull-request')) return readInteger('pull-request', { fallback: 0, min: 1 });
  const number = eventPullRequestNumber();
  if (number === undefined)
    throw new InputError('pull-request', `is needed: this ${process.env['GITHUB_EVENT_NAME'] ?? ''} event has no pull request`.replace('  ', ' '));
  return number;
}

function readRequest(): VerifyRequest & { fail: boolean } {
  const versionFiles = readList('version-files');
  const token = readSecret('github-token');
  if (!token) throw new InputError('github-token', 'is empty: pass a token, e.g. ${{ github.token }}');
  return {
    client: createGitHubClient(token, { ...(process.env['GITHUB_API_URL'] ? { apiUrl: process.env['GITHUB_API_URL'] } : {}), logger: actionsLogger }),
    repository: currentRepository(),
    pullRequest: readPullRequestNumber(),
    base: readString('base', { fallback: 'main' }),
    head: readString('head', { fallback: 'dev' }),
    titlePattern: readTitlePattern(),
    requiredApprovals: readInteger('required-approvals', { fallback: 1, min: 0, max: 100 }),
    approverPermission: readEnum('approver-permission', ['write', 'maintain', 'admin'] as const, 'write'),
    allowStaleApprovals: readBoolean('allow-stale-approvals', false),
    requireDescription: readBoolean('require-description', true),
    checks: readChecksMode(),
    ignoreChecks: readList('ignore-checks'),
    waitForChecksSeconds: readDuration('wait-for-checks', 0),
    versionFiles: versionFiles.length ? parseVersionFileSpecs(versionFiles, 'version-files') : [],
    filePatterns: readFilePatterns('file-patterns'),
    comment: readBoolean('comment', false),
    self: { job: process.env['GITHUB_JOB'], runId: process.env['GITHUB_RUN_ID'] },
    fail: readBoolean('fail', true),
    logger: actionsLogger,
  };
}

function report(result: VerifyResult): void {
  const { pullRequest: pr } = result;
  for (const rule of result.results) core.info(`${rule.status === 'passed' ? '✓' : rule.status === 'failed' ? '✗' : '-'} ${rule.rule}: ${rule.detail}`);
  addSummaryTable(
    `Release pull request #${pr.number} "${pr.title}": ${result.ok ? 'ready' : 'not ready'}`,
    ['Rule', 'Status', 'Detail'],
    result.results.map((rule) => [rule.rule, rule.status, rule.detail]),
  );
  addSummaryText(
    `Head ${pr.headRef} at ${pr.headSha.slice(0, 7)} → ${pr.baseRef}.${result.comment ? ` Checklist comment ${result.comment.action}: ${result.comment.url}` : ''}`,
  );
}

/** Reads the inputs, verifies the pull request, sets the outputs, the summary, and fails when a rule failed. */
export async function run(): Promise<void> {
  await runAction('verify-release-pr', async () => {
    const request = readRequest();
    const result = await verifyReleasePullRequest(request);
    const failures = result.results.filter((rule) => rule.status === 'failed').map(({ rule, detail }) => ({ rule, detail }));
    core.setOutput('version', result.version?.text ?? '');
    core.setOutput('tag', result.version?.text ?? '');
    core.setOutput('is-prerelease', String(result.version?.isPrerelease ?? false));
    core.setOutput('previous-release', result.previousRelease ?? '');
    core.setOutput('ok', String(result.ok));
    core.setOutput('failures', JSON.stringify(failures));
    report(result);
    await writeSummary();
    if (result.ok) return;
    const message = `${failures.length} rule(s) failed: ${failures.map((failure) => `${failure.rule}: ${failure.detail}`).join(' | ')}`;
    if (request.fail) throw new ActionError(message);
    core.warning(message, { title: 'Release pull request not ready' });
  });
}
