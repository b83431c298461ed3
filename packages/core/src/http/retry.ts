import { describeError } from '../action/errors.js';

/** How a request is retried. Every field is optional. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  retries?: number;
  /** Seconds one attempt may wait (for fetch: the response headers; for a streamed upload: silence on the socket). Default 30. */
  timeoutSeconds?: number;
  /** First backoff delay in seconds, doubled on each retry, with jitter. Default 1. */
  minDelaySeconds?: number;
  /** Longest delay in seconds. An answer whose Retry-After asks for more is not retried: it is returned as it is. Default 60. */
  maxDelaySeconds?: number;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (info: { attempt: number; delaySeconds: number; reason: string }) => void;
  /** Waits; replaceable in tests. */
  sleep?: (seconds: number) => Promise<void>;
}

/** How one attempt ended: a value, and when it is worth another try, why. */
export interface AttemptOutcome<T> {
  readonly value: T;
  readonly retry?: { readonly reason: string; readonly retryAfterSeconds?: number };
}

const sleepFor = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** The environment variable that shortens every retry delay: a factor from 0 to 1 (tests set it so that no test waits for real back-off). */
export const RETRY_DELAY_SCALE_VARIABLE = 'RELEASE_ACTIONS_RETRY_DELAY_SCALE';

/**
 * The factor applied to every retry delay: RELEASE_ACTIONS_RETRY_DELAY_SCALE
 * when it is a number from 0 to 1, else 1. It can only shorten delays.
 */
export function retryDelayScale(): number {
  const text = process.env[RETRY_DELAY_SCALE_VARIABLE];
  const value = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : 1;
}

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
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * The one retry loop of every action (registry, package index and GitHub API
 * requests, blob copies). Runs `attempt` until its outcome asks for no retry, waiting between tries
 * with exponential backoff and jitter, or Retry-After when given, scaled by
 * {@link retryDelayScale}. An answer asking to wait longer than
 * `maxDelaySeconds` is returned at once rather than retried. After the
 * last retry the last value is returned as it is, for the caller to report.
 * A thrown error (a dropped connection, a timeout) is retried unless `isFatal` says otherwise.
 *
 * @param what the request, e.g. "POST https://upload.pypi.org/legacy/", for the final error (a function when known only once an attempt ran)
 * @param attempt one try; `isLast` is true when no retry will follow (a body need not be discarded then)
 * @throws Error `"<what>: <reason> after N attempts"` when every attempt threw
 */
export async function withRetries<T>(
  what: string | (() => string),
  attempt: (isLast: boolean) => Promise<AttemptOutcome<T>>,
  options: RetryOptions = {},
  isFatal: (error: unknown) => boolean = () => false,
): Promise<T> {
  const { retries = 4, minDelaySeconds = 1, maxDelaySeconds = 60, onRetry, sleep = sleepFor } = options;
  for (let number = 1; ; number += 1) {
    const isLast = number > retries;
    let reason: string;
    let retryAfter: number | undefined;
    try {
      const { value, retry } = await attempt(isLast);
      // An answer that asks to wait longer than the longest delay is final: the caller reports it.
      if (!retry || isLast || (retry.retryAfterSeconds ?? 0) > maxDelaySeconds) return value;
      reason = retry.reason;
      retryAfter = retry.retryAfterSeconds;
    } catch (error) {
      if (isFatal(error)) throw error;
      reason = describeError(error);
      if (isLast) throw new Error(`${typeof what === 'function' ? what() : what}: ${reason} after ${number} attempts`, { cause: error });
    }
    const backoff = minDelaySeconds * 2 ** (number - 1) * (0.5 + Math.random() / 2);
    const delaySeconds = Math.min(maxDelaySeconds, retryAfter ?? backoff) * retryDelayScale();
    onRetry?.({ attempt: number, delaySeconds, reason });
    await sleep(delaySeconds);
  }
}
