// Registries that misbehave on purpose, for the refusals of promote-images:
// - ManifestServer answers the distribution API's manifest routes with whatever bytes a test gives a
//   tag (oversized, not JSON, `null`, bad descriptors), with a Docker-Content-Digest that matches them,
//   so that only the client's own checks stand between those bytes and production.
// - ForeignLocationFront sits before a real registry with Basic auth and moves every upload session to
//   another host, as the distribution spec allows ("The <location> does not necessarily need to be
//   provided by the registry itself"): that host, like object storage behind a signed URL, trusts the
//   URL itself, records any Authorization it receives, and forwards the upload with its own credentials.
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** How a tag's manifest is served. */
export interface ServedManifest {
  readonly bytes: Buffer;
  readonly contentType: string;
  /** Send no Content-Length (chunked), so that only the bytes read can tell the size. */
  readonly chunked?: boolean;
}

export class ManifestServer {
  readonly manifests = new Map<string, ServedManifest>();
  /** Bytes of manifest bodies written to the socket, per request path. */
  readonly sent = new Map<string, number>();
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
    const path = new URL(request.url ?? '/', 'http://hostile').pathname;
    if (path === '/v2/') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    const reference = /^\/v2\/.+\/manifests\/([^/]+)$/.exec(path)?.[1];
    const served = reference ? (this.manifests.get(reference) ?? [...this.manifests.values()].find((entry) => digestOf(entry.bytes) === reference)) : undefined;
    if (!served)
      return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    const headers: Record<string, string> = { 'content-type': served.contentType, 'docker-content-digest': digestOf(served.bytes) };
    if (!served.chunked) headers['content-length'] = String(served.bytes.length);
    response.writeHead(200, headers);
    if (request.method === 'HEAD') return void response.end();
    let offset = 0;
    const write = (): void => {
      while (offset < served.bytes.length) {
        const chunk = served.bytes.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        this.sent.set(path, (this.sent.get(path) ?? 0) + chunk.length);
        if (!response.write(chunk)) return void response.once('drain', write);
      }
      response.end();
    };
    response.on('error', () => undefined);
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
