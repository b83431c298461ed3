import type { IncomingHttpHeaders } from 'node:http';
import { isRetryableStatus, parseRetryAfter, withRetries, type RetryOptions } from './retry.js';

/** An HTTP answer read whole. */
export interface TextResponse {
  readonly status: number;
  /** The reason phrase, e.g. "File already exists …" (PyPI puts messages there). */
  readonly statusText: string;
  /** Header names in lower case. */
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One POST with node:http(s): the parts written in order, the answer read whole. */
async function postOnce(url: URL, parts: readonly Buffer[], headers: Record<string, string>, idleSeconds: number): Promise<TextResponse> {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(length) } });
    outgoing.setTimeout(idleSeconds * 1000, () => outgoing.destroy(new Error(`nothing sent or received for ${idleSeconds}s`)));
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('close', () => {
        if (!response.complete) return reject(new Error('the connection closed before the answer ended'));
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    for (const part of parts) outgoing.write(part);
    outgoing.end();
  });
}

/**
 * POSTs a body given as parts, written in order and never joined (a 20 MB
 * sdist goes out from the buffer it was read into), with node:http or
 * node:https rather than fetch, which copies a Buffer body twice and loads
 * undici (about 20 ms) first. Redirects are answered, not followed; the
 * default agent is used, so NODE_USE_ENV_PROXY's proxy applies.
 * Retries like fetchWithRetry: 408, 429 and 5xx (Retry-After honoured),
 * dropped connections, and `timeoutSeconds` of silence on the socket.
 *
 * @param url an http: or https: URL
 * @param headers request headers; content-length is set from the parts
 * @returns the last answer, still retryable when the retries ran out
 * @throws Error `"POST <url>: <reason> after N attempts"` when the connection failed every time
 */
export async function postWithRetry(url: string, parts: readonly Buffer[], headers: Record<string, string>, options: RetryOptions = {}): Promise<TextResponse> {
  const target = new URL(url);
  const idleSeconds = options.timeoutSeconds ?? 30;
  return withRetries(`POST ${url}`, async () => {
    const response = await postOnce(target, parts, headers, idleSeconds);
    if (!isRetryableStatus(response.status)) return { value: response };
    const retryAfter = response.headers['retry-after'];
    return { value: response, retry: { reason: `HTTP ${response.status}`, retryAfterSeconds: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) } };
  }, options);
}
