import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readText } from './read-body.js';

/** An answer whose body is a Node stream, to be read once (or discarded). */
export interface StreamAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly url: URL;
  /** The body as it arrives: a dropped connection makes reading it throw. */
  readonly body: IncomingMessage;
  /** The body's first 64 KiB as text, read within 30 s (an error answer's, for a message: {@link readText}); the rest is dropped with the connection. */
  readonly text: () => Promise<string>;
  /** Reads the rest of the body and drops it, keeping the connection for another request. */
  readonly discard: () => Promise<void>;
}

/** One request of {@link streamRequest}. */
export interface StreamRequestInit {
  readonly method: string;
  readonly headers: Headers;
  /** Bytes to send, with the content-length the headers give; an error of the stream aborts the request with that error. */
  readonly body?: Readable;
  /** Aborts the request, and the body once it is being read. */
  readonly signal?: AbortSignal;
  /** Seconds of silence on the connection (nothing sent or received) before the request is aborted. Default 300, undici's body timeout. */
  readonly idleTimeoutSeconds?: number;
  /** Seconds to open the connection (TCP, and TLS on https). Default 30. */
  readonly connectTimeoutSeconds?: number;
}

/**
 * One HTTP/1.1 request over node:http or node:https, whose request and answer bodies are Node
 * streams: no WHATWG stream sits on the way, so a gigabyte costs a fraction of the CPU fetch
 * spends on it (bench/promote-images.ts). Redirects are not followed. It goes through the
 * global agents: keep-alive, Node's CA certificates and NODE_EXTRA_CA_CERTS', and the
 * HTTP(S)_PROXY variables when NODE_USE_ENV_PROXY=1 (Node 24.5 and later), as Node's fetch does.
 *
 * @returns the answer once its headers arrived (before the request body is all sent when the server answers early)
 * @throws Error when the connection fails or is not open within the connect timeout, the signal aborts, the connection stays silent past the idle timeout, the request closes unanswered, or the body stream fails (its error)
 */
export function streamRequest(url: URL, init: StreamRequestInit): Promise<StreamAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  const idleSeconds = init.idleTimeoutSeconds ?? 300;
  const connectSeconds = init.connectTimeoutSeconds ?? 30;
  return new Promise<StreamAnswer>((resolve, reject) => {
    const request = transport.request(url, { method: init.method, headers: Object.fromEntries(init.headers), ...(init.signal ? { signal: init.signal } : {}) });
    let answered: IncomingMessage | undefined;
    // After the answer, a failure of the request ends its body with the same error.
    request.on('error', (error) => (answered ? answered.destroy(error) : reject(error)));
    request.setTimeout(idleSeconds * 1000, () => request.destroy(new Error(`the connection to ${url.host} stayed silent for ${idleSeconds}s`)));
    // request.setTimeout starts once the socket is connected: the connection has its own limit.
    request.on('socket', (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(() => request.destroy(new Error(`no connection to ${url.host} within ${connectSeconds}s`)), connectSeconds * 1000);
      const stop = (): void => clearTimeout(timer);
      socket.once('connect', stop).once('close', stop);
    });
    // An abort without an error (a destroyed pipeline aborts its ClientRequest) emits only 'close'.
    request.on('close', () => {
      if (!answered) reject(new Error(`${init.method} ${url.host}${url.pathname}: the request closed without an answer`));
    });
    request.on('response', (body: IncomingMessage) => {
      answered = body;
      const headers = new Headers();
      for (const [name, value] of Object.entries(body.headers)) {
        for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
      }
      resolve({ status: body.statusCode ?? 0, headers, url, body, text: () => readText(body), discard: () => discard(body) });
    });
    if (!init.body) return void request.end();
    // First, so that the request fails with the body's own error: pipeline aborts a ClientRequest without one.
    init.body.once('error', (error) => request.destroy(error));
    pipeline(init.body, request).catch(() => undefined);
  });
}

async function discard(body: IncomingMessage): Promise<void> {
  if (body.readableEnded || body.destroyed) return;
  body.resume();
  await Promise.race([once(body, 'end'), once(body, 'close')]).catch(() => undefined);
}
