import { InputError } from '../action/errors.js';
import { describeError } from '../action/errors.js';
import { errorStatus, type GitHubClient } from '../github/client.js';
import { isValidBranchName } from '../pull-request-sync/command.js';

/** The companion pull request asked for: an open pull request from `branch` into the default branch of `owner/repo`. */
export interface CompanionSpec {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
}

/** What was found of the companion pull request. */
export type CompanionLookup =
  /** The repository's default branch, and the open pull request from the branch into it, if there is one. */
  | { readonly kind: 'read'; readonly defaultBranch: string; readonly pullRequest?: { readonly number: number; readonly url: string; readonly draft: boolean } }
  /** The repository or its pull requests cannot be read (404, 403): the reason. */
  | { readonly kind: 'unreadable'; readonly reason: string };

// GitHub's account names: letters, digits and single hyphens, neither first nor last, at most 39 characters.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
// GitHub's repository names: letters, digits, `.`, `_` and `-`, at most 100 characters; `.` and `..` are none.
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Parses `owner/repo:branch` (e.g. `ThePorgs/Exegol-docs:dev-images`) strictly: the owner by GitHub's account
 * name rules, the repository by its repository name rules (not `.`, `..`, nor ending in `.git`), the branch by
 * git-check-ref-format(1)'s rules for a branch (`isValidBranchName`; `HEAD` refused). Nothing is trimmed or guessed.
 *
 * @throws InputError naming `input`, saying which part is wrong
 */
export function parseCompanionPullRequest(input: string, value: string): CompanionSpec {
  const form = `must be owner/repository:branch, e.g. ThePorgs/Exegol-docs:dev-images, got "${value}"`;
  const colon = value.indexOf(':');
  const slash = value.indexOf('/');
  if (colon === -1 || slash === -1 || slash > colon) throw new InputError(input, form);
  const owner = value.slice(0, slash);
  const repo = value.slice(slash + 1, colon);
  const branch = value.slice(colon + 1);
  if (!OWNER.test(owner)) throw new InputError(input, `${form}: "${owner}" is no GitHub account name (letters, digits, single hyphens inside, at most 39)`);
  if (!REPOSITORY.test(repo) || repo === '.' || repo === '..' || repo.toLowerCase().endsWith('.git'))
    throw new InputError(input, `${form}: "${repo}" is no GitHub repository name (letters, digits, ".", "_", "-", without ".git")`);
  if (branch === 'HEAD' || !isValidBranchName(branch))
    throw new InputError(input, `${form}: "${branch}" is no valid branch name (git check-ref-format --branch)`);
  return { owner, repo, branch };
}

/**
 * Looks for the open pull request from `spec.branch` into the default branch of `spec.owner/spec.repo`:
 * GET /repos/{owner}/{repo} (its `default_branch`), then
 * GET /repos/{owner}/{repo}/pulls?state=open&head={owner}:{branch}&base={default_branch} (2 requests).
 * The answer is checked again (head branch and repository, base, state), as a filter the API ignored would let through.
 *
 * @returns `unreadable` with the reason when GitHub answers 403 or 404 (no such repository, or a token that cannot read it)
 * @throws the API's other errors, after the client's retries
 */
export async function fetchCompanionPullRequest(client: GitHubClient, spec: CompanionSpec): Promise<CompanionLookup> {
  const repository = { owner: spec.owner, repo: spec.repo };
  const fullName = `${spec.owner}/${spec.repo}`.toLowerCase();
  try {
    const { data } = await client.rest.repos.get(repository);
    const defaultBranch = data.default_branch;
    const { data: pulls } = await client.rest.pulls.list({
      ...repository,
      state: 'open',
      head: `${spec.owner}:${spec.branch}`,
      base: defaultBranch,
      per_page: 100,
    });
    const open = pulls.find(
      (pr) => pr.state === 'open' && pr.head.ref === spec.branch && pr.head.repo?.full_name.toLowerCase() === fullName && pr.base.ref === defaultBranch,
    );
    return { kind: 'read', defaultBranch, ...(open ? { pullRequest: { number: open.number, url: open.html_url, draft: open.draft ?? false } } : {}) };
  } catch (error) {
    const status = errorStatus(error);
    if (status === 403 || status === 404) return { kind: 'unreadable', reason: `GitHub answered ${status} (${describeError(error)})` };
    throw error;
  }
}
