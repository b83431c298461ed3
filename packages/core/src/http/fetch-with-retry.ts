import { streamRequest, type StreamAnswer, type StreamRequestInit } from './stream-request.js';
import { isRetryableStatus, parseRetryAfter, withRetries, type RetryOptions } from './retry.js';

/** A request that can be made again: a RequestInit, or a function giving a fresh one (for bodies that are streams). */
export type ReplayableRequest = RequestInit | (() => RequestInit);

/** What the retry loop reads of an answer: its status and headers (a Response, or a {@link StreamAnswer}). */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
}

/** Retry options of {@link fetchWithRetry} and {@link streamWithRetry}. */
export interface FetchRetryOptions<Answer extends HttpAnswer = Response> extends RetryOptions {
  /**
   * The wait a response asks for before a retry, and why (e.g. GitHub's rate
   * limits, whose 403 is not retryable by its status alone), or undefined to
   * decide by status and Retry-After. It may read a clone of the response.
   */
  readonly waitRequested?: (response: Answer) => Promise<{ readonly seconds: number; readonly reason: string } | undefined>;
}

/**
 * The project's HTTP stack for every request but registry blobs ({@link streamWithRetry}):
 * the built-in fetch with a headers timeout,
 * and retries ({@link withRetries}) with exponential backoff on 408, 429,
 * 5xx and dropped connections, honouring Retry-After, and on answers that
 * `waitRequested` says ask for a wait.
 * A response that is still retryable after the last attempt is returned as
 * it is, for the caller to report; a network error after the last attempt is thrown.
 *
 * Redirects follow RequestInit.redirect (fetch's default: follow).
 *
 * @param url the request URL
 * @param request the request; a function when its body cannot be sent twice
 * @throws Error `"<METHOD> <url>: <reason> after N attempts"` when the connection failed every time; the caller's own abort as it is
 */
export async function fetchWithRetry(url: string | URL, request: ReplayableRequest = {}, options: FetchRetryOptions = {}): Promise<Response> {
  let init: RequestInit = {};
  return answerWithRetry(
    () => `${init.method ?? 'GET'} ${String(url)}`,
    (signal) => {
      init = typeof request === 'function' ? request() : request;
      return { callerSignal: init.signal, answer: fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal }) };
    },
    async (response) => void (await response.body?.cancel().catch(() => undefined)),
    options,
  );
}

/**
 * A bodiless request (GET, HEAD) over {@link streamRequest}, with the retries and headers
 * timeout of {@link fetchWithRetry}: for bodies too large to pass through fetch's WHATWG streams
 * cheaply (registry blobs). Redirects are not followed.
 *
 * @throws Error `"<METHOD> <url>: <reason> after N attempts"` when the connection failed every time
 */
export async function streamWithRetry(
  url: URL,
  init: Omit<StreamRequestInit, 'body' | 'signal'>,
  options: FetchRetryOptions<StreamAnswer> = {},
): Promise<StreamAnswer> {
  return answerWithRetry(
    () => `${init.method} ${url.toString()}`,
    (signal) => ({ answer: streamRequest(url, { ...init, signal }) }),
    (answer) => answer.discard(),
    options,
  );
}

/** One attempt of {@link answerWithRetry}: the answer under way, and the caller's own signal (its abort is not retried). */
interface Attempt<Answer> {
  readonly answer: Promise<Answer>;
  readonly callerSignal?: AbortSignal | null | undefined;
}

async function answerWithRetry<Answer extends HttpAnswer>(
  describe: () => string,
  send: (timeoutSignal: AbortSignal) => Attempt<Answer>,
  discard: (answer: Answer) => Promise<void>,
  options: FetchRetryOptions<Answer>,
): Promise<Answer> {
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  let callerSignal: AbortSignal | null | undefined;
  const attempt = async (isLast: boolean) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no response within ${timeoutSeconds}s`)), timeoutSeconds * 1000);
    try {
      const sent = send(controller.signal);
      callerSignal = sent.callerSignal;
      const response = await sent.answer;
      const wait = (await options.waitRequested?.(response)) ?? retryAfterWait(response);
      if (!isRetryableStatus(response.status) && wait === undefined) return { value: response };
      const retry = { reason: `HTTP ${response.status}${wait ? ` (${wait.reason})` : ''}`, ...(wait ? { retryAfterSeconds: wait.seconds } : {}) };
      const willRetry = !isLast && (wait === undefined || wait.seconds <= (options.maxDelaySeconds ?? 60));
      if (willRetry) await discard(response);
      return { value: response, retry };
    } finally {
      clearTimeout(timer);
    }
  };
  return withRetries(describe, attempt, options, () => callerSignal?.aborted === true);
}

/** The wait a retryable answer's Retry-After header asks for (RFC 9110 §10.2.3), or undefined. */
function retryAfterWait(response: HttpAnswer): { seconds: number; reason: string } | undefined {
  if (!isRetryableStatus(response.status)) return undefined;
  const seconds = parseRetryAfter(response.headers.get('retry-after'));
  return seconds === undefined ? undefined : { seconds, reason: `Retry-After: ${response.headers.get('retry-after')!.trim()}` };
}

/**
 * A request body sent as `parts`, in order and never joined (a 20 MB sdist
 * goes out from the buffer it was read into), with the content-length header
 * it needs: fetch sends a stream body with that length rather than chunked.
 * Call it once per attempt: a stream can be read once.
 */
export function partsBody(parts: readonly Uint8Array[]): Pick<RequestInit, 'body'> & { duplex: 'half'; contentLength: string } {
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < parts.length) controller.enqueue(parts[next++]!);
      else controller.close();
    },
  });
  return { body, duplex: 'half', contentLength: String(parts.reduce((sum, part) => sum + part.byteLength, 0)) };
}
