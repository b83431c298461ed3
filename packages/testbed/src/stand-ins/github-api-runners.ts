// The self-hosted runners endpoints check-runners reads, added to the GitHub stand-in (github-api.ts)
// through its `routes` hook. Each rule mirrors GitHub's REST API as its OpenAPI description
// (@octokit/openapi, operations actions/list-self-hosted-runners-for-repo and
// actions/list-self-hosted-runners-for-org; the `runner` and `runner-label` schemas) and GitHub's
// docs describe it:
//  - the answer is `{ total_count, runners }`, `total_count` counting every runner of the scope, one
//    page of at most 100 (`per_page`, default 30) with the Link header (rel next, last, prev, first);
//  - a runner has id, name, os, status (`online` | `offline`), busy, and labels `{ id, name, type }`,
//    `type` `read-only` for those the runner application adds (`self-hosted`, the OS, the
//    architecture: GitHub Docs, "Using labels with self-hosted runners") and `custom` for the others;
//  - the repository endpoint needs the fine-grained permission "Administration: read" (GitHub App
//    permission `administration`), the organization endpoint "Self-hosted runners: read"
//    (`organization_self_hosted_runners`); GitHub answers any other token 403 "Resource not
//    accessible by integration" (an installation token, the GITHUB_TOKEN included, which can be
//    given neither) or "Resource not accessible by personal access token"; an unknown organization
//    or repository is 404.
import type { components } from '@octokit/openapi-types';
import { NOT_ACCESSIBLE, type GitHubApiStandIn, type TokenIdentity } from './github-api.js';

/** A runner as GitHub's `runner` schema shapes it. */
export type RunnerPayload = components['schemas']['runner'];

const REPOSITORY_DOCS = 'https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-a-repository';
const ORGANIZATION_DOCS = 'https://docs.github.com/rest/actions/self-hosted-runners#list-self-hosted-runners-for-an-organization';

/** The runners the stand-in serves, by scope; tests change them between or during runs. */
export interface RunnerEndpoints {
  /** Runners registered on a repository, by `owner/name`. */
  readonly repositories: Map<string, RunnerPayload[]>;
  /** Runners registered on an organization, by login. */
  readonly organizations: Map<string, RunnerPayload[]>;
}

let nextId = 1;

/**
 * A runner as the runner application registers it (`config.sh --name <name> --labels <custom>`):
 * the read-only labels `self-hosted`, the OS (`Linux`, `macOS`, `Windows`) and the architecture
 * (`X64`, `ARM64`), then the custom labels.
 */
export function runner(
  name: string,
  options: { custom?: string[]; os?: 'Linux' | 'macOS' | 'Windows'; arch?: 'X64' | 'ARM64'; status?: 'online' | 'offline'; busy?: boolean } = {},
): RunnerPayload {
  const { custom = [], os = 'Linux', arch = 'X64', status = 'online', busy = false } = options;
  const id = nextId++;
  return {
    id,
    runner_group_id: 1,
    name,
    os: os.toLowerCase(),
    status,
    busy,
    ephemeral: false,
    version: '2.330.0',
    labels: [
      { id: 1, name: 'self-hosted', type: 'read-only' },
      { id: os === 'Linux' ? 2 : os === 'macOS' ? 3 : 4, name: os, type: 'read-only' },
      { id: arch === 'X64' ? 5 : 6, name: arch, type: 'read-only' },
      ...custom.map((label, index) => ({ id: 100 + index, name: label, type: 'custom' as const })),
    ],
  };
}

/** Whether a token may read the runners: its permission named, at read or write. Unset permissions grant nothing here. */
function granted(identity: TokenIdentity, permission: string): boolean {
  const level = identity.permissions?.[permission];
  return !identity.readOnly && (level === 'read' || level === 'write');
}

/** Adds GET /repos/{owner}/{repo}/actions/runners and GET /orgs/{org}/actions/runners to `api`. */
export function serveRunnerEndpoints(api: GitHubApiStandIn): RunnerEndpoints {
  const endpoints: RunnerEndpoints = { repositories: new Map(), organizations: new Map() };
  api.routes.push((context) => {
    const { method, url, response, request } = context;
    if (method !== 'GET') return false;
    const repository = context.repository && context.route === '/actions/runners' ? context.repository : undefined;
    const org = /^\/orgs\/([^/]+)\/actions\/runners$/.exec(url.pathname)?.[1];
    if (!repository && !org) return false;
    const identity = api.identity(request);
    const [permission, documentation, runners] = repository
      ? (['administration', REPOSITORY_DOCS, endpoints.repositories.get(repository)] as const)
      : (['organization_self_hosted_runners', ORGANIZATION_DOCS, endpoints.organizations.get(decodeURIComponent(org!))] as const);
    if (!runners) return (api.notFound(response), true);
    if (!granted(identity, permission)) {
      const refusal = NOT_ACCESSIBLE(documentation);
      if (!identity.installation) refusal.message = 'Resource not accessible by personal access token';
      return (api.send(response, 403, refusal), true);
    }
    // `name`: "The name of a self-hosted runner" — only runners of that name.
    const name = url.searchParams.get('name');
    const listed = name === null ? runners : runners.filter((entry) => entry.name === name);
    api.paginate(url, listed, (page) => ({ total_count: listed.length, runners: page }), response);
    return true;
  });
  return endpoints;
}
