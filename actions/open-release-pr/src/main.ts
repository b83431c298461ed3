import * as core from '@actions/core';
import {
  ActionError,
  InputError,
  actionsLogger,
  addSummaryCode,
  addSummaryTable,
  addSummaryText,
  describeError,
  readBoolean,
  readEnum,
  readList,
  readSecret,
  readString,
  runAction,
  writeSummary,
  readRunnerContext,
} from '@exegol-release/core/action';
import { parseVersionFileSpecs } from '@exegol-release/core/bump';
import { SIGNING_FORMATS, redactCredentials } from '@exegol-release/core/git';
import { createGitHubClient, currentRepository, parseRepositoryName } from '@exegol-release/core/github';
import {
  SUBMODULE_MODES,
  openReleasePr,
  parseRewritePatterns,
  type OpenReleasePrRequest,
  type OpenReleasePrResult,
} from '@exegol-release/core/open-release-pr';
import { BUMPS, PRE_LABELS, parsePythonVersion, type PreLabel } from '@exegol-release/core/versions';

/** `repository` (owner/name, as GitHub names them), or the workflow's own. @throws InputError naming `repository` */
function readRepository(): { owner: string; repo: string } {
  const text = readString('repository');
  return text ? parseRepositoryName('repository', text) : currentRepository();
}

function readTarget(): OpenReleasePrRequest['target'] {
  const explicitText = readString('version');
  if (explicitText) {
    const version = parsePythonVersion(explicitText);
    if (!version) throw new InputError('version', `"${explicitText}" is not a PEP 440 version`);
    return { kind: 'version', version };
  }
  const preLabel = readString('pre-label') ? readEnum<PreLabel>('pre-label', PRE_LABELS) : undefined;
  return { kind: 'bump', bump: readEnum('bump', BUMPS, 'patch'), ...(preLabel ? { preLabel } : {}) };
}

/** Names one a line, or separated by commas. */
function readNames(name: string): string[] {
  return readList(name)
    .flatMap((line) => line.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

function readRequest(): OpenReleasePrRequest {
  const token = readSecret('github-token');
  if (!token) throw new InputError('github-token', 'is empty: pass a GitHub App installation token (actions/create-github-app-token) or a fine-grained token');
  const fileLines = readList('files');
  const apiUrl = readRunnerContext().apiUrl;
  return {
    ...readRepository(),
    base: readString('base', { fallback: 'main' }),
    head: readString('head', { fallback: 'dev' }),
    target: readTarget(),
    files: fileLines.length ? parseVersionFileSpecs(fileLines, 'files') : [],
    onMismatch: readEnum('on-mismatch', ['fail', 'overwrite'] as const, 'fail'),
    patterns: parseRewritePatterns(readList('patterns'), 'patterns'),
    submodules: readEnum('submodules', SUBMODULE_MODES, 'none'),
    title: readString('title', { fallback: 'Release {version}' }),
    notes: readEnum('notes', ['generated', 'none'] as const, 'generated'),
    checklist: readList('checklist'),
    mergeMethod: readEnum('merge-method', ['merge', 'none'] as const, 'merge'),
    labels: readNames('labels'),
    reviewers: readNames('reviewers'),
    draft: readBoolean('draft'),
    identity: {
      name: readString('git-author-name', { fallback: 'github-actions[bot]' }),
      email: readString('git-author-email', { fallback: '41898282+github-actions[bot]@users.noreply.github.com' }),
    },
    signing: {
      format: readEnum('sign', SIGNING_FORMATS, 'none'),
      key: readSecret('signing-key'),
      passphrase: readSecret('signing-key-passphrase'),
    },
    dryRun: readBoolean('dry-run'),
    token,
    serverUrl: readRunnerContext().serverUrl,
    client: createGitHubClient(token, { ...(apiUrl ? { apiUrl } : {}), logger: actionsLogger }),
    temporaryDirectory: readRunnerContext().runnerTemp,
    logger: actionsLogger,
  };
}

function report(request: OpenReleasePrRequest, result: OpenReleasePrResult): void {
  const dry = request.dryRun ? ' (dry run)' : '';
  const from = result.previous ? `${result.previous.text} → ` : '';
  core.info(`Release ${from}${result.version.text}${result.previousTag ? `; notes from ${result.previousTag}` : ''}`);
  if (result.diff) actionsLogger.untrusted(result.diff);
  for (const move of result.submodules) core.info(`Submodule ${move.path}: ${move.from} → ${move.to} (${move.count} commits)`);
  if (result.commitSha) core.info(`${request.dryRun ? 'Would push' : 'Pushed'} version commit ${result.commitSha} to ${request.head}`);
  else core.info(`${request.head} already holds ${result.version.text}: no version commit`);
  // The description quotes other people's pull request titles: no line of it may run as a workflow command.
  actionsLogger.untrusted(result.description);
  const pr = result.pullRequest ? `#${result.pullRequest.number} ${result.pullRequest.url}` : 'a new pull request';
  const action = result.created ? (request.dryRun ? 'would open' : 'opened') : result.updated ? (request.dryRun ? 'would update' : 'updated') : 'unchanged:';
  core.info(`${action} ${pr}; auto-merge: ${result.autoMerge}`);

  addSummaryTable(
    `open-release-pr${dry}: ${from}${result.version.text}`,
    ['What', 'Result'],
    [
      ['pull request', `${action} ${pr}`],
      ['head', `${request.head} at ${result.headSha}`],
      ['version commit', result.commitSha ?? 'none (nothing to change)'],
      ['files', result.changedFiles.join(', ') || 'none'],
      ...result.submodules.map((move) => [`submodule ${move.path}`, `${move.from.slice(0, 12)} → ${move.to.slice(0, 12)} (${move.count} commits)`]),
      ['notes', request.notes === 'generated' ? `generated from ${result.previousTag ?? 'the first commit'}` : 'none'],
      ['auto-merge', result.autoMerge],
    ],
  );
  if (result.signingKey) addSummaryText(`version commit signed with ${result.signingKey} and verified`);
  if (result.diff) addSummaryCode(result.diff, 'diff');
}

/** Reads the inputs, opens or refreshes the release pull request, sets the outputs and writes the job summary; the token is masked and redacted. */
export async function run(): Promise<void> {
  await runAction('open-release-pr', async () => {
    try {
      const request = readRequest();
      const result = await openReleasePr(request);
      core.setOutput('version', result.version.text);
      core.setOutput('previous-version', result.previous?.text ?? '');
      core.setOutput('pull-request', result.pullRequest ? String(result.pullRequest.number) : '');
      core.setOutput('pull-request-url', result.pullRequest?.url ?? '');
      core.setOutput('head-sha', result.headSha);
      core.setOutput('created', String(result.created));
      report(request, result);
      await writeSummary();
    } catch (error) {
      throw new ActionError(redactCredentials(describeError(error)));
    }
  });
}
