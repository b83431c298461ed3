import { ActionError } from '../action/errors.js';
import type { GitHubClient } from '../github/client.js';

/** A repository, as `owner/name`. */
export interface RepositoryRef {
  readonly owner: string;
  readonly repo: string;
}

/** What the rules need of a pull request (GET /repos/{owner}/{repo}/pulls/{pull_number}). */
export interface PullRequestFacts {
  readonly number: number;
  readonly state: string;
  readonly merged: boolean;
  readonly draft: boolean;
  readonly title: string;
  readonly body: string;
  readonly baseRef: string;
  readonly headRef: string;
  readonly headSha: string;
  /** `owner/name` of the head repository; undefined when the fork was deleted. */
  readonly headRepository?: string;
  readonly author: string;
  /** Issue comments on the pull request. */
  readonly comments: number;
}

/** A submitted review (GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews), in the order GitHub lists them (oldest first). */
export interface ReviewFacts {
  readonly user: string;
  readonly state: string;
  /** The head commit the review was made on. */
  readonly commitId: string;
}

/** A check run or a commit status on the head commit. */
export interface CheckFacts {
  readonly name: string;
  readonly kind: 'check run' | 'status';
  readonly state: 'pass' | 'fail' | 'pending';
  /** The conclusion or status state as GitHub gives it, e.g. `failure`, `in_progress`. */
  readonly detail: string;
  /** For check runs: the link to the run (holds `/actions/runs/<run id>/` for GitHub Actions jobs). */
  readonly url?: string;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { status?: number }).status === 404;
}

/**
 * Reads the pull request again through the REST API (an event payload can be stale).
 * @throws ActionError when it does not exist (404)
 */
export async function fetchPullRequest(client: GitHubClient, repository: RepositoryRef, number: number): Promise<PullRequestFacts> {
  try {
    const { data } = await client.rest.pulls.get({ ...repository, pull_number: number });
    return {
      number: data.number,
      state: data.state,
      merged: data.merged,
      draft: data.draft ?? false,
      title: data.title,
      body: data.body ?? '',
      baseRef: data.base.ref,
      headRef: data.head.ref,
      headSha: data.head.sha,
      ...(data.head.repo ? { headRepository: data.head.repo.full_name } : {}),
      author: data.user.login,
      comments: data.comments,
    };
  } catch (error) {
    if (isNotFound(error))
      throw new ActionError(`pull request #${number} does not exist in ${repository.owner}/${repository.repo} (or the token cannot read it)`);
    throw error;
  }
}

/** Every submitted review, all pages, oldest first. */
export async function fetchReviews(client: GitHubClient, repository: RepositoryRef, number: number): Promise<ReviewFacts[]> {
  const reviews = await client.paginate(client.rest.pulls.listReviews, { ...repository, pull_number: number, per_page: 100 });
  return reviews.filter((review) => review.user).map((review) => ({ user: review.user!.login, state: review.state, commitId: review.commit_id ?? '' }));
}

/** Repository permission levels, from least to most (GitHub's base roles). */
export const PERMISSION_LEVELS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

/**
 * A user's permission on the repository (GET /repos/{owner}/{repo}/collaborators/{username}/permission):
 * its `role_name` when it is a base role, else its legacy `permission` (admin, write, read, none).
 */
export async function fetchPermission(client: GitHubClient, repository: RepositoryRef, username: string): Promise<PermissionLevel> {
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({ ...repository, username });
    const role = data.role_name as PermissionLevel;
    return PERMISSION_LEVELS.includes(role) ? role : ((data.permission as PermissionLevel) ?? 'none');
  } catch (error) {
    if (isNotFound(error)) return 'none';
    throw error;
  }
}

function checkRunState(status: string, conclusion: string | null): CheckFacts['state'] {
  if (status !== 'completed') return 'pending';
  return conclusion === 'success' || conclusion === 'neutral' || conclusion === 'skipped' ? 'pass' : 'fail';
}

/** The latest check run of each name on `sha` (GET /repos/{owner}/{repo}/commits/{ref}/check-runs, all pages). */
export async function fetchCheckRuns(client: GitHubClient, repository: RepositoryRef, sha: string): Promise<CheckFacts[]> {
  const runs = await client.paginate(client.rest.checks.listForRef, { ...repository, ref: sha, filter: 'latest', per_page: 100 });
  const latest = new Map<string, (typeof runs)[number]>();
  for (const run of runs) {
    const known = latest.get(run.name);
    if (!known || run.id > known.id) latest.set(run.name, run);
  }
  return [...latest.values()].map((run) => ({
    name: run.name,
    kind: 'check run' as const,
    state: checkRunState(run.status, run.conclusion),
    detail: run.status === 'completed' ? (run.conclusion ?? 'completed') : run.status,
    ...(run.details_url || run.html_url ? { url: run.details_url ?? run.html_url ?? '' } : {}),
  }));
}

/** The latest commit status of each context on `sha` (GET /repos/{owner}/{repo}/commits/{ref}/status, every page). */
export async function fetchStatuses(client: GitHubClient, repository: RepositoryRef, sha: string): Promise<CheckFacts[]> {
  const statuses: { context: string; state: string; target_url: string | null }[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await client.rest.repos.getCombinedStatusForRef({ ...repository, ref: sha, per_page: 100, page });
    statuses.push(...data.statuses);
    if (data.statuses.length < 100 || statuses.length >= data.total_count) break;
  }
  return statuses.map((status) => ({
    name: status.context,
    kind: 'status' as const,
    state: status.state === 'success' ? 'pass' : status.state === 'pending' ? 'pending' : 'fail',
    detail: status.state,
    ...(status.target_url ? { url: status.target_url } : {}),
  }));
}

/** Every tag name of the repository (GET /repos/{owner}/{repo}/git/matching-refs/tags, one request). */
export async function fetchTagNames(client: GitHubClient, repository: RepositoryRef): Promise<string[]> {
  const { data } = await client.rest.git.listMatchingRefs({ ...repository, ref: 'tags' });
  return data.map((ref) => ref.ref.replace(/^refs\/tags\//, ''));
}

/**
 * A file's text at a commit (GET /repos/{owner}/{repo}/contents/{path}?ref=…, raw media type).
 * @returns the text, or undefined when the file does not exist there
 */
export async function fetchFileText(client: GitHubClient, repository: RepositoryRef, path: string, ref: string): Promise<string | undefined> {
  try {
    const { data } = await client.rest.repos.getContent({ ...repository, path, ref, mediaType: { format: 'raw' } });
    return typeof data === 'string' ? data : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
