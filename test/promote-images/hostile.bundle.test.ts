// Hostile registries (packages/testbed/src/stand-ins/hostile-registry.ts): credentials never reach a host an upload
// Location names (case 4); oversized and malformed manifests are refused with one clear error before
// anything is written (case 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { buildImage, listTags, pushImage, tagDigest } from '@exegol-release/testbed/fixtures/images.js';
import { ForeignLocationFront, ManifestServer } from '@exegol-release/testbed/stand-ins/hostile-registry.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';

const VERSION = '5.1.5';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
let open: TestRegistry;
let guarded: TestRegistry;
let manifests: ManifestServer;

beforeAll(async () => {
  [open, guarded] = await Promise.all([
    startRegistry(),
    startRegistry({ mode: 'htpasswd', users: { maintainer: 's3cret-Passw0rd', storage: 'storage-own-key' } }),
  ]);
  manifests = await new ManifestServer().start();
});

afterAll(async () => {
  await manifests?.stop();
  await Promise.all([open?.stop(), guarded?.stop()]);
});

describe('promote-images-preprod-to-prod bundle against hostile registries', () => {
  it('sends no credentials to another host named by an upload Location (case 4)', async () => {
    const image = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [8192] });
    await pushImage(open.url, 'nwodtuhs/exegol-preprod', ['full', `full-${VERSION}`], image);
    const front = await new ForeignLocationFront(guarded.url, basic('storage', 'storage-own-key')).start();
    try {
      const run = await runBundle('promote-images-preprod-to-prod', {
        inputs: {
          'source-registry': open.url,
          'target-registry': front.url,
          'source-repository': 'nwodtuhs/exegol-preprod',
          'target-repository': 'nwodtuhs/exegol',
          version: VERSION,
          flavours: 'full',
          username: 'maintainer',
          password: 's3cret-Passw0rd',
        },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(front.foreign.filter((request) => request.method === 'PUT')).toHaveLength(image.blobs.size);
      expect(front.foreign.filter((request) => request.authorization !== undefined)).toEqual([]);
      expect(front.front).toContain('Basic');
      expect(await tagDigest(guarded.url, 'nwodtuhs/exegol', `full-${VERSION}`, { authorization: basic('maintainer', 's3cret-Passw0rd') })).toBe(
        image.index.digest,
      );
    } finally {
      await front.stop();
    }
  });

  const index = (manifestsField: unknown): Buffer => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: manifestsField }));
  it.each([
    [
      'a 5 MiB manifest with its length',
      { bytes: Buffer.alloc(5 * 2 ** 20, 0x20), contentType: OCI_INDEX },
      'is 5242880 bytes, over the 4 MiB manifest limit: refused before reading it',
    ],
    [
      'a 5 MiB manifest sent chunked',
      { bytes: Buffer.alloc(5 * 2 ** 20, 0x20), contentType: OCI_INDEX, chunked: true },
      'is over the 4 MiB manifest limit: refused after 4194304 bytes',
    ],
    ['bytes that are not JSON', { bytes: Buffer.from('<html>502 Bad Gateway</html>'), contentType: OCI_INDEX }, 'is not a manifest: its 28 bytes are not JSON'],
    ['null', { bytes: Buffer.from('null'), contentType: OCI_INDEX }, 'is not a manifest: it is null'],
    ['a JSON array', { bytes: Buffer.from('[]'), contentType: OCI_INDEX }, 'is not a manifest: it is a JSON array'],
    [
      'an unknown media type',
      { bytes: Buffer.from('{"schemaVersion":2}'), contentType: 'text/plain' },
      'has the media type "text/plain", which is not an OCI or Docker image manifest or index',
    ],
    [
      'a descriptor whose digest is a path',
      { bytes: index([{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../../v2/_catalog', size: 1 }]), contentType: OCI_INDEX },
      'manifests[0] has the digest "sha256:../../../v2/_catalog", not sha256:<64 hex digits>',
    ],
    [
      'a descriptor without a size',
      { bytes: index([{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}` }]), contentType: OCI_INDEX },
      'manifests[0] has no valid size',
    ],
  ])('refuses %s with one clear error, writing nothing', async (_, served, message) => {
    manifests.manifests.clear();
    manifests.manifests.set('full', served);
    const run = await runBundle('promote-images-preprod-to-prod', {
      inputs: {
        'source-registry': manifests.url,
        'target-registry': open.url,
        'source-repository': 'nwodtuhs/exegol-preprod',
        'target-repository': 'nwodtuhs/exegol-refused',
        version: VERSION,
        flavours: 'full',
        tags: '{flavour}',
      },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(run.errors[0]).toMatch(/^promote-images-preprod-to-prod failed: manifest 127\.0\.0\.1:\d+\/nwodtuhs\/exegol-preprod@sha256:[a-f0-9]{64}/);
    expect(await listTags(open.url, 'nwodtuhs/exegol-refused')).toEqual([]);
  });
});
