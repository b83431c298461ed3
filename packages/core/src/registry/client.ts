import { createHash } from 'node:crypto';
import { ActionError } from '../action/errors.js';
import { fetchWithRetry } from '../http/fetch-with-retry.js';
import type { RetryOptions } from '../http/retry.js';
import type { Logger } from '../action/logger.js';
import { grantedAccess, parseChallenge, type Challenge } from './auth.js';
import type { RegistryCredentials } from './credentials.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import type { RegistryEndpoint } from './reference.js';

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
}

/** An error answer of the registry (distribution spec: `{"errors":[{"code","message","detail"}]}`). */
export async function describeRegistryError(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const errors = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors ?? [];
    if (errors.length) return `HTTP ${response.status} ${errors.map((error) => `${error.code ?? ''}: ${error.message ?? ''}`).join('; ')}`;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${response.status}${text ? ` ${text.slice(0, 200).trim()}` : ''}`;
}

/** The sha256 digest of bytes, as `sha256:<hex>`. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * A client of one registry's distribution API (OCI distribution spec v1.1),
 * authenticating anonymously, with Basic credentials, or with a Bearer token
 * from the registry's token server for every scope at once (Docker's token
 * authentication spec). Retries 429, 5xx and dropped connections.
 */
export class RegistryClient {
  private authorization?: string;

  private readonly retry: RetryOptions;

  constructor(
    readonly endpoint: RegistryEndpoint,
    private readonly options: RegistryClientOptions,
  ) {
    this.retry = {
      ...options.retry,
      onRetry: ({ reason, delaySeconds }) => options.logger.info(`${endpoint.name}: retrying in ${delaySeconds.toFixed(1)}s after ${reason}`),
    };
  }

  private url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.endpoint.apiBase}${path}`;
  }

  /**
   * Authenticates once: GET /v2/ (distribution spec, "Determining support"),
   * then, on a 401 challenge, Basic credentials or a Bearer token.
   *
   * @throws ActionError when the registry cannot be reached, refuses the credentials, or the token does not grant push
   */
  async authenticate(): Promise<void> {
    const response = await this.send('GET', '/v2/');
    await response.body?.cancel();
    if (response.ok) return;
    if (response.status !== 401) throw new ActionError(`registry ${this.endpoint.name} answered GET /v2/ with HTTP ${response.status}`);
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    if (!challenge) throw new ActionError(`registry ${this.endpoint.name} asks for authentication without a WWW-Authenticate challenge`);
    await this.answer(challenge);
    const check = await this.send('GET', '/v2/');
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
      throw new ActionError(`registry ${this.endpoint.name} asks for ${challenge.scheme} authentication, which is not supported`);
    const realm = new URL(challenge.params['realm']);
    if (challenge.params['service']) realm.searchParams.set('service', challenge.params['service']);
    for (const scope of this.options.scopes) realm.searchParams.append('scope', scope);
    if (credentials) realm.searchParams.set('account', credentials.username);
    const response = await fetchWithRetry(realm, { headers: basic ? { authorization: basic } : {} }, this.retry);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new ActionError(
        `the token server of ${this.endpoint.name} refused the credentials${credentials ? ` of ${credentials.username}` : ''} (HTTP ${response.status})`,
      );
    }
    if (!response.ok) throw new ActionError(`the token server of ${this.endpoint.name} answered ${await describeRegistryError(response)}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new ActionError(`the token server of ${this.endpoint.name} returned no token`);
    this.options.logger.mask(token);
    this.authorization = `Bearer ${token}`;
    const granted = grantedAccess(token);
    for (const repository of granted ? (this.options.pushRepositories ?? []) : []) {
      if (!granted!.some((entry) => entry.type === 'repository' && entry.name === repository && entry.actions.includes('push'))) {
        throw new ActionError(`the credentials${credentials ? ` of ${credentials.username}` : ''} may not push to ${repository} on ${this.endpoint.name}`);
      }
    }
  }

  private async send(method: string, path: string, init: RequestInit = {}, renew = true): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.authorization) headers.set('authorization', this.authorization);
    const response = await fetchWithRetry(this.url(path), { ...init, method, headers }, this.retry);
    // A Bearer token expires (Docker Hub's after 300 s): ask for a new one once.
    const challenge =
      response.status === 401 && renew && this.authorization?.startsWith('Bearer ') ? parseChallenge(response.headers.get('www-authenticate')) : undefined;
    if (!challenge) return response;
    await response.body?.cancel();
    await this.answer(challenge);
    return this.send(method, path, init, false);
  }

  /** A request with authentication; a body that is a stream is sent once (no retry). */
  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    if (init.body instanceof ReadableStream) {
      const headers = new Headers(init.headers);
      if (this.authorization) headers.set('authorization', this.authorization);
      return fetch(this.url(path), { ...init, method, headers, duplex: 'half' } as RequestInit);
    }
    return this.send(method, path, init);
  }

  /**
   * GET /v2/<name>/manifests/<reference> with every manifest media type accepted.
   * @returns the exact bytes, or undefined on 404
   * @throws ActionError on another error, or when the bytes do not match the digest asked for or announced
   */
  async getManifest(repository: string, reference: string): Promise<RawManifest | undefined> {
    const response = await this.request('GET', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) throw new ActionError(`GET manifest ${repository}:${reference} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const expected = reference.startsWith('sha256:') ? reference : response.headers.get('docker-content-digest');
    if (expected && expected !== digest)
      throw new ActionError(`manifest ${repository}@${expected} on ${this.endpoint.name} came back with digest ${digest}: corrupted in transit`);
    const mediaType =
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    return { digest, mediaType, bytes };
  }

  /** HEAD /v2/<name>/manifests/<reference>: the digest, without a pull counted on Docker Hub. @returns undefined on 404 */
  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new ActionError(`HEAD manifest ${repository}:${reference} on ${this.endpoint.name}: HTTP ${response.status}`);
    const digest = response.headers.get('docker-content-digest');
    if (digest) return digest;
    return (await this.getManifest(repository, reference))?.digest;
  }

  /** PUT /v2/<name>/manifests/<reference> with the bytes unchanged. @returns the digest the registry computed */
  async putManifest(repository: string, reference: string, manifest: RawManifest): Promise<string> {
    const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, {
      headers: { 'content-type': manifest.mediaType },
      body: manifest.bytes,
    });
    if (response.status !== 201)
      throw new ActionError(`PUT manifest ${repository}:${reference} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    await response.body?.cancel();
    return response.headers.get('docker-content-digest') ?? manifest.digest;
  }

  /** HEAD /v2/<name>/blobs/<digest>. */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`);
    if (response.status === 404) return false;
    if (!response.ok) throw new ActionError(`HEAD blob ${repository}@${digest} on ${this.endpoint.name}: HTTP ${response.status}`);
    return true;
  }

  /**
   * Cross-repository blob mount (distribution spec, "Mounting a blob from another repository"):
   * POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<other>.
   *
   * @returns `mounted` on 201, or the upload session's location on 202 (the registry did not mount)
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const response = await this.request('POST', `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`);
    await response.body?.cancel();
    if (response.status === 201) return { mounted: true };
    if (response.status === 202) return { mounted: false, location: this.location(response) };
    throw new ActionError(`mount of ${digest} from ${from} into ${repository} on ${this.endpoint.name}: HTTP ${response.status}`);
  }

  /** POST /v2/<name>/blobs/uploads/: opens an upload session. @returns its location */
  async startUpload(repository: string): Promise<string> {
    const response = await this.request('POST', `/v2/${repository}/blobs/uploads/`);
    if (response.status !== 202) throw new ActionError(`upload to ${repository} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    await response.body?.cancel();
    return this.location(response);
  }

  private location(response: Response): string {
    const location = response.headers.get('location');
    if (!location) throw new ActionError(`registry ${this.endpoint.name} opened an upload without a Location`);
    return new URL(location, this.endpoint.apiBase).toString();
  }

  /** GET /v2/<name>/blobs/<digest>, following redirects to storage; the caller reads the stream. */
  async getBlob(repository: string, digest: string): Promise<Response> {
    const response = await this.request('GET', `/v2/${repository}/blobs/${digest}`);
    if (!response.ok || !response.body)
      throw new ActionError(`GET blob ${repository}@${digest} on ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    return response;
  }

  /** Completes a monolithic upload: PUT <location>?digest=<digest> with the whole blob as a stream of `size` bytes. */
  async putBlob(location: string, digest: string, body: ReadableStream<Uint8Array>, size: number): Promise<void> {
    const url = new URL(location);
    url.searchParams.set('digest', digest);
    const response = await this.request('PUT', url.toString(), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
    });
    if (response.status !== 201) throw new ActionError(`upload of ${digest} to ${this.endpoint.name}: ${await describeRegistryError(response)}`);
    await response.body?.cancel();
  }

  /** Cancels an upload session (DELETE <location>); failures are ignored. */
  async cancelUpload(location: string): Promise<void> {
    const response = await this.request('DELETE', location).catch(() => undefined);
    await response?.body?.cancel().catch(() => undefined);
  }
}
