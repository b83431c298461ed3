import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { components } from '@octokit/openapi-types';
import { closeServer, listenOnLoopback } from './loopback.js';

type Schemas = components['schemas'];

/** Objects of GitHub's REST schemas with only some fields filled: the fields the action reads, and the usual neighbours. */
export type Partial2<T> = T extends object ? { [K in keyof T]?: Partial2<T[K]> } : T;

export type PullRequest = Partial2<Schemas['pull-request']>;
export type Review = Partial2<Schemas['pull-request-review']>;
export type CheckRun = Partial2<Schemas['check-run']>;
export type Status = Partial2<Schemas['simple-commit-status']>;
export type Comment = Partial2<Schemas['issue-comment']>;
export type Permission = Partial2<Schemas['repository-collaborator-permission']>;
export type GitRef = Partial2<Schemas['git-ref']>;
export type Job = Partial2<Schemas['job']>;
export type WorkflowRun = Partial2<Schemas['workflow-run']>;
type BasicError = Schemas['basic-error'];

/**
 * The account a token acts as. An installation token (the GITHUB_TOKEN, an app's) is refused
 * GET /user with 403 "Resource not accessible by integration" and acts as the app's bot user;
 * a read-only one (the GITHUB_TOKEN of a fork's pull request) is refused every write with 403.
 */
export interface TokenIdentity {
  login: string;
  installation: boolean;
  readOnly?: boolean;
  /**
   * The token's permissions, as a job's `permissions:` names them (`contents`, `pull-requests`,
   * `issues`…; unnamed ones are `none`, as GitHub gives the GITHUB_TOKEN). Unset: every permission.
   * A write needs its scope at `write` and is otherwise answered 403 "Resource not accessible by
   * integration"; reads are not checked: the repositories served are public, and GitHub's
   * "Permissions required for fine-grained personal access tokens" says public resources can be
   * read without the permission.
   */
  permissions?: Readonly<Record<string, string>>;
}

/** Whether `identity` may write through an endpoint that accepts any one of `scopes` at `write` (GitHub's "Additional permissions"). */
export function mayWrite(identity: TokenIdentity, scopes: readonly string[]): boolean {
  if (identity.readOnly) return false;
  if (!identity.permissions) return true;
  return scopes.some((scope) => identity.permissions![scope] === 'write');
}

/** What the stand-in received, and what it answered. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, with its `?`; empty when none. */
  query: string;
  status?: number;
  /** The JSON body answered (or the text of a raw answer). */
  body?: unknown;
}

/** A fault to inject: the next `times` requests matching `method` and `path` get this answer. */
export interface Fault {
  method?: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Drop the connection instead of answering. */
  reset?: boolean;
  times: number;
}

/** The state the stand-in serves for one repository. */
export interface GitHubState {
  pulls: Map<number, PullRequest>;
  reviews: Map<number, Review[]>;
  permissions: Map<string, 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>;
  checkRuns: Map<string, CheckRun[]>;
  statuses: Map<string, Status[]>;
  tags: string[];
  /** Files by commit SHA, then by path. */
  files: Map<string, Map<string, string>>;
  comments: Map<number, Comment[]>;
  defaultBranch: string;
  /** Branch heads: branch name → commit SHA (GET …/branches/{branch}). */
  branches: Map<string, string>;
  /** Submodule gitlinks by commit SHA, then by path → the submodule's commit (git trees, mode 160000). */
  gitlinks: Map<string, Map<string, string>>;
  /** Commits' parents by SHA (GET …/git/commits/{commit_sha}). */
  parents: Map<string, string[]>;
  /** Workflow runs (GET …/actions/runs?head_sha=…). */
  workflowRuns: WorkflowRun[];
  /** Jobs by workflow run id (GET …/actions/runs/{run_id}/jobs). */
  jobs: Map<string, Job[]>;
  /** Branch protection by branch name (see {@link BranchProtection}). */
  protection: Map<string, BranchProtection>;
}

