import type { GitHubClient } from './client.js';

/** Where a marked comment lives: an issue or pull request. */
export interface CommentThread {
  readonly owner: string;
  readonly repo: string;
  /** The issue or pull request number. */
  readonly number: number;
}

/** What to keep on the thread. */
export interface MarkedComment {
  /** The hidden first line that identifies the comment, e.g. `<!-- exegol-release-actions:verify-release-pr -->`. */
  readonly marker: string;
  /** The whole body, starting with `marker`. */
  readonly body: string;
  /** The login the token acts as (github/identity.ts `authenticatedLogin`): only its comments are ever edited. Asked only when there are comments to look through. */
  readonly author: () => Promise<string>;
  /** Only comments updated at or after this time (ISO 8601) are listed (the API's `since`), e.g. the command comment's creation. */
  readonly since?: string;
  /** The thread's comment count when known (a pull request's `comments`): 0 skips listing them. */
  readonly knownCount?: number;
}

/**
 * Keeps one comment of ours on an issue or pull request: edits the comment that starts with the
 * marker and was written by the account the token acts as, or creates one. A comment holding the
 * marker written by anyone else is never touched, so nobody can take over what the action writes.
 * (GET /repos/{owner}/{repo}/issues/{issue_number}/comments, POST …/issues/{issue_number}/comments,
 * PATCH /repos/{owner}/{repo}/issues/comments/{comment_id})
 *
 * @returns the comment's URL and what was done
 * @throws the API's errors (a 403 for a token that may not comment, e.g. on a fork's pull request), and `author`'s
 */
export async function upsertMarkedComment(
  client: GitHubClient,
  thread: CommentThread,
  comment: MarkedComment,
): Promise<{ url: string; action: 'created' | 'updated' | 'unchanged' }> {
  const { owner, repo, number } = thread;
  if (comment.knownCount !== 0) {
    const login = (await comment.author()).toLowerCase();
    const comments = await client.paginate(client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
      ...(comment.since ? { since: comment.since } : {}),
    });
    const ours = comments.find((entry) => entry.user?.login.toLowerCase() === login && entry.body?.startsWith(comment.marker));
    if (ours) {
      if (ours.body === comment.body) return { url: ours.html_url, action: 'unchanged' };
      const { data } = await client.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body: comment.body });
      return { url: data.html_url, action: 'updated' };
    }
  }
  const { data } = await client.rest.issues.createComment({ owner, repo, issue_number: number, body: comment.body });
  return { url: data.html_url, action: 'created' };
}
