import { ActionError, describeError } from '../action/errors.js';
import { fetchWithRetry } from '../http/fetch-with-retry.js';
import { isRetryableStatus, withRetries, type RetryOptions } from '../http/retry.js';
import { jwtClaims } from '../util/jwt.js';

/** The claims of a GitHub Actions OIDC token that decide whether PyPI trusts it. */
export function publisherClaims(oidcToken: string): Record<string, string> {
  const claims = jwtClaims(oidcToken) ?? {};
  const keep = ['repository', 'repository_owner', 'workflow_ref', 'job_workflow_ref', 'environment', 'ref', 'sub'];
  return Object.fromEntries(keep.filter((key) => typeof claims[key] === 'string').map((key) => [key, claims[key] as string]));
}

/** The answer of PyPI's mint-token endpoint: `{success, token, expires}`, or 422 `{message, errors: [{code, description}]}`. */
interface MintAnswer {
  token?: string;
  message?: string;
  errors?: { code?: string; description?: string }[];
}

/** Whether the runner gives this job OIDC tokens (permissions: id-token: write). */
export function hasIdTokenPermission(): boolean {
  return Boolean(process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] && process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']);
}

/** The error for a job without `permissions: id-token: write`. */
export function idTokenPermissionError(what: string): ActionError {
  return new ActionError(
    `${what} needs an OIDC token, which the runner gives only to jobs with "permissions: id-token: write" (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add that permission, or pass an API token as password`,
  );
}

/**
 * Trusted publishing (docs.pypi.org, "Publishing with a Trusted Publisher"): GET
 * <index>/_/oidc/audience, the job's OIDC token for that audience from the runner, then POST
 * <index>/_/oidc/mint-token for a short-lived API token (900 s).
 *
 * PyPI burns an OIDC token's `jti` as soon as a mint request gets past its checks, whether or not
 * its answer arrives (warehouse oidc/views.py). So a mint whose answer was lost (a dropped
 * connection, a timeout, a 5xx) is never sent again with the same OIDC token: each attempt asks
 * the runner for a fresh one, and an `invalid-reuse-token` answer is treated the same way.
 *
 * @param getIdToken asks the runner for the job's OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN)
 * @returns the API token; the caller masks it
 * @throws ActionError when the runner gives no OIDC token (permissions: id-token: write missing) or the index refuses the exchange, with the claims that matter
 */
export async function mintTrustedPublishingToken(
  indexUrl: string,
  getIdToken: (audience: string) => Promise<string>,
  retry: RetryOptions = {},
): Promise<string> {
  if (!hasIdTokenPermission()) throw idTokenPermissionError('no password was given and trusted publishing');
  const audienceResponse = await fetchWithRetry(`${indexUrl}/_/oidc/audience`, {}, retry);
  if (!audienceResponse.ok) throw new ActionError(`${indexUrl} does not support trusted publishing (GET /_/oidc/audience: HTTP ${audienceResponse.status})`);
  const { audience } = (await audienceResponse.json()) as { audience?: string };
  if (!audience) throw new ActionError(`${indexUrl}/_/oidc/audience gave no audience`);
  let oidcToken = '';
  const { status, body } = await withRetries(
    `POST ${indexUrl}/_/oidc/mint-token`,
    async () => {
      oidcToken = await getIdToken(audience);
      // One attempt: a lost answer may have burnt this OIDC token; the next attempt asks for another.
      const mint = await fetchWithRetry(
        `${indexUrl}/_/oidc/mint-token`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: oidcToken }) },
        { ...retry, retries: 0 },
      );
      const answer = (await mint.json().catch(() => ({}))) as MintAnswer;
      const reused = answer.errors?.some((error) => error.code === 'invalid-reuse-token') ?? false;
      const value = { status: mint.status, body: answer };
      if (reused) return { value, retry: { reason: 'invalid-reuse-token: the OIDC token was already used; asking the runner for a fresh one' } };
      return isRetryableStatus(mint.status) ? { value, retry: { reason: `HTTP ${mint.status}; asking the runner for a fresh OIDC token` } } : { value };
    },
    { retries: 2, ...retry },
  ).catch((error: unknown) => {
    throw new ActionError(`the trusted publishing exchange with ${indexUrl} failed: ${describeError(error)}`);
  });
  if (status === 200 && body.token) return body.token;
  const errors = (body.errors ?? []).map((error) => `${error.code ?? 'error'}: ${error.description ?? ''}`).join('; ') || body.message || `HTTP ${status}`;
  const claims = Object.entries(publisherClaims(oidcToken))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  throw new ActionError(
    `${indexUrl} refused the trusted publishing exchange (HTTP ${status}): ${errors}. The job's token claims ${claims || '(unreadable)'}; they must match a trusted publisher configured for this project on the index (repository, workflow file, environment)`,
  );
}
