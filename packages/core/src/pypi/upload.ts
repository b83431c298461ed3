import { ActionError } from '../action/errors.js';
import { fetchWithRetry, partsBody } from '../http/fetch-with-retry.js';
import type { RetryOptions } from '../http/retry.js';
import { uploadFields } from './metadata.js';
import type { Sdist } from './sdist.js';

/** Where to upload, and with which API token. */
export interface UploadTarget {
  /** A label for messages, e.g. TestPyPI. */
  readonly label: string;
  /** The upload endpoint, e.g. https://upload.pypi.org/legacy/. */
  readonly url: string;
  /** The index serving the simple API, e.g. https://pypi.org. */
  readonly indexUrl: string;
  readonly token: string;
}

/**
 * The index of an upload URL: upload.pypi.org/legacy/ → pypi.org,
 * test.pypi.org/legacy/ → test.pypi.org, otherwise the URL without /legacy/.
 */
export function indexUrlOf(uploadUrl: string): string {
  const url = new URL(uploadUrl);
  if (url.hostname.startsWith('upload.')) url.hostname = url.hostname.slice('upload.'.length);
  url.pathname = url.pathname.replace(/\/legacy\/?$/, '/');
  return url.toString().replace(/\/+$/, '');
}

/**
 * The sha256 of `filename` as the index serves it (simple API: PEP 691 JSON, or PEP 503 HTML with `#sha256=` fragments).
 * @returns the hex digest, or undefined when the index does not list the file
 */
export async function indexedSha256(indexUrl: string, project: string, filename: string, retry?: RetryOptions): Promise<string | undefined> {
  const response = await fetchWithRetry(
    `${indexUrl}/simple/${project}/`,
    { headers: { accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' } },
    retry,
  );
  if (response.status === 404) return undefined;
  if (!response.ok) throw new ActionError(`${indexUrl}/simple/${project}/ answered HTTP ${response.status}`);
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    const files = (JSON.parse(text) as { files?: { filename: string; hashes?: { sha256?: string } }[] }).files ?? [];
    return files.find((file) => file.filename === filename)?.hashes?.sha256;
  }
  for (const [, href, name] of text.matchAll(/<a[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)) {
    if (name!.trim() === filename) return /#sha256=([a-f0-9]{64})/.exec(href!)?.[1];
  }
  return undefined;
}

/** A multipart/form-data body, as parts to send in order, and its content type. */
export interface MultipartBody {
  readonly parts: readonly Buffer[];
  readonly contentType: string;
}

/**
 * Encodes form fields and one file as multipart/form-data (RFC 7578) with the
 * values' bytes unchanged. FormData is not used: it turns every LF of a string
 * value into CRLF, which would change the description PyPI shows. The file's
 * bytes are one part of their own, not copied.
 */
export function multipartBody(fields: readonly [string, string][], file: { name: string; field: string; bytes: Buffer }): MultipartBody {
  const boundary = `----exegol-release-${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const quote = (text: string): string => text.replace(/"/g, '%22').replace(/\r?\n/g, ' ');
  const head = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`).join('');
  const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; filename="${quote(file.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const parts = [Buffer.from(head + fileHead, 'utf8'), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)];
  return { parts, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The fields of an sdist upload (PyPI's upload API: metadata as twine sends it, the sha256 and BLAKE2b-256 digests, `:action=file_upload`, `protocol_version=1`). */
export function uploadFormFields(sdist: Sdist): [string, string][] {
  return [
    ...uploadFields(sdist.metadata),
    ['sha256_digest', sdist.sha256],
    ['blake2_256_digest', sdist.blake2b256],
    [':action', 'file_upload'],
    ['protocol_version', '1'],
  ];
}

/**
 * Uploads an sdist (POST multipart/form-data to the upload URL, Basic auth
 * `__token__`), without following redirects: a redirect means a wrong URL.
 * Retries 5xx and dropped connections. With `skipExisting`, a 400 "File
 * already exists" (PyPI puts it in the reason phrase) or a 409 is skipped
 * only when the index holds the same sha256.
 *
 * @returns uploaded, or skipped when the same file was already there
 * @throws ActionError for a redirect, a refused token, a file name already used by other bytes, or any other refusal
 */
export async function uploadSdist(
  sdist: Sdist,
  target: UploadTarget,
  options: { skipExisting: boolean; retry?: RetryOptions },
): Promise<'uploaded' | 'skipped'> {
  const authorization = `Basic ${Buffer.from(`__token__:${target.token}`).toString('base64')}`;
  const { parts, contentType } = multipartBody(uploadFormFields(sdist), { field: 'content', name: sdist.filename, bytes: sdist.bytes });
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
    { timeoutSeconds: 300, ...options.retry },
  );
  const body = await response.text();
  const reason = `HTTP ${response.status} ${response.statusText}`.trim();
  if (response.status >= 200 && response.status < 300) return 'uploaded';
  if (response.status >= 300 && response.status < 400) {
    throw new ActionError(
      `${target.url} redirects (${reason}) to ${response.headers.get('location') ?? 'elsewhere'}: the repository URL must be the upload endpoint itself, ending in /legacy/ (e.g. https://upload.pypi.org/legacy/)`,
    );
  }
  if (response.status === 401 || response.status === 403)
    throw new ActionError(`${target.label} (${target.url}) refused the credentials: ${reason}${body ? ` — ${body.slice(0, 300).trim()}` : ''}`);
  const exists = response.status === 409 || (response.status === 400 && /File already exists/i.test(`${response.statusText} ${body}`));
  if (!exists) throw new ActionError(`${target.label} (${target.url}) refused ${sdist.filename}: ${reason}${body ? ` — ${body.slice(0, 500).trim()}` : ''}`);
  const indexed = await indexedSha256(target.indexUrl, sdist.normalisedName, sdist.filename, options.retry);
  if (indexed !== undefined && indexed !== sdist.sha256) {
    throw new ActionError(
      `${sdist.filename} already exists on ${target.label} with other content (sha256 ${indexed}, this file ${sdist.sha256}): a file name can be uploaded once; release a new version`,
    );
  }
  if (!options.skipExisting)
    throw new ActionError(
      `${sdist.filename} already exists on ${target.label} (${reason}); set skip-existing: true to skip a file that is already there with the same content`,
    );
  if (indexed === undefined)
    throw new ActionError(
      `${target.label} says ${sdist.filename} already exists, but ${target.indexUrl}/simple/${sdist.normalisedName}/ does not list it: cannot check that it is the same file`,
    );
  return 'skipped';
}
