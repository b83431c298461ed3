import { ActionError } from '../action/errors.js';
import { errorStatus, type GitHubClient } from '../github/client.js';

/** Where the runners are registered: a repository's own runners, or an organization's. */
export type RunnerScope =
  { readonly kind: 'repository'; readonly owner: string; readonly repo: string } | { readonly kind: 'organization'; readonly org: string };

/** A self-hosted runner as the check reads it (GitHub's `runner` schema, the fields used). */
export interface Runner {
  readonly id: number;
  /** The runner's name, given when it was registered (untrusted text: anyone who may register a runner chooses it). */
  readonly name: string;
  /** `linux`, `macos` or `windows`, as GitHub reports it. */
  readonly os: string;
  /** `online` or `offline`: whether the runner application is connected to GitHub. */
  readonly status: string;
  /** Whether the runner is running a job now. */
  readonly busy: boolean;
  /** Every label: the read-only ones (`self-hosted`, the OS, the architecture) and the custom ones. */
  readonly labels: readonly string[];
}

/** The name of a scope, as messages give it: `owner/repo` or `organization org`. */
export function describeScope(scope: RunnerScope): string {
  return scope.kind === 'repository' ? `${scope.owner}/${scope.repo}` : `organization ${scope.org}`;
}

/** The endpoint of a scope, as messages give it. */
export function runnersEndpoint(scope: RunnerScope): string {
  return scope.kind === 'repository' ? `GET /repos/${scope.owner}/${scope.repo}/actions/runners` : `GET /orgs/${scope.org}/actions/runners`;
}

/**
 * The permission a token needs to list the runners of a scope (GitHub Docs, "Permissions required
 * for fine-grained personal access tokens" and the endpoints' pages): the repository permission
 * "Administration: read" for a repository's runners, the organization permission "Self-hosted
 * runners: read" for an organization's. The workflow's GITHUB_TOKEN cannot be given either.
 */
export function runnersPermission(scope: RunnerScope): string {
  return scope.kind === 'repository'
    ? `the repository permission "Administration: read" on ${scope.owner}/${scope.repo} (a fine-grained personal access token or a GitHub App token; a classic token needs the repo scope)`
    : `the organization permission "Self-hosted runners: read" on ${scope.org} (a fine-grained personal access token or a GitHub App token; a classic token needs admin:org)`;
}

/**
 * Lists every self-hosted runner of a scope, every page: `GET /repos/{owner}/{repo}/actions/runners`
 * or `GET /orgs/{org}/actions/runners` (GitHub REST API, "Self-hosted runners"; `per_page=100`,
 * the largest page, then the Link header's `next` until there is none).
 * A repository's endpoint lists the runners registered on the repository only, not the
 * organization's runners the repository may use.
 *
 * @throws ActionError naming the permission to grant when GitHub answers 403, and the scope when it answers 404
 */
export async function listRunners(client: GitHubClient, scope: RunnerScope): Promise<Runner[]> {
  try {
    const runners =
      scope.kind === 'repository'
        ? await client.paginate(client.rest.actions.listSelfHostedRunnersForRepo, { owner: scope.owner, repo: scope.repo, per_page: 100 })
        : await client.paginate(client.rest.actions.listSelfHostedRunnersForOrg, { org: scope.org, per_page: 100 });
    return runners.map((runner) => ({
      id: runner.id,
      name: runner.name,
      os: runner.os,
      status: runner.status,
      busy: runner.busy,
      labels: runner.labels.map((label) => label.name),
    }));
  } catch (error) {
    const status = errorStatus(error);
    const message = error instanceof Error ? error.message : String(error);
    if (status === 403)
      throw new ActionError(`${runnersEndpoint(scope)} was refused (403 ${message}): the token needs ${runnersPermission(scope)}`, { cause: error });
    if (status === 404)
      throw new ActionError(
        `${runnersEndpoint(scope)} answered 404: ${describeScope(scope)} does not exist, or the token cannot see it (it needs ${runnersPermission(scope)})`,
        { cause: error },
      );
    throw new ActionError(`${runnersEndpoint(scope)} failed: ${message}`, { cause: error });
  }
}
