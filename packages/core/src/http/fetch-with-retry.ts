import { isRetryableStatus, parseRetryAfter, withRetries, type RetryOptions } from './retry.js';

/** A request that can be made again: a RequestInit, or a function giving a fresh one (for bodies that are streams). */
export type ReplayableRequest = RequestInit | (() => RequestInit);

/**
 * The built-in fetch with a headers timeout, and retries with exponential
 * backoff on 408, 429, 5xx and dropped connections, honouring Retry-After.
 * A response that is still retryable after the last attempt is returned as
 * it is, for the caller to report; a network error after the last attempt is thrown.
 *
 * Redirects follow RequestInit.redirect (fetch's default: follow).
 *
 * @param url the request URL
 * @param request the request; a function when its body cannot be sent twice
 * @throws Error `"<METHOD> <url>: <reason> after N attempts"` when the connection failed every time; the caller's own abort as it is
 */
export async function fetchWithRetry(url: string | URL, request: ReplayableRequest = {}, options: RetryOptions = {}): Promise<Response> {
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
      if (!isRetryableStatus(response.status)) return { value: response };
      if (!isLast) await response.body?.cancel().catch(() => undefined);
      return { value: response, retry: { reason: `HTTP ${response.status}`, retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) } };
    } finally {
      clearTimeout(timer);
    }
  };
  return withRetries(() => `${method} ${String(url)}`, attempt, options, () => callerSignal?.aborted === true);
}
