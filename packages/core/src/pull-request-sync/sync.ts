import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { describeError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import type { GitIdentity } from '../git/git.js';
import type { GitHubClient } from '../github/client.js';
import { PERMISSION_LEVELS, fetchPermission } from '../release-pr/facts.js';
import { logValue, markdownCode } from '../text/untrusted.js';
import { updateBranchThroughApi } from './api-update.js';
import { isValidBranchName, parseSyncCommand } from './command.js';
import type { CommandComment } from './event.js';
import { reactToComment, removeCommentReaction, replyMarker, type SyncReaction } from './feedback.js';
import { authenticatedLogin } from '../github/identity.js';
import { upsertMarkedComment } from '../github/marked-comment.js';
import type { GitCredentials } from '../git/environment.js';
import { mergeWithGit, type GitMergeOutcome } from './git-merge.js';
import { isCrossRepository, readSyncPullRequest, type RepositoryName, type SyncPullRequest } from './pull-request.js';
import { fencedBlock, mergeRecipe, pathList, plainText, type Render } from './reply.js';

/** The outcome users read in the `result` output. */
export type SyncResultKind = 'updated' | 'up-to-date' | 'conflict' | 'refused';

/** The least permission on the base repository a commenter needs. */
export type SyncPermission = 'write' | 'maintain' | 'admin';

/** One sync of a pull request's head branch. */
export interface SyncRequest {
  readonly client: GitHubClient;
  /** The pull request's repository (the upstream). */
  readonly repository: RepositoryName;
  readonly pullRequest: number;
  /** The command comment, when a comment started the run: it is parsed, its author's permission checked, and it gets reactions. */
  readonly comment?: CommandComment;
  /** The command word, e.g. `/sync`. */
  readonly command: string;
  readonly permission: SyncPermission;
  /** The upstream branch to merge when the comment names none (default: the pull request's base branch). */
  readonly upstreamBranch?: string;
  /** The token, for git over HTTPS to the GitHub server. */
  readonly credentials: GitCredentials;
  /** Where git's work trees are made (RUNNER_TEMP); each is removed after use. */
  readonly temporaryDirectory: string;
  /** The author and committer of a merge made with git. */
  readonly identity: GitIdentity;
  /** Identifies the reply of a run without a comment (e.g. `run-<GITHUB_RUN_ID>`), so that a re-run edits it. */
  readonly replyKey: string;
  /** The workflow run's page, linked from the reply when the sync fails. */
  readonly runUrl?: string;
  readonly logger: Logger;
}

/** What a sync did. */
export interface SyncResult {
  readonly result: SyncResultKind;
  /** Why, in plain text (untrusted values double-quoted; pass through `logValue` before logging). */
  readonly reason: string;
  /** The upstream branch merged, or asked for. Empty when unknown. */
  readonly upstreamBranch: string;
  /** The head before the sync. Empty when the pull request was not read. */
  readonly previousHeadSha: string;
  /** The head after the sync: the merge when `updated`, else the head as found. */
  readonly headSha: string;
  /** How the merge was made or tried: GitHub's update-branch, or git. */
  readonly method?: 'api' | 'git';
  /** The conflicting paths (untrusted), when `conflict`. */
  readonly conflicts: readonly string[];
  readonly pullRequest?: SyncPullRequest;
  /** The reply on the pull request; undefined when the comment was not addressed to the action. */
  readonly reply?: { readonly url: string; readonly action: string };
}

/** A decision before the reply: the result, and its message rendered for Markdown or plain text. */
interface Decision {
  readonly result: SyncResultKind;
  readonly message: (render: Render) => string;
  /** Markdown added to the reply under the message (the conflicts and the recipe). */
  readonly details?: string;
  readonly upstreamBranch?: string;
  readonly headSha?: string;
  readonly method?: 'api' | 'git';
  readonly conflicts?: readonly string[];
  readonly pullRequest?: SyncPullRequest;
}

const short = (sha: string): string => sha.slice(0, 7);
const ICONS: Record<SyncResultKind, string> = { updated: '✅', 'up-to-date': '✅', conflict: '❌', refused: '⛔' };

/**
 * Brings a pull request's head branch up to date with an upstream branch, as the maintainers
 * do by hand ("Pull Request Management"), for a commenter holding `permission` or more on the
 * repository (GET /repos/{owner}/{repo}/collaborators/{username}/permission), on an open pull
 * request whose head is in this repository, or in a fork whose author allows edits from
 * maintainers. The base branch is merged by GitHub (update-branch with `expected_head_sha`);
 * another branch, or the base when GitHub cannot, by git ({@link mergeWithGit}). A conflict is
 * never pushed: the reply lists the paths and the recipe. The command comment gets 👀 while
 * the sync runs, then 👍 or 😕; the pull request gets one reply, edited on a re-run.
 *
 * A comment whose first word does not start with the command is left alone: nothing is
 * written, and the result is `refused`.
 *
 * @throws Error on a failure that is no answer (the API or git failing): the comment gets 😕
 *   and a reply linking the run, then the error is thrown
 */
export async function syncPullRequestBranch(request: SyncRequest): Promise<SyncResult> {
  const { comment, logger } = request;
  if (comment) {
    logger.info(`Command comment ${comment.id} by ${logValue(comment.author)}:`);
    logger.untrusted(comment.body);
    if (parseSyncCommand(comment.body, request.command).kind === 'not-a-command') {
      const reason = `the comment does not start with ${request.command}: not addressed to this action`;
      logger.info(`Nothing to do: ${reason}`);
      return { result: 'refused', reason, upstreamBranch: '', previousHeadSha: '', headSha: '', conflicts: [] };
    }
  }
  const eyes = comment ? await react(request, comment.id, 'eyes') : undefined;
  let decision: Decision;
  try {
    decision = await decide(request);
  } catch (error) {
    await finish(request, eyes, 'confused');
    await reply(request, `${ICONS.refused} ${markdownCode(request.command)} failed${request.runUrl ? `: see ${request.runUrl}` : ''}.`).catch(
      (replyError: unknown) => logger.warning(`Could not reply on the pull request: ${describeError(replyError)}`),
    );
    throw error;
  }
  const reason = decision.message(plainText);
  logger.info(`${decision.result}: ${logValue(reason)}`);
  const body = [
    `${ICONS[decision.result]} ${markdownCode(request.command)}: ${decision.message(markdownCode)}`,
    ...(decision.details ? ['', decision.details] : []),
  ];
  const posted = await reply(request, body.join('\n'));
  await finish(request, eyes, decision.result === 'updated' || decision.result === 'up-to-date' ? '+1' : 'confused');
  const previousHeadSha = decision.pullRequest?.head.sha ?? '';
  return {
    result: decision.result,
    reason,
    upstreamBranch: decision.upstreamBranch ?? '',
    previousHeadSha,
    headSha: decision.headSha ?? previousHeadSha,
    ...(decision.method ? { method: decision.method } : {}),
    conflicts: decision.conflicts ?? [],
    ...(decision.pullRequest ? { pullRequest: decision.pullRequest } : {}),
    reply: posted,
  };
}

/** Every check, then the merge. */
async function decide(request: SyncRequest): Promise<Decision> {
  const { client, repository, comment, logger } = request;
  const fullName = `${repository.owner}/${repository.repo}`;
  let branch = request.upstreamBranch;
  if (comment) {
    const level = await fetchPermission(client, repository, comment.author);
    logger.info(`${logValue(comment.author)} holds ${level} permission on ${fullName}; ${request.permission} is needed`);
    if (PERMISSION_LEVELS.indexOf(level) < PERMISSION_LEVELS.indexOf(request.permission))
      return refused(
        (r) => `${r(comment.author)} holds ${level} permission on ${fullName}; ${r(request.command)} needs ${request.permission} or more. Nothing was changed.`,
      );
    const command = parseSyncCommand(comment.body, request.command);
    if (command.kind === 'unknown')
      return refused((r) => `${r(command.word)}: ${command.problem}. Usage: ${r(`${request.command} [upstream branch]`)}. Nothing was changed.`);
    if (command.kind === 'sync' && command.branch) branch = command.branch;
  }

  const pr = await readSyncPullRequest(client, repository, request.pullRequest);
  const upstreamBranch = branch || pr.base.ref;
  const facts = { pullRequest: pr, upstreamBranch, headSha: pr.head.sha };
  const head = pr.head.ref;
  logger.info(
    `Pull request #${pr.number}: ${logValue(pr.head.repository ?? '(deleted)')}:${logValue(head)} at ${pr.head.sha} → ${fullName}:${logValue(pr.base.ref)}`,
  );
  if (pr.state !== 'open') return refused(() => `pull request #${pr.number} is ${pr.merged ? 'merged' : 'closed'}. Nothing was changed.`, facts);
  if (!pr.head.repository || !pr.head.cloneUrl)
    return refused(() => `the head repository of pull request #${pr.number} was deleted. Nothing was changed.`, facts);
  if (!pr.base.cloneUrl) throw new Error(`GitHub gave no clone URL for ${fullName}`);
  if (isCrossRepository(pr) && !pr.maintainerCanModify)
    return refused(
      (r) =>
        `${r(pr.author)} does not allow edits from maintainers on ${r(`${pr.head.repository}:${head}`)}, so no one but them can update it. Ask them to merge ${r(upstreamBranch)}, or to tick "Allow edits from maintainers". Nothing was changed.`,
      facts,
    );
  if (!isValidBranchName(head)) return refused((r) => `the head branch ${r(head)} has a name git refuses. Nothing was changed.`, facts);

  if (upstreamBranch === pr.base.ref) {
    const outcome = await updateBranchThroughApi(client, repository, pr.number, pr.head.sha, logger);
    if (outcome.kind === 'updated') return updated(facts, 'api', outcome.sha);
    if (outcome.kind === 'up-to-date') return upToDate(facts, 'api');
    if (outcome.kind === 'moved') return moved(request, facts, (await readSyncPullRequest(client, repository, pr.number)).head.sha, 'api');
    // A conflict, or an update GitHub would not make: git merges (and names the conflicting paths), and pushes only a clean merge.
    logger.info(`GitHub did not update the branch (${outcome.kind === 'conflict' ? 'merge conflict' : logValue(outcome.detail)}): merging with git`);
  }
  const outcome = await gitMerge(request, pr, upstreamBranch);
  switch (outcome.kind) {
    case 'updated':
      return updated(facts, 'git', outcome.sha);
    case 'up-to-date':
      return upToDate(facts, 'git');
    case 'moved':
      return moved(request, facts, outcome.currentSha, 'git');
    case 'conflict':
      return conflict(facts, outcome.paths);
    case 'missing-branch':
      return outcome.side === 'upstream'
        ? refused((r) => `${fullName} has no branch ${r(upstreamBranch)}. Nothing was changed.`, facts)
        : refused((r) => `the head branch ${r(head)} no longer exists in ${r(pr.head.repository!)}. Nothing was changed.`, facts);
  }
}

async function gitMerge(request: SyncRequest, pr: SyncPullRequest, upstreamBranch: string): Promise<GitMergeOutcome> {
  const directory = await mkdtemp(path.join(request.temporaryDirectory, 'sync-pr-branch-'));
  try {
    return await mergeWithGit({
      directory,
      upstream: { cloneUrl: pr.base.cloneUrl!, branch: upstreamBranch },
      head: { cloneUrl: pr.head.cloneUrl!, branch: pr.head.ref, expectedSha: pr.head.sha },
      credentials: request.credentials,
      identity: request.identity,
      logger: request.logger,
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

type Facts = Pick<Decision, 'pullRequest' | 'upstreamBranch' | 'headSha'>;

function refused(message: Decision['message'], facts: Facts = {}): Decision {
  return { result: 'refused', message, ...facts };
}

function updated(facts: Facts & { pullRequest: SyncPullRequest; upstreamBranch: string }, method: 'api' | 'git', sha: string): Decision {
  const pr = facts.pullRequest;
  return {
    ...facts,
    result: 'updated',
    method,
    headSha: sha,
    message: (r) =>
      `merged ${r(facts.upstreamBranch)} into ${r(pr.head.ref)} ${method === 'api' ? "through GitHub's update-branch" : `with git, pushed to ${r(pr.head.repository ?? '')}`}: ${short(pr.head.sha)} → ${short(sha)}.`,
  };
}

function upToDate(facts: Facts & { pullRequest: SyncPullRequest; upstreamBranch: string }, method: 'api' | 'git'): Decision {
  const pr = facts.pullRequest;
  return {
    ...facts,
    result: 'up-to-date',
    method,
    message: (r) => `${r(pr.head.ref)} already contains ${r(facts.upstreamBranch)} (head ${short(pr.head.sha)}): nothing to merge.`,
  };
}

function moved(request: SyncRequest, facts: Facts & { pullRequest: SyncPullRequest }, currentSha: string | undefined, method: 'api' | 'git'): Decision {
  const pr = facts.pullRequest;
  return {
    ...facts,
    result: 'refused',
    method,
    ...(currentSha ? { headSha: currentSha } : {}),
    message: (r) =>
      `the head of ${r(pr.head.ref)} moved from ${short(pr.head.sha)}${currentSha ? ` to ${short(currentSha)}` : ''} while this ran, so nothing was pushed over it. Run ${r(request.command)} again to merge into the new head.`,
  };
}

function conflict(facts: Facts & { pullRequest: SyncPullRequest; upstreamBranch: string }, paths: readonly string[]): Decision {
  const pr = facts.pullRequest;
  const recipe = mergeRecipe({
    upstreamCloneUrl: pr.base.cloneUrl!,
    upstreamBranch: facts.upstreamBranch,
    headCloneUrl: pr.head.cloneUrl!,
    headBranch: pr.head.ref,
    fork: isCrossRepository(pr),
  });
  const listed = paths.length ? `Conflicting files:\n\n${pathList(paths)}\n\n` : '';
  return {
    ...facts,
    result: 'conflict',
    method: 'git',
    conflicts: paths,
    message: (r) =>
      `merging ${r(facts.upstreamBranch)} into ${r(pr.head.ref)} conflicts${paths.length ? ` in ${paths.length} file(s)` : ''}; nothing was pushed. A maintainer resolves it locally.`,
    details: `${listed}The commands, run where you can push to ${markdownCode(pr.head.repository ?? '')}:\n\n${fencedBlock(recipe, 'sh')}`,
  };
}

/** Reacts, or warns: a reaction is feedback, and its failure stops nothing. */
async function react(request: SyncRequest, commentId: number, content: SyncReaction): Promise<number | undefined> {
  try {
    return await reactToComment(request.client, request.repository, commentId, content);
  } catch (error) {
    request.logger.warning(`Could not react ${content} to comment ${commentId}: ${describeError(error)}`);
    return undefined;
  }
}

/** Removes 👀 and gives the final reaction. */
async function finish(request: SyncRequest, eyes: number | undefined, content: SyncReaction): Promise<void> {
  const { comment } = request;
  if (!comment) return;
  if (eyes !== undefined)
    await removeCommentReaction(request.client, request.repository, comment.id, eyes).catch((error: unknown) =>
      request.logger.warning(`Could not remove the eyes reaction: ${describeError(error)}`),
    );
  await react(request, comment.id, content);
}

async function reply(request: SyncRequest, text: string): Promise<{ url: string; action: string }> {
  const marker = replyMarker(request.comment ? `comment-${request.comment.id}` : request.replyKey);
  // Edits only a reply of ours: a comment someone else starts with the marker is left alone.
  const posted = await upsertMarkedComment(
    request.client,
    { ...request.repository, number: request.pullRequest },
    {
      marker,
      body: `${marker}\n${text}\n`,
      author: () => authenticatedLogin(request.client, request.credentials.token),
      ...(request.comment ? { since: request.comment.createdAt } : {}),
    },
  );
  request.logger.info(`Reply ${posted.action}: ${posted.url}`);
  return posted;
}
