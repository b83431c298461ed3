import { createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/**
 * Parses a multipart/form-data body (RFC 7578) with Buffer searches, keeping
 * every value's bytes as sent (undici's formData() is slow on a 20 MB file).
 */
export function parseMultipart(body: Buffer, contentType: string): { fields: [string, string][]; content?: { name: string; bytes: Buffer } } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  const fields: [string, string][] = [];
  let content: { name: string; bytes: Buffer } | undefined;
  if (!boundary) return { fields };
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headersEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headersEnd);
    if (headersEnd === -1 || next === -1) break;
    const headers = body.subarray(start + 2, headersEnd).toString('utf8');
    const value = body.subarray(headersEnd + 4, next - 2);
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (filename !== undefined && name === 'content') content = { name: filename, bytes: value };
    else if (filename === undefined) fields.push([name, value.toString('utf8')]);
    position = next;
  }
  return { fields, ...(content ? { content } : {}) };
}

/** A file the index received, with every form field of its upload (content left out). */
export interface ReceivedFile {
  readonly filename: string;
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly project: string;
  readonly fields: [string, string][];
}

/** Who may publish through trusted publishing: the claims the job's OIDC token must carry. */
export interface TrustedPublisher {
  repository: string;
  workflow: string;
  environment?: string;
}

const normalise = (name: string): string => name.replace(/[-_.]+/g, '-').toLowerCase();
const base64url = (value: object | Buffer): string => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/**
 * A stand-in for GitHub's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): answers
 * `GET /token?api-version=2.0&audience=…` with `{"value": <RS256 JWT>}` carrying GitHub's claims.
 */
export class OidcIssuerStandIn {
  readonly requestToken = 'runner-request-token';
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  claims: Record<string, string> = {};
  private server?: Server;
  url = '';

