import { ActionError } from '../action/errors.js';
import { errorStatus, type GitHubClient } from '../github/client.js';

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
  /** The merge commit once merged (`merge_commit_sha` when `merged`); undefined before. */
  readonly mergeCommitSha?: string;
}

/** A submitted review (GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews), in the order GitHub lists them (oldest first). */
export interface ReviewFacts {
  readonly user: string;
  readonly state: string;
  /** The head commit the review was made on. */
  readonly commitId: string;
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
      ...(data.merged && data.merge_commit_sha ? { mergeCommitSha: data.merge_commit_sha } : {}),
    };
  } catch (error) {
    if (errorStatus(error) === 404)
      throw new ActionError(`pull request #${number} does not exist in ${repository.owner}/${repository.repo} (or the token cannot read it)`);
    throw error;
  }
}

/**
 * The pull request a commit is the head of, or the merge commit of once merged
 * (GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls). Where several are,
 * the one into `base`.
 *
 * @returns its number
 * @throws ActionError when none is, or several into `base` are
 */
export async function findPullRequestForCommit(client: GitHubClient, repository: RepositoryRef, sha: string, base: string): Promise<number> {
  const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...repository, commit_sha: sha, per_page: 100 });
  const matching = data.filter((pr) => pr.head.sha === sha || (pr.merged_at && pr.merge_commit_sha === sha));
  const into = matching.filter((pr) => pr.base.ref === base);
  const chosen = into.length ? into : matching;
  const name = `${repository.owner}/${repository.repo}`;
  if (chosen.length === 1) return chosen[0]!.number;
  if (chosen.length === 0) throw new ActionError(`no pull request of ${name} has commit ${sha} as its head or merge commit`);
  throw new ActionError(`several pull requests of ${name} have commit ${sha} as head: ${chosen.map((pr) => `#${pr.number}`).join(', ')}: pass the number`);
}

/** A commit's parents (GET /repos/{owner}/{repo}/git/commits/{commit_sha}), in order: a merge commit has two or more. */
export async function fetchCommitParents(client: GitHubClient, repository: RepositoryRef, sha: string): Promise<string[]> {
  const { data } = await client.rest.git.getCommit({ ...repository, commit_sha: sha });
  return data.parents.map((parent) => parent.sha);
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
    if (errorStatus(error) === 404) return 'none';
    throw error;
  }
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
    if (errorStatus(error) === 404) return undefined;
    throw error;
  }
}
