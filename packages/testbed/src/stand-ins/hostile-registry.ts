// Registries that misbehave on purpose, for the refusals of promote-images:
// - ManifestServer answers the distribution API's manifest routes with whatever bytes a test gives a
//   tag (oversized, not JSON, `null`, bad descriptors, an index of 10 000 children, an error answer
//   of 64 MiB, a body sent one byte a second), with a Docker-Content-Digest that matches them, so
//   that only the client's own checks stand between those bytes and production. With `token` set it
//   asks for a Bearer token (Docker's token authentication spec: 401 with
//   `WWW-Authenticate: Bearer realm=…`) from its own /token route, which answers those bytes.
// - ForeignLocationFront sits before a real registry with Basic auth and moves every upload session to
//   another host, as the distribution spec allows ("The <location> does not necessarily need to be
//   provided by the registry itself"): that host, like object storage behind a signed URL, trusts the
//   URL itself, records any Authorization it receives, and forwards the upload with its own credentials.
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** How a tag's manifest (or the token route's answer) is served. */
export interface ServedManifest {
  readonly bytes: Buffer;
  readonly contentType: string;
  /** Send no Content-Length (chunked), so that only the bytes read can tell the size. */
  readonly chunked?: boolean;
  /** The status of a GET, with `bytes` as its body (an error answer); HEAD still answers 200 with the digest. Default 200. */
  readonly status?: number;
  /** Send the body one byte every this many milliseconds (a body that never seems to end). */
  readonly dripMs?: number;
}

export class ManifestServer {
  readonly manifests = new Map<string, ServedManifest>();
  /** Bytes of bodies written to the socket, per request path. */
  readonly sent = new Map<string, number>();
  /** Every request, in order. */
  readonly requests: { method: string; path: string }[] = [];
  /** When set, every registry route needs a Bearer token, and GET /token answers this. */
  token?: ServedManifest;
  private server?: Server;
  url = '';
  host = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.url = await listenOnLoopback(this.server);
    this.host = this.url.slice('http://'.length);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    request.resume();
    response.on('error', () => undefined);
    const path = new URL(request.url ?? '/', 'http://hostile').pathname;
    this.requests.push({ method: request.method ?? 'GET', path });
    if (path === '/token' && this.token) return this.send(request, response, path, this.token);
    if (this.token && !request.headers.authorization?.startsWith('Bearer '))
      return void response
        .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${this.url}/token",service="hostile"` })
        .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    if (path === '/v2/') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const reference = /^\/v2\/.+\/manifests\/([^/]+)$/.exec(path)?.[1];
    const served = reference ? (this.manifests.get(reference) ?? [...this.manifests.values()].find((entry) => digestOf(entry.bytes) === reference)) : undefined;
    if (!served)
      return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    this.send(request, response, path, served);
  }

  private send(request: IncomingMessage, response: ServerResponse, path: string, served: ServedManifest): void {
    const status = request.method === 'HEAD' ? 200 : (served.status ?? 200);
    const headers: Record<string, string> = { 'content-type': served.contentType };
    if (status === 200) headers['docker-content-digest'] = digestOf(served.bytes);
    if (!served.chunked) headers['content-length'] = String(served.bytes.length);
    response.writeHead(status, headers);
    if (request.method === 'HEAD') return void response.end();
    let offset = 0;
    const count = (length: number): void => void this.sent.set(path, (this.sent.get(path) ?? 0) + length);
    if (served.dripMs) {
      const timer = setInterval(() => {
        if (offset >= served.bytes.length) return void (clearInterval(timer), response.end());
        count(1);
        response.write(served.bytes.subarray(offset, ++offset));
      }, served.dripMs);
      response.on('close', () => clearInterval(timer));
      return;
    }
    const write = (): void => {
      while (offset < served.bytes.length) {
        const chunk = served.bytes.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        count(chunk.length);
        if (!response.write(chunk)) return void response.once('drain', write);
      }
      response.end();
    };
    write();
  }
}

const digestOf = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** One request the foreign upload host received. */
export interface ForeignRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
}

export class ForeignLocationFront {
  /** What the foreign host received. */
  readonly foreign: ForeignRequest[] = [];
  /** Authorization schemes the front itself received (the registry's own origin). */
  readonly front: string[] = [];
  private frontServer?: Server;
  private foreignServer?: Server;
  url = '';
  host = '';
  foreignUrl = '';

  /**
   * @param registryUrl the real registry behind
   * @param storageAuthorization the Authorization the foreign host itself uses towards the registry (its own credentials)
   */
  constructor(
    private readonly registryUrl: string,
    private readonly storageAuthorization: string,
  ) {}

  async start(): Promise<this> {
    this.foreignServer = createServer((request, response) => {
      this.foreign.push({
        method: request.method ?? 'GET',
        path: new URL(request.url ?? '/', 'http://x').pathname,
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      this.forward(request, response, { ...request.headers, authorization: this.storageAuthorization }, false);
    });
    // Another host name for the same machine: `localhost` instead of 127.0.0.1.
    this.foreignUrl = (await listenOnLoopback(this.foreignServer)).replace('127.0.0.1', 'localhost');
    this.frontServer = createServer((request, response) => {
      this.front.push(request.headers.authorization?.split(' ')[0] ?? 'none');
      this.forward(request, response, request.headers, true);
    });
    this.url = await listenOnLoopback(this.frontServer);
    this.host = this.url.slice('http://'.length);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.frontServer);
    await closeServer(this.foreignServer);
  }

  private forward(request: IncomingMessage, response: ServerResponse, headers: IncomingMessage['headers'], rewrite: boolean): void {
    const target = new URL(this.registryUrl);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...headers, host: target.host } },
      (answer) => {
        const location = answer.headers.location;
        if (rewrite && location && /\/blobs\/uploads\//.test(location)) {
          const moved = new URL(location, this.registryUrl);
          answer.headers.location = `${this.foreignUrl}${moved.pathname}${moved.search}`;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.socket?.destroy());
    request.pipe(upstream);
  }
}
