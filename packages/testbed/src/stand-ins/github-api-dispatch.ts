// The two endpoints through which one repository's workflows drive another's, added to the GitHub
// stand-in (github-api.ts) through its `routes` hook: a repository_dispatch event sent to a repository,
// and a commit status set on a commit. Each rule mirrors GitHub's REST API as its OpenAPI description
// (@octokit/openapi, operations repos/create-dispatch-event and repos/create-commit-status) and GitHub's
// docs ("Permissions required for fine-grained personal access tokens") describe it:
//  - POST /repos/{owner}/{repo}/dispatches: `event_type` a string of 1 to 100 characters, required;
//    `client_payload` an object of at most 10 top-level properties, its JSON under 64 KB; anything else is
//    422 "Validation Failed"; the token needs "Contents: write" on that repository; answered 204, no body,
//    and the event is queued for the repository's workflows (`dispatches`);
//  - POST /repos/{owner}/{repo}/statuses/{sha}: `state` one of error, failure, pending, success, required;
//    `context` (default `default`, case-insensitive), `description`, `target_url` strings or null; the
//    token needs "Commit statuses: write"; a SHA that names no commit of the repository is 422 "No commit
//    found for SHA: …"; answered 201 with the status. At most 1000 statuses per SHA and context.
//  - GET …/commits/{ref}/status (github-api.ts) answers "the most recent status for each context": this
//    module keeps the latest of each context in the state it reads, and every status in `history`.
//  - A fine-grained personal access token reaches only the repositories it was made for (`access`): a
//    write elsewhere is 404 for a private repository and 403 "Resource not accessible by personal access
//    token" for a public one; an installation token without the permission is 403 "Resource not accessible
//    by integration".
import type { GitHubApiStandIn, RouteContext, Status, TokenIdentity } from './github-api.js';
import { mayWrite } from './github-api.js';

const DISPATCH_DOCS = 'https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event';
const STATUS_DOCS = 'https://docs.github.com/rest/commits/statuses#create-a-commit-status';
const STATES = ['error', 'failure', 'pending', 'success'] as const;

/** A repository_dispatch event the stand-in accepted, waiting for the repository's workflows. */
export interface RepositoryDispatch {
  /** `owner/name` the event was sent to. */
  readonly repository: string;
  readonly eventType: string;
  readonly clientPayload: Record<string, unknown>;
  /** The account of the token that sent it (the event's `sender`). */
  readonly sender: string;
}

export interface DispatchEndpoints {
  /** Accepted dispatches, oldest first; the rehearsal takes them out as it delivers them. */
  readonly dispatches: RepositoryDispatch[];
  /** Every status set, by `owner/name` then SHA, oldest first (GET …/commits/{ref}/statuses would list them). */
  readonly history: Map<string, Map<string, Status[]>>;
  /** The repositories each fine-grained personal access token was made for (a token not listed reaches every one). */
  readonly access: Map<string, readonly string[]>;
  /** Repositories that are private (a token without access gets 404 there). */
  readonly privateRepositories: Set<string>;
}

/**
 * Adds the dispatch and commit status endpoints to `api`. @param commitExists whether `sha` names a
 * commit of `repository` (GitHub refuses a status on any other SHA)
 * @returns what they accepted, and the access settings they apply
 */
