// Docker Hub as a client meets it, under its real host names, reached through an HTTPS proxy that
// terminates TLS with a test CA (Node 24: NODE_USE_ENV_PROXY=1, HTTPS_PROXY, NODE_EXTRA_CA_CERTS), so
// the bundle runs unchanged with `registry: docker.io` and the default hub-api-url:
// - registry-1.docker.io: Debian's docker-registry (distribution 2.8) with token auth, whose challenge
//   names the realm https://auth.docker.io/token (distribution's token.md example); Location headers
//   come back as https://registry-1.docker.io/… (the registry builds them from Host and
//   X-Forwarded-Proto). Manifest GETs and HEADs carry the pull-limit headers of
//   docs.docker.com/docker-hub/usage/pulls (`ratelimit-limit: 100;w=21600`, `ratelimit-remaining`,
//   `docker-ratelimit-source`); each GET counts as a pull, a HEAD does not; a GET past the limit is
//   answered 429 TOOMANYREQUESTS with the documented message (no Retry-After is documented: one is sent
//   only when a test sets it). A blob GET is answered 307 to the CDN, as Docker Hub does.
// - production.cloudflare.docker.com: the CDN, serving the blob's bytes from the registry's storage
//   for a signed URL (the signature is in the query; it needs no Authorization, and records any it gets).
// - auth.docker.io: the token server (Docker's token authentication spec).
// - hub.docker.com: the Hub API of docs.docker.com/reference/api/hub/latest: POST /v2/auth/token
//   (identifier/secret → access_token, 10 minutes); the deprecated POST /v2/users/login (still
//   served: username/password → token); DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/ (the route
//   Docker's hub-tool calls; the reference documents no tag DELETE) answering 204, 404 for an unknown
//   tag, 403 "access denied: insufficient scope" for a token without delete; the rate limit of the
//   reference's "Rate limiting" section: X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset
//   (a Unix time) on every answer, and past the limit 429 with Retry-After, the seconds to wait
//   (the reference documented X-Retry-After, a Unix time, until docker/docs#22916 corrected it).
//   A tag deletion removes that one tag, as Docker Hub does: the tag's link in the registry's storage
//   (distribution's tagStore.Untag removes the same directory).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket, createSecureContext } from 'node:tls';
import { closeServer, listenOnLoopback } from './loopback.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { startTokenServer, type TokenServer, type TokenUsers } from './token-server.js';

export const HUB_HOSTS = {
  registry: 'registry-1.docker.io',
  auth: 'auth.docker.io',
  api: 'hub.docker.com',
  cdn: 'production.cloudflare.docker.com',
} as const;

/** A Docker Hub account: its password or access token, and whether that token may delete (PAT "Read, Write, Delete"). */
export type HubUsers = Record<string, { password: string; delete: boolean }>;

/** One request the stand-in received. */
export interface HubRequest {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** The Authorization header's scheme and a note of its presence (never the secret): e.g. `Bearer`, `Basic`, or undefined. */
  readonly authorization?: string;
  status: number;
}

/** A fault for the next `times` matching requests on one host. */
export interface HubFault {
  host: string;
  method?: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: string;
  times: number;
}

export class DockerHub {
  readonly requests: HubRequest[] = [];
  readonly faults: HubFault[] = [];
  /** `<repository>:<tag>` deleted through the Hub API, in order. */
  readonly tagDeletions: string[] = [];
  /** The pull limit of registry-1.docker.io: manifest GETs left in the window. */
  pullLimit = { limit: 100, remaining: 100, window: 21600, retryAfter: undefined as string | undefined };
  /**
   * The Hub API's rate limit: `limit` requests a window of `window` seconds; `remaining` left until
   * `resetAt` (milliseconds since the epoch; a new window starts with the first request after it).
   * A test sets `usedUpFor` (seconds) to see the 429 and its Retry-After: the next Hub API request finds
   * the window used up for that long from its arrival, however long the client took to get there.
   */
  hubApiLimit = { limit: 180, remaining: 180, window: 60, resetAt: 0, usedUpFor: undefined as number | undefined };
  /** Runs before each Hub API tag deletion (e.g. to push to the source meanwhile). */
  beforeDelete?: (repository: string, tag: string) => Promise<void>;
  private readonly tokens = new Map<string, { user: string; until: number }>();
  private proxy?: Server;
  private inner?: Server;
  private directory = '';
  proxyUrl = '';
  caFile = '';
  registry!: TestRegistry;
  tokenServer!: TokenServer;

  constructor(private readonly users: HubUsers) {}

