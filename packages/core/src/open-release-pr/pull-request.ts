import { ActionError } from '../action/errors.js';
import type { GitHubClient } from '../github/client.js';

/** The repository settings open-release-pr reads before any write (GET /repos/{owner}/{repo}, schema full-repository). */
export interface RepositorySettings {
  readonly fullName: string;
  readonly cloneUrl: string;
  readonly allowMergeCommit?: boolean;
  readonly allowAutoMerge?: boolean;
}

/** An open pull request, as open-release-pr needs it (REST pull-request-simple). */
export interface OpenPullRequest {
  readonly number: number;
  readonly url: string;
  readonly nodeId: string;
  readonly title: string;
  readonly body: string;
  readonly headRef: string;
  readonly headRepository?: string;
  readonly labels: readonly string[];
  /** The merge method auto-merge is enabled with, if it is. */
  readonly autoMerge?: string;
}

/** GET /repos/{owner}/{repo}: the clone URL and the merge settings ("Allow merge commits", "Allow auto-merge"). */
export async function readRepositorySettings(client: GitHubClient, owner: string, repo: string): Promise<RepositorySettings> {
  const { data } = await client.rest.repos.get({ owner, repo });
  return {
    fullName: data.full_name,
    cloneUrl: data.clone_url,
    ...(data.allow_merge_commit !== undefined ? { allowMergeCommit: data.allow_merge_commit } : {}),
    ...(data.allow_auto_merge !== undefined ? { allowAutoMerge: data.allow_auto_merge } : {}),
  };
}

/**
 * Refuses `merge-method: merge` on a repository whose settings would refuse it: merge commits
 * disallowed (`allow_merge_commit`, Settings → General → "Allow merge commits") or auto-merge
 * disallowed (`allow_auto_merge`, "Allow auto-merge"), as GitHub's enablePullRequestAutoMerge
 * refuses both ("Merge commits are not allowed on this repository", "Pull request Auto merge is
 * not allowed for this repository").
 *
 * @throws ActionError naming the setting
 */
export function checkMergeSettings(settings: RepositorySettings): void {
  const where = `${settings.fullName} (Settings → General → Pull Requests)`;
  if (settings.allowMergeCommit === false)
    throw new ActionError(
      `${where} does not allow merge commits (allow_merge_commit: false): turn on "Allow merge commits", or set merge-method: none and merge by hand. Nothing was written`,
    );
  if (settings.allowAutoMerge === false)
    throw new ActionError(
      `${where} does not allow auto-merge (allow_auto_merge: false): turn on "Allow auto-merge", or set merge-method: none and merge by hand. Nothing was written`,
    );
}

/** Every open pull request into `base` (GET /repos/{owner}/{repo}/pulls?state=open&base=…, every page). */
export async function listOpenPullRequests(client: GitHubClient, owner: string, repo: string, base: string): Promise<OpenPullRequest[]> {
  const pulls = await client.paginate(client.rest.pulls.list, { owner, repo, state: 'open', base, per_page: 100 });
  return pulls.map((pr) => ({
    number: pr.number,
    url: pr.html_url,
    nodeId: pr.node_id,
    title: pr.title,
    body: pr.body ?? '',
    headRef: pr.head.ref,
    ...(pr.head.repo ? { headRepository: pr.head.repo.full_name } : {}),
    labels: pr.labels.map((label) => label.name),
    ...(pr.auto_merge ? { autoMerge: pr.auto_merge.merge_method } : {}),
  }));
}

/** What the pull request should say. */
export interface PullRequestContent {
  readonly title: string;
  readonly body: string;
}

/** POST /repos/{owner}/{repo}/pulls from `head` (a branch of the same repository) into `base`. */
export async function createPullRequest(
  client: GitHubClient,
  target: { owner: string; repo: string; base: string; head: string; draft: boolean },
  content: PullRequestContent,
): Promise<OpenPullRequest> {
  const { data } = await client.rest.pulls.create({
    owner: target.owner,
    repo: target.repo,
    base: target.base,
    head: target.head,
    title: content.title,
    body: content.body,
    draft: target.draft,
    maintainer_can_modify: false,
  });
  return {
    number: data.number,
    url: data.html_url,
    nodeId: data.node_id,
    title: data.title,
    body: data.body ?? '',
    headRef: data.head.ref,
    labels: data.labels.map((label) => label.name),
  };
}

/** PATCH /repos/{owner}/{repo}/pulls/{pull_number}: title and description. */
export async function updatePullRequest(client: GitHubClient, owner: string, repo: string, number: number, content: PullRequestContent): Promise<void> {
  await client.rest.pulls.update({ owner, repo, pull_number: number, title: content.title, body: content.body });
}

/** POST /repos/{owner}/{repo}/issues/{issue_number}/labels with the labels the pull request lacks. @returns the labels added */
export async function addMissingLabels(client: GitHubClient, owner: string, repo: string, pr: OpenPullRequest, labels: readonly string[]): Promise<string[]> {
  const missing = labels.filter((label) => !pr.labels.includes(label));
  if (missing.length > 0) await client.rest.issues.addLabels({ owner, repo, issue_number: pr.number, labels: missing });
  return missing;
}

/** POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers: users, and teams written `org/team-slug`. */
export async function requestReviewers(client: GitHubClient, owner: string, repo: string, number: number, reviewers: readonly string[]): Promise<void> {
  if (reviewers.length === 0) return;
  const teams = reviewers.filter((reviewer) => reviewer.includes('/')).map((reviewer) => reviewer.slice(reviewer.indexOf('/') + 1));
  const users = reviewers.filter((reviewer) => !reviewer.includes('/'));
  await client.rest.pulls.requestReviewers({
    owner,
    repo,
    pull_number: number,
    ...(users.length ? { reviewers: users } : {}),
    ...(teams.length ? { team_reviewers: teams } : {}),
  });
}

/** GitHub's GraphQL mutation that sets a pull request to merge itself, with a merge commit, once its requirements are met. */
export const ENABLE_AUTO_MERGE_MUTATION = `mutation EnableAutoMerge($pullRequestId: ID!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $pullRequestId, mergeMethod: MERGE }) {
    pullRequest { number autoMergeRequest { mergeMethod enabledAt } }
  }
}`;

/**
 * Enables auto-merge with a merge commit (GraphQL `enablePullRequestAutoMerge`, mergeMethod
 * MERGE): GitHub merges once the approvals and required checks are there.
 *
 * @returns `enabled`, or `clean` when GitHub refuses because the pull request could be merged at
 *   once (no required review or check is pending: "Pull request is in clean status")
 * @throws the GraphQL errors otherwise
 */
export async function enableAutoMerge(client: GitHubClient, nodeId: string): Promise<'enabled' | 'clean'> {
  try {
    await client.graphql(ENABLE_AUTO_MERGE_MUTATION, { pullRequestId: nodeId });
    return 'enabled';
  } catch (error) {
    if (/clean status/i.test((error as Error).message)) return 'clean';
    throw error;
  }
}
