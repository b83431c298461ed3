import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/** A fault for the next `times` requests matching `method` and `path`. */
export interface ProxyFault {
  method?: string;
  path: RegExp;
  /** Matches the query string too (e.g. /mount=/), when given. */
  query?: RegExp;
  /** status: answer with `status` (and `headers`) without forwarding; reset: forward, send half the body, drop the connection; corrupt: forward with one byte of the body changed. */
  kind: 'status' | 'reset' | 'corrupt';
  status?: number;
  headers?: Record<string, string>;
  times: number;
}

/** A reverse proxy on 127.0.0.1 in front of a registry that records every request and injects faults. */
export class FaultProxy {
  readonly requests: { method: string; path: string; query: string; status: number }[] = [];
  readonly faults: ProxyFault[] = [];
  /** Layer bytes through this proxy: blob bodies read (GET /v2/…/blobs/…) and uploaded (PUT or PATCH /v2/…/blobs/uploads/…). */
  readonly blobBytes = { read: 0, uploaded: 0 };
  /** Requests under way now, and the most that were under way at once. */
  readonly load = { inFlight: 0, peak: 0 };
  /** Called before a request is handled; a request waits for it (e.g. to hold a write until a test releases it). */
  gate?: (method: string, path: string) => Promise<void>;
  private server?: Server;
  url = '';
  host = '';

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.handle(request, response));
    this.url = await listenOnLoopback(this.server);
    this.host = this.url.slice('http://'.length);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Requests whose method and path match. */
  matching(method: string, path: RegExp): { method: string; path: string; query: string; status: number }[] {
    return this.requests.filter((entry) => entry.method === method && path.test(entry.path));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.load.inFlight += 1;
    this.load.peak = Math.max(this.load.peak, this.load.inFlight);
    response.once('close', () => (this.load.inFlight -= 1));
    const gate = this.gate?.(request.method ?? 'GET', new URL(request.url ?? '/', 'http://proxy').pathname);
    if (gate) void gate.then(() => this.forward(request, response));
    else this.forward(request, response);
  }

  private forward(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://proxy');
    const method = request.method ?? 'GET';
    const entry = { method, path: url.pathname, query: url.search, status: 0 };
    this.requests.push(entry);
    const fault = this.faults.find(
      (candidate) =>
        candidate.times > 0 &&
        candidate.path.test(url.pathname) &&
        (!candidate.query || candidate.query.test(url.search)) &&
        (!candidate.method || candidate.method === method),
    );
    if (fault) fault.times -= 1;
    if (fault?.kind === 'status') {
      entry.status = fault.status ?? 500;
      request.resume();
      response
        .writeHead(entry.status, { 'content-type': 'application/json', ...fault.headers })
        .end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      return;
    }
    const isBlobRead = method === 'GET' && /\/blobs\/sha256:/.test(url.pathname);
    if ((method === 'PUT' || method === 'PATCH') && /\/blobs\/uploads\//.test(url.pathname))
      request.on('data', (chunk: Buffer) => (this.blobBytes.uploaded += chunk.length));
    const target = new URL(this.target);
    const upstream = httpRequest({ host: target.hostname, port: target.port, method, path: request.url, headers: request.headers }, (answer) => {
      entry.status = answer.statusCode ?? 0;
      if (isBlobRead) answer.on('data', (chunk: Buffer) => (this.blobBytes.read += chunk.length));
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      if (fault?.kind === 'reset') {
        const half = Math.floor(Number(answer.headers['content-length'] ?? 0) / 2);
        let sent = 0;
        response.flushHeaders();
        answer.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const part = chunk.subarray(0, half - sent);
          sent += part.length;
          response.write(part);
          if (sent >= half) {
            answer.destroy();
            setTimeout(() => response.socket?.destroy(), 50);
          }
        });
        return;
      }
      if (fault?.kind === 'corrupt') {
        let first = true;
        answer.on('data', (chunk: Buffer) => {
          if (first && chunk.length) {
            chunk = Buffer.from(chunk);
            chunk[0] = chunk[0]! ^ 0xff;
            first = false;
          }
          response.write(chunk);
        });
        answer.on('end', () => response.end());
        return;
      }
      answer.pipe(response);
    });
    upstream.on('error', () => response.socket?.destroy());
    request.pipe(upstream);
  }
}
