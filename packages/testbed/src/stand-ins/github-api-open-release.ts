// The endpoints open-release-pr adds to the GitHub stand-in (github-api.ts), through its `routes` hook,
// for repositories backed by real bare git repositories (github-api-release.ts serves their branches,
// tags, generated notes, pull requests opened, and merges): the repository's settings, pull requests listed
// and edited, labels, requested reviewers, and GraphQL's enablePullRequestAutoMerge with the pull requests'
// node ids. Each rule mirrors GitHub's REST API as its OpenAPI description (@octokit/openapi-types,
// operations repos/get, pulls/list, pulls/update, issues/add-labels,
// pulls/request-reviewers) and GitHub's GraphQL schema (@octokit/graphql-schema, mutation
// enablePullRequestAutoMerge: every query is validated against it); writes need the token's
// permission as "Permissions required for fine-grained personal access tokens" lists it. Where the
// docs give no message text, the text is the one GitHub answers today, as API clients quote it.
import type { components } from '@octokit/openapi-types';
import { validate as validateGraphQL } from '@octokit/graphql-schema';
import { NOT_ACCESSIBLE, mayWrite, user, type GitHubApiStandIn, type PullRequest, type RouteContext, type TokenIdentity } from './github-api.js';
import { pullRequestNodeId as nodeId, type ReleaseEndpoints } from './github-api-release.js';

type Schemas = components['schemas'];
type ValidationError = Schemas['validation-error'];

/** A repository's merge settings (full-repository: allow_merge_commit, allow_squash_merge, allow_rebase_merge, allow_auto_merge). */
export interface MergeSettings {
  allow_merge_commit: boolean;
  allow_squash_merge: boolean;
  allow_rebase_merge: boolean;
  allow_auto_merge: boolean;
}

/** GitHub's defaults for a new repository: every merge method allowed, auto-merge off. Exegol's release repositories turn auto-merge on. */
export const DEFAULT_MERGE_SETTINGS: MergeSettings = { allow_merge_commit: true, allow_squash_merge: true, allow_rebase_merge: true, allow_auto_merge: false };

/**
 * Why a repository with `settings` refuses merge method `method` (`merge`, `squash`, `rebase`, any case),
 * in GitHub's words ("Squash merges are not allowed on this repository."), or undefined when it allows it.
 */
export function mergeMethodRefusal(settings: MergeSettings, method: string): string | undefined {
  const methods: Record<string, [keyof MergeSettings, string]> = {
    merge: ['allow_merge_commit', 'Merge commits are not allowed on this repository.'],
    squash: ['allow_squash_merge', 'Squash merges are not allowed on this repository.'],
    rebase: ['allow_rebase_merge', 'Rebase merges are not allowed on this repository.'],
  };
  const [setting, refusal] = methods[method.toLowerCase()] ?? ['allow_merge_commit', `Unknown merge method ${method}`];
  return settings[setting] ? undefined : refusal;
}

/** What the open-release endpoints serve and record. */
export interface OpenReleaseEndpoints {
  /** Merge settings by `owner/name` (unset: {@link DEFAULT_MERGE_SETTINGS}). */
  readonly settings: Map<string, MergeSettings>;
  /** Every GraphQL mutation received, with its variables and whether it was answered with errors. */
  readonly mutations: { query: string; variables: Record<string, unknown>; errors: string[] }[];
}

const validation = (message: string, documentation: string, errors: NonNullable<ValidationError['errors']>): Record<string, unknown> => ({
  message,
  documentation_url: documentation,
  errors,
});

/**
 * Adds the open-release endpoints to `api`, tried before every other route. Pull requests are those
 * of the stand-in's state (github-api-release.ts merges them; tests add merged ones for the notes).
 *
 * @param cloneUrl the `clone_url` of a repository: where the git stand-in serves it
 */
