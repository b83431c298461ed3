import * as core from '@actions/core';
import {
  ActionError,
  InputError,
  actionsLogger,
  addSummaryTable,
  readEnum,
  readInteger,
  readSecret,
  readString,
  runAction,
  writeSummary,
  readRunnerContext,
  runUrl,
} from '@exegol-release/core/action';
import { GITHUB_ACTIONS_BOT } from '@exegol-release/core/git';
import { createGitHubClient, currentRepository, parseRepositoryName } from '@exegol-release/core/github';
import {
  isValidBranchName,
  readSyncEvent,
  syncPullRequestBranch,
  type CommandComment,
  type SyncRequest,
  type SyncResult,
} from '@exegol-release/core/pull-request-sync';
import { logValue } from '@exegol-release/core/text';

/** `repository` (owner/name, as GitHub names them), or the workflow's own. @throws InputError naming `repository` */
function readRepository(): { owner: string; repo: string } {
  const text = readString('repository');
  return text ? parseRepositoryName('repository', text) : currentRepository();
}

function readCommand(): string {
  const command = readString('command', { fallback: '/sync' });
  if (/\s/.test(command)) throw new InputError('command', `must be one word, e.g. /sync, got "${command}"`);
  return command;
}

function readUpstreamBranch(): string | undefined {
  const branch = readString('upstream-branch');
  if (branch && !isValidBranchName(branch)) throw new InputError('upstream-branch', `is not a valid branch name: "${branch}"`);
  return branch || undefined;
}

/**
 * The pull request and the comment: from an issue_comment `created` event, or from the inputs and the event.
 * @returns a reason to do nothing when the comment is on an issue, or is no new comment (edited, deleted)
 */
function readTarget(repository: { owner: string; repo: string }): { pullRequest: number; comment?: CommandComment } | { nothing: string } {
  const event = readSyncEvent();
  const given = readString('pull-request') ? readInteger('pull-request', { fallback: 0, min: 1 }) : undefined;
  if (event.kind === 'ignored') return { nothing: event.reason };
  if (event.kind === 'no-comment') {
    const number = given ?? event.pullRequest;
    if (number === undefined) throw new InputError('pull-request', `is needed: this ${event.eventName} event has no pull request`);
    return { pullRequest: number };
  }
  const { number, repository: eventRepository, onPullRequest, comment } = event.event;
  if (given !== undefined && given !== number) throw new InputError('pull-request', `is ${given}, but the comment is on #${number}`);
  const fullName = `${repository.owner}/${repository.repo}`;
  if (eventRepository && eventRepository !== fullName) throw new InputError('repository', `is ${fullName}, but the comment is in ${eventRepository}`);
  if (!onPullRequest) return { nothing: 'the comment is on an issue, not a pull request' };
  return { pullRequest: number, comment };
}

function readRequest(): SyncRequest | { nothing: string } {
  const token = readSecret('github-token');
  if (!token) throw new InputError('github-token', 'is empty: pass a token, e.g. ${{ github.token }}');
  const repository = readRepository();
  const command = readCommand();
  const permission = readEnum('permission', ['write', 'maintain', 'admin'] as const, 'write');
  const upstreamBranch = readUpstreamBranch();
  const target = readTarget(repository);
  if ('nothing' in target) return target;
  const serverUrl = readRunnerContext().serverUrl;
  const runId = readRunnerContext().runId;
  return {
    client: createGitHubClient(token, { ...(readRunnerContext().apiUrl ? { apiUrl: readRunnerContext().apiUrl! } : {}), logger: actionsLogger }),
    repository,
    ...target,
    command,
    permission,
    ...(upstreamBranch ? { upstreamBranch } : {}),
    credentials: { serverUrl, token },
    temporaryDirectory: readRunnerContext().runnerTemp,
    identity: GITHUB_ACTIONS_BOT,
    replyKey: `run-${runId ?? 'local'}`,
    ...(runUrl(readRunnerContext()) ? { runUrl: runUrl(readRunnerContext())! } : {}),
    logger: actionsLogger,
  };
}

function setOutputs(result: Pick<SyncResult, 'result' | 'headSha' | 'previousHeadSha' | 'upstreamBranch'>): void {
  core.setOutput('result', result.result);
  core.setOutput('head-sha', result.headSha);
  core.setOutput('previous-head-sha', result.previousHeadSha);
  core.setOutput('upstream-branch', result.upstreamBranch);
}

function report(request: SyncRequest, result: SyncResult): void {
  const pr = result.pullRequest;
  const rows: [string, string][] = [
    ['Pull request', `${request.repository.owner}/${request.repository.repo}#${request.pullRequest}`],
    ['Requested by', request.comment ? `${request.comment.author} (comment ${request.comment.id})` : 'workflow inputs'],
    ['Head branch', pr ? `${pr.head.repository ?? '(deleted)'}:${pr.head.ref}` : ''],
    ['Upstream branch', result.upstreamBranch],
    ['Method', result.method === 'api' ? "GitHub's update-branch" : result.method === 'git' ? 'git merge --no-edit' : ''],
    ['Head before', result.previousHeadSha],
    ['Head after', result.headSha],
    ['Why', result.reason],
    ...result.conflicts.map((path): [string, string] => ['Conflict', path]),
    ['Reply', result.reply ? `${result.reply.action}: ${result.reply.url}` : 'none'],
  ];
  addSummaryTable(`sync-pr-branch: ${result.result}`, ['Field', 'Value'], rows);
}

/** Reads the inputs and the event, syncs the pull request's branch, sets the outputs and the summary; fails on a conflict. */
export async function run(): Promise<void> {
  await runAction('sync-pr-branch', async () => {
    const request = readRequest();
    if ('nothing' in request) {
      setOutputs({ result: 'refused', headSha: '', previousHeadSha: '', upstreamBranch: '' });
      core.info(`Nothing to do: ${request.nothing}`);
      return;
    }
    const result = await syncPullRequestBranch(request);
    setOutputs(result);
    report(request, result);
    await writeSummary();
    if (result.result === 'conflict')
      throw new ActionError(`${logValue(result.reason)} Conflicting files: ${result.conflicts.map((path) => logValue(path)).join(', ') || 'unknown'}`);
    if (result.result === 'refused' && result.reply) core.warning(logValue(result.reason), { title: 'Pull request branch not synced' });
  });
}
