import { ActionError, InputError } from '../action/errors.js';
import { fetchWithRetry } from '../http/fetch-with-retry.js';
import { TEXT_LIMIT, readBody, readText } from '../http/read-body.js';
import type { Logger } from '../action/logger.js';
import type { RegistryClient } from './client.js';
import type { RegistryCredentials } from './credentials.js';
import { registryRateLimitMessage, registryRateLimitWait } from './rate-limit.js';
import type { TagPlan } from './plan.js';

/**
 * Checks `hub-api-url`: an https URL with no credentials, query or fragment
 * (Docker Hub's API is https://hub.docker.com). The value is never echoed in
 * an error: it may hold a secret.
 *
 * @returns the URL without a trailing slash
 * @throws InputError naming `input`
 */
export function parseHubApiUrl(text: string, input: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InputError(input, 'is not a URL: write https://hub.docker.com, or leave it empty');
  }
  if (url.username || url.password) throw new InputError(input, 'holds credentials: give them in username and password, which are masked, never in a URL');
  if (url.protocol !== 'https:') throw new InputError(input, `must be an https URL (credentials are sent there), not ${url.protocol.replace(/:$/, '')}`);
  if (url.search || url.hash) throw new InputError(input, 'must have no query or fragment: write https://hub.docker.com');
  return url.toString().replace(/\/+$/, '');
}

/**
 * Docker Hub's API as its current reference documents it
 * (docs.docker.com/reference/api/hub/latest): `POST /v2/auth/token` with
 * `identifier` (the user or organisation) and `secret` (a personal or
 * organisation access token, or a password) gives an `access_token`, valid
 * 10 minutes, sent as `Authorization: Bearer` (not the deprecated
 * `POST /v2/users/login` and its `JWT` scheme).
 *
 * Tag deletion: the current reference documents only GET and HEAD on
 * `/v2/namespaces/{namespace}/repositories/{repository}/tags/{tag}`, and no
 * DELETE on any tag path. The deletion used is the one Docker's own hub-tool
 * calls (`RemoveTag`, `DeleteTagURL = "/v2/repositories/%s/tags/%s/"`):
 * `DELETE /v2/repositories/{namespace}/{repository}/tags/{tag}/`, any 2xx
 * a success, 404 already gone; the token needs "Read, Write, Delete" (403 otherwise).
 * The registry API cannot untag on Docker Hub (`DELETE /v2/<name>/manifests/<digest>` answers 405 UNSUPPORTED).
 */
export class DockerHubApi {
  private token?: { value: string; until: number };

  constructor(
    private readonly base: string,
    private readonly credentials: RegistryCredentials,
    private readonly logger: Logger,
  ) {}

  private async send(url: string, init: RequestInit): Promise<Response> {
    return fetchWithRetry(
      url,
      { ...init, redirect: 'error' },
      {
        waitRequested: async (response) => registryRateLimitWait(response),
        onRetry: ({ reason, delaySeconds }) => this.logger.info(`Docker Hub: retrying in ${delaySeconds.toFixed(1)}s after ${reason}`),
      },
    );
  }

  /** POST /v2/auth/token, once per 9 minutes. @throws ActionError when Docker Hub refuses the credentials */
  private async bearer(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const response = await this.send(`${this.base}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ identifier: this.credentials.username, secret: this.credentials.password }),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ActionError(
        `Docker Hub refused to create an access token for ${this.credentials.username} (POST /v2/auth/token: HTTP ${response.status}${registryRateLimitMessage(response)})`,
      );
    }
    const text = await readBody(response, { maxBytes: TEXT_LIMIT, overflow: 'refuse', what: `Docker Hub's answer to POST ${this.base}/v2/auth/token` }).catch(
      (error: unknown) => {
        throw new ActionError((error as Error).message);
      },
    );
    let body: unknown;
    try {
      body = JSON.parse(text.toString('utf8'));
    } catch {
      // not JSON: no token
    }
    const token = body && typeof body === 'object' ? (body as { access_token?: unknown }).access_token : undefined;
    if (typeof token !== 'string' || !token) throw new ActionError(`Docker Hub (POST ${this.base}/v2/auth/token) returned no access_token`);
    this.logger.mask(token);
    this.token = { value: token, until: Date.now() + 9 * 60 * 1000 };
    return token;
  }

  /**
   * Deletes one tag (hub-tool's `DELETE /v2/repositories/{namespace}/{repository}/tags/{tag}/`).
   *
   * @returns `deleted`, or `absent` on 404
   * @throws ActionError on another answer, with Docker Hub's message
   */
  async deleteTag(repository: string, tag: string): Promise<'deleted' | 'absent'> {
    const token = await this.bearer();
    const response = await this.send(`${this.base}/v2/repositories/${repository}/tags/${encodeURIComponent(tag)}/`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.ok || response.status === 404) {
      await response.body?.cancel();
      return response.ok ? 'deleted' : 'absent';
    }
    const text = (await readText(response)).slice(0, 300);
    let message = text;
    try {
      const parsed = JSON.parse(text) as { message?: unknown; detail?: unknown };
      message = String(parsed.message ?? parsed.detail ?? text);
    } catch {
      // not JSON
    }
    throw new ActionError(`HTTP ${response.status}${message ? ` ${message.slice(0, 200)}` : ''}${registryRateLimitMessage(response)}`);
  }
}

/** What became of one source tag. */
export interface SourceTagOutcome {
  readonly tag: string;
  readonly state: 'deleted' | 'already gone' | 'kept' | 'failed';
  readonly detail?: string;
}

/**
 * Deletes the promoted tags from the source repository on Docker Hub, after
 * every target tag was read back at its digest: each source tag is read
 * again (HEAD on the registry, not counted as a pull) and deleted only while
 * it still points to the digest that was promoted; a tag already gone (an
 * earlier run's deletion) is done. Docker Hub's API has no conditional
 * delete: a push between the read and the deletion, a few milliseconds, is not caught.
 *
 * @returns one outcome a distinct source tag, in plan order
 */
export async function deletePromotedSourceTags(
  hub: DockerHubApi,
  source: RegistryClient,
  repository: string,
  plans: readonly TagPlan[],
): Promise<SourceTagOutcome[]> {
  const digests = new Map<string, string>();
  for (const plan of plans) if (!digests.has(plan.sourceTag)) digests.set(plan.sourceTag, plan.digest);
  const outcomes: SourceTagOutcome[] = [];
  for (const [tag, promoted] of digests) {
    try {
      const now = await source.headManifest(repository, tag);
      if (!now) outcomes.push({ tag, state: 'already gone' });
      else if (now !== promoted) outcomes.push({ tag, state: 'kept', detail: `it moved to ${now} since the plan; ${promoted} was promoted` });
      else outcomes.push({ tag, state: (await hub.deleteTag(repository, tag)) === 'deleted' ? 'deleted' : 'already gone' });
    } catch (error) {
      outcomes.push({ tag, state: 'failed', detail: (error as Error).message });
    }
  }
  return outcomes;
}
