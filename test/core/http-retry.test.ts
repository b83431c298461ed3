import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchWithRetry, parseRetryAfter, partsBody, retryDelayScale, withRetries } from '@exegol-release/core/http';

let server: Server | undefined;

/** Starts a loopback server that answers each request with the next behaviour in `script`. */
async function serve(
  script: ((response: import('node:http').ServerResponse, request: import('node:http').IncomingMessage) => void)[],
): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((request, response) => {
    const step = script[Math.min(hits, script.length - 1)]!;
    hits += 1;
    step(response, request);
    if (request.listenerCount('data') === 0) request.resume();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, hits: () => hits };
}

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

const noSleep: number[] = [];
const recordSleep = async (seconds: number): Promise<void> => {
  noSleep.push(seconds);
};

describe('fetchWithRetry', () => {
  it('retries 5xx and 429, honouring Retry-After, then returns the success', async () => {
    noSleep.length = 0;
    const { url, hits } = await serve([
      (res) => res.writeHead(503).end(),
      (res) => res.writeHead(429, { 'retry-after': '7' }).end(),
      (res) => res.writeHead(200).end('ok'),
    ]);
    const response = await fetchWithRetry(url, {}, { sleep: recordSleep, minDelaySeconds: 0.01 });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(hits()).toBe(3);
    expect(noSleep[1]).toBe(7);
  });

  it('retries a connection dropped mid-request', async () => {
    const { url, hits } = await serve([(res) => res.socket?.destroy(), (res) => res.writeHead(200).end('fine')]);
    const response = await fetchWithRetry(url, {}, { sleep: recordSleep });
    expect(await response.text()).toBe('fine');
    expect(hits()).toBe(2);
  });

  it('does not retry a 404 or a 400', async () => {
    const { url, hits } = await serve([(res) => res.writeHead(404).end()]);
    expect((await fetchWithRetry(url, {}, { sleep: recordSleep })).status).toBe(404);
    expect(hits()).toBe(1);
  });

  it('returns the last retryable answer after the last retry', async () => {
    const { url, hits } = await serve([(res) => res.writeHead(500).end('still broken')]);
    const response = await fetchWithRetry(url, {}, { retries: 2, sleep: recordSleep });
    expect(response.status).toBe(500);
    expect(hits()).toBe(3);
  });

  it('throws, naming the URL, when the connection fails every time', async () => {
    const { url } = await serve([(res) => res.socket?.destroy()]);
    await expect(fetchWithRetry(url, { method: 'PUT', body: 'x' }, { retries: 1, sleep: recordSleep })).rejects.toThrow(`PUT ${url}`);
  });

  it('times out waiting for headers and retries', async () => {
    const { url, hits } = await serve([() => undefined, (res) => res.writeHead(204).end()]);
    const response = await fetchWithRetry(url, {}, { timeoutSeconds: 0.2, sleep: recordSleep });
    expect(response.status).toBe(204);
    expect(hits()).toBe(2);
  });

  it('sends a fresh body on each attempt when given a function', async () => {
    const bodies: string[] = [];
    const record = (status: number) => (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(status).end();
      });
    };
    const { url } = await serve([record(502), record(201)]);
    let made = 0;
    const response = await fetchWithRetry(url, () => ({ method: 'POST', body: `body-${(made += 1)}` }), { sleep: recordSleep });
    expect(response.status).toBe(201);
    expect(bodies).toEqual(['body-1', 'body-2']);
  });
});

/** POSTs `parts` as one body with fetchWithRetry, as the package index upload does. */
function postParts(url: string, parts: Buffer[], options: Parameters<typeof fetchWithRetry>[2] = {}): Promise<Response> {
  return fetchWithRetry(
    url,
    () => {
      const { body, duplex, contentLength } = partsBody(parts);
      return { method: 'POST', redirect: 'manual', headers: { 'content-length': contentLength }, body, duplex } as RequestInit;
    },
    options,
  );
}

