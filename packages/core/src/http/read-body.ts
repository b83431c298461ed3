import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** Bytes of an answer's body kept for its text: an error answer's message, never a blob (64 KiB). */
export const TEXT_LIMIT = 64 * 1024;

/** Seconds an answer's body has to arrive whole once its headers are in (the headers have the retry loop's 30 s of their own). */
export const BODY_TIMEOUT_SECONDS = 30;

/** How {@link readBody} reads. */
export interface ReadBodyOptions {
  /** The most bytes read. */
  readonly maxBytes: number;
  /** Past `maxBytes`: `truncate` keeps the first `maxBytes` and drops the rest with the connection; `refuse` throws. */
  readonly overflow: 'truncate' | 'refuse';
  /** Names the body in errors, e.g. `manifest docker.io/nwodtuhs/exegol:full`. */
  readonly what: string;
  /** How the limit is named in errors, e.g. `4 MiB manifest`; default the size (`64 KiB`). */
  readonly limitName?: string;
  /** Seconds for the whole body; default {@link BODY_TIMEOUT_SECONDS}. */
  readonly timeoutSeconds?: number;
}

/** A body too large or too slow: {@link readBody}'s refusal. */
export class BodyLimitError extends Error {
  override name = 'BodyLimitError';
}

/**
 * Reads an answer's body with a byte limit and a time limit, the one reader of every body that is
 * not a blob (manifests, token answers, error answers): a body sent one byte a second, or 400 MB
 * long, costs at most `timeoutSeconds` and `maxBytes`. The connection is dropped as soon as a
 * limit is reached (the rest is never read). A Content-Length over `maxBytes` is refused (or
 * truncated) before any byte is read.
 *
 * @param body a fetch Response (its WHATWG body) or a node:http answer (IncomingMessage)
 * @returns the bytes, at most `maxBytes`
 * @throws BodyLimitError (overflow `refuse` only) `"<what> is N bytes, over the <limit> limit: refused before reading it"`, `"… refused after N bytes"`, or `"<what> did not arrive whole within Ns"`; the connection's own error when it drops. With `truncate`, a body cut short by a limit or a dropped connection gives what arrived
 */
export async function readBody(body: Response | IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { maxBytes, what } = options;
  const seconds = options.timeoutSeconds ?? BODY_TIMEOUT_SECONDS;
  const fetched = isFetchResponse(body);
  const announced = Number(fetched ? body.headers.get('content-length') : body.headers['content-length']);
  const stream = fetched ? (body.body ? Readable.fromWeb(body.body as import('node:stream/web').ReadableStream) : undefined) : body;
  if (!stream) return Buffer.alloc(0);
  const limitText = options.limitName ?? formatLimit(maxBytes);
  if (announced > maxBytes && options.overflow === 'refuse') {
    stream.destroy();
    throw new BodyLimitError(`${what} is ${announced} bytes, over the ${limitText} limit: refused before reading it`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), seconds * 1000)));
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timedOut]).catch((error: unknown) => {
        if (options.overflow === 'truncate') return { done: true as const, value: undefined };
        throw error;
      });
      if (next === 'timeout' && options.overflow === 'truncate') break;
      if (next === 'timeout') throw new BodyLimitError(`${what} did not arrive whole within ${seconds}s: refused after ${total} bytes`);
      if (next.done) break;
      const chunk = Buffer.from(next.value);
      total += chunk.length;
      if (total > maxBytes) {
        if (options.overflow === 'refuse') throw new BodyLimitError(`${what} is over the ${limitText} limit: refused after ${maxBytes} bytes`);
        chunks.push(chunk.subarray(0, chunk.length - (total - maxBytes)));
        break;
      }
      chunks.push(chunk);
    }
  } finally {
    clearTimeout(timer);
    if (!stream.readableEnded) stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** An answer's body as text, at most {@link TEXT_LIMIT} bytes of it and within {@link BODY_TIMEOUT_SECONDS}: for error messages. Never throws: a body that fails or stalls gives what arrived. */
export async function readText(body: Response | IncomingMessage): Promise<string> {
  return (await readBody(body, { maxBytes: TEXT_LIMIT, overflow: 'truncate', what: 'answer' }).catch(() => Buffer.alloc(0))).toString('utf8');
}

/** Whether `body` is a fetch Response (by its shape: a bundled fetch's Response is not the global class), not a node:http answer. */
export function isFetchResponse(body: object): body is Response {
  return typeof (body as Response).arrayBuffer === 'function';
}

function formatLimit(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes}-byte`;
}
