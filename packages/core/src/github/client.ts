import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

/** The REST client: @actions/github's Octokit with octokit's retry and throttling plugins. */
export type GitHubClient = ReturnType<typeof getOctokit>;

/** How the client retries. */
export interface GitHubClientOptions {
  /** The REST API root (GITHUB_API_URL); default https://api.github.com. */
  readonly apiUrl?: string;
  /** Retries of a request hit by a primary or secondary rate limit. Default 2. */
  readonly rateLimitRetries?: number;
  /** The longest wait in seconds a rate limit may ask for before the request fails instead. Default 60. */
  readonly maxRateLimitWaitSeconds?: number;
  /** Called when a request waits for a rate limit. */
  readonly onWait?: (message: string) => void;
}

/**
 * Creates a REST client that retries 5xx answers and dropped connections
 * (@octokit/plugin-retry: 3 retries) and waits out primary (403/429 with
 * `x-ratelimit-remaining: 0`) and secondary (403/429 "secondary rate limit",
 * Retry-After) rate limits (@octokit/plugin-throttling), as GitHub's REST
 * docs ("Rate limits for the REST API") ask.
 *
 * @param token a GitHub token; masked by the caller
 */
export function createGitHubClient(token: string, options: GitHubClientOptions = {}): GitHubClient {
  const { rateLimitRetries = 2, maxRateLimitWaitSeconds = 60, onWait } = options;
  // The plugin retries when the handler returns true (its typings say void).
  const decide = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
    const wanted = retryCount < rateLimitRetries && retryAfter <= maxRateLimitWaitSeconds;
    onWait?.(`${kind} on ${request.method} ${request.url}: ${wanted ? `waiting ${retryAfter}s` : 'giving up'}`);
    return wanted;
  };
  return getOctokit(
    token,
    {
      ...(options.apiUrl ? { baseUrl: options.apiUrl } : {}),
      throttle: { onRateLimit: decide('rate limit'), onSecondaryRateLimit: decide('secondary rate limit') },
    },
    // Plugins wrap in order, the last outermost: throttling must see 403/429 before retry does.
    throttling,
    retry,
  );
}
