import type { HttpAnswer } from '../http/fetch-with-retry.js';
import { parseRetryAfter } from '../http/retry.js';

/**
 * How long a 429 asks to wait, in seconds, from the headers registries send:
 * Retry-After (RFC 9110 §10.2.3), RateLimit-Reset (delta seconds, IETF
 * draft-ietf-httpapi-ratelimit-headers, read by regclient), X-Retry-After
 * (Docker Hub's API: a Unix time), or, when Docker Hub's pull limit is used
 * up (`ratelimit-remaining: 0;w=21600`, docs.docker.com/docker-hub/usage/pulls),
 * the window's length: Docker documents no reset time for it.
 *
 * @returns seconds and a description, or undefined when nothing says how long (then backoff applies)
 */
export function registryRateLimitWait(response: HttpAnswer, now = Date.now()): { seconds: number; reason: string; resetsAt: Date } | undefined {
  if (response.status !== 429) return undefined;
  const at = (seconds: number): Date => new Date(now + seconds * 1000);
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now);
  if (retryAfter !== undefined) return { seconds: retryAfter, reason: `Retry-After: ${response.headers.get('retry-after')!.trim()}`, resetsAt: at(retryAfter) };
  const reset = /^\s*(\d+)/.exec(response.headers.get('ratelimit-reset') ?? '')?.[1];
  if (reset !== undefined) return { seconds: Number(reset), reason: `RateLimit-Reset: ${reset}`, resetsAt: at(Number(reset)) };
  const hubRetry = /^\s*(\d{9,})\s*$/.exec(response.headers.get('x-retry-after') ?? '')?.[1];
  if (hubRetry !== undefined) {
    const seconds = Math.max(0, Number(hubRetry) - now / 1000);
    return { seconds, reason: `X-Retry-After: ${hubRetry}`, resetsAt: new Date(Number(hubRetry) * 1000) };
  }
  const remaining = /^\s*(\d+)\s*;\s*w=(\d+)/.exec(response.headers.get('ratelimit-remaining') ?? '');
  if (remaining && Number(remaining[1]) === 0) {
    const window = Number(remaining[2]);
    return { seconds: window, reason: `pull limit used up (ratelimit-limit: ${response.headers.get('ratelimit-limit') ?? '?'})`, resetsAt: at(window) };
  }
  return undefined;
}

/** A 429's explanation for an error message: what the limit is and when it frees up, or an empty string. */
export function registryRateLimitMessage(response: HttpAnswer): string {
  const wait = registryRateLimitWait(response);
  if (!wait) return '';
  const minutes = Math.ceil(wait.seconds / 60);
  return ` (rate limited: ${wait.reason}; try again after ${wait.resetsAt.toISOString()}, in about ${minutes} minute${minutes === 1 ? '' : 's'})`;
}
