import { ActionError } from '../action/errors.js';
import type { GitHubClient } from '../github/client.js';

/** A repository, as `owner` and `repo` (the REST API's path parameters). */
export interface RepositoryName {
  readonly owner: string;
  readonly repo: string;
}

/** One side of a pull request: a branch of a repository. */
export interface PullRequestSide {
  /** The branch's short name, e.g. `dev` or `feature/compose` (untrusted on the head side). */
  readonly ref: string;
  readonly sha: string;
  /** `owner/name`; undefined when the repository was deleted (a deleted fork). */
  readonly repository?: string;
  /** The repository's HTTPS clone URL, from the API (`repo.clone_url`). */
  readonly cloneUrl?: string;
}

/** What the sync needs of a pull request (GET /repos/{owner}/{repo}/pulls/{pull_number}). */
export interface SyncPullRequest {
  readonly number: number;
  readonly state: string;
  readonly merged: boolean;
  readonly author: string;
  readonly base: PullRequestSide;
  readonly head: PullRequestSide;
  /** The author allows maintainers to push to the head branch (meaningful for forks). */
  readonly maintainerCanModify: boolean;
  /** Issue comments on the pull request. */
  readonly comments: number;
  readonly url: string;
}

/** Whether the head branch lives in another repository than the base (a fork, or a deleted fork). */
export function isCrossRepository(pr: SyncPullRequest): boolean {
  return pr.head.repository !== pr.base.repository;
}

/**
 * Reads the pull request through the REST API (GET /repos/{owner}/{repo}/pulls/{pull_number}).
 *
 * @throws ActionError when it does not exist or the token cannot read it (404)
 */
export async function readSyncPullRequest(client: GitHubClient, repository: RepositoryName, number: number): Promise<SyncPullRequest> {
  try {
    const { data } = await client.rest.pulls.get({ ...repository, pull_number: number });
    const side = (branch: typeof data.head | typeof data.base): PullRequestSide => ({
      ref: branch.ref,
      sha: branch.sha,
      ...(branch.repo ? { repository: branch.repo.full_name, cloneUrl: branch.repo.clone_url } : {}),
    });
    return {
      number: data.number,
      state: data.state,
      merged: data.merged ?? data.merged_at !== null,
      author: data.user.login,
      base: side(data.base),
      head: side(data.head),
      maintainerCanModify: data.maintainer_can_modify,
      comments: data.comments,
      url: data.html_url,
    };
  } catch (error) {
    if ((error as { status?: number }).status === 404)
      throw new ActionError(`pull request #${number} does not exist in ${repository.owner}/${repository.repo} (or the token cannot read it)`);
    throw error;
  }
}