/**
 * A branch's protection, as classic branch protection rules set it (REST repos/update-branch-protection:
 * required_status_checks.contexts, required_pull_request_reviews.required_approving_review_count,
 * restrictions.users, enforce_admins), the parts the stand-in enforces.
 */
export interface BranchProtection {
  /** Check runs (by name) or commit statuses (by context) that must have succeeded on a pull request's head before it merges. */
  requiredStatusChecks?: readonly string[];
  /** Approving reviews, by collaborators with write access, a pull request needs before it merges. */
  requiredApprovingReviewCount?: number;
  /** Restrict who can push: only these accounts may push to the branch (merging through the API is not a push); unset, anyone with write access. */
  pushAllowances?: readonly string[];
  /** Apply the rules to administrators too (enforce_admins); GitHub's default is false: an admin's merge bypasses them. */
  enforceAdmins?: boolean;
}

/**
 * What blocks merging `pr` into its base branch under the base branch's protection in `state`: GitHub's
 * messages, in the order it checks them, empty when nothing does. Approvals: a reviewer with write
 * access counts when their latest approving or change-requesting review approves ("At least N approving
 * review(s) is/are required by reviewers with write access."); required checks:
 * the head commit's latest check run of that name, or commit status of that context, must be
 * successful (success, neutral or skipped): "Required status check \"<name>\" is expected." (none
 * yet), "… is in progress." (not completed), "… is failing." (completed otherwise). Used by the REST
 * merge and by auto-merge, which waits until it is empty.
 */
export function mergeBlockers(state: GitHubState, pr: PullRequest): string[] {
  const protection = state.protection.get(pr.base?.ref ?? '');
  if (!protection) return [];
  const blockers: string[] = [];
  const wanted = protection.requiredApprovingReviewCount ?? 0;
  if (wanted > 0) {
    const latest = new Map<string, string>();
    for (const review of state.reviews.get(pr.number ?? 0) ?? [])
      if (review.user?.login && review.state !== 'COMMENTED') latest.set(review.user.login, review.state ?? '');
    const writers = [...latest].filter(([login]) => ['write', 'maintain', 'admin'].includes(state.permissions.get(login) ?? 'read'));
    if (writers.filter(([, reviewState]) => reviewState === 'APPROVED').length < wanted)
      blockers.push(`At least ${wanted} approving review${wanted === 1 ? ' is' : 's are'} required by reviewers with write access.`);
    // "About protected branches": a change request by a reviewer with write access blocks the merge until they
    // approve or their review is dismissed, whatever the other approvals.
    const changes = writers.filter(([, reviewState]) => reviewState === 'CHANGES_REQUESTED').map(([login]) => login);
    if (changes.length) blockers.push(`Changes requested by ${changes.join(', ')}: blocked until they approve or their review is dismissed.`);
  }
  const sha = pr.head?.sha ?? '';
  for (const name of protection.requiredStatusChecks ?? []) {
    const runs = (state.checkRuns.get(sha) ?? []).filter((run) => run.name === name);
    const run = runs.reduce<CheckRun | undefined>((last, entry) => (!last || (entry.id ?? 0) >= (last.id ?? 0) ? entry : last), undefined);
    const status = (state.statuses.get(sha) ?? []).filter((entry) => entry.context === name).at(-1);
    if (!run && !status) blockers.push(`Required status check "${name}" is expected.`);
    else if (run ? run.status !== 'completed' : status!.state === 'pending') blockers.push(`Required status check "${name}" is in progress.`);
    else if (run ? !['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') : status!.state !== 'success')
      blockers.push(`Required status check "${name}" is failing.`);
  }
  return blockers;
}

/**
 * The refs `login` may not push to in `state`'s repository (branches whose protection restricts
 * pushes to other accounts), each with the lines GitHub's pre-receive answers (GH006).
 */
export function pushRefusals(state: GitHubState, login: string): { ref: string; lines: string[] }[] {
  return [...state.protection]
    .filter(([, protection]) => protection.pushAllowances !== undefined && !protection.pushAllowances.includes(login))
    .map(([branch]) => ({
      ref: `refs/heads/${branch}`,
      lines: [
        `GH006: Protected branch update failed for refs/heads/${branch}.`,
        "You're not authorized to push to this branch. Visit https://docs.github.com/articles/about-protected-branches/ for more information.",
      ],
    }));
}

