import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ActionError } from '../action/errors.js';
import { fetchWithRetry, streamWithRetry, type FetchRetryOptions, type HttpAnswer } from '../http/fetch-with-retry.js';
import { streamRequest, type StreamAnswer } from '../http/stream-request.js';
import { isFetchResponse, readBody, readText } from '../http/read-body.js';
import type { RetryOptions } from '../http/retry.js';
import type { Logger } from '../action/logger.js';
import { grantedAccess, parseChallenge, type Challenge } from './auth.js';
import type { RegistryCredentials } from './credentials.js';
import { MAX_MANIFEST_BYTES, parseManifest } from './manifest.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import { registryRateLimitMessage, registryRateLimitWait } from './rate-limit.js';
import type { RegistryEndpoint } from './reference.js';
import { RequestLimit } from './request-limit.js';

/** A manifest or index as read: its exact bytes, which its digest is the sha256 of. */
export interface RawManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** What the client needs besides the registry. */
export interface RegistryClientOptions {
  readonly credentials?: RegistryCredentials;
  /** Token scopes to ask for at once, e.g. `repository:a:pull` and `repository:b:pull,push`. */
  readonly scopes: readonly string[];
  /** Repositories the token must allow pushing to; checked when the token says what it grants. */
  readonly pushRepositories?: readonly string[];
  /** How requests are retried; each retry is logged through `logger`. */
  readonly retry?: RetryOptions;
  /** Masks the credentials and tokens; logs retries. */
  readonly logger: Logger;
  /** Requests (each with its whole body) or blob copies under way at once against this registry. Default 4. */
  readonly concurrency?: number;
}

