/** How {@link fetchWithRetry} retries. Every field is optional. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  retries?: number;
  /** Seconds to wait for the response headers of one attempt (the body may take longer). Default 30. */
  timeoutSeconds?: number;
  /** First backoff delay in seconds, doubled on each retry, with jitter. Default 1. */
  minDelaySeconds?: number;
  /** Longest delay in seconds, Retry-After included. Default 60. */
  maxDelaySeconds?: number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: { attempt: number; delaySeconds: number; reason: string }) => void;
  /** Waits; replaceable in tests. */
  sleep?: (seconds: number) => Promise<void>;
}

/** A request that can be made again: a RequestInit, or a function giving a fresh one (for bodies that are streams). */
export type ReplayableRequest = RequestInit | (() => RequestInit);

const sleepFor = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Whether a status is worth retrying: 408, 429 and every 5xx
 * (RFC 9110 §15.5.9, RFC 6585 §4, RFC 9110 §15.6).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Seconds to wait from a Retry-After header (RFC 9110 §10.2.3): either
 * delay-seconds or an HTTP-date.
 *
 * @returns seconds (0 or more), or undefined when the header is absent or invalid
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

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
 * @throws Error `"<METHOD> <url>: <reason> after N attempts"` when the connection failed every time
 */
export async function fetchWithRetry(url: string | URL, request: ReplayableRequest = {}, options: RetryOptions = {}): Promise<Response> {
  const { retries = 4, timeoutSeconds = 30, minDelaySeconds = 1, maxDelaySeconds = 60, onRetry, sleep = sleepFor } = options;
  for (let attempt = 1; ; attempt += 1) {
    const init = typeof request === 'function' ? request() : request;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no response within ${timeoutSeconds}s`)), timeoutSeconds * 1000);
    const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    let reason: string;
    let retryAfter: number | undefined;
    try {
      const response = await fetch(url, { ...init, signal });
      if (!isRetryableStatus(response.status) || attempt > retries) return response;
      reason = `HTTP ${response.status}`;
      retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      reason = `${error instanceof Error ? error.message : String(error)}${cause}`;
      if (attempt > retries) throw new Error(`${init.method ?? 'GET'} ${String(url)}: ${reason} after ${attempt} attempts`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    const backoff = minDelaySeconds * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    const delaySeconds = Math.min(maxDelaySeconds, retryAfter ?? backoff);
    onRetry?.({ attempt, delaySeconds, reason });
    await sleep(delaySeconds);
  }
}