export function emptyState(): GitHubState {
  return {
    pulls: new Map(),
    reviews: new Map(),
    permissions: new Map(),
    checkRuns: new Map(),
    statuses: new Map(),
    tags: [],
    files: new Map(),
    comments: new Map(),
    defaultBranch: 'main',
    branches: new Map(),
    gitlinks: new Map(),
    parents: new Map(),
    workflowRuns: [],
    jobs: new Map(),
    protection: new Map(),
  };
}

/** The account of a token no test registered: the workflow's GITHUB_TOKEN, an installation token of GitHub Actions. */
export const GITHUB_ACTIONS_BOT: TokenIdentity = { login: 'github-actions[bot]', installation: true };

export const NOT_ACCESSIBLE = (documentation: string): BasicError => ({
  message: 'Resource not accessible by integration',
  documentation_url: documentation,
  status: '403',
});

/** The token a request authenticates with (`Authorization: token …` or `Bearer …`), or undefined. */
export function presentedToken(request: IncomingMessage): string | undefined {
  return /^(?:token|bearer)\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** A user as GitHub's simple-user schema shapes it: every field it requires (the webhook schemas' `user` too). */
export function user(login: string, id = login.length * 1000 + login.charCodeAt(0)): Partial2<Schemas['simple-user']> {
  const api = `https://api.github.com/users/${login}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

/**
 * A public repository as GitHub's `repository` schema shapes it (REST's head.repo and base.repo of a
 * pull request; the webhooks' `repository`): every field the webhook schema requires, and none it does
 * not know. API URLs under `apiUrl` (https://api.github.com on GitHub), the owner an organization.
 */
export function repositoryObject(apiUrl: string, fullName: string, defaultBranch: string): Record<string, unknown> {
  const [owner = '', name = ''] = fullName.split('/');
  const api = `${apiUrl}/repos/${fullName}`;
  const html = `https://github.com/${fullName}`;
  const id = 700_000_000 + [...fullName].reduce((sum, character) => (sum * 31 + character.charCodeAt(0)) % 1_000_000, 0);
  const urls: Record<string, string> = Object.fromEntries(
    (
      [
        ['forks_url', '/forks'],
        ['keys_url', '/keys{/key_id}'],
        ['collaborators_url', '/collaborators{/collaborator}'],
        ['teams_url', '/teams'],
        ['hooks_url', '/hooks'],
        ['issue_events_url', '/issues/events{/number}'],
        ['events_url', '/events'],
        ['assignees_url', '/assignees{/user}'],
        ['branches_url', '/branches{/branch}'],
        ['tags_url', '/tags'],
        ['blobs_url', '/git/blobs{/sha}'],
        ['git_tags_url', '/git/tags{/sha}'],
        ['git_refs_url', '/git/refs{/sha}'],
        ['trees_url', '/git/trees{/sha}'],
        ['statuses_url', '/statuses/{sha}'],
        ['languages_url', '/languages'],
        ['stargazers_url', '/stargazers'],
        ['contributors_url', '/contributors'],
        ['subscribers_url', '/subscribers'],
        ['subscription_url', '/subscription'],
        ['commits_url', '/commits{/sha}'],
        ['git_commits_url', '/git/commits{/sha}'],
        ['comments_url', '/comments{/number}'],
        ['issue_comment_url', '/issues/comments{/number}'],
        ['contents_url', '/contents/{+path}'],
        ['compare_url', '/compare/{base}...{head}'],
        ['merges_url', '/merges'],
        ['archive_url', '/{archive_format}{/ref}'],
        ['downloads_url', '/downloads'],
        ['issues_url', '/issues{/number}'],
        ['pulls_url', '/pulls{/number}'],
        ['milestones_url', '/milestones{/number}'],
        ['notifications_url', '/notifications{?since,all,participating}'],
        ['labels_url', '/labels{/name}'],
        ['releases_url', '/releases{/id}'],
        ['deployments_url', '/deployments'],
      ] as const
    ).map(([key, suffix]) => [key, `${api}${suffix}`]),
  );
  return {
    id,
    node_id: `R_${Buffer.from(fullName).toString('base64url')}`,
    name,
    full_name: fullName,
    private: false,
    owner: { ...user(owner), type: 'Organization' },
    html_url: html,
    description: null,
    fork: false,
    url: api,
    ...urls,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    pushed_at: '2026-01-01T00:00:00Z',
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    open_issues_count: 0,
    license: null,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: defaultBranch,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: 'public',
    custom_properties: {},
  };
}

