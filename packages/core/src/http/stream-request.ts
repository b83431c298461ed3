import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** An answer whose body is a Node stream, to be read once (or discarded). */
export interface StreamAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly url: URL;
  /** The body as it arrives: a dropped connection makes reading it throw. */
  readonly body: IncomingMessage;
  /** The body as text (an error answer's, for a message). */
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
}

/**
 * One HTTP/1.1 request over node:http or node:https, whose request and answer bodies are Node
 * streams: no WHATWG stream sits on the way, so a gigabyte costs a fraction of the CPU fetch
 * spends on it (bench/promote-images.ts). Redirects are not followed. It goes through the
 * global agents: keep-alive, the system's and NODE_EXTRA_CA_CERTS' certificates, and the
 * HTTP(S)_PROXY variables when NODE_USE_ENV_PROXY=1, as Node's fetch does.
 *
 * @returns the answer once its headers arrived (before the request body is all sent when the server answers early)
 * @throws Error when the connection fails, the signal aborts, the connection stays silent past the idle timeout, or the body stream fails (its error)
 */
export function streamRequest(url: URL, init: StreamRequestInit): Promise<StreamAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  const idleSeconds = init.idleTimeoutSeconds ?? 300;
  return new Promise<StreamAnswer>((resolve, reject) => {
    const request = transport.request(url, { method: init.method, headers: Object.fromEntries(init.headers), ...(init.signal ? { signal: init.signal } : {}) });
    let answered: IncomingMessage | undefined;
    // After the answer, a failure of the request ends its body with the same error.
    request.on('error', (error) => (answered ? answered.destroy(error) : reject(error)));
    request.setTimeout(idleSeconds * 1000, () => request.destroy(new Error(`the connection to ${url.host} stayed silent for ${idleSeconds}s`)));
    request.on('response', (body: IncomingMessage) => {
      answered = body;
      const headers = new Headers();
      for (const [name, value] of Object.entries(body.headers)) {
        for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
      }
      resolve({ status: body.statusCode ?? 0, headers, url, body, text: () => readText(body), discard: () => discard(body) });
    });
    if (!init.body) return void request.end();
    pipeline(init.body, request).catch((error: unknown) => request.destroy(error instanceof Error ? error : new Error(String(error))));
  });
}

async function readText(body: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch {
    // what arrived before the connection dropped
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function discard(body: IncomingMessage): Promise<void> {
  if (body.readableEnded || body.destroyed) return;
  body.resume();
  await Promise.race([once(body, 'end'), once(body, 'close')]).catch(() => undefined);
}
