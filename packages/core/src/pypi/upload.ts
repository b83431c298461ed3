import { STATUS_CODES } from 'node:http';
import { ActionError } from '../action/errors.js';
import { fetchWithRetry, partsBody } from '../http/fetch-with-retry.js';
import type { RetryOptions } from '../http/retry.js';
import type { Attestation } from './attestations.js';
import type { HashedDistribution } from './distribution.js';
import { uploadFields } from './metadata.js';

/** Where to upload, and with which credentials. */
export interface UploadTarget {
  /** A label for messages, e.g. TestPyPI. */
  readonly label: string;
  /** The upload endpoint without credentials, e.g. https://upload.pypi.org/legacy/. */
  readonly url: string;
  /** The index serving the simple API, e.g. https://pypi.org. */
  readonly indexUrl: string;
  /** The Basic user: `__token__` for an API token or a minted trusted-publishing token. */
  readonly username: string;
  readonly token: string;
}

/**
 * A repository URL as given, split: the URL without credentials (fetch refuses credentials in a
 * URL, and they must not reach a log), the credentials, and a redacted form to show.
 */
export interface RepositoryUrl {
  readonly url: string;
  /** The URL with `***` for its user information, to show. */
  readonly display: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * Splits the user information off a repository URL (RFC 3986 §3.2.1), percent-decoded.
 * @throws ActionError naming `input` when the text is not an http(s) URL; the message shows the URL redacted
 */
export function parseRepositoryUrl(text: string, input: string): RepositoryUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ActionError(`input '${input}' "${redactUrl(text)}" is not an http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ActionError(`input '${input}' "${redactUrl(text)}" is not an http(s) URL`);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString(), display: redactUrl(text), ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** A URL, or text holding URLs, with the user information of each replaced by `***`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi, '$1***@');
}

/** The Basic authorization header value of a target (RFC 7617). Its value is a secret: mask it. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * The index of an upload URL: upload.pypi.org/legacy/ → pypi.org,
 * test.pypi.org/legacy/ → test.pypi.org, otherwise the URL without /legacy/.
 */
export function indexUrlOf(uploadUrl: string): string {
  const url = new URL(uploadUrl);
  url.username = '';
  url.password = '';
  if (url.hostname.startsWith('upload.')) url.hostname = url.hostname.slice('upload.'.length);
  url.pathname = url.pathname.replace(/\/legacy\/?$/, '/');
  return url.toString().replace(/\/+$/, '');
}

/** A file as the simple API lists it. */
export interface IndexedFile {
  readonly filename: string;
  readonly sha256?: string;
}

/**
 * The files of a project as the index serves them (simple API: PEP 691 JSON, or PEP 503 HTML with `#sha256=` fragments).
 * @returns the files, empty when the index does not know the project
 * @throws ActionError when the index answers anything but 200 or 404
 */
export async function indexedFiles(indexUrl: string, project: string, retry?: RetryOptions): Promise<IndexedFile[]> {
  const response = await fetchWithRetry(
    `${indexUrl}/simple/${project}/`,
    { headers: { accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' } },
    retry,
  );
  if (response.status === 404) return [];
  if (!response.ok) throw new ActionError(`${indexUrl}/simple/${project}/ answered HTTP ${response.status}`);
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    const files = (JSON.parse(text) as { files?: { filename: string; hashes?: { sha256?: string } }[] }).files ?? [];
    return files.map((file) => ({ filename: file.filename, ...(file.hashes?.sha256 ? { sha256: file.hashes.sha256 } : {}) }));
  }
  return [...text.matchAll(/<a[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map(([, href, name]) => {
    const sha256 = /#sha256=([a-f0-9]{64})/.exec(href!)?.[1];
    return { filename: name!.trim(), ...(sha256 ? { sha256 } : {}) };
  });
}

/** A multipart/form-data body, as parts to send in order, and its content type. */
export interface MultipartBody {
  readonly parts: readonly Buffer[];
  readonly contentType: string;
}

/**
 * Encodes form fields and one file as multipart/form-data (RFC 7578) with the values' bytes
 * unchanged. FormData is not used: it turns every LF of a string value into CRLF, which would
 * change the description PyPI shows. The file's bytes are one part of their own, not copied.
 */
export function multipartBody(fields: readonly [string, string][], file: { name: string; field: string; bytes: Buffer }): MultipartBody {
  const boundary = `----exegol-release-${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const quote = (text: string): string => text.replace(/"/g, '%22').replace(/\r?\n/g, ' ');
  const head = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`).join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; filename="${quote(file.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const parts = [Buffer.from(head + fileHead, 'utf8'), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)];
  return { parts, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The fields of an upload (PyPI's upload API): the metadata as uploadFields gives it, the sha256
 * and BLAKE2b-256 digests, `:action=file_upload`, `protocol_version=1`, and, when given, the
 * `attestations` field: a JSON array of PEP 740 Attestation objects (twine's encoding).
 */
export function uploadFormFields(file: HashedDistribution, attestations?: readonly Attestation[]): [string, string][] {
  return [
    ...uploadFields(file.metadata, { filetype: file.filetype, pyversion: file.pyversion }),
    ['sha256_digest', file.sha256],
    ['blake2_256_digest', file.blake2b256],
    ...(attestations?.length ? [['attestations', JSON.stringify(attestations)] as [string, string]] : []),
    [':action', 'file_upload'],
    ['protocol_version', '1'],
  ];
}

/** Longest Retry-After, in seconds, a 429 is waited for (once); PyPI's only 429, "Too many new projects created", lasts up to an hour. */
export const UPLOAD_RETRY_AFTER_LIMIT_SECONDS = 60;

/** Replaces each secret, and the Basic header of the target, by `***` in text an index sent back. */
function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = redactUrl(text);
  for (const secret of secrets.filter((value) => value.length >= 4)) redacted = redacted.split(secret).join('***');
  return redacted;
}

/**
 * The reason an index gives for an answer: the reason phrase, where warehouse puts its message; when
 * the phrase is only the status's standard one (another index, a proxy), the start of the body too.
 * Secrets are redacted.
 */
function reasonOf(response: Response, body: string, secrets: readonly string[]): string {
  const text = body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const phrase = response.statusText.trim();
  const generic = !phrase || phrase === STATUS_CODES[response.status];
  return redactSecrets(`HTTP ${response.status}${phrase ? ` ${phrase}` : ''}${generic && text ? ` — ${text.slice(0, 300)}` : ''}`, secrets);
}

/**
 * Uploads a distribution file (POST multipart/form-data to the upload URL, Basic auth), without
 * following redirects (a redirect means a wrong URL).
 *
 * Retries: 5xx answers and dropped connections are retried (an identical re-upload is answered
 * 200 by PyPI, so a retry after a lost answer is safe); a 429 is retried once, and only when its
 * Retry-After asks for at most UPLOAD_RETRY_AFTER_LIMIT_SECONDS; any other answer is final.
 *
 * With `skipExisting`, a 400 "File already exists" (PyPI puts it in the reason phrase) or a 409
 * is skipped only when the index lists this file name with this sha256. PyPI answers that 400
 * also for these bytes under another name, which skip-existing never skips.
 *
 * @returns uploaded, or skipped when the same file was already there
 * @throws ActionError for a redirect, refused credentials, read-only mode, a rate limit, a file name or bytes already used, or any other refusal, in PyPI's words, the credentials redacted
 */
export async function uploadDistribution(
  file: HashedDistribution,
  target: UploadTarget,
  options: { skipExisting: boolean; attestations?: readonly Attestation[]; retry?: RetryOptions },
): Promise<'uploaded' | 'skipped'> {
  const authorization = basicAuthorization(target.username, target.token);
  const secrets = [target.token, authorization.slice('Basic '.length)];
  const { parts, contentType } = multipartBody(uploadFormFields(file, options.attestations), { field: 'content', name: file.filename, bytes: file.bytes });
  let seen429 = false;
  const response = await fetchWithRetry(
    target.url,
    () => {
      const { body, duplex, contentLength } = partsBody(parts);
      return {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization, 'content-type': contentType, 'content-length': contentLength },
        body,
        duplex,
      } as RequestInit;
    },
    {
      timeoutSeconds: 300,
      ...options.retry,
      // A 429 asks for a wait: once, and within the limit; a second 429, or one without Retry-After, is final (an endless wait is more than any limit).
      waitRequested: (answer) => {
        if (answer.status !== 429) return Promise.resolve(undefined);
        const header = answer.headers.get('retry-after');
        const seconds = header && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
        const wait =
          seen429 || seconds === undefined || seconds > UPLOAD_RETRY_AFTER_LIMIT_SECONDS
            ? { seconds: Number.POSITIVE_INFINITY, reason: 'rate limited' }
            : { seconds, reason: `Retry-After: ${seconds}` };
        seen429 = true;
        return Promise.resolve(wait);
      },
      maxDelaySeconds: Math.max(options.retry?.maxDelaySeconds ?? 60, UPLOAD_RETRY_AFTER_LIMIT_SECONDS),
    },
  );
  const body = await response.text();
  const reason = reasonOf(response, body, secrets);
  const where = `${target.label} (${target.url})`;
  if (response.status >= 200 && response.status < 300) return 'uploaded';
  if (response.status >= 300 && response.status < 400) {
    throw new ActionError(
      `${target.url} redirects (${reason}) to ${redactUrl(response.headers.get('location') ?? 'elsewhere')}: the repository URL must be the upload endpoint itself, ending in /legacy/ (e.g. https://upload.pypi.org/legacy/)`,
    );
  }
  if (response.status === 403 && /read-only mode|uploads are temporarily disabled/i.test(`${response.statusText} ${body}`))
    throw new ActionError(
      `${where} is in read-only mode and takes no upload for now (${reason}): ${file.filename} was not uploaded; run the job again once the index takes uploads (https://status.python.org)`,
    );
  if (response.status === 401 || response.status === 403) throw new ActionError(`${where} refused the credentials: ${reason}`);
  if (response.status === 429)
    throw new ActionError(
      `${where} refused ${file.filename} with ${reason}${response.headers.get('retry-after') ? ` (Retry-After: ${response.headers.get('retry-after')})` : ''}: the index limits the rate (PyPI: new projects, 20 an hour per user, 40 per address); run the job again later`,
    );
  const exists = response.status === 409 || (response.status === 400 && /already exist/i.test(`${response.statusText} ${body}`));
  if (!exists) throw new ActionError(`${where} refused ${file.filename}: ${reason}`);
  return existingFile(file, target, reason, options);
}

/** What a "File already exists" answer means, from the simple API: the same file (skipped with skipExisting), other bytes under this name, or these bytes under another name. */
async function existingFile(
  file: HashedDistribution,
  target: UploadTarget,
  reason: string,
  options: { skipExisting: boolean; retry?: RetryOptions },
): Promise<'skipped'> {
  const files = await indexedFiles(target.indexUrl, file.normalisedName, options.retry);
  const sameName = files.find((indexed) => indexed.filename === file.filename);
  const sameBytes = files.find((indexed) => indexed.filename !== file.filename && indexed.sha256 === file.sha256);
  if (sameName?.sha256 !== undefined && sameName.sha256 !== file.sha256)
    throw new ActionError(
      `${file.filename} already exists on ${target.label} with other content (sha256 ${sameName.sha256}, this file ${file.sha256}): a file name can be uploaded once; release a new version`,
    );
  if (!sameName && sameBytes)
    throw new ActionError(
      `${target.label} refused ${file.filename} (${reason}): these bytes are already there as ${sameBytes.filename}, and PyPI takes a file's bytes under one name only; skip-existing does not apply (it skips the same file under the same name)`,
    );
  if (!sameName)
    throw new ActionError(
      `${target.label} says ${file.filename} already exists (${reason}), but ${target.indexUrl}/simple/${file.normalisedName}/ lists neither that name nor these bytes: cannot tell what is there`,
    );
  if (!options.skipExisting)
    throw new ActionError(
      `${file.filename} already exists on ${target.label} with the same sha256 (${reason}); set skip-existing: true to skip a file that is already there with the same content`,
    );
  return 'skipped';
}
