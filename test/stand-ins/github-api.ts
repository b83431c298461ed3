import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { components } from '@octokit/openapi-types';
import { closeServer, listenOnLoopback } from './loopback.js';

type Schemas = components['schemas'];

/** Objects of GitHub's REST schemas with only some fields filled: the fields the action reads, and the usual neighbours. */
type Partial2<T> = T extends object ? { [K in keyof T]?: Partial2<T[K]> } : T;

export type PullRequest = Partial2<Schemas['pull-request']>;
export type Review = Partial2<Schemas['pull-request-review']>;
export type CheckRun = Partial2<Schemas['check-run']>;
export type Status = Partial2<Schemas['simple-commit-status']>;
export type Comment = Partial2<Schemas['issue-comment']>;
export type Permission = Partial2<Schemas['repository-collaborator-permission']>;
export type GitRef = Partial2<Schemas['git-ref']>;
type BasicError = Schemas['basic-error'];

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
  };
}

/** A user as GitHub's simple-user schema shapes it. */
export function user(login: string, id = login.length * 1000 + login.charCodeAt(0)): Partial2<Schemas['simple-user']> {
  return {
    login,
    id,
    node_id: `U_${id}`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
    html_url: `https://github.com/${login}`,
    url: `https://api.github.com/users/${login}`,
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
  readonly requests: { method: string; path: string }[] = [];
  readonly faults: Fault[] = [];
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

  /** REST requests received, fault answers included. */
  count(): number {
    return this.requests.length;
  }

  send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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
    this.requests.push({ method, path: url.pathname });
    const fault = this.faults.find((entry) => entry.times > 0 && entry.path.test(url.pathname) && (!entry.method || entry.method === method));
    if (fault) {
      fault.times -= 1;
      if (fault.reset) return void request.socket.destroy();
      return this.send(response, fault.status, fault.body ?? { message: `HTTP ${fault.status}` }, fault.headers);
    }
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
      const runs = state.checkRuns.get(match[1]!) ?? [];
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
        const { body } = await this.body(request);
        const id = (this.nextCommentId += 1);
        const comment: Comment = {
          id,
          body: String(body),
          user: user('github-actions[bot]', 41898282),
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
      const { body } = await this.body(request);
      const comment = [...state.comments.values()].flat().find((entry) => entry.id === Number(match![1]));
      if (!comment) return this.notFound(response);
      comment.body = String(body);
      comment.updated_at = new Date().toISOString();
      return this.send(response, 200, comment);
    }
    return this.notFound(response);
  }
}