  async start(claims: Record<string, string>): Promise<this> {
    this.claims = claims;
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://oidc');
      if (request.headers.authorization !== `Bearer ${this.requestToken}`) return void response.writeHead(401).end();
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: 'https://token.actions.githubusercontent.com',
        aud: url.searchParams.get('audience'),
        iat: now,
        nbf: now - 5,
        exp: now + 300,
        ...this.claims,
      };
      const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${base64url(payload)}`;
      const value = `${unsigned}.${base64url(sign('sha256', Buffer.from(unsigned), this.keys.privateKey))}`;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value }));
    });
    this.url = `${await listenOnLoopback(this.server)}/token?api-version=2.0`;
    return this;
  }

  /** The environment the runner gives a job with `permissions: id-token: write`. */
  env(): Record<string, string> {
    return { ACTIONS_ID_TOKEN_REQUEST_URL: this.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken };
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

/**
 * A stand-in for a package index (PyPI, TestPyPI): the upload API at
 * /legacy/ with PyPI's answers (200; 400 "File already exists" in the reason
 * phrase; 403 for a bad token; injected 5xx and dropped connections; a 301 for a wrong URL), trusted
 * publishing (/_/oidc/audience, /_/oidc/mint-token), and a simple index of
 * what it received (PEP 503 HTML, PEP 691 JSON) with the files at /packages/.
 */
export class PackageIndexStandIn {
  readonly files = new Map<string, ReceivedFile>();
  readonly uploads: { status: number; fields: [string, string][]; contentFilename?: string }[] = [];
  readonly tokens = new Set<string>();
  /** Answers for the next uploads, before anything else is checked, e.g. [503, 503]. */
  readonly failNext: number[] = [];
  /** How many of the next uploads lose their connection unanswered (reset once half the body arrived). */
  dropNext = 0;
  /** Uploads whose connection was dropped so far. */
  dropped = 0;
  /** For each answered upload, milliseconds from the request's arrival to the answer sent. */
  readonly uploadMilliseconds: number[] = [];
  /** How an identical re-upload is answered: 200 as PyPI does, or 400 as older indexes did. */
  identicalReupload: 200 | 400 = 200;
  trustedPublisher?: TrustedPublisher;
  oidcPublicKey?: KeyObject;
  private server?: Server;
  url = '';

  constructor(readonly audience: string) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response).catch((error: Error) => response.writeHead(500).end(error.message)));
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private answer(response: ServerResponse, status: number, reason: string, body = ''): void {
    response.writeHead(status, reason, { 'content-type': 'text/plain; charset=utf-8' }).end(body || `${status} ${reason}`);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    if (request.method === 'POST' && url.pathname === '/') return void response.writeHead(301, 'Moved Permanently', { location: `${this.url}/legacy/` }).end();
    if (request.method === 'POST' && url.pathname === '/legacy/') return this.upload(request, response);
    if (request.method === 'GET' && url.pathname === '/_/oidc/audience')
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ audience: this.audience }));
    if (request.method === 'POST' && url.pathname === '/_/oidc/mint-token') return this.mint(request, response);
    const project = /^\/simple\/([^/]+)\/$/.exec(url.pathname)?.[1];
    if (request.method === 'GET' && project) return this.simple(request, response, normalise(project));
    const file = /^\/packages\/([^/]+)$/.exec(url.pathname)?.[1];
    if (request.method === 'GET' && file && this.files.has(decodeURIComponent(file)))
      return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(this.files.get(decodeURIComponent(file))!.bytes);
    this.answer(response, 404, 'Not Found');
  }

  /** The whole request body; undefined when the connection was dropped on purpose (dropNext). */
  private async receive(request: IncomingMessage): Promise<Buffer | undefined> {
    const declared = Number(request.headers['content-length']) || 0;
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      received += chunk.length;
      if (this.dropNext > 0 && received >= declared / 2) {
        this.dropNext -= 1;
        this.dropped += 1;
        request.socket.resetAndDestroy();
        return undefined;
      }
    }
    return Buffer.concat(chunks);
  }

  private async upload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    response.on('finish', () => this.uploadMilliseconds.push(performance.now() - started));
    const received = await this.receive(request);
    if (!received) return;
    const { fields, content } = parseMultipart(received, request.headers['content-type'] ?? '');
    const record = (status: number): void => void this.uploads.push({ status, fields, ...(content ? { contentFilename: content.name } : {}) });
    const injected = this.failNext.shift();
    if (injected) {
      record(injected);
      return this.answer(response, injected, 'Service Unavailable');
    }
    const [user, token] = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (user !== '__token__' || !token || !this.tokens.has(token)) {
      record(403);
      return this.answer(response, 403, 'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.');
    }
    const get = (name: string): string | undefined => fields.find(([key]) => key === name)?.[1];
    if (get(':action') !== 'file_upload' || get('protocol_version') !== '1' || !content) {
      record(400);
      return this.answer(response, 400, 'Invalid request: expected :action=file_upload, protocol_version=1 and content');
    }
    const bytes = content.bytes;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (get('sha256_digest') !== sha256) {
      record(400);
      return this.answer(response, 400, 'The digest supplied does not match a digest calculated from the uploaded file.');
    }
    const existing = this.files.get(content.name);
    if (existing) {
      const same = existing.sha256 === sha256;
      const status = same ? this.identicalReupload : 400;
      record(status);
      if (status === 200) return this.answer(response, 200, 'OK');
      return this.answer(
        response,
        400,
        `File already exists ('${content.name}', with blake2_256 hash '${get('blake2_256_digest')}'). See https://pypi.org/help/#file-name-reuse for more information.`,
      );
    }
    this.files.set(content.name, { filename: content.name, bytes, sha256, project: normalise(get('name') ?? ''), fields });
    record(200);
    this.answer(response, 200, 'OK');
  }

  private simple(request: IncomingMessage, response: ServerResponse, project: string): void {
    const files = [...this.files.values()].filter((file) => file.project === project);
    if (files.length === 0) return this.answer(response, 404, 'Not Found');
    if ((request.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')) {
      const body = {
        meta: { 'api-version': '1.0' },
        name: project,
        files: files.map((file) => ({ filename: file.filename, url: `${this.url}/packages/${file.filename}`, hashes: { sha256: file.sha256 } })),
      };
      return void response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify(body));
    }
    const links = files.map((file) => `<a href="/packages/${file.filename}#sha256=${file.sha256}">${file.filename}</a><br/>`).join('\n');
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.0"><title>Links for ${project}</title></head><body><h1>Links for ${project}</h1>\n${links}\n</body></html>`,
      );
  }

  private async mint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const refuse = (code: string, description: string): void =>
      void response
        .writeHead(422, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Token request failed', errors: [{ code, description }] }));
    const { token } = JSON.parse(body || '{}') as { token?: string };
    const [header, payload, signature] = (token ?? '').split('.');
    if (
      !header ||
      !payload ||
      !signature ||
      !this.oidcPublicKey ||
      !verify('sha256', Buffer.from(`${header}.${payload}`), this.oidcPublicKey, Buffer.from(signature, 'base64url'))
    )
      return refuse('invalid-token', 'malformed or unverifiable token');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, string>;
    const publisher = this.trustedPublisher;
    if (claims['aud'] !== this.audience) return refuse('invalid-token', `invalid audience ${claims['aud']}`);
    const matches =
      publisher &&
      claims['repository'] === publisher.repository &&
      claims['job_workflow_ref']?.startsWith(`${publisher.repository}/.github/workflows/${publisher.workflow}@`) &&
      (!publisher.environment || claims['environment'] === publisher.environment);
    if (!matches) return refuse('invalid-publisher', 'valid token, but no corresponding publisher (All lookup strategies exhausted)');
    const minted = `pypi-minted-${createHash('sha256').update(token!).digest('hex').slice(0, 32)}`;
    this.tokens.add(minted);
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ success: true, token: minted, expires: Math.floor(Date.now() / 1000) + 900 }));
  }
}
