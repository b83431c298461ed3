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
