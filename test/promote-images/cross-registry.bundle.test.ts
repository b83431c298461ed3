import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatBytes } from '@exegol-release/core/units';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { FaultProxy } from '@exegol-release/testbed/stand-ins/fault-proxy.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';

const PREPROD = 'nwodtuhs/exegol-preprod';
let source: TestRegistry;
let target: TestRegistry;
let sourceProxy: FaultProxy;
let targetProxy: FaultProxy;
let image: TestImage;
let counter = 0;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  sourceProxy = await new FaultProxy(source.url).start();
  targetProxy = await new FaultProxy(target.url).start();
  image = buildImage({ format: 'oci', sharedLayers: [randomLayer(512 * 1024)], perArchLayerSizes: [256 * 1024], attestation: true });
  await pushImage(source.url, PREPROD, ['full', 'full-5.1.5'], image);
});

afterAll(async () => {
  await Promise.all([sourceProxy?.stop(), targetProxy?.stop()]);
  await Promise.all([source?.stop(), target?.stop()]);
});

beforeEach(() => {
  sourceProxy.requests.length = 0;
  targetProxy.requests.length = 0;
  sourceProxy.faults.length = 0;
  targetProxy.faults.length = 0;
});

/** Promotes `full` to a fresh target repository across the two registries. */
async function promote(inputs: Record<string, string> = {}) {
  counter += 1;
  const repository = `nwodtuhs/exegol-${counter}`;
  const run = await runBundle('promote-images-preprod-to-prod', {
    inputs: {
      'source-registry': sourceProxy.url,
      'target-registry': targetProxy.url,
      'source-repository': PREPROD,
      'target-repository': repository,
      version: '5.1.5',
      flavours: 'full',
      ...inputs,
    },
  });
  return { run, repository };
}

const blobGet = /\/blobs\/sha256:/;

describe('promote-images-preprod-to-prod bundle across two registries', () => {
  it('streams every blob once, verifies it, and keeps the digests', async () => {
    const { run, repository } = await promote();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await tagDigest(target.url, repository, 'full-5.1.5')).toBe(image.index.digest);
    expect(await tagDigest(target.url, repository, 'full')).toBe(image.index.digest);
    expect(sourceProxy.matching('GET', blobGet)).toHaveLength(image.blobs.size);
    expect(targetProxy.matching('PUT', /\/blobs\/uploads\//)).toHaveLength(image.blobs.size);
    expect(targetProxy.matching('POST', /\/blobs\/uploads\/$/).every((request) => !request.query.includes('mount='))).toBe(true);
    for (const digest of image.blobs.keys()) expect((await fetch(`${target.url}/v2/${repository}/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
    const actions = (JSON.parse(run.outputs['promoted']!) as { action: string }[]).map((entry) => entry.action);
    expect(actions).toEqual(['copied', 'tagged']);
    expect(run.summary).toContain(
      `<td>copied</td><td>${image.index.digest}</td><td>0 present, 0 mounted, ${image.blobs.size} copied</td><td>${formatBytes(image.blobBytes, 'binary')}</td>`,
    );
  });

  it('recovers from 500s and a 429 with Retry-After on the source', async () => {
    sourceProxy.faults.push(
      { method: 'HEAD', path: /\/manifests\/full$/, kind: 'status', status: 500, times: 2 },
      { method: 'GET', path: /\/manifests\/sha256:/, kind: 'status', status: 429, headers: { 'retry-after': '1' }, times: 1 },
    );
    const { run, repository } = await promote();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/retrying in [\d.]+s after HTTP 500/);
    expect(run.stdout).toMatch(/retrying in [\d.]+s after HTTP 429 \(Retry-After: 1\)/);
    expect(await tagDigest(target.url, repository, 'full-5.1.5')).toBe(image.index.digest);
  });

  it('recovers from a connection reset in the middle of a blob', async () => {
    sourceProxy.faults.push({ method: 'GET', path: blobGet, kind: 'reset', times: 1 });
    const { run, repository } = await promote();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(
      /copy of blob sha256:[a-f0-9]{64} failed \(the GET of blob sha256:[a-f0-9]{64} from [^ ]+\/nwodtuhs\/exegol-preprod broke off: .+\); trying again/,
    );
    expect(await tagDigest(target.url, repository, 'full-5.1.5')).toBe(image.index.digest);
  });

  it('detects a corrupted blob, and copies it again', async () => {
    sourceProxy.faults.push({ method: 'GET', path: blobGet, kind: 'corrupt', times: 1 });
    const { run, repository } = await promote({ concurrency: '1' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/is corrupted: \d+ bytes with digest sha256:[a-f0-9]{64}, expected \d+ bytes\)?; trying again/);
    expect(await tagDigest(target.url, repository, 'full-5.1.5')).toBe(image.index.digest);
  });

  it('writes no target tag when a blob stays corrupted', async () => {
    sourceProxy.faults.push({ method: 'GET', path: blobGet, kind: 'corrupt', times: 100 });
    const { run, repository } = await promote();
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/copy of blob sha256:[a-f0-9]{64} failed after 3 attempts: blob sha256:[a-f0-9]{64} from .* is corrupted/);
    expect(await listTags(target.url, repository)).toEqual([]);
    expect(targetProxy.matching('PUT', /\/manifests\//)).toEqual([]);
    // The last bytes of a corrupted blob are never sent: the target never completes an upload. The PUT is
    // either cut off unanswered (0) or, when the cancelling DELETE reaches the registry first, refused
    // as BLOB_UPLOAD_UNKNOWN (404): never a 201.
    const uploads = targetProxy.matching('PUT', /\/blobs\/uploads\//);
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.filter((request) => request.status !== 0 && request.status !== 404)).toEqual([]);
  });

  it('writes no target tag when the target keeps failing', async () => {
    targetProxy.faults.push({ method: 'PUT', path: /\/blobs\/uploads\//, kind: 'status', status: 503, times: 100 });
    const { run, repository } = await promote();
    expect(run.code).toBe(1);
    expect(await listTags(target.url, repository)).toEqual([]);
  });
});