/** What a route of the stand-in receives. */
export interface RouteContext {
  readonly method: string;
  readonly url: URL;
  /** The path after `/repos/{owner}/{repo}`, e.g. `/pulls/42`; the whole path for other endpoints. */
  readonly route: string;
  /** The repository named in the path (`owner/repo`), when the path is under `/repos/`. */
  readonly repository?: string;
  /** That repository's state; undefined for an unknown repository and for paths outside `/repos/`. */
  readonly state?: GitHubState;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

/** An extra route: answers and returns true, or returns false to let the next route try. */
export type Route = (context: RouteContext, api: GitHubApiStandIn) => boolean | Promise<boolean>;

/**
 * A stand-in for GitHub's REST API on 127.0.0.1, answering the endpoints the actions use with GitHub's payload shapes,
 * Link pagination, 404s, rate limits and injected faults. It serves several repositories (`repository(fullName)`),
 * the first one being `owner/repo`; tests and other modules add endpoints with `routes`.
 */
export class GitHubApiStandIn {
  /** Repositories' states by `owner/repo`. */
  readonly repositories = new Map<string, GitHubState>();
  /** The state of `owner/repo`, the repository given to the constructor. */
  readonly state: GitHubState;
  /** Extra routes, tried in order before the built-in ones. */
  readonly routes: Route[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  /** Accounts by token (`authorization: token …` or `Bearer …`); other tokens act as {@link GITHUB_ACTIONS_BOT}. */
  readonly tokens = new Map<string, TokenIdentity>();
  /** Tokens revoked (DELETE /installation/token): every request presenting one is answered 401 "Bad credentials". */
  readonly revokedTokens = new Set<string>();
  /** GraphQL queries received (POST /graphql). */
  readonly graphqlQueries: string[] = [];
  private readonly recorded = new WeakMap<ServerResponse, RecordedRequest>();
  private server?: Server;
  private nextCommentId = 1000;
  url = '';

  constructor(
    readonly owner: string,
    readonly repo: string,
  ) {
    this.state = this.repository(`${owner}/${repo}`);
  }

  /** The state of a repository, created empty on first use. */
  repository(fullName: string): GitHubState {
    let state = this.repositories.get(fullName);
    if (!state) this.repositories.set(fullName, (state = emptyState()));
    return state;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Protects `branch` of `repository` (see {@link BranchProtection}), as a maintainer sets a branch protection rule; undefined removes it. */
  protect(repository: string, branch: string, protection: BranchProtection | undefined): void {
    const state = this.repository(repository);
    if (protection) state.protection.set(branch, protection);
    else state.protection.delete(branch);
  }

  /** REST requests received, fault answers included. */
  count(): number {
    return this.requests.length;
  }

  send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const record = this.recorded.get(response);
    if (record) Object.assign(record, { status, body });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, {
      'content-type': typeof body === 'string' ? 'application/vnd.github.raw; charset=utf-8' : 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-github-api-version-selected': '2022-11-28',
      ...headers,
    });
    response.end(text);
  }

  notFound(response: ServerResponse): void {
    const body: BasicError = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };
    this.send(response, 404, body);
  }

