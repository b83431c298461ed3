import { isRetryableStatus, parseRetryAfter, withRetries, type RetryOptions } from './retry.js';

/** A request that can be made again: a RequestInit, or a function giving a fresh one (for bodies that are streams). */
export type ReplayableRequest = RequestInit | (() => RequestInit);

/** Retry options of {@link fetchWithRetry}. */
export interface FetchRetryOptions extends RetryOptions {
  /**
   * The wait a response asks for before a retry, and why (e.g. GitHub's rate
   * limits, whose 403 is not retryable by its status alone), or undefined to
   * decide by status and Retry-After. It may read a clone of the response.
   */
  readonly waitRequested?: (response: Response) => Promise<{ readonly seconds: number; readonly reason: string } | undefined>;
}

/**
 * The project's one HTTP stack: the built-in fetch with a headers timeout,
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
  const timeoutSeconds = options.timeoutSeconds ?? 30;
  let callerSignal: AbortSignal | null | undefined;
  let method = 'GET';
  const attempt = async (isLast: boolean) => {
    const init = typeof request === 'function' ? request() : request;
    callerSignal = init.signal;
    method = init.method ?? 'GET';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no response within ${timeoutSeconds}s`)), timeoutSeconds * 1000);
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    try {
      const response = await fetch(url, { ...init, signal });
      const wait = (await options.waitRequested?.(response)) ?? retryAfterWait(response);
      if (!isRetryableStatus(response.status) && wait === undefined) return { value: response };
      const retry = { reason: `HTTP ${response.status}${wait ? ` (${wait.reason})` : ''}`, ...(wait ? { retryAfterSeconds: wait.seconds } : {}) };
      const willRetry = !isLast && (wait === undefined || wait.seconds <= (options.maxDelaySeconds ?? 60));
      if (willRetry) await response.body?.cancel().catch(() => undefined);
      return { value: response, retry };
    } finally {
      clearTimeout(timer);
    }
  };
  return withRetries(
    () => `${method} ${String(url)}`,
    attempt,
    options,
    () => callerSignal?.aborted === true,
  );
}

/** The wait a retryable answer's Retry-After header asks for (RFC 9110 §10.2.3), or undefined. */
function retryAfterWait(response: Response): { seconds: number; reason: string } | undefined {
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
