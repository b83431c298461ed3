import { ActionError } from '../action/errors.js';
import { fetchWithRetry } from '../http/fetch-with-retry.js';
import { jwtClaims } from '../util/jwt.js';

/** The claims of a GitHub Actions OIDC token that decide whether PyPI trusts it. */
export function publisherClaims(oidcToken: string): Record<string, string> {
  const claims = jwtClaims(oidcToken) ?? {};
  const keep = ['repository', 'repository_owner', 'workflow_ref', 'job_workflow_ref', 'environment', 'ref', 'sub'];
  return Object.fromEntries(keep.filter((key) => typeof claims[key] === 'string').map((key) => [key, claims[key] as string]));
}

/**
 * Trusted publishing (docs.pypi.org, "Publishing with a Trusted Publisher"):
 * GET <index>/_/oidc/audience, the job's OIDC token for that audience from
 * the runner, then POST <index>/_/oidc/mint-token for a short-lived API token.
 *
 * @param getIdToken asks the runner for the job's OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN)
 * @returns the API token; the caller masks it
 * @throws ActionError when the runner gives no OIDC token (permissions: id-token: write missing) or the index refuses the exchange, with the claims that matter
 */
export async function mintTrustedPublishingToken(indexUrl: string, getIdToken: (audience: string) => Promise<string>): Promise<string> {
  if (!process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] || !process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
    throw new ActionError(
      'no password was given and trusted publishing needs an OIDC token, which the runner gives only to jobs with "permissions: id-token: write" (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add that permission, or pass an API token as password',
    );
  }
  const audienceResponse = await fetchWithRetry(`${indexUrl}/_/oidc/audience`);
  if (!audienceResponse.ok) throw new ActionError(`${indexUrl} does not support trusted publishing (GET /_/oidc/audience: HTTP ${audienceResponse.status})`);
  const { audience } = (await audienceResponse.json()) as { audience?: string };
  if (!audience) throw new ActionError(`${indexUrl}/_/oidc/audience gave no audience`);
  const oidcToken = await getIdToken(audience);
  const mint = await fetchWithRetry(`${indexUrl}/_/oidc/mint-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: oidcToken }),
  });
  const body = (await mint.json().catch(() => ({}))) as { token?: string; message?: string; errors?: { code?: string; description?: string }[] };
  if (mint.ok && body.token) return body.token;
  const errors = (body.errors ?? []).map((error) => `${error.code ?? 'error'}: ${error.description ?? ''}`).join('; ') || body.message || `HTTP ${mint.status}`;
  const claims = Object.entries(publisherClaims(oidcToken))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  throw new ActionError(
    `${indexUrl} refused the trusted publishing exchange (HTTP ${mint.status}): ${errors}. The job's token claims ${claims || '(unreadable)'}; they must match a trusted publisher configured for this project on the index (repository, workflow file, environment)`,
  );
}