/** An error answer of the registry (distribution spec: `{"errors":[{"code","message","detail"}]}`). */
export async function describeRegistryError(response: HttpAnswer & { text(): Promise<string> }): Promise<string> {
  // At most 64 KiB within 30 s ({@link readText}): an error answer's body is a message, never 400 MB.
  const text = (isFetchResponse(response) ? await readText(response) : await response.text().catch(() => '')).slice(0, 2000);
  const limit = registryRateLimitMessage(response);
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors ?? [];
    if (errors.length)
      return `HTTP ${response.status} ${errors
        .slice(0, 3)
        .map((error) => `${String(error.code ?? '').slice(0, 50)}: ${String(error.message ?? '').slice(0, 200)}`)
        .join('; ')}${limit}`;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${response.status}${text ? ` ${text.slice(0, 200).trim()}` : ''}${limit}`;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The most bytes of a token server's answer read: a JWT with its claims is a few KiB. */
const MAX_TOKEN_ANSWER_BYTES = 1024 * 1024;

/**
 * The token of a token server's 200 answer (Docker's token authentication spec: a JSON object with
 * `token`, or OAuth2's `access_token`), read through {@link readBody}: at most 1 MiB, within 30 s.
 *
 * @param server names the token server in errors, e.g. `the token server of ghcr.io (https://ghcr.io/token)`
 * @throws ActionError naming the server when the answer is too large, too slow, not JSON, not an object (`null`), or holds no token
 */
async function tokenOf(response: Response, server: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readBody(response, { maxBytes: MAX_TOKEN_ANSWER_BYTES, overflow: 'refuse', what: `the answer of ${server}` });
  } catch (error) {
    throw new ActionError((error as Error).message);
  }
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ActionError(`${server} answered ${bytes.length} bytes that are not JSON, not a token`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ActionError(
      `${server} answered ${body === null ? 'null' : Array.isArray(body) ? 'a JSON array' : `a JSON ${typeof body}`}, not an object holding a token`,
    );
  const { token, access_token: accessToken } = body as { token?: unknown; access_token?: unknown };
  const found = typeof token === 'string' && token ? token : typeof accessToken === 'string' && accessToken ? accessToken : undefined;
  if (!found) throw new ActionError(`${server} returned no token`);
  return found;
}

/** The sha256 digest of bytes, as `sha256:<hex>`. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A client of one registry's distribution API (OCI distribution spec v1.1),
 * authenticating anonymously, with Basic credentials, or with a Bearer token
 * from the registry's token server for every scope at once (Docker's token
 * authentication spec). Retries 429, 5xx and dropped connections; a 429 that
 * asks to wait more than a minute (Docker Hub's pull limit) fails at once,
 * saying when the limit frees up.
 *
 * Credentials go only where they were asked for, as Docker and containerd
 * send them: to the registry's own origin (which issued the challenge) and to
 * the token realm its challenge names. An upload Location or a redirect to
 * another host (a CDN, object storage with a signed URL) gets no Authorization.
 * Redirects are followed here (at most 5), never by fetch.
 */
export class RegistryClient {
  private authorization?: string;

  private readonly retry: FetchRetryOptions<HttpAnswer>;

  private readonly origin: string;

  /** Bounds the requests under way against this registry (`concurrency`). */
  readonly limit: RequestLimit;

  /** Manifest GETs sent: Docker Hub counts each as a pull (HEADs are not counted). */
  manifestGets = 0;

  constructor(
    readonly endpoint: RegistryEndpoint,
    private readonly options: RegistryClientOptions,
  ) {
    this.origin = new URL(endpoint.apiBase).origin;
    this.limit = new RequestLimit(options.concurrency ?? 4);
    this.retry = {
      ...options.retry,
      waitRequested: async (response) => registryRateLimitWait(response),
      onRetry: ({ reason, delaySeconds }) => options.logger.info(`${endpoint.name}: retrying in ${delaySeconds.toFixed(1)}s after ${reason}`),
    };
  }

  private url(path: string): URL {
    return new URL(/^https?:\/\//.test(path) ? path : `${this.endpoint.apiBase}${path}`);
  }

  /** The headers of a request to `url`: Authorization only for this registry's own origin. */
  private headersFor(url: URL, init: RequestInit): Headers {
    const headers = new Headers(init.headers);
    headers.delete('authorization');
    if (this.authorization && url.origin === this.origin) headers.set('authorization', this.authorization);
    return headers;
  }

  /**
   * Authenticates once: GET /v2/ (distribution spec, "Determining support"),
   * then, on a 401 challenge, Basic credentials or a Bearer token.
   *
   * @throws ActionError when the registry cannot be reached, refuses the credentials, or the token does not grant push
   */
  async authenticate(): Promise<void> {
    const response = await this.request('GET', '/v2/');
    await response.body?.cancel();
    if (response.ok) return;
    if (response.status !== 401)
      throw new ActionError(`registry ${this.endpoint.name} answered GET /v2/ with HTTP ${response.status}${registryRateLimitMessage(response)}`);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (!challenge) throw new ActionError(`registry ${this.endpoint.name} asks for authentication without a WWW-Authenticate challenge`);
    await this.answer(challenge);
    const check = await this.request('GET', '/v2/');
    await check.body?.cancel();
    if (check.status === 401)
      throw new ActionError(
        `registry ${this.endpoint.name} refused the credentials${this.options.credentials ? ` of ${this.options.credentials.username}` : ' (none given: set username and password, or log in with docker/login-action)'}`,
      );
  }

  private async answer(challenge: Challenge): Promise<void> {
    const { credentials } = this.options;
    const basic = credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
    if (basic) this.options.logger.mask(basic.slice(6));
    if (challenge.scheme === 'basic') {
      if (!basic) throw new ActionError(`registry ${this.endpoint.name} needs credentials: set username and password, or log in with docker/login-action`);
      this.authorization = basic;
      return;
    }
    if (challenge.scheme !== 'bearer' || !challenge.params['realm'])
      throw new ActionError(`registry ${this.endpoint.name} asks for ${challenge.scheme.slice(0, 20)} authentication, which is not supported`);
    let realm: URL;
    try {
      realm = new URL(challenge.params['realm']);
    } catch {
      throw new ActionError(`registry ${this.endpoint.name} names a token realm that is not a URL`);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && this.origin.startsWith('http:')))
      throw new ActionError(`registry ${this.endpoint.name} names a token realm that is not HTTPS: credentials are not sent there`);
    if (challenge.params['service']) realm.searchParams.set('service', challenge.params['service']);
    for (const scope of this.options.scopes) realm.searchParams.append('scope', scope);
    if (credentials) realm.searchParams.set('account', credentials.username);
    const response = await fetchWithRetry(realm, { headers: basic ? { authorization: basic } : {}, redirect: 'error' }, this.retry);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new ActionError(
        `the token server of ${this.endpoint.name} refused the credentials${credentials ? ` of ${credentials.username}` : ''} (HTTP ${response.status})`,
      );
    }
    if (!response.ok) throw new ActionError(`the token server of ${this.endpoint.name} answered ${await describeRegistryError(response)}`);
    const token = await tokenOf(response, `the token server of ${this.endpoint.name} (${realm.origin}${realm.pathname})`);
    this.options.logger.mask(token);
    this.authorization = `Bearer ${token}`;
    const granted = grantedAccess(token);
    for (const repository of granted ? (this.options.pushRepositories ?? []) : []) {
      if (!granted!.some((entry) => entry.type === 'repository' && entry.name === repository && entry.actions.includes('push'))) {
        throw new ActionError(`the credentials${credentials ? ` of ${credentials.username}` : ''} may not push to ${repository} on ${this.endpoint.name}`);
      }
    }
  }

  /**
   * A request with authentication (on this registry's origin only), retried, redirects of a GET or
   * HEAD followed, each hop authorized only on this registry's origin. Blobs go through
   * {@link getBlob} and {@link putBlob}.
   */
  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    return this.follow(
      method,
      path,
      (url) => fetchWithRetry(url, { ...init, method, headers: this.headersFor(url, init), redirect: 'manual' }, this.retry),
      async (response) => void (await response.body?.cancel()),
    );
  }
  /**
   * Sends a request through `exchange` (which retries), follows the redirects of a GET or HEAD
   * (at most 5, each hop authorized only on this registry's origin), and asks once for a new
   * Bearer token when the registry says the one it had expired.
   */
  private async follow<Answer extends HttpAnswer>(
    method: string,
    path: string,
    exchange: (url: URL) => Promise<Answer>,
    discard: (answer: Answer) => Promise<void>,
    renew = true,
  ): Promise<Answer> {
    let url = this.url(path);
    let response = await exchange(url);
    for (let hops = 0; REDIRECTS.has(response.status) && (method === 'GET' || method === 'HEAD'); hops += 1) {
      const location = response.headers.get('location');
      if (!location) break;
      await discard(response);
      if (hops === 5) throw new ActionError(`${method} ${url.pathname} on ${this.endpoint.name}: more than 5 redirects`);
      url = new URL(location, url);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ActionError(`${this.endpoint.name} redirected to a ${url.protocol} URL`);
      response = await exchange(url);
    }
    // A Bearer token expires (Docker Hub's after 300 s): ask for a new one once; a token lacking a scope would not change.
    const challenge =
      response.status === 401 && renew && url.origin === this.origin && this.authorization?.startsWith('Bearer ')
        ? parseChallenge(response.headers.get('www-authenticate'))
        : undefined;
    if (!challenge || challenge.params['error'] === 'insufficient_scope') return response;
    await discard(response);
    await this.answer(challenge);
    return this.follow(method, path, exchange, discard, false);
  }

  /**
   * GET /v2/<name>/manifests/<reference> with every manifest media type
   * accepted, at most 4 MiB (refused before reading when the length says
   * more), whole within 30 s of its headers ({@link readBody}), checked by
   * {@link parseManifest}. Counted in `manifestGets`.
   *
   * @returns the exact bytes, or undefined on 404
   * @throws ActionError on another error, an oversized, slow or malformed manifest, or bytes that do not match the digest asked for or announced
   */
  async getManifest(repository: string, reference: string): Promise<RawManifest | undefined> {
    return this.limit.run(async () => {
      this.manifestGets += 1;
      const response = await this.request('GET', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
      const where = `${this.endpoint.name}/${repository}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`;
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) throw new ActionError(`GET manifest ${where}: ${await describeRegistryError(response)}`);
      const bytes = await readBody(response, {
        maxBytes: MAX_MANIFEST_BYTES,
        overflow: 'refuse',
        limitName: '4 MiB manifest',
        what: `manifest ${where}`,
      }).catch((error: unknown) => {
        throw new ActionError((error as Error).message);
      });
      const digest = sha256Digest(bytes);
      const expected = reference.startsWith('sha256:') ? reference : response.headers.get('docker-content-digest');
      if (expected && expected !== digest)
        throw new ActionError(`manifest ${where} came back with digest ${digest}, not ${expected.slice(0, 80)}: corrupted in transit`);
      const { mediaType } = parseManifest(bytes, response.headers.get('content-type')?.split(';')[0]?.trim(), `manifest ${where}`);
      return { digest, mediaType, bytes };
    });
  }

  /** HEAD /v2/<name>/manifests/<reference>: the digest, without a pull counted on Docker Hub. @returns undefined on 404 */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const digest = await this.limit.run(async () => {
      const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
      if (response.status === 404) return null;
      if (!response.ok)
        throw new ActionError(
          `HEAD manifest ${repository}:${reference} on ${this.endpoint.name}: HTTP ${response.status}${registryRateLimitMessage(response)}`,
        );
      return response.headers.get('docker-content-digest') ?? undefined;
    });
    if (digest === null) return undefined;
    return digest ?? (await this.getManifest(repository, reference))?.digest;
  }

  /** PUT /v2/<name>/manifests/<reference> with the bytes unchanged. @returns the digest the registry computed */
  async putManifest(repository: string, reference: string, manifest: RawManifest): Promise<string> {
    return this.limit.run(async () => {
      const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
        headers: { 'content-type': manifest.mediaType },
        body: manifest.bytes,
      });
      if (response.status !== 201)
        throw new ActionError(`PUT manifest ${repository}:${reference} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
      await response.body?.cancel();
      return response.headers.get('docker-content-digest') ?? manifest.digest;
    });
  }

  /**
   * DELETE /v2/<name>/manifests/<reference> (distribution spec, "Deleting
   * tags" and "Deleting manifests"): by tag where the registry deletes tags
   * (distribution 3), by digest otherwise, which removes every tag on that
   * digest in the repository.
   *
   * @returns the status: 202 deleted, 404 absent, 400/405 not supported that way (distribution 2.8 answers a tag with 400 DIGEST_INVALID, Docker Hub with 405 UNSUPPORTED)
   */
  async deleteManifest(repository: string, reference: string): Promise<number> {
    return this.limit.run(async () => {
      const response = await this.request('DELETE', `/v2/${repository}/manifests/${reference}`);
      await response.body?.cancel();
      return response.status;
    });
  }

  /** HEAD /v2/<name>/blobs/<digest>. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return this.limit.run(async () => {
      const response = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`);
      if (response.status === 404) return false;
      if (!response.ok)
        throw new ActionError(`HEAD blob ${repository}@${digest} on ${this.endpoint.name}: HTTP ${response.status}${registryRateLimitMessage(response)}`);
      return true;
    });
  }

  /**
   * Cross-repository blob mount (distribution spec, "Mounting a blob from another repository"):
   * POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>.
   *
   * @returns `mounted` on 201; on 202 (the registry did not mount) the upload session's location; on
   * any other answer (401 when the token lacks pull on `from`, as Docker Hub and distribution answer) no location: the caller uploads
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<{ mounted: true } | { mounted: false; location?: string; reason: string }> {
    return this.limit.run(async () => {
      const response = await this.request('POST', `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`);
      await response.body?.cancel();
      if (response.status === 201) return { mounted: true };
      if (response.status === 202) return { mounted: false, location: this.location(response), reason: 'HTTP 202' };
      return { mounted: false, reason: `HTTP ${response.status}` };
    });
  }

  /** POST /v2/<name>/blobs/uploads/: opens an upload session. @returns its location */
  async startUpload(repository: string): Promise<string> {
    return this.limit.run(async () => {
      const response = await this.request('POST', `/v2/${repository}/blobs/uploads/`);
      if (response.status !== 202) throw new ActionError(`upload to ${repository} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
      await response.body?.cancel();
      return this.location(response);
    });
  }

  private location(response: Response): string {
    const location = response.headers.get('location');
    if (!location) throw new ActionError(`registry ${this.endpoint.name} opened an upload without a Location`);
    const url = new URL(location, response.url || this.endpoint.apiBase);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ActionError(`registry ${this.endpoint.name} gave an upload Location that is not HTTP`);
    return url.toString();
  }

  /**
   * GET /v2/<name>/blobs/<digest> over node:http(s) ({@link streamWithRetry}: a blob's bytes
   * cost far less CPU there than through fetch), following redirects to storage (without
   * credentials on another host); the caller reads the stream, inside a slot of {@link limit}
   * it holds for the whole copy.
   *
   * @throws ActionError when the registry answers anything but 200; Error `"GET <url>: <reason> after N attempts"` when the connection failed every time
   */
  async getBlob(repository: string, digest: string): Promise<StreamAnswer> {
    const response = await this.follow(
      'GET',
      `/v2/${repository}/blobs/${digest}`,
      (url) => streamWithRetry(url, { method: 'GET', headers: this.headersFor(url, {}) }, this.retry),
      (answer) => answer.discard(),
    );
    if (response.status !== 200) throw new ActionError(`GET blob ${repository}@${digest} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    return response;
  }

  /**
   * Completes a monolithic upload: PUT <location>?digest=<digest> with the whole blob, `size`
   * bytes, from the stream `body` (over node:http(s), once: a stream is not sent again).
   *
   * @throws ActionError when the registry answers anything but 201 (DIGEST_INVALID when the bytes are not the digest's); the body's own error when it fails
   */
  async putBlob(location: string, digest: string, body: Readable, size: number): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const headers = this.headersFor(url, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) } });
    const response = await streamRequest(url, { method: 'PUT', headers, body });
    if (response.status !== 201) throw new ActionError(`upload of ${digest} to ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    await response.discard();
  }

  /** Cancels an upload session (DELETE <location>); failures are ignored. */
  async cancelUpload(location: string): Promise<void> {
    const response = await this.request('DELETE', location).catch(() => undefined);
    await response?.body?.cancel().catch(() => undefined);
  }
}
