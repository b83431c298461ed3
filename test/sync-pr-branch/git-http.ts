// Git's smart HTTP protocol on 127.0.0.1, served by git's own CGI program, git-http-backend(1),
// over bare repositories under one root: what `https://github.com/<owner>/<name>.git` serves,
// with GitHub's rule for public repositories: anyone fetches, a push needs HTTP Basic
// authentication with a token as password (any user name), else 401 with a Basic challenge.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { runBackend } from '@exegol-release/testbed/stand-ins/git-http.js';
import { closeServer, listenOnLoopback } from '@exegol-release/testbed/stand-ins/loopback.js';

/** One request the server received: its URL as sent, and the Authorization header's value. */
export interface GitHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
}

export class GitHttpServer {
  readonly requests: GitHttpRequest[] = [];
  private server?: Server;
  url = '';

  /**
   * @param root the directory holding `<owner>/<name>.git` bare repositories (changeable between requests)
   * @param tokens the tokens that may push
   */
  constructor(
    public root: string,
    readonly tokens: ReadonlySet<string>,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** The token of a `Basic` Authorization header (its password), if it is one of `tokens`. */
  private authorized(header: string | undefined): boolean {
    const match = /^basic (.+)$/i.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    return this.tokens.has(decoded.slice(decoded.indexOf(':') + 1));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://git');
    this.requests.push({
      method: request.method ?? 'GET',
      url: request.url ?? '',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    const push = url.pathname.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
    const authorized = this.authorized(request.headers.authorization);
    if (push && !authorized) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
      response.end('Invalid username or token. Password authentication is not supported for Git operations.\n');
      return;
    }
    // git-http-backend enables receive-pack for an authenticated user (http.receivepack).
    runBackend(request, response, this.root, authorized ? 'maintainer' : undefined);
  }
}
