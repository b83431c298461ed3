// Bounds on what a hostile registry or token server can cost (test/stand-ins/hostile-registry.ts):
// an index naming 10 000 children is refused after one GET, even in a dry run; a body sent one byte
// a second is given up after 30 s; an error answer of 64 MiB is read to 64 KiB; a token server
// answering `null` or a 64 MiB error gets one clear error naming it.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { listTags } from '@exegol-release/testbed/fixtures/images.js';
import { ManifestServer } from '@exegol-release/testbed/stand-ins/hostile-registry.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';

const VERSION = '5.1.5';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MiB = 1024 * 1024;
let open: TestRegistry;

beforeAll(async () => {
  open = await startRegistry();
});

afterAll(async () => {
  await open?.stop();
});

const digest = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const index = (count: number): Buffer =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: Array.from({ length: count }, (_, number) => ({ mediaType: OCI_MANIFEST, digest: digest(`child ${number}`), size: 500 })),
    }),
  );

/** Promotes `full` from `server` into the real registry. */
async function promote(server: ManifestServer, target: string, inputs: Record<string, string> = {}): Promise<BundleRun> {
  return runBundle('promote-images-preprod-to-prod', {
    inputs: {
      'source-registry': server.url,
      'target-registry': open.url,
      'source-repository': 'nwodtuhs/exegol-preprod',
      'target-repository': target,
      version: VERSION,
      flavours: 'full',
      tags: '{flavour}',
      ...inputs,
    },
  });
}

describe('promote-images-preprod-to-prod bundle: bounds on what a registry can cost', () => {
  it('refuses an index naming 10 000 child manifests after its one GET, before reading any child, even in a dry run', async () => {
    const server = await new ManifestServer().start();
    try {
      server.manifests.set('full', { bytes: index(10_000), contentType: OCI_INDEX });
      const run = await promote(server, 'nwodtuhs/exegol-wide-index', { 'dry-run': 'true' });
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(/@sha256:[a-f0-9]{64} lists 10000 manifests, more than 128 in one index: refused before reading any of them$/);
      expect(server.requests.filter((request) => request.method === 'GET' && /\/manifests\//.test(request.path))).toHaveLength(1);
      expect(server.requests.filter((request) => /\/manifests\/sha256:/.test(request.path))).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });

  it('gives up a manifest, and a token answer, sent one byte a second, 30 s after their headers', { timeout: 150_000 }, async () => {
    const [slowManifest, slowToken] = await Promise.all([new ManifestServer().start(), new ManifestServer().start()]);
    try {
      slowManifest.manifests.set('full', { bytes: index(2), contentType: OCI_INDEX, dripMs: 1000 });
      slowToken.token = { bytes: Buffer.from(JSON.stringify({ token: 'a'.repeat(400) })), contentType: 'application/json', dripMs: 1000 };
      const started = Date.now();
      const [manifestRun, tokenRun] = await Promise.all([promote(slowManifest, 'nwodtuhs/exegol-slow'), promote(slowToken, 'nwodtuhs/exegol-slow-token')]);
      const seconds = (Date.now() - started) / 1000;
      expect(manifestRun.code).toBe(1);
      expect(manifestRun.errors[0]).toMatch(
        /manifest 127\.0\.0\.1:\d+\/nwodtuhs\/exegol-preprod@sha256:[a-f0-9]{64} did not arrive whole within 30s: refused after \d+ bytes/,
      );
      expect(tokenRun.code).toBe(1);
      expect(tokenRun.errors[0]).toMatch(
        /the answer of the token server of 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\/token\) did not arrive whole within 30s/,
      );
      // Well before the bodies would end (about 300 s and 410 s).
      expect(seconds).toBeLessThan(120);
    } finally {
      await Promise.all([slowManifest.stop(), slowToken.stop()]);
    }
  });

  it('reads an error answer of 64 MiB only to its first 64 KiB, and still says what the registry answered', async () => {
    const server = await new ManifestServer().start();
    try {
      const body = Buffer.concat([
        Buffer.from('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'),
        Buffer.alloc(64 * MiB, 0x20),
      ]);
      server.manifests.set('full', { bytes: body, contentType: 'application/json', status: 403 });
      const run = await promote(server, 'nwodtuhs/exegol-denied');
      expect(run.code).toBe(1);
      expect(run.errors[0]).toMatch(/GET manifest 127\.0\.0\.1:\d+\/nwodtuhs\/exegol-preprod@sha256:[a-f0-9]{64}: HTTP 403 /);
      const sent = [...server.sent.values()].reduce((sum, bytes) => sum + bytes, 0);
      // What the socket buffers take before the client drops the connection, not the 64 MiB.
      expect(sent).toBeLessThan(16 * MiB);
      expect(await listTags(open.url, 'nwodtuhs/exegol-denied')).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it.each([
    [
      'null',
      { bytes: Buffer.from('null'), contentType: 'application/json' },
      /the token server of 127\.0\.0\.1:\d+ \(http:\/\/127\.0\.0\.1:\d+\/token\) answered null, not an object holding a token$/,
    ],
    [
      'an error of 64 MiB',
      { bytes: Buffer.concat([Buffer.from('{"details":"service unavailable"}'), Buffer.alloc(64 * MiB, 0x20)]), contentType: 'application/json', status: 400 },
      /the token server of 127\.0\.0\.1:\d+ answered HTTP 400 \{"details":"service unavailable"\}$/,
    ],
  ])('ends with one clear error naming the token server when it answers %s', async (_, token, message) => {
    const server = await new ManifestServer().start();
    try {
      server.token = token;
      const run = await promote(server, 'nwodtuhs/exegol-token');
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(message);
      expect(run.errors[0]).not.toContain('Cannot read properties');
      expect(server.sent.get('/token') ?? 0).toBeLessThan(16 * MiB);
    } finally {
      await server.stop();
    }
  });
});
