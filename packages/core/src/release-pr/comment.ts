import { describeError } from '../action/errors.js';
import { errorStatus, type GitHubClient } from '../github/client.js';
import { upsertMarkedComment } from '../github/marked-comment.js';
import type { RepositoryRef } from './facts.js';
import type { RuleResult } from './rules.js';

/** The hidden marker that identifies the checklist comment, so that later runs update it in place. */
export const CHECKLIST_MARKER = '<!-- exegol-release-actions:verify-release-pr -->';

const ICONS: Record<RuleResult['status'], string> = { passed: '✅', failed: '❌', skipped: '➖' };

/**
 * The checklist as a Markdown comment body, the marker first. Every value quoted from the pull
 * request, a check or a file is an inert code span (Detail.markdown): no mention, link, image or HTML.
 */
export function checklistMarkdown(results: readonly RuleResult[], headSha: string): string {
  const ok = results.every((result) => result.status !== 'failed');
  const rows = results.map((result) => `| ${ICONS[result.status]} | \`${result.rule}\` | ${result.detail.markdown()} |`);
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

/** What became of the checklist comment. */
export type CommentOutcome =
  | { readonly action: 'created' | 'updated' | 'unchanged'; readonly url: string }
  /** Not written: the token may not comment (403, e.g. the read-only GITHUB_TOKEN of a fork's pull request), or its account is unknown. */
  | { readonly action: 'not written'; readonly reason: string };

/**
 * Keeps one checklist comment on the pull request (github/marked-comment.ts): updates the comment
 * that starts with the marker and was written by the account the token acts as (`author`, asked
 * only when the pull request has comments), or creates one. A comment holding the marker written
 * by anyone else is never touched.
 *
 * @param author the login the token acts as (authenticatedLogin)
 * @returns the comment's URL and what was done; `not written` with the reason when the API refused (403, 404)
 *   or the account could not be told
 * @throws the API's other errors
 */
export async function upsertChecklistComment(
  client: GitHubClient,
  repository: RepositoryRef,
  number: number,
  existingComments: number,
  body: string,
  author: () => Promise<string>,
): Promise<CommentOutcome> {
  let authorError: unknown;
  const login = async (): Promise<string> => {
    try {
      return await author();
    } catch (error) {
      authorError = error;
      throw error;
    }
  };
  try {
    return await upsertMarkedComment(client, { ...repository, number }, { marker: CHECKLIST_MARKER, body, author: login, knownCount: existingComments });
  } catch (error) {
    if (authorError !== undefined) return { action: 'not written', reason: `cannot tell which account the token acts as (${describeError(authorError)})` };
    const status = errorStatus(error);
    if (status === 403 || status === 404) return { action: 'not written', reason: `GitHub answered ${status}: ${describeError(error)}` };
    throw error;
  }
}
