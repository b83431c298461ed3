import { ActionError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import type { GitHubClient } from '../github/client.js';
import { retryDelayScale } from '../http/retry.js';
import type { RepositoryName } from './pull-request.js';

/** How GitHub's update-branch ended. */
export type ApiUpdateOutcome =
  | { readonly kind: 'updated'; readonly sha: string }
  | { readonly kind: 'up-to-date' }
  | { readonly kind: 'moved' }
  | { readonly kind: 'conflict' }
  /** GitHub would not do it (403, 404, another 422): `detail` is its message; git may. */
  | { readonly kind: 'unavailable'; readonly detail: string };

/** How long to wait for GitHub's asynchronous merge: the delays between reads of the pull request, in seconds. */
export const UPDATE_POLL_DELAYS_SECONDS = [1, 1, 2, 3, 5, 8, 10, 10, 10, 10] as const;

/**
 * Merges the base branch into the head branch through GitHub
 * (PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch with `expected_head_sha`), which
 * also writes to a fork when its author allows edits from maintainers. GitHub answers 202
 * ("Updating pull request branch.") and merges in the background: the pull request is read again
 * (GET …/pulls/{pull_number}) until its head leaves `expectedHeadSha`, for about a minute
 * ({@link UPDATE_POLL_DELAYS_SECONDS}, shortened by RELEASE_ACTIONS_RETRY_DELAY_SCALE).
 * Its 422 answers, by message: "expected head sha didn't match current head ref." (moved),
 * "merge conflict between base and head" (conflict), "There are no new commits on the base
 * branch." (up to date).
 *
 * @throws ActionError when GitHub accepted the update and the head had not moved a minute later
 */
export async function updateBranchThroughApi(
  client: GitHubClient,
  repository: RepositoryName,
  number: number,
  expectedHeadSha: string,
  logger: Logger,
): Promise<ApiUpdateOutcome> {
  try {
    const { data } = await client.rest.pulls.updateBranch({ ...repository, pull_number: number, expected_head_sha: expectedHeadSha });
    logger.info(`GitHub: ${data.message ?? 'update accepted'} (202)`);
  } catch (error) {
    const { status, message } = apiError(error);
    if (status === 422 && /expected head sha/i.test(message)) return { kind: 'moved' };
    if (status === 422 && /merge conflict/i.test(message)) return { kind: 'conflict' };
    if (status === 422 && /no new commits/i.test(message)) return { kind: 'up-to-date' };
    if (status === 403 || status === 404 || status === 422) return { kind: 'unavailable', detail: `HTTP ${status}: ${message}` };
    throw error;
  }
  const scale = retryDelayScale();
  for (const delay of UPDATE_POLL_DELAYS_SECONDS) {
    await new Promise((resolve) => setTimeout(resolve, delay * 1000 * scale));
    const { data } = await client.rest.pulls.get({ ...repository, pull_number: number });
    if (data.head.sha !== expectedHeadSha) return { kind: 'updated', sha: data.head.sha };
  }
  throw new ActionError(
    `GitHub accepted the update of pull request #${number} (202) but its head was still ${expectedHeadSha} ${UPDATE_POLL_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0)} s later; look at the pull request before running the command again`,
  );
}

/** The status and message of an Octokit RequestError (GitHub's `message` field when it gave one). */
function apiError(error: unknown): { status?: number; message: string } {
  const { status, response, message } = error as { status?: number; response?: { data?: { message?: unknown } }; message?: string };
  const data = response?.data?.message;
  return { ...(status !== undefined ? { status } : {}), message: typeof data === 'string' ? data : (message ?? String(error)) };
}
