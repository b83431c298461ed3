import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { FLAVOURS, buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { FaultProxy } from '@exegol-release/testbed/stand-ins/fault-proxy.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';

const PREPROD = 'nwodtuhs/exegol-preprod';
const VERSION = '5.1.5';
let registry: TestRegistry;
let proxy: FaultProxy;
const images = new Map<string, TestImage>();

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await new FaultProxy(registry.url).start();
  const base = randomLayer(256 * 1024);
  for (const flavour of FLAVOURS) {
    const image = buildImage({
      format: flavour === 'light' ? 'docker' : 'oci',
      sharedLayers: [base],
      perArchLayerSizes: [64 * 1024, 32 * 1024],
      attestation: flavour === 'full',
      ...(flavour === 'full'
        ? { annotations: { 'org.opencontainers.image.version': VERSION, 'org.opencontainers.image.source': 'https://github.com/ThePorgs/Exegol-images' } }
        : {}),
      label: flavour,
    });
    images.set(flavour, image);
    await pushImage(registry.url, PREPROD, [flavour, `${flavour}-${VERSION}`], image);
  }
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

function promote(target: string, inputs: Record<string, string> = {}) {
  return runBundle('promote-images-preprod-to-prod', {
    inputs: { registry: proxy.url, 'source-repository': PREPROD, 'target-repository': target, version: VERSION, flavours: FLAVOURS.join('\n'), ...inputs },
  });
}

describe('promote-images-preprod-to-prod bundle within one registry', () => {
  it('promotes 5 flavours × 2 tags with production digests equal to preprod, mounting every blob and uploading none', async () => {
    proxy.requests.length = 0;
    Object.assign(proxy.blobBytes, { read: 0, uploaded: 0 });
    const run = await promote('nwodtuhs/exegol');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const flavour of FLAVOURS) {
      for (const tag of [flavour, `${flavour}-${VERSION}`]) {
        expect(await tagDigest(registry.url, 'nwodtuhs/exegol', tag), tag).toBe(images.get(flavour)!.index.digest);
        expect(await tagDigest(registry.url, PREPROD, tag)).toBe(images.get(flavour)!.index.digest);
      }
    }
    expect(proxy.blobBytes).toEqual({ read: 0, uploaded: 0 });
    expect(proxy.matching('PUT', /\/blobs\/uploads\//)).toEqual([]);
    expect(proxy.matching('PATCH', /\/blobs\/uploads\//)).toEqual([]);
    expect(proxy.matching('GET', /\/blobs\/sha256:/)).toEqual([]);
    const mounts = proxy.matching('POST', /\/blobs\/uploads\/$/);
    expect(mounts.length).toBeGreaterThan(0);
    expect(
      mounts.every((request) => request.query.includes('mount=') && request.query.includes(`from=${encodeURIComponent(PREPROD)}`) && request.status === 201),
    ).toBe(true);
    const promoted = JSON.parse(run.outputs['promoted']!) as { source: string; target: string; digest: string; action: string }[];
    expect(promoted).toHaveLength(10);
    expect(promoted[0]).toEqual({
      source: `${proxy.host}/${PREPROD}:full`,
      target: `${proxy.host}/nwodtuhs/exegol:full`,
      digest: images.get('full')!.index.digest,
      action: 'mounted',
      finalDigest: images.get('full')!.index.digest,
    });
    expect(JSON.parse(run.outputs['digests']!)).toMatchObject({ 'full-5.1.5': images.get('full')!.index.digest, light: images.get('light')!.index.digest });
    expect(run.summary).toContain('<th>Bytes moved</th>');
    expect(run.summary).toContain('<td>0 B</td>');
  });

  it('carries the index unchanged: annotations, attestation manifests, Docker manifest list', async () => {
    const full = await fetch(`${registry.url}/v2/nwodtuhs/exegol/manifests/full-${VERSION}`, {
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    });
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.equals(images.get('full')!.index.bytes)).toBe(true);
    const index = JSON.parse(bytes.toString()) as {
      annotations: Record<string, string>;
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    expect(index.annotations['org.opencontainers.image.version']).toBe(VERSION);
    const attestations = index.manifests.filter((entry) => entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(attestations).toHaveLength(2);
    for (const attestation of attestations) expect(await tagDigest(registry.url, 'nwodtuhs/exegol', attestation.digest)).toBe(attestation.digest);
    const light = await fetch(`${registry.url}/v2/nwodtuhs/exegol/manifests/light`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.list.v2+json' },
    });
    expect(light.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
  });

  it('skips every tag on a re-run, writing nothing', async () => {
    proxy.requests.length = 0;
    const run = await promote('nwodtuhs/exegol');
    expect(run.code, run.stdout).toBe(0);
    expect((JSON.parse(run.outputs['promoted']!) as { action: string }[]).map((entry) => entry.action)).toEqual(Array(10).fill('skipped'));
    expect(proxy.requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD')).toEqual([]);
  });

  it('refuses to move a versioned tag to another digest, writing nothing; overwrite moves it', async () => {
    const other = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [1024] });
    await pushImage(registry.url, 'nwodtuhs/exegol-guard', [`full-${VERSION}`, 'light'], other);
    const refused = await promote('nwodtuhs/exegol-guard', { flavours: 'full\nlight' });
    expect(refused.code).toBe(1);
    expect(refused.errors[0]).toContain(
      `nwodtuhs/exegol-guard:full-${VERSION} is at ${other.index.digest}, not ${images.get('full')!.index.digest}. A versioned tag does not move: set overwrite: true`,
    );
    expect((await listTags(registry.url, 'nwodtuhs/exegol-guard')).sort()).toEqual([`full-${VERSION}`, 'light']);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-guard', 'light')).toBe(other.index.digest);

    const floating = await promote('nwodtuhs/exegol-guard', { flavours: 'light' });
    expect(floating.code, floating.stdout).toBe(0);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-guard', 'light')).toBe(images.get('light')!.index.digest);

    const overwritten = await promote('nwodtuhs/exegol-guard', { flavours: 'full', overwrite: 'true' });
    expect(overwritten.code, overwritten.stdout).toBe(0);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-guard', `full-${VERSION}`)).toBe(images.get('full')!.index.digest);
  });

  it('writes nothing when a source tag is missing', async () => {
    proxy.requests.length = 0;
    const run = await promote('nwodtuhs/exegol-missing', { flavours: 'full\nnightly\nweb' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(
      `source tag(s) not found: ${proxy.host}/${PREPROD}:nightly, ${proxy.host}/${PREPROD}:nightly-${VERSION}; nothing was written`,
    );
    expect(proxy.requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD')).toEqual([]);
    expect(await listTags(registry.url, 'nwodtuhs/exegol-missing')).toEqual([]);
  });

  it('dry-run resolves and prints the plan, writing nothing', async () => {
    proxy.requests.length = 0;
    const run = await promote('nwodtuhs/exegol-dry', { 'dry-run': 'true' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('dry run: nothing written');
    expect((JSON.parse(run.outputs['promoted']!) as { action: string }[]).every((entry) => entry.action === 'would write')).toBe(true);
    expect(proxy.requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD')).toEqual([]);
  });

  it('promotes the base image of the misc repository with its own tags', async () => {
    const base = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [2048] });
    await pushImage(registry.url, 'nwodtuhs/exegol-misc-preprod', ['base', `base-${VERSION}`], base);
    const run = await runBundle('promote-images-preprod-to-prod', {
      inputs: {
        registry: proxy.url,
        'source-repository': 'nwodtuhs/exegol-misc-preprod',
        'target-repository': 'nwodtuhs/exegol-misc',
        version: VERSION,
        flavours: 'base',
      },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-misc', `base-${VERSION}`)).toBe(base.index.digest);
  });
  it('refuses a flavour whose source tags name different digests, naming them, before any write; allow-differing-tags promotes each as it is', async () => {
    const stale = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [2048], label: 'full-stale' });
    const repository = 'nwodtuhs/exegol-preprod-differing';
    await pushImage(registry.url, repository, [`full-${VERSION}`], images.get('full')!);
    await pushImage(registry.url, repository, ['full'], stale);
    const inputs = { 'source-repository': repository, flavours: 'full' };
    const run = await promote('nwodtuhs/exegol-differing', inputs);
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      `the tags of one flavour in ${proxy.host}/${repository} name different digests: full (full → ${stale.index.digest}, full-${VERSION} → ${images.get('full')!.index.digest})`,
    );
    expect(run.errors[0]).toContain('set allow-differing-tags: true to promote each tag as it is. Nothing was written');
    expect(await listTags(registry.url, 'nwodtuhs/exegol-differing')).toEqual([]);
    const allowed = await promote('nwodtuhs/exegol-differing', { ...inputs, 'allow-differing-tags': 'true' });
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-differing', 'full')).toBe(stale.index.digest);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-differing', `full-${VERSION}`)).toBe(images.get('full')!.index.digest);
  });
});
