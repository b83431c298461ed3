import { readFileSync } from 'node:fs';
import { ActionError } from '../action/errors.js';

/** The comment that carries a command (an `issue_comment` webhook's `comment`). */
export interface CommandComment {
  readonly id: number;
  /** Untrusted. */
  readonly body: string;
  /** The commenter's login. */
  readonly author: string;
  /** ISO 8601. */
  readonly createdAt?: string;
}

/** What an `issue_comment` `created` event holds for the sync. */
export interface CommentEvent {
  readonly comment: CommandComment;
  /** The issue or pull request number the comment is on. */
  readonly number: number;
  /** false when the comment is on an issue, not a pull request (`issue.pull_request` absent). */
  readonly onPullRequest: boolean;
  /** `owner/name` of the repository the event belongs to. */
  readonly repository?: string;
}

/**
 * The events the action documents, without a comment: the pull request comes from the
 * `pull-request` input or, for `pull_request` and `pull_request_target`, from the payload.
 */
export const EVENTS_WITHOUT_COMMENT = ['workflow_dispatch', 'repository_dispatch', 'schedule', 'pull_request', 'pull_request_target'] as const;

/** Every event the action runs on: `issue_comment` (action `created` only) and {@link EVENTS_WITHOUT_COMMENT}. */
export const SYNC_EVENTS = ['issue_comment', ...EVENTS_WITHOUT_COMMENT] as const;

/** The webhook payload keys that carry someone's text the action would have to read as a command. */
const COMMENT_KEYS = ['comment', 'review'] as const;

/** The event that started the run, as the sync reads it. */
export type SyncEvent =
  /** An `issue_comment` `created` event: the comment is the command. */
  | { readonly kind: 'comment'; readonly event: CommentEvent }
  /** An `issue_comment` event whose action is not `created` (`edited`, `deleted`): not a command, nothing is done. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** A documented event without a comment; `pullRequest` is the payload's `pull_request.number`, when it has one. */
  | { readonly kind: 'no-comment'; readonly eventName: string; readonly pullRequest?: number };

type Payload = Record<string, unknown> & {
  action?: unknown;
  comment?: { id?: unknown; body?: unknown; user?: { login?: unknown }; created_at?: unknown };
  issue?: { number?: unknown; pull_request?: unknown };
  pull_request?: { number?: unknown };
  repository?: { full_name?: unknown };
};

function readPayload(eventName: string, eventPath: string | undefined): Payload {
  if (!eventPath) return {};
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (error) {
    throw new ActionError(`cannot read the ${eventName} event's payload (GITHUB_EVENT_PATH ${eventPath}): ${(error as Error).message}`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new ActionError(`the ${eventName} event's payload (GITHUB_EVENT_PATH) is not a JSON object`);
  return payload as Payload;
}

/**
 * Reads the event that started the run (GITHUB_EVENT_NAME and the webhook payload at
 * GITHUB_EVENT_PATH, GitHub's "Webhook events and payloads"), and refuses every event the
 * action does not document, and every event carrying a comment it does not read: a
 * `pull_request_review_comment`, `pull_request_review`, `commit_comment` or `discussion_comment`
 * holds a comment whose author's permission would go unchecked if it were run as a plain event.
 * An `issue_comment` must hold `comment.id`, `comment.body`, `comment.user.login` and
 * `issue.number`; one whose `action` is not `created` is {@link SyncEvent} `ignored`.
 *
 * @param eventName GITHUB_EVENT_NAME
 * @param eventPath GITHUB_EVENT_PATH (a payload file; optional for events without a comment)
 * @throws ActionError naming the event when it is not documented, carries another comment, or is malformed
 */
export function readSyncEvent(eventName = process.env['GITHUB_EVENT_NAME'] ?? '', eventPath = process.env['GITHUB_EVENT_PATH']): SyncEvent {
  const documented = `sync-pr-branch runs on ${SYNC_EVENTS.join(', ')}`;
  if (!eventName) throw new ActionError(`GITHUB_EVENT_NAME is not set: ${documented}`);
  if (!(SYNC_EVENTS as readonly string[]).includes(eventName)) throw new ActionError(`refusing the ${eventName} event: ${documented}; nothing was changed`);
  if (eventName !== 'issue_comment') {
    const payload = readPayload(eventName, eventPath);
    const carried = COMMENT_KEYS.find((key) => payload[key] !== undefined && payload[key] !== null);
    if (carried) throw new ActionError(`refusing the ${eventName} event: its payload carries a ${carried} the action does not read; nothing was changed`);
    const number = payload.pull_request?.number;
    if (number !== undefined && (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1))
      throw new ActionError(`the ${eventName} event's pull_request.number is not a pull request number`);
    return { kind: 'no-comment', eventName, ...(typeof number === 'number' ? { pullRequest: number } : {}) };
  }
  if (!eventPath) throw new ActionError('the issue_comment event has no payload (GITHUB_EVENT_PATH is not set)');
  const payload = readPayload(eventName, eventPath);
  if (payload.action !== 'created')
    return {
      kind: 'ignored',
      reason: `the comment was ${typeof payload.action === 'string' ? payload.action : 'not created'}: only a new comment (action created) is a command`,
    };
  const { comment, issue } = payload;
  const problems = [
    typeof comment?.id === 'number' && Number.isSafeInteger(comment.id) ? '' : 'comment.id',
    typeof comment?.body === 'string' ? '' : 'comment.body',
    typeof comment?.user?.login === 'string' && comment.user.login ? '' : 'comment.user.login',
    typeof issue?.number === 'number' && Number.isSafeInteger(issue.number) && issue.number > 0 ? '' : 'issue.number',
  ].filter(Boolean);
  if (problems.length) throw new ActionError(`the issue_comment event's payload lacks a valid ${problems.join(', ')}; nothing was changed`);
  const createdAt = typeof comment!.created_at === 'string' ? comment!.created_at : undefined;
  const repository = typeof payload.repository?.full_name === 'string' ? payload.repository.full_name : undefined;
  return {
    kind: 'comment',
    event: {
      comment: { id: comment!.id as number, body: comment!.body as string, author: comment!.user!.login as string, ...(createdAt ? { createdAt } : {}) },
      number: issue!.number as number,
      onPullRequest: Boolean(issue!.pull_request),
      ...(repository ? { repository } : {}),
    },
  };
}