describe('fetchWithRetry with a body in parts', () => {
  /** Answers with `status` once the whole body arrived, and keeps what arrived. */
  const receive =
    (bodies: Buffer[], status: number, headers: Record<string, string> = {}) =>
    (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(status, 'Reason Given', headers).end(`answer ${status}`);
      });
    };

  it('sends the parts in order with their total content-length, and reads the answer whole', async () => {
    const bodies: Buffer[] = [];
    let contentLength: string | undefined;
    const { url } = await serve([(res, req) => ((contentLength = req.headers['content-length']), receive(bodies, 200)(res, req))]);
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    const response = await postParts(url, [Buffer.from('head|'), big, Buffer.from('|tail')]);
    expect(response).toMatchObject({ status: 200, statusText: 'Reason Given' });
    expect(await response.text()).toBe('answer 200');
    expect(contentLength).toBe(String(big.length + 10));
    expect(bodies[0]!.equals(Buffer.concat([Buffer.from('head|'), big, Buffer.from('|tail')]))).toBe(true);
  });

  it('answers a redirect without following it', async () => {
    const bodies: Buffer[] = [];
    const { url, hits } = await serve([receive(bodies, 301, { location: 'http://elsewhere.invalid/' })]);
    const response = await postParts(url, [Buffer.from('x')]);
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('http://elsewhere.invalid/');
    expect(hits()).toBe(1);
  });

  it('retries 5xx (Retry-After honoured) and dropped connections, sending the whole body again', async () => {
    noSleep.length = 0;
    const bodies: Buffer[] = [];
    const { url, hits } = await serve([receive(bodies, 503, { 'retry-after': '3' }), (res) => res.socket?.resetAndDestroy(), receive(bodies, 201)]);
    const response = await postParts(url, [Buffer.from('a'), Buffer.from('b')], { sleep: recordSleep });
    expect(response.status).toBe(201);
    expect(hits()).toBe(3);
    expect(noSleep[0]).toBe(3);
    expect(bodies.map(String)).toEqual(['ab', 'ab']);
  });

  it('retries a connection reset while the body is still being sent, then sends the whole body again', async () => {
    const bodies: Buffer[] = [];
    let firstChunk = 0;
    const resetEarly = (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) =>
      req.once('data', (chunk: Buffer) => ((firstChunk = chunk.length), res.socket?.resetAndDestroy()));
    const { url, hits } = await serve([resetEarly, receive(bodies, 200)]);
    const big = Buffer.alloc(8 * 1024 * 1024, 3);
    const response = await postParts(url, [big], { sleep: recordSleep });
    expect(firstChunk).toBeLessThan(big.length);
    expect(response.status).toBe(200);
    expect(hits()).toBe(2);
    expect(bodies[0]!.equals(big)).toBe(true);
  });

  it('retries when no answer comes within timeoutSeconds', async () => {
    const bodies: Buffer[] = [];
    const { url, hits } = await serve([() => undefined, receive(bodies, 200)]);
    const response = await postParts(url, [Buffer.from('x')], { timeoutSeconds: 0.2, sleep: recordSleep });
    expect(response.status).toBe(200);
    expect(hits()).toBe(2);
  });

  it('throws, naming the URL and the attempts, when the connection fails every time', async () => {
    const { url } = await serve([(res) => res.socket?.resetAndDestroy()]);
    await expect(postParts(url, [Buffer.from('x')], { retries: 1, sleep: recordSleep })).rejects.toThrow(
      new RegExp(`^POST ${url.replace(/[.]/g, '\\.')}: .+ after 2 attempts$`),
    );
  });

  it('returns the last 5xx once the retries ran out', async () => {
    const bodies: Buffer[] = [];
    const { url, hits } = await serve([receive(bodies, 502)]);
    const response = await postParts(url, [Buffer.from('x')], { retries: 2, sleep: recordSleep });
    expect(response.status).toBe(502);
    expect(hits()).toBe(3);
  });
});

describe('retry delays', () => {
  afterEach(() => {
    delete process.env['RELEASE_ACTIONS_RETRY_DELAY_SCALE'];
  });

  it('are scaled by RELEASE_ACTIONS_RETRY_DELAY_SCALE, which can only shorten them', async () => {
    expect(retryDelayScale()).toBe(1);
    process.env['RELEASE_ACTIONS_RETRY_DELAY_SCALE'] = '0.01';
    expect(retryDelayScale()).toBe(0.01);
    const delays: number[] = [];
    let tries = 0;
    await withRetries('test', async () => ((tries += 1), tries < 3 ? { value: 0, retry: { reason: 'again', retryAfterSeconds: 30 } } : { value: 1 }), {
      sleep: async (seconds) => void delays.push(seconds),
    });
    expect(delays).toEqual([0.3, 0.3]);
    for (const ignored of ['2', '-1', 'fast']) {
      process.env['RELEASE_ACTIONS_RETRY_DELAY_SCALE'] = ignored;
      expect(retryDelayScale()).toBe(1);
    }
  });

  it('are not waited when an answer asks for more than maxDelaySeconds: the answer is returned at once', async () => {
    const delays: number[] = [];
    const value = await withRetries('test', async () => ({ value: 'limited', retry: { reason: 'HTTP 429', retryAfterSeconds: 3600 } }), {
      maxDelaySeconds: 60,
      sleep: async (seconds) => void delays.push(seconds),
    });
    expect(value).toBe('limited');
    expect(delays).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(28);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