export function serveDispatchEndpoints(api: GitHubApiStandIn, commitExists: (repository: string, sha: string) => boolean): DispatchEndpoints {
  const endpoints: DispatchEndpoints = { dispatches: [], history: new Map(), access: new Map(), privateRepositories: new Set() };
  let nextStatusId = 5_000_000;

  /** Refuses (and answers) a write by `identity` that its permissions or repository access do not allow. @returns true when refused */
  const refused = (context: RouteContext, identity: TokenIdentity, scope: string, documentation: string): boolean => {
    const repository = context.repository!;
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(context.request.headers.authorization ?? '')?.[1] ?? '';
    const reaches = endpoints.access.get(token);
    if (reaches && !reaches.includes(repository)) {
      if (endpoints.privateRepositories.has(repository)) return (api.notFound(context.response), true);
      api.send(context.response, 403, { message: 'Resource not accessible by personal access token', documentation_url: documentation, status: '403' });
      return true;
    }
    if (mayWrite(identity, [scope])) return false;
    const message = identity.installation ? 'Resource not accessible by integration' : 'Resource not accessible by personal access token';
    api.send(context.response, 403, { message, documentation_url: documentation, status: '403' });
    return true;
  };
  const invalid = (context: RouteContext, documentation: string, field: string, code: string, message?: string): true => {
    api.send(context.response, 422, {
      message: 'Validation Failed',
      errors: [{ resource: context.route.startsWith('/statuses') ? 'Status' : 'Repository', field, code, ...(message ? { message } : {}) }],
      documentation_url: documentation,
      status: '422',
    });
    return true;
  };

  api.routes.push(async (context) => {
    const { method, route, repository, state } = context;
    if (method !== 'POST' || !repository) return false;
    let match: RegExpExecArray | null;
    if (route === '/dispatches') {
      if (!state) return (api.notFound(context.response), true);
      const identity = api.identity(context.request);
      if (refused(context, identity, 'contents', DISPATCH_DOCS)) return true;
      const body = await api.body(context.request);
      const eventType = body['event_type'];
      if (typeof eventType !== 'string' || eventType.length < 1 || eventType.length > 100)
        return invalid(context, DISPATCH_DOCS, 'event_type', 'invalid', 'event_type must be a string of 1 to 100 characters');
      const payload = body['client_payload'] ?? {};
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
        return invalid(context, DISPATCH_DOCS, 'client_payload', 'invalid', 'client_payload must be an object');
      if (Object.keys(payload).length > 10)
        return invalid(context, DISPATCH_DOCS, 'client_payload', 'invalid', 'client_payload may hold at most 10 top-level properties');
      if (Buffer.byteLength(JSON.stringify(payload)) >= 64 * 1024)
        return invalid(context, DISPATCH_DOCS, 'client_payload', 'invalid', 'client_payload must be less than 64KB');
      endpoints.dispatches.push({ repository, eventType, clientPayload: payload as Record<string, unknown>, sender: identity.login });
      context.response.writeHead(204, { 'x-github-api-version-selected': '2022-11-28' });
      context.response.end();
      return true;
    }
    if ((match = /^\/statuses\/([^/]+)$/.exec(route))) {
      if (!state) return (api.notFound(context.response), true);
      const identity = api.identity(context.request);
      if (refused(context, identity, 'statuses', STATUS_DOCS)) return true;
      const sha = decodeURIComponent(match[1]!);
      const body = await api.body(context.request);
      const wanted = body['state'];
      if (typeof wanted !== 'string' || !(STATES as readonly string[]).includes(wanted))
        return invalid(context, STATUS_DOCS, 'state', 'custom', 'state is not included in the list');
      for (const field of ['context', 'description', 'target_url'])
        if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string') return invalid(context, STATUS_DOCS, field, 'invalid');
      if (!/^[0-9a-f]{40}$/.test(sha) || !commitExists(repository, sha))
        return (api.send(context.response, 422, { message: `No commit found for SHA: ${sha}`, documentation_url: STATUS_DOCS, status: '422' }), true);
      const name = typeof body['context'] === 'string' && body['context'] !== '' ? body['context'] : 'default';
      const bySha = endpoints.history.get(repository) ?? new Map<string, Status[]>();
      endpoints.history.set(repository, bySha);
      const history = bySha.get(sha) ?? [];
      if (history.filter((entry) => entry.context?.toLowerCase() === name.toLowerCase()).length >= 1000)
        return invalid(context, STATUS_DOCS, 'context', 'custom', 'This SHA and context has reached the maximum number of statuses.');
      const now = new Date().toISOString();
      const id = (nextStatusId += 1);
      const status: Status = {
        id,
        node_id: `SC_${id}`,
        url: `${api.url}/repos/${repository}/statuses/${sha}`,
        state: wanted as Status['state'],
        context: name,
        description: (body['description'] as string | null | undefined) ?? null,
        target_url: (body['target_url'] as string | null | undefined) ?? null,
        avatar_url: `https://avatars.githubusercontent.com/u/${identity.login.length}?v=4`,
        created_at: now,
        updated_at: now,
      };
      bySha.set(sha, [...history, status]);
      // The combined status holds the latest of each context (case-insensitive).
      const latest = (state.statuses.get(sha) ?? []).filter((entry) => entry.context?.toLowerCase() !== name.toLowerCase());
      state.statuses.set(sha, [...latest, status]);
      api.send(context.response, 201, { ...status, creator: { login: identity.login, type: identity.installation ? 'Bot' : 'User' } });
      return true;
    }
    return false;
  });
  return endpoints;
}
