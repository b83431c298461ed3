import { readFileSync } from 'node:fs';

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

/** What an `issue_comment` event holds for the sync; undefined fields when the event is another one. */
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
 * The comment of an `issue_comment` webhook payload (GITHUB_EVENT_PATH): `comment.id`,
 * `comment.body`, `comment.user.login`, `issue.number`, `issue.pull_request`.
 *
 * @returns undefined when the event holds no comment (another event, or no payload)
 */
export function readCommentEvent(eventPath = process.env['GITHUB_EVENT_PATH']): CommentEvent | undefined {
  if (!eventPath) return undefined;
  let payload: {
    comment?: { id?: number; body?: string; user?: { login?: string }; created_at?: string };
    issue?: { number?: number; pull_request?: unknown };
    repository?: { full_name?: string };
  };
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8')) as typeof payload;
  } catch {
    return undefined;
  }
  const { comment, issue } = payload;
  if (typeof comment?.id !== 'number' || typeof issue?.number !== 'number') return undefined;
  return {
    comment: {
      id: comment.id,
      body: comment.body ?? '',
      author: comment.user?.login ?? '',
      ...(comment.created_at ? { createdAt: comment.created_at } : {}),
    },
    number: issue.number,
    onPullRequest: Boolean(issue.pull_request),
    ...(payload.repository?.full_name ? { repository: payload.repository.full_name } : {}),
  };
}
