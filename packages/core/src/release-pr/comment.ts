import type { GitHubClient } from '../github/client.js';
import type { RepositoryRef } from './facts.js';
import type { RuleResult } from './rules.js';

/** The hidden marker that identifies the checklist comment, so that later runs update it in place. */
export const CHECKLIST_MARKER = '<!-- exegol-release-actions:verify-release-pr -->';

const ICONS: Record<RuleResult['status'], string> = { passed: '✅', failed: '❌', skipped: '➖' };

/** The checklist as a Markdown comment body, the marker first. */
export function checklistMarkdown(results: readonly RuleResult[], headSha: string): string {
  const ok = results.every((result) => result.status !== 'failed');
  const rows = results.map((result) => `| ${ICONS[result.status]} | \`${result.rule}\` | ${result.detail.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')} |`);
  return [
    CHECKLIST_MARKER,
    `### Release checklist: ${ok ? 'ready' : 'not ready'}`,
    '',
    `Verified on ${headSha.slice(0, 7)}.`,
    '',
    '| | Rule | Detail |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Keeps one checklist comment on the pull request: updates the comment that
 * holds the marker, or creates it. Lists comments only when the pull request has any.
 * (POST /repos/{owner}/{repo}/issues/{issue_number}/comments, PATCH …/issues/comments/{comment_id})
 *
 * @returns the comment's URL and whether it was created or updated
 */
export async function upsertChecklistComment(
  client: GitHubClient,
  repository: RepositoryRef,
  number: number,
  existingComments: number,
  body: string,
): Promise<{ url: string; action: 'created' | 'updated' | 'unchanged' }> {
  if (existingComments > 0) {
    const comments = await client.paginate(client.rest.issues.listComments, { ...repository, issue_number: number, per_page: 100 });
    const mine = comments.find((comment) => comment.body?.startsWith(CHECKLIST_MARKER));
    if (mine) {
      if (mine.body === body) return { url: mine.html_url, action: 'unchanged' };
      const { data } = await client.rest.issues.updateComment({ ...repository, comment_id: mine.id, body });
      return { url: data.html_url, action: 'updated' };
    }
  }
  const { data } = await client.rest.issues.createComment({ ...repository, issue_number: number, body });
  return { url: data.html_url, action: 'created' };
}
