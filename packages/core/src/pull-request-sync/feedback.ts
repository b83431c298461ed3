import type { GitHubClient } from '../github/client.js';
import type { RepositoryName } from './pull-request.js';

/** The reactions the sync gives its command comment: 👀 while it works, then 👍 or 😕. */
export type SyncReaction = 'eyes' | '+1' | 'confused';

/**
 * Reacts to an issue or pull request comment (POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions).
 * GitHub answers 200 with the existing reaction when this user already gave it, 201 otherwise: a re-run adds none.
 *
 * @returns the reaction's id, to remove it later
 */
export async function reactToComment(client: GitHubClient, repository: RepositoryName, commentId: number, content: SyncReaction): Promise<number> {
  const { data } = await client.rest.reactions.createForIssueComment({ ...repository, comment_id: commentId, content });
  return data.id;
}

/** Removes a reaction (DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}). */
export async function removeCommentReaction(client: GitHubClient, repository: RepositoryName, commentId: number, reactionId: number): Promise<void> {
  await client.rest.reactions.deleteForIssueComment({ ...repository, comment_id: commentId, reaction_id: reactionId });
}

/** The hidden first line of a reply: which command (or run) it answers, so that a re-run edits it instead of replying again. */
export function replyMarker(key: string): string {
  return `<!-- exegol-release-actions:sync-pr-branch:${key} -->`;
}

/**
 * Replies once on the pull request: edits the comment that starts with `marker` when there is one
 * (a re-run), else creates it. Lists the comments updated since `since` (ISO 8601; the command's
 * creation, so that a long discussion costs one page), every page.
 * (GET/POST /repos/{owner}/{repo}/issues/{issue_number}/comments, PATCH …/issues/comments/{comment_id})
 *
 * @param body the reply, starting with `marker`
 */
export async function upsertReply(
  client: GitHubClient,
  repository: RepositoryName,
  number: number,
  marker: string,
  body: string,
  since?: string,
): Promise<{ url: string; action: 'created' | 'updated' | 'unchanged' }> {
  const comments = await client.paginate(client.rest.issues.listComments, { ...repository, issue_number: number, per_page: 100, ...(since ? { since } : {}) });
  const mine = comments.find((comment) => comment.body?.startsWith(marker));
  if (mine) {
    if (mine.body === body) return { url: mine.html_url, action: 'unchanged' };
    const { data } = await client.rest.issues.updateComment({ ...repository, comment_id: mine.id, body });
    return { url: data.html_url, action: 'updated' };
  }
  const { data } = await client.rest.issues.createComment({ ...repository, issue_number: number, body });
  return { url: data.html_url, action: 'created' };
}