  async start(): Promise<this> {
    this.directory = await mkdtemp(path.join(tmpdir(), 'docker-hub-'));
    const file = (name: string): string => path.join(this.directory, name);
    const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-subj',
      '/CN=Docker Hub stand-in CA',
      '-days',
      '1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('hub.key'), '-out', file('hub.csr'), '-subj', '/CN=docker.io']);
    await writeFile(
      file('san.ext'),
      `subjectAltName=${Object.values(HUB_HOSTS)
        .map((host) => `DNS:${host}`)
        .join(',')}\n`,
    );
    openssl([
      'x509',
      '-req',
      '-in',
      file('hub.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('hub.pem'),
      '-days',
      '1',
      '-extfile',
      file('san.ext'),
    ]);
    this.caFile = file('ca.pem');
    const tokenUsers: TokenUsers = Object.fromEntries(
      Object.entries(this.users).map(([user, entry]) => [user, { password: entry.password, access: { '*': ['pull', 'push'] } }]),
    );
    this.tokenServer = await startTokenServer(tokenUsers);
    this.registry = await startRegistry({ mode: 'token', tokenServer: this.tokenServer, realm: `https://${HUB_HOSTS.auth}/token` });

    const context = createSecureContext({ key: await readFile(file('hub.key')), cert: await readFile(file('hub.pem')) });
    this.inner = createServer((request, response) => this.route(request, response));
    this.proxy = createServer((_, response) => response.writeHead(405).end());
    this.proxy.on('connect', (request: IncomingMessage, socket) => {
      const host = (request.url ?? '').replace(/:443$/, '');
      if (!(Object.values(HUB_HOSTS) as string[]).includes(host)) {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      this.inner!.emit('connection', new TLSSocket(socket, { isServer: true, secureContext: context }));
    });
    this.proxyUrl = await listenOnLoopback(this.proxy);
    return this;
  }

  /** The environment that makes a Node 24 bundle reach this stand-in under Docker Hub's names (and loopback directly). */
  env(): Record<string, string> {
    return { NODE_USE_ENV_PROXY: '1', HTTPS_PROXY: this.proxyUrl, NO_PROXY: '127.0.0.1,localhost', NODE_EXTRA_CA_CERTS: this.caFile };
  }

  /** An Authorization header for the registry (straight to it, for fixtures): a token with pull and push on `repository`. */
  async authorize(repository: string): Promise<Record<string, string>> {
    const [user, entry] = Object.entries(this.users)[0]!;
    const response = await fetch(
      `${this.tokenServer.url}/token?service=${this.tokenServer.service}&scope=${encodeURIComponent(`repository:${repository}:pull,push`)}`,
      {
        headers: { authorization: `Basic ${Buffer.from(`${user}:${entry.password}`).toString('base64')}` },
      },
    );
    return { authorization: `Bearer ${((await response.json()) as { token: string }).token}` };
  }

  async stop(): Promise<void> {
    await closeServer(this.proxy);
    await closeServer(this.inner);
    await this.registry?.stop();
    await this.tokenServer?.stop();
    await rm(this.directory, { recursive: true, force: true });
  }

  /** Requests to `host` whose method and path match. */
  matching(host: string, method: string, pathPattern: RegExp): HubRequest[] {
    return this.requests.filter((entry) => entry.host === host && entry.method === method && pathPattern.test(entry.path));
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const host = (request.headers.host ?? '').replace(/:443$/, '');
    const url = new URL(request.url ?? '/', `https://${host}`);
    const method = request.method ?? 'GET';
    const scheme = request.headers.authorization?.split(' ')[0];
    const entry: HubRequest = { host, method, path: url.pathname, query: url.search, ...(scheme ? { authorization: scheme } : {}), status: 0 };
    this.requests.push(entry);
    response.once('finish', () => (entry.status = response.statusCode));
    const fault = this.faults.find(
      (candidate) => candidate.times > 0 && candidate.host === host && candidate.path.test(url.pathname) && (!candidate.method || candidate.method === method),
    );
    if (fault) {
      fault.times -= 1;
      request.resume();
      response
        .writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
        .end(fault.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      return;
    }
    if (host === HUB_HOSTS.registry) return this.registryFront(request, response, url);
    if (host === HUB_HOSTS.auth) return this.forward(request, response, this.tokenServer.url, url);
    if (host === HUB_HOSTS.cdn) return this.cdn(request, response, url);
    if (host === HUB_HOSTS.api) return void this.hubApi(request, response, url);
    response.writeHead(404).end();
  }

  private forward(request: IncomingMessage, response: ServerResponse, target: string, url: URL, onAnswer?: (answer: IncomingMessage) => boolean): void {
    const upstreamUrl = new URL(target);
    const headers = { ...request.headers, host: url.host, 'x-forwarded-proto': 'https' };
    const upstream = httpRequest(
      { host: upstreamUrl.hostname, port: upstreamUrl.port, method: request.method, path: `${url.pathname}${url.search}`, headers },
      (answer) => {
        if (onAnswer && !onAnswer(answer)) return;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.socket?.destroy());
    request.pipe(upstream);
  }

  private registryFront(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const method = request.method ?? 'GET';
    const isManifest = /\/manifests\/[^/]+$/.test(url.pathname);
    const blob = /^\/v2\/.+\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname)?.[1];
    const limit = this.pullLimit;
    const limitHeaders = (): Record<string, string> => ({
      'ratelimit-limit': `${limit.limit};w=${limit.window}`,
      'ratelimit-remaining': `${limit.remaining};w=${limit.window}`,
      'docker-ratelimit-source': '192.0.2.1',
    });
    if (isManifest && method === 'GET' && limit.remaining <= 0) {
      request.resume();
      response.writeHead(429, { 'content-type': 'application/json', ...limitHeaders(), ...(limit.retryAfter ? { 'retry-after': limit.retryAfter } : {}) }).end(
        JSON.stringify({
          errors: [
            {
              code: 'TOOMANYREQUESTS',
              message:
                'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limits',
            },
          ],
        }),
      );
      return;
    }
    this.forward(request, response, this.registry.url, url, (answer) => {
      if (isManifest && (method === 'GET' || method === 'HEAD') && answer.statusCode === 200) {
        if (method === 'GET') limit.remaining -= 1;
        Object.assign(answer.headers, limitHeaders());
      }
      if (blob && method === 'GET' && answer.statusCode === 200) {
        answer.destroy();
        const hex = blob.slice('sha256:'.length);
        const signed = `https://${HUB_HOSTS.cdn}/registry-v2/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data?verify=${randomBytes(8).toString('hex')}`;
        response.writeHead(307, { location: signed, 'content-length': '0' }).end();
        return false;
      }
      return true;
    });
  }

  private cdn(request: IncomingMessage, response: ServerResponse, url: URL): void {
    request.resume();
    const match = /^\/registry-v2\/(docker\/registry\/v2\/blobs\/sha256\/[a-f0-9]{2}\/[a-f0-9]{64}\/data)$/.exec(url.pathname);
    const file = match && url.searchParams.get('verify') ? path.join(this.registry.storage, match[1]!) : undefined;
    if (!file || !existsSync(file)) return void response.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(response);
  }

  private async hubApi(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    let text = '';
    for await (const chunk of request) text += (chunk as Buffer).toString();
    const limit = this.hubApiLimit;
    const now = Date.now();
    if (limit.usedUpFor !== undefined) Object.assign(limit, { remaining: 0, resetAt: now + limit.usedUpFor * 1000, usedUpFor: undefined });
    if (now >= limit.resetAt) Object.assign(limit, { remaining: limit.limit, resetAt: now + limit.window * 1000 });
    const limited = limit.remaining <= 0;
    if (!limited) limit.remaining -= 1;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void =>
      void response
        .writeHead(status, {
          'content-type': 'application/json',
          'x-ratelimit-limit': String(limit.limit),
          'x-ratelimit-remaining': String(limit.remaining),
          'x-ratelimit-reset': String(Math.ceil(limit.resetAt / 1000)),
          ...headers,
        })
        .end(body === undefined ? undefined : JSON.stringify(body));
    // Past the limit: 429 and Retry-After, the seconds until the window resets (the reference's "Rate limiting").
    if (limited) return json(429, { message: 'Too Many Requests' }, { 'retry-after': String(Math.max(1, Math.ceil((limit.resetAt - now) / 1000))) });
    const body = (): Record<string, unknown> => {
      try {
        return JSON.parse(text || '{}') as Record<string, unknown>;
      } catch {
        return {};
      }
    };
    if (request.method === 'POST' && url.pathname === '/v2/auth/token') {
      const { identifier, secret } = body();
      if (typeof identifier !== 'string' || this.users[identifier]?.password !== secret)
        return json(401, { errinfo: null, message: 'Incorrect authentication credentials' });
      const token = randomBytes(24).toString('base64url');
      this.tokens.set(token, { user: identifier, until: Date.now() + 600_000 });
      return json(200, { access_token: token });
    }
    if (request.method === 'POST' && url.pathname === '/v2/users/login') {
      const { username, password } = body();
      if (typeof username !== 'string' || this.users[username]?.password !== password) return json(401, { detail: 'Incorrect authentication credentials.' });
      const token = randomBytes(24).toString('base64url');
      this.tokens.set(token, { user: username, until: Date.now() + 600_000 });
      return json(200, { token });
    }
    const tag = /^\/v2\/repositories\/([a-z0-9._-]+\/[a-z0-9._-]+)\/tags\/([^/]+)\/$/.exec(url.pathname);
    if (request.method === 'DELETE' && tag) {
      const [scheme, token] = (request.headers.authorization ?? '').split(' ');
      const session = (scheme === 'Bearer' || scheme === 'JWT') && token ? this.tokens.get(token) : undefined;
      if (!session || session.until < Date.now()) return json(401, { errinfo: null, message: 'authentication required' });
      if (!this.users[session.user]!.delete) return json(403, { errinfo: null, message: 'access denied: insufficient scope' });
      const [, repository, name] = tag;
      await this.beforeDelete?.(repository!, decodeURIComponent(name!));
      const link = path.join(this.registry.storage, 'docker/registry/v2/repositories', repository!, '_manifests/tags', decodeURIComponent(name!));
      if (!existsSync(link)) return json(404, { errinfo: null, message: 'object not found' });
      await rm(link, { recursive: true, force: true });
      this.tagDeletions.push(`${repository}:${decodeURIComponent(name!)}`);
      return json(204, undefined);
    }
    json(404, { errinfo: null, message: 'object not found' });
  }
}
