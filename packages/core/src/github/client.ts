import { getOctokit } from '@actions/github';
import { fetchWithRetry } from '../http/fetch-with-retry.js';
import { parseRetryAfter } from '../http/retry.js';
import type { Logger } from '../action/logger.js';

/** The REST client: @actions/github's Octokit, sending every request through {@link fetchWithRetry}. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/** The HTTP status of an error the client threw (Octokit's RequestError), or undefined for any other error. */
export function errorStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number'
    ? (error as { status: number }).status
    : undefined;
}

/** How the client reaches GitHub and retries. */
export interface GitHubClientOptions {
  /** The REST API root (GITHUB_API_URL); default https://api.github.com. */
  readonly apiUrl?: string;
  /** Retries of one request (5xx, dropped connections, rate limits). Default 3. */
  readonly retries?: number;
  /** The longest wait in seconds a rate limit may ask for before the request fails instead. Default 60. */
  readonly maxRateLimitWaitSeconds?: number;
  /** Where retries and rate-limit waits are logged. */
  readonly logger?: Logger;
}

/**
 * The wait a rate-limited answer asks for, as GitHub's REST docs ("Rate
 * limits for the REST API") describe it: a primary rate limit (403 or 429
 * with `x-ratelimit-remaining: 0`) until `x-ratelimit-reset` (epoch
 * seconds); a secondary one (403 or 429) for `retry-after` seconds, or one
 * minute when the answer gives neither.
 *
 * @returns seconds and which limit, or undefined when the answer is not a rate limit
 */
export function rateLimitWait(status: number, headers: Headers, body: string, now = Date.now()): { seconds: number; reason: string } | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset) && reset > 0)
    return { seconds: Math.max(0, reset - now / 1000), reason: `primary rate limit, reset at ${new Date(reset * 1000).toISOString()}` };
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return { seconds: retryAfter, reason: `secondary rate limit, retry-after ${retryAfter}s` };
  if (status === 429 || /secondary rate limit/i.test(body)) return { seconds: 60, reason: 'secondary rate limit, no retry-after: one minute' };
  return undefined;
}

/**
 * Creates a REST client (@actions/github's `getOctokit`) whose requests all go
 * through the project's one HTTP stack, {@link fetchWithRetry}: 408, 429 and
 * 5xx answers and dropped connections are retried with backoff, and rate
 * limits ({@link rateLimitWait}) are waited out when they ask for at
 * most `maxRateLimitWaitSeconds`; a longer one is answered at once, as an error.
 *
 * @param token a GitHub token; masked by the caller
 */
export function createGitHubClient(token: string, options: GitHubClientOptions = {}): GitHubClient {
  const { retries = 3, maxRateLimitWaitSeconds = 60, logger } = options;
  const fetch = (url: string | URL, init?: RequestInit): Promise<Response> =>
    fetchWithRetry(url, init ?? {}, {
      retries,
      maxDelaySeconds: maxRateLimitWaitSeconds,
      waitRequested: async (response) => rateLimitWait(response.status, response.headers, await response.clone().text()),
      onRetry: ({ reason, delaySeconds }) =>
        logger?.info(`GitHub API: ${init?.method ?? 'GET'} ${String(url)} answered ${reason}; retrying in ${delaySeconds.toFixed(1)}s`),
    });
  return getOctokit(token, { ...(options.apiUrl ? { baseUrl: options.apiUrl } : {}), request: { fetch } });
}