  /** Sends one page of `items` with GitHub's Link header (rel next/last/prev/first). */
  paginate<T>(request: URL, items: readonly T[], wrap: (page: T[]) => unknown, response: ServerResponse): void {
    const perPage = Math.min(100, Number(request.searchParams.get('per_page') ?? 30));
    const page = Number(request.searchParams.get('page') ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (target: number, rel: string): string => {
      const next = new URL(request);
      next.searchParams.set('page', String(target));
      next.searchParams.set('per_page', String(perPage));
      return `<${this.url}${next.pathname}${next.search}>; rel="${rel}"`;
    };
    const links = [
      page > 1 ? link(page - 1, 'prev') : '',
      page < last ? link(page + 1, 'next') : '',
      page < last ? link(last, 'last') : '',
      page > 1 ? link(1, 'first') : '',
    ].filter(Boolean);
    this.send(response, 200, wrap(items.slice((page - 1) * perPage, page * perPage)), links.length ? { link: links.join(', ') } : {});
  }

  async body(request: IncomingMessage): Promise<Record<string, unknown>> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = request.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, query: url.search };
    this.requests.push(record);
    this.recorded.set(response, record);
    const fault = this.faults.find((entry) => entry.times > 0 && entry.path.test(url.pathname) && (!entry.method || entry.method === method));
    if (fault) {
      fault.times -= 1;
      if (fault.reset) return void request.socket.destroy();
      return this.send(response, fault.status, fault.body ?? { message: `HTTP ${fault.status}` }, fault.headers);
    }
    // A revoked token authenticates nothing: 401, as GitHub answers an invalid token.
    const presented = presentedToken(request);
    if (presented && this.revokedTokens.has(presented))
      return this.send(response, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const repositoryMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const repository = repositoryMatch ? `${decodeURIComponent(repositoryMatch[1]!)}/${decodeURIComponent(repositoryMatch[2]!)}` : undefined;
    const context: RouteContext = {
      method,
      url,
      route: repositoryMatch ? (repositoryMatch[3] ?? '') : url.pathname,
      request,
      response,
      ...(repository ? { repository } : {}),
      ...(repository && this.repositories.has(repository) ? { state: this.repositories.get(repository)! } : {}),
    };
    for (const extra of this.routes) if (await extra(context, this)) return;
    const identity = this.identity(request);
    if (method === 'GET' && url.pathname === '/user') {
      // GET /user: "Resource not accessible by integration" for installation tokens.
      if (identity.installation) return this.send(response, 403, NOT_ACCESSIBLE('https://docs.github.com/rest/users/users#get-the-authenticated-user'));
      return this.send(response, 200, { ...user(identity.login), user_view_type: 'private', name: identity.login, created_at: '2020-01-01T00:00:00Z' });
    }
    if (method === 'POST' && url.pathname === '/graphql') return this.graphql(request, response, identity);
    if (!repository || !context.state) return this.notFound(response);
    const prefix = `/repos/${repository}`;
    const route = context.route;
    const state = context.state!;
    const [owner, repo] = repository.split('/') as [string, string];
    let match: RegExpExecArray | null;

    if (method === 'GET' && (match = /^\/pulls\/(\d+)$/.exec(route))) {
      const pr = state.pulls.get(Number(match[1]));
      return pr ? this.send(response, 200, pr) : this.notFound(response);
    }
    if (method === 'GET' && route === '/pulls') {
      // GET /repos/{owner}/{repo}/pulls (pulls/list): `state` open (the default), closed or all; `head` as
      // `user:ref-name` or `organization:ref-name` (the head repository's owner and the branch); `base` the base
      // branch's name; newest first (sort=created, direction=desc, the defaults); paginated.
      const wanted = url.searchParams.get('state') ?? 'open';
      if (!['open', 'closed', 'all'].includes(wanted))
        return this.send(response, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', field: 'state', code: 'invalid' }],
          documentation_url: 'https://docs.github.com/rest/pulls/pulls#list-pull-requests',
        });
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      const [headOwner, headRef] = head?.includes(':') ? [head.slice(0, head.indexOf(':')), head.slice(head.indexOf(':') + 1)] : [undefined, head];
      const pulls = [...state.pulls.values()]
        .filter((pr) => wanted === 'all' || pr.state === wanted)
        .filter(
          (pr) =>
            head === null || (pr.head?.ref === headRef && (headOwner === undefined || pr.head?.repo?.owner?.login?.toLowerCase() === headOwner.toLowerCase())),
        )
        .filter((pr) => base === null || pr.base?.ref === base)
        .sort((a, b) => (b.number ?? 0) - (a.number ?? 0));
      return this.paginate(url, pulls, (page) => page, response);
    }
    if (method === 'GET' && (match = /^\/pulls\/(\d+)\/reviews$/.exec(route))) {
      if (!state.pulls.has(Number(match[1]))) return this.notFound(response);
      return this.paginate(url, state.reviews.get(Number(match[1])) ?? [], (page) => page, response);
    }
    if (method === 'GET' && (match = /^\/collaborators\/([^/]+)\/permission$/.exec(route))) {
      const login = decodeURIComponent(match[1]!);
      const role = state.permissions.get(login) ?? 'read';
      const legacy = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      const body: Permission = {
        permission: legacy,
        role_name: role,
        user: {
          ...user(login),
          permissions: {
            admin: role === 'admin',
            maintain: role === 'maintain' || role === 'admin',
            push: ['write', 'maintain', 'admin'].includes(role),
            triage: role !== 'read' && role !== 'none',
            pull: role !== 'none',
          },
          role_name: role,
        },
      };
      return this.send(response, 200, body);
    }
    if (method === 'GET' && (match = /^\/commits\/([^/]+)\/check-runs$/.exec(route))) {
      const every = state.checkRuns.get(match[1]!) ?? [];
      // filter=latest (the default): the most recent check run of each name in each check suite (a re-run replaces the run it re-runs).
      const latest = new Map<string, CheckRun>();
      for (const run of every) {
        const key = `${run.check_suite?.id ?? 0}\u0000${run.name ?? ''}`;
        const known = latest.get(key);
        if (!known || (run.id ?? 0) > (known.id ?? 0)) latest.set(key, run);
      }
      const runs =
        url.searchParams.get('filter') === 'all' ? every : every.filter((run) => latest.get(`${run.check_suite?.id ?? 0}\u0000${run.name ?? ''}`) === run);
      return this.paginate(url, runs, (page) => ({ total_count: runs.length, check_runs: page }), response);
    }
    if (method === 'GET' && (match = /^\/commits\/([^/]+)\/status$/.exec(route))) {
      const statuses = state.statuses.get(match[1]!) ?? [];
      const combined = statuses.some((status) => status.state === 'failure' || status.state === 'error')
        ? 'failure'
        : statuses.some((status) => status.state === 'pending') || statuses.length === 0
          ? 'pending'
          : 'success';
      return this.paginate(
        url,
        statuses,
        (page) => ({
          state: combined,
          sha: match![1],
          total_count: statuses.length,
          statuses: page,
          commit_url: `${this.url}${prefix}/commits/${match![1]}`,
          url: `${this.url}${prefix}/commits/${match![1]}/status`,
        }),
        response,
      );
    }
    if (method === 'GET' && route === '/git/matching-refs/tags') {
      const refs: GitRef[] = state.tags.map((tag, index) => ({
        ref: `refs/tags/${tag}`,
        node_id: `REF_${index}`,
        url: `${this.url}${prefix}/git/refs/tags/${tag}`,
        object: { type: 'tag', sha: index.toString(16).padStart(40, '0'), url: `${this.url}${prefix}/git/tags/${index}` },
      }));
      return this.send(response, 200, refs);
    }
    if (method === 'GET' && route === '') {
      return this.send(response, 200, {
        id: 1,
        node_id: 'R_1',
        name: repo,
        full_name: repository,
        owner: user(owner),
        private: false,
        html_url: `https://github.com/${repository}`,
        default_branch: state.defaultBranch,
      });
    }
    if (method === 'GET' && (match = /^\/branches\/(.+)$/.exec(route))) {
      const name = decodeURIComponent(match[1]!);
      const sha = state.branches.get(name);
      if (!sha)
        return this.send(response, 404, {
          message: 'Branch not found',
          documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch',
          status: '404',
        });
      return this.send(response, 200, {
        name,
        commit: { sha, url: `${this.url}${prefix}/commits/${sha}`, node_id: `C_${sha.slice(0, 8)}` },
        protected: state.protection.has(name),
        _links: { self: `${this.url}${prefix}/branches/${name}`, html: `https://github.com/${repository}/tree/${name}` },
        protection_url: `${this.url}${prefix}/branches/${name}/protection`,
      });
    }
    if (method === 'GET' && (match = /^\/git\/trees\/([^/]+)$/.exec(route))) return this.tree(url, match[1]!, state, prefix, response);
    if (method === 'GET' && (match = /^\/git\/commits\/([0-9a-f]{40})$/.exec(route))) {
      const parents = state.parents.get(match[1]!);
      if (!parents) return this.notFound(response);
      return this.send(response, 200, {
        sha: match[1],
        node_id: `C_${match[1]!.slice(0, 8)}`,
        url: `${this.url}${prefix}/git/commits/${match[1]}`,
        html_url: `https://github.com/${repository}/commit/${match[1]}`,
        message: parents.length > 1 ? 'Merge pull request' : 'A commit',
        tree: { sha: 'f'.repeat(40), url: `${this.url}${prefix}/git/trees/${'f'.repeat(40)}` },
        parents: parents.map((sha) => ({ sha, url: `${this.url}${prefix}/git/commits/${sha}`, html_url: `https://github.com/${repository}/commit/${sha}` })),
      });
    }
    if (method === 'GET' && (match = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(route))) {
      // Pull requests associated with a commit: those it is the head of, and the merged one it is the merge commit of.
      const sha = match[1]!;
      const pulls = [...state.pulls.values()].filter((pr) => pr.head?.sha === sha || (pr.merged_at && pr.merge_commit_sha === sha));
      return this.paginate(url, pulls, (page) => page, response);
    }
    if (method === 'GET' && route === '/actions/runs') {
      const sha = url.searchParams.get('head_sha');
      const runs = state.workflowRuns.filter((run) => !sha || run.head_sha === sha);
      return this.paginate(url, runs, (page) => ({ total_count: runs.length, workflow_runs: page }), response);
    }
    if (method === 'GET' && (match = /^\/actions\/runs\/(\d+)\/jobs$/.exec(route))) {
      const all = state.jobs.get(match[1]!);
      if (!all) return this.notFound(response);
      // filter=latest (the default): the jobs of the latest attempt only.
      const attempt = Math.max(...all.map((job) => job.run_attempt ?? 1));
      const jobs = url.searchParams.get('filter') === 'all' ? all : all.filter((job) => (job.run_attempt ?? 1) === attempt);
      return this.paginate(url, jobs, (page) => ({ total_count: jobs.length, jobs: page }), response);
    }
    if (method === 'GET' && (match = /^\/contents\/(.+)$/.exec(route))) {
      const text = state.files.get(url.searchParams.get('ref') ?? '')?.get(decodeURIComponent(match[1]!));
      if (text === undefined) return this.notFound(response);
      if ((request.headers.accept ?? '').includes('raw')) return this.send(response, 200, text);
      return this.send(response, 200, {
        type: 'file',
        encoding: 'base64',
        content: Buffer.from(text).toString('base64'),
        path: match[1],
        name: match[1]!.split('/').pop(),
        size: text.length,
      });
    }
    if ((match = /^\/issues\/(\d+)\/comments$/.exec(route))) {
      const number = Number(match[1]);
      if (!state.pulls.has(number)) return this.notFound(response);
      const comments = state.comments.get(number) ?? [];
      if (method === 'GET') return this.paginate(url, comments, (page) => page, response);
      if (method === 'POST') {
        // "Create an issue comment" on a pull request: Issues or Pull requests, write.
        if (!mayWrite(identity, ['issues', 'pull-requests']))
          return this.send(response, 403, NOT_ACCESSIBLE('https://docs.github.com/rest/issues/comments#create-an-issue-comment'));
        const { body } = await this.body(request);
        const id = (this.nextCommentId += 1);
        const comment: Comment = {
          id,
          body: String(body),
          user: identity.login === GITHUB_ACTIONS_BOT.login ? user(identity.login, 41898282) : user(identity.login),
          html_url: `https://github.com/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
          author_association: 'NONE',
        };
        state.comments.set(number, [...comments, comment]);
        const pr = state.pulls.get(number)!;
        pr.comments = (pr.comments ?? 0) + 1;
        return this.send(response, 201, comment);
      }
    }
    if (method === 'PATCH' && (match = /^\/issues\/comments\/(\d+)$/.exec(route))) {
      if (!mayWrite(identity, ['issues', 'pull-requests']))
        return this.send(response, 403, NOT_ACCESSIBLE('https://docs.github.com/rest/issues/comments#update-an-issue-comment'));
      const { body } = await this.body(request);
      const comment = [...state.comments.values()].flat().find((entry) => entry.id === Number(match![1]));
      if (!comment) return this.notFound(response);
      comment.body = String(body);
      comment.updated_at = new Date().toISOString();
      return this.send(response, 200, comment);
    }
    return this.notFound(response);
  }

  /** The account of the request's token. */
  identity(request: IncomingMessage): TokenIdentity {
    const token = presentedToken(request);
    return (token && this.tokens.get(token)) || GITHUB_ACTIONS_BOT;
  }

  /** POST /graphql: answers `viewer { login }` (the account the token acts as, the bot user for installation tokens); other queries get a GraphQL error. */
  private async graphql(request: IncomingMessage, response: ServerResponse, identity: TokenIdentity): Promise<void> {
    const { query } = await this.body(request);
    this.graphqlQueries.push(String(query));
    if (/^\s*(?:query\s*(?:\w+\s*)?)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(String(query)))
      return this.send(response, 200, { data: { viewer: { login: identity.login } } });
    return this.send(response, 200, { errors: [{ message: 'The stand-in answers only { viewer { login } }', locations: [] }] });
  }

  /** GET …/git/trees/{tree_sha}: the commit's files (blobs), directories (trees) and gitlinks (commits, mode 160000); `recursive` lists every level. */
  private tree(url: URL, sha: string, state: GitHubState, prefix: string, response: ServerResponse): void {
    const files = state.files.get(sha);
    const gitlinks = state.gitlinks.get(sha);
    if (!files && !gitlinks) return this.notFound(response);
    const recursive = url.searchParams.has('recursive');
    const entries = new Map<string, { path: string; mode: string; type: string; sha: string; size?: number; url?: string }>();
    const hash = (text: string) => Buffer.from(text).toString('hex').padEnd(40, '0').slice(0, 40);
    const addDirectories = (path: string) => {
      const parts = path.split('/');
      for (let depth = 1; depth < parts.length; depth += 1) {
        const directory = parts.slice(0, depth).join('/');
        entries.set(directory, {
          path: directory,
          mode: '040000',
          type: 'tree',
          sha: hash(directory),
          url: `${this.url}${prefix}/git/trees/${hash(directory)}`,
        });
      }
    };
    for (const [path, text] of files ?? []) {
      addDirectories(path);
      entries.set(path, {
        path,
        mode: '100644',
        type: 'blob',
        sha: hash(text),
        size: Buffer.byteLength(text),
        url: `${this.url}${prefix}/git/blobs/${hash(text)}`,
      });
    }
    for (const [path, commit] of gitlinks ?? []) {
      addDirectories(path);
      entries.set(path, { path, mode: '160000', type: 'commit', sha: commit });
    }
    const tree = [...entries.values()].filter((entry) => recursive || !entry.path.includes('/')).sort((a, b) => a.path.localeCompare(b.path));
    return this.send(response, 200, { sha, url: `${this.url}${prefix}/git/trees/${sha}`, tree, truncated: false });
  }
}
