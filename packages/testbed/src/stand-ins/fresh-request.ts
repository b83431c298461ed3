// An HTTP request on a connection of its own, for a client in the same process as the stand-in it calls.
import { request } from 'node:http';

/**
 * Sends one HTTP request to a loopback stand-in on a new connection (no keep-alive pool). A stand-in
 * that runs in the caller's process shares its event loop, which git commands run with spawnSync block:
 * a pooled keep-alive connection the server closed meanwhile would answer the next request with
 * ECONNRESET (fetch's "fetch failed"), a failure of the test bench, not of the code under test.
 *
 * @param body sent as JSON (content-type application/json) when defined
 * @returns the status and the body's text
 * @throws Error when the connection fails
 */
export function freshRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: options.method,
        agent: false,
        headers: { ...options.headers, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end(options.body !== undefined ? JSON.stringify(options.body) : undefined);
  });
}