export function serveOpenReleaseEndpoints(api: GitHubApiStandIn, release: ReleaseEndpoints, cloneUrl: (fullName: string) => string): OpenReleaseEndpoints {
  const settings = new Map<string, MergeSettings>();
  const mutations: OpenReleaseEndpoints['mutations'] = [];
  const settingsOf = (repository: string): MergeSettings => settings.get(repository) ?? DEFAULT_MERGE_SETTINGS;
  // The REST merge (github-api-release.ts) refuses the methods these settings do not allow.
  release.mergeMethodRefusal = (repository, method) => mergeMethodRefusal(settingsOf(repository), method);
  const refused = (context: RouteContext, documentation: string): void => api.send(context.response, 403, NOT_ACCESSIBLE(documentation));

  /** Fills, in the state, the fields every pull request answer carries (pull-request schema); writes call it before they change them. */
  const complete = (repository: string, pr: PullRequest): PullRequest => {
    pr.node_id = nodeId(repository, pr.number!);
    pr.labels ??= [];
    pr.auto_merge ??= null;
    pr.requested_reviewers ??= [];
    pr.requested_teams ??= [];
    return pr;
  };
  /** A pull request as a read answers it: a copy with those fields filled, the state left as it is. */
  const view = (repository: string, pr: PullRequest): PullRequest => complete(repository, structuredClone(pr));

  /** GET /repos/{owner}/{repo} (repos/get, full-repository): the clone URL, the merge settings, and `permissions` for the token. */
  const getRepository = (context: RouteContext, identity: TokenIdentity): void => {
    const repository = context.repository!;
    const [owner, name] = repository.split('/') as [string, string];
    const push = mayWrite(identity, ['contents']);
    api.send(context.response, 200, {
      id: 1,
      node_id: `R_${Buffer.from(repository).toString('base64url')}`,
      name,
      full_name: repository,
      owner: user(owner),
      private: false,
      html_url: `https://github.com/${repository}`,
      clone_url: cloneUrl(repository),
      default_branch: context.state!.defaultBranch,
      ...settingsOf(repository),
      permissions: { admin: false, maintain: false, push, triage: push, pull: true },
    });
  };

  /** GET …/pulls (pulls/list): `state` (default open), `head` (`owner:branch`), `base`; newest first, paginated. */
  const listPulls = (context: RouteContext): void => {
    const repository = context.repository!;
    const query = context.url.searchParams;
    const state = query.get('state') ?? 'open';
    const head = query.get('head');
    const base = query.get('base');
    const pulls = [...context.state!.pulls.values()]
      .filter((pr) => state === 'all' || pr.state === state)
      .filter((pr) => !head || pr.head?.label === head)
      .filter((pr) => !base || pr.base?.ref === base)
      .sort((a, b) => b.number! - a.number!)
      .map((pr) => view(repository, pr));
    api.paginate(context.url, pulls, (page) => page, context.response);
  };

  /** PATCH …/pulls/{pull_number} (pulls/update): title, body, state, base. Pull requests: write. */
  const updatePull = async (context: RouteContext, identity: TokenIdentity, number: number): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request';
    if (!mayWrite(identity, ['pull-requests'])) return refused(context, documentation);
    const pr = context.state!.pulls.get(number);
    if (!pr) return api.notFound(context.response);
    const body = await api.body(context.request);
    if (body['state'] !== undefined && body['state'] !== 'open' && body['state'] !== 'closed')
      return api.send(context.response, 422, validation('Validation Failed', documentation, [{ resource: 'PullRequest', field: 'state', code: 'invalid' }]));
    if (typeof body['title'] === 'string') pr.title = body['title'];
    if (typeof body['body'] === 'string') pr.body = body['body'];
    if (body['state'] === 'closed') Object.assign(pr, { state: 'closed', closed_at: new Date().toISOString() });
    pr.updated_at = new Date().toISOString();
    api.send(context.response, 200, complete(context.repository!, pr));
  };

  /**
   * POST …/issues/{issue_number}/labels (issues/add-labels): adds labels to an issue or pull request,
   * creating the repository labels that do not exist yet. Issues or pull requests: write.
   */
  const addLabels = async (context: RouteContext, identity: TokenIdentity, number: number): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/issues/labels#add-labels-to-an-issue';
    if (!mayWrite(identity, ['issues', 'pull-requests'])) return refused(context, documentation);
    const pr = context.state!.pulls.get(number);
    if (!pr) return api.notFound(context.response);
    const body = await api.body(context.request);
    const names = Array.isArray(body['labels']) ? body['labels'].map(String) : [];
    if (names.length === 0)
      return api.send(context.response, 422, validation('Invalid request.', documentation, [{ resource: 'Label', field: 'labels', code: 'missing_field' }]));
    const labels = complete(context.repository!, pr).labels!;
    for (const name of names)
      if (!labels.some((label) => label?.name === name))
        labels.push({
          id: 7000 + labels.length,
          node_id: `LA_${name}`,
          url: `${api.url}/repos/${context.repository!}/labels/${encodeURIComponent(name)}`,
          name,
          color: 'ededed',
          default: false,
          description: null,
        });
    api.send(context.response, 200, labels);
  };

  /**
   * POST …/pulls/{pull_number}/requested_reviewers (pulls/request-reviewers). Pull requests: write.
   * 422 "Review cannot be requested from pull request author." and, for someone who is not a
   * collaborator, "Reviews may only be requested from collaborators. …".
   */
  const requestReviewers = async (context: RouteContext, identity: TokenIdentity, number: number): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request';
    if (!mayWrite(identity, ['pull-requests'])) return refused(context, documentation);
    const pr = context.state!.pulls.get(number);
    if (!pr) return api.notFound(context.response);
    const body = await api.body(context.request);
    const reviewers = Array.isArray(body['reviewers']) ? body['reviewers'].map(String) : [];
    const teams = Array.isArray(body['team_reviewers']) ? body['team_reviewers'].map(String) : [];
    if (reviewers.some((login) => login.toLowerCase() === pr.user?.login?.toLowerCase()))
      return api.send(context.response, 422, { message: 'Review cannot be requested from pull request author.', documentation_url: documentation });
    const stranger = reviewers.find((login) => !context.state!.permissions.has(login));
    if (stranger)
      return api.send(context.response, 422, {
        message: `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${context.repository} repository.`,
        documentation_url: documentation,
      });
    complete(context.repository!, pr);
    for (const login of reviewers) if (!pr.requested_reviewers!.some((entry) => entry?.login === login)) pr.requested_reviewers!.push(user(login));
    for (const slug of teams)
      if (!pr.requested_teams!.some((entry) => entry?.slug === slug)) pr.requested_teams!.push({ slug, name: slug, id: 1, node_id: `T_${slug}` });
    api.send(context.response, 201, pr);
  };

  /**
   * POST /graphql with `enablePullRequestAutoMerge(input: {pullRequestId, mergeMethod})`, validated
   * against GitHub's schema. GitHub refuses it when the repository does not allow auto-merge ("Pull
   * request Auto merge is not allowed for this repository") or the merge method ("Merge commits are
   * not allowed on this repository.", and likewise for squash and rebase), and for a pull request
   * that is not open. Pull requests: write.
   */
  const graphql = async (context: RouteContext, identity: TokenIdentity): Promise<boolean> => {
    const chunks: Buffer[] = [];
    for await (const chunk of context.request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const { query = '', variables = {} } = JSON.parse(text || '{}') as { query?: string; variables?: Record<string, unknown> };
    if (!/enablePullRequestAutoMerge/.test(query)) {
      // Not ours: answer as the built-in route does for viewer { login }.
      if (/^\s*(?:query\s*(?:\w+\s*)?)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query))
        api.send(context.response, 200, { data: { viewer: { login: identity.login } } });
      else api.send(context.response, 200, { errors: [{ message: 'The stand-in answers only { viewer { login } } and enablePullRequestAutoMerge' }] });
      return true;
    }
    api.graphqlQueries.push(query);
    const answer = (errors: string[], data: unknown = { enablePullRequestAutoMerge: null }) => {
      mutations.push({ query, variables, errors });
      api.send(
        context.response,
        200,
        errors.length ? { data, errors: errors.map((message) => ({ type: 'UNPROCESSABLE', path: ['enablePullRequestAutoMerge'], message })) } : { data },
      );
    };
    const invalid = validateGraphQL(query);
    if (invalid.length)
      return (
        answer(
          invalid.map((error) => error.message),
          null,
        ),
        true
      );
    const pullRequestId = String(variables['pullRequestId'] ?? /pullRequestId:\s*"([^"]+)"/.exec(query)?.[1] ?? '');
    const method = String(variables['mergeMethod'] ?? /mergeMethod:\s*(\w+)/.exec(query)?.[1] ?? 'MERGE');
    let found: { repository: string; pr: PullRequest } | undefined;
    for (const [repository, state] of api.repositories)
      for (const pr of state.pulls.values()) if (nodeId(repository, pr.number!) === pullRequestId) found = { repository, pr };
    if (!found) return (answer([`Could not resolve to a node with the global id of '${pullRequestId}'`]), true);
    if (!mayWrite(identity, ['pull-requests']))
      return (answer([`${identity.login} does not have permission to enable auto-merge on this pull request.`]), true);
    const allowed = settingsOf(found.repository);
    if (!allowed.allow_auto_merge) return (answer(['Pull request Auto merge is not allowed for this repository']), true);
    const methods: Record<string, [keyof MergeSettings, string]> = {
      MERGE: ['allow_merge_commit', 'Merge commits are not allowed on this repository.'],
      SQUASH: ['allow_squash_merge', 'Squash merges are not allowed on this repository.'],
      REBASE: ['allow_rebase_merge', 'Rebase merges are not allowed on this repository.'],
    };
    const [setting, refusal] = methods[method] ?? ['allow_merge_commit', `Unknown merge method ${method}`];
    if (!allowed[setting]) return (answer([refusal]), true);
    if (found.pr.state !== 'open') return (answer(['Pull request is not open']), true);
    found.pr.auto_merge = { enabled_by: user(identity.login), merge_method: method.toLowerCase() as 'merge', commit_title: '', commit_message: '' };
    const enabledAt = new Date().toISOString();
    answer([], { enablePullRequestAutoMerge: { pullRequest: { number: found.pr.number, autoMergeRequest: { mergeMethod: method, enabledAt } } } });
    return true;
  };

  api.routes.unshift(async (context) => {
    const { method, route, repository } = context;
    const identity = api.identity(context.request);
    if (method === 'POST' && !repository && route === '/graphql') return graphql(context, identity);
    if (!repository || !context.state || !release.bare.has(repository)) return false;
    release.sync(repository);
    let match: RegExpExecArray | null;
    if (method === 'GET' && route === '') return (getRepository(context, identity), true);
    if (method === 'GET' && route === '/pulls') return (listPulls(context), true);
    if (method === 'GET' && (match = /^\/pulls\/(\d+)$/.exec(route))) {
      const pr = context.state.pulls.get(Number(match[1]));
      return (pr ? api.send(context.response, 200, view(repository, pr)) : api.notFound(context.response), true);
    }
    if (method === 'PATCH' && (match = /^\/pulls\/(\d+)$/.exec(route))) return (await updatePull(context, identity, Number(match[1])), true);
    if (method === 'POST' && (match = /^\/issues\/(\d+)\/labels$/.exec(route))) return (await addLabels(context, identity, Number(match[1])), true);
    if (method === 'POST' && (match = /^\/pulls\/(\d+)\/requested_reviewers$/.exec(route)))
      return (await requestReviewers(context, identity, Number(match[1])), true);
    return false;
  });

  return { settings, mutations };
}
