// Docker Hub as it is (test/stand-ins/docker-hub.ts): the bundle runs with `registry: docker.io` and the
// default hub-api-url, reaching registry-1.docker.io, auth.docker.io, hub.docker.com and the CDN under
// their real names through an HTTPS proxy.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBundle } from '../harness/run-bundle.js';
import { buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '../fixtures/images.js';
import { DockerHub, HUB_HOSTS } from '../stand-ins/docker-hub.js';
import { startRegistry, type TestRegistry } from '../stand-ins/registry.js';

const PREPROD = 'nwodtuhs/exegol-preprod';
const VERSION = '5.1.5';
const USER = { username: 'nwodtuhs', password: 'dckr_pat_read_write_delete' };
let hub: DockerHub;
let local: TestRegistry;
const images = new Map<string, TestImage>();

beforeAll(async () => {
  hub = await new DockerHub({ nwodtuhs: { password: USER.password, delete: true }, writer: { password: 'dckr_pat_read_write', delete: false } }).start();
  local = await startRegistry();
  const base = randomLayer(64 * 1024);
  for (const flavour of ['full', 'light'])
    images.set(flavour, buildImage({ format: 'oci', sharedLayers: [base], perArchLayerSizes: [16 * 1024], label: flavour }));
});

afterAll(async () => {
  await hub?.stop();
  await local?.stop();
});

beforeEach(() => {
  hub.requests.length = 0;
  hub.faults.length = 0;
  hub.tagDeletions.length = 0;
  hub.beforeDelete = undefined;
  Object.assign(hub.pullLimit, { remaining: 100, retryAfter: undefined });
});

/** Pushes both flavours with both tags to a preprod repository on the stand-in's registry. */
async function pushPreprod(repository = PREPROD): Promise<void> {
  for (const [flavour, image] of images)
    await pushImage(hub.registry.url, repository, [flavour, `${flavour}-${VERSION}`], image, () => hub.authorize(repository));
}

async function hubTags(repository: string): Promise<string[]> {
  return (await listTags(hub.registry.url, repository, await hub.authorize(repository))).sort();
}

async function hubDigest(repository: string, tag: string): Promise<string | undefined> {
  return tagDigest(hub.registry.url, repository, tag, await hub.authorize(repository));
}

function promote(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runBundle('promote-images-preprod-to-prod', {
    inputs: { registry: 'docker.io', 'source-repository': PREPROD, version: VERSION, flavours: 'full\nlight', ...USER, ...inputs },
    env: { ...hub.env(), ...env },
  });
}

describe('promote-images-preprod-to-prod bundle on Docker Hub', () => {
  it('refuses source and target that are the same repository, before any request: production keeps every tag (case 1)', async () => {
    await pushPreprod('nwodtuhs/exegol-same');
    const run = await promote({ 'source-repository': 'nwodtuhs/exegol-same', 'target-repository': 'nwodtuhs/exegol-same', 'delete-source-tags': 'true' });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      "promote-images-preprod-to-prod failed: input 'target-repository' is the source repository docker.io/nwodtuhs/exegol-same: a promotion copies from preprod to another repository (with delete-source-tags it would delete production's tags)",
    ]);
    expect(hub.requests).toEqual([]);
    expect(await hubTags('nwodtuhs/exegol-same')).toEqual(['full', `full-${VERSION}`, 'light', `light-${VERSION}`]);
    const aliased = await promote({
      registry: 'registry-1.docker.io',
      'source-registry': 'https://index.docker.io',
      'source-repository': 'nwodtuhs/exegol-same',
      'target-repository': 'nwodtuhs/exegol-same',
    });
    expect(aliased.errors[0]).toContain("input 'target-repository' is the source repository docker.io/nwodtuhs/exegol-same");
  });

  it('promotes, then deletes the promoted preprod tags with an access token from POST /v2/auth/token sent as Bearer', async () => {
    await pushPreprod();
    const run = await promote({ 'target-repository': 'nwodtuhs/exegol', 'delete-source-tags': 'true' });
    expect(run.code, run.stdout).toBe(0);
    for (const [flavour, image] of images) {
      expect(await hubDigest('nwodtuhs/exegol', flavour)).toBe(image.index.digest);
      expect(await hubDigest('nwodtuhs/exegol', `${flavour}-${VERSION}`)).toBe(image.index.digest);
    }
    expect(hub.tagDeletions).toEqual([`${PREPROD}:full`, `${PREPROD}:full-${VERSION}`, `${PREPROD}:light`, `${PREPROD}:light-${VERSION}`]);
    expect(await hubTags(PREPROD)).toEqual([]);
    expect(hub.matching(HUB_HOSTS.api, 'POST', /^\/v2\/auth\/token$/)).toHaveLength(1);
    expect(hub.matching(HUB_HOSTS.api, 'POST', /^\/v2\/users\/login$/)).toEqual([]);
    const deletions = hub.matching(HUB_HOSTS.api, 'DELETE', /^\/v2\/repositories\/nwodtuhs\/exegol-preprod\/tags\/[^/]+\/$/);
    expect(deletions.map((request) => [request.authorization, request.status])).toEqual(Array(4).fill(['Bearer', 204]));
    expect(JSON.parse(run.outputs['deleted-source-tags']!)).toEqual(['full', `full-${VERSION}`, 'light', `light-${VERSION}`]);
    // Manifest GETs only where the bytes are needed: one index a flavour (full and full-5.1.5 share it) and its two children.
    const gets = hub.matching(HUB_HOSTS.registry, 'GET', /\/manifests\//);
    expect(gets).toHaveLength(6);
    expect(run.summary).toContain('Manifest GETs: 6 on docker.io; Docker Hub counts each GET as a pull, HEADs are not counted.');
    expect(hub.matching(HUB_HOSTS.registry, 'POST', /\/blobs\/uploads\/$/).every((request) => request.query.includes('mount=') && request.status === 201)).toBe(
      true,
    );
  });

  it('finishes a half-done deletion on a re-run (case 6)', async () => {
    await pushPreprod('nwodtuhs/exegol-half-preprod');
    hub.faults.push({ host: HUB_HOSTS.api, method: 'DELETE', path: /\/tags\/light\/$/, status: 500, body: '{"message":"internal error"}', times: 100 });
    const inputs = { 'source-repository': 'nwodtuhs/exegol-half-preprod', 'target-repository': 'nwodtuhs/exegol-half', 'delete-source-tags': 'true' };
    const first = await promote(inputs);
    expect(first.code).toBe(1);
    expect(first.errors[0]).toContain(
      'the promotion succeeded, but 1 source tag(s) of nwodtuhs/exegol-half-preprod were not deleted: light (HTTP 500 internal error)',
    );
    expect(first.errors[0]).toContain('Run the job again to finish the deletion');
    expect(first.summary).toContain('<td>light</td><td>failed</td>');
    expect(await hubTags('nwodtuhs/exegol-half-preprod')).toEqual(['light']);
    hub.faults.length = 0;
    hub.tagDeletions.length = 0;
    const again = await promote(inputs);
    expect(again.code, again.stdout).toBe(0);
    expect(hub.tagDeletions).toEqual(['nwodtuhs/exegol-half-preprod:light']);
    expect(await hubTags('nwodtuhs/exegol-half-preprod')).toEqual([]);
    expect(again.summary).toContain('<td>full</td><td>already gone</td>');
    expect((JSON.parse(again.outputs['promoted']!) as { action: string }[]).map((entry) => entry.action)).toEqual(Array(4).fill('skipped'));
  });

  it('deletes only the source tags still at the promoted digest', async () => {
    await pushPreprod('nwodtuhs/exegol-moving-preprod');
    const newer = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [1024], label: 'light' });
    hub.beforeDelete = async (repository, tag) => {
      if (tag !== 'full') return;
      await pushImage(hub.registry.url, repository, ['light'], newer, () => hub.authorize(repository));
    };
    const run = await promote({
      'source-repository': 'nwodtuhs/exegol-moving-preprod',
      'target-repository': 'nwodtuhs/exegol-moving',
      'delete-source-tags': 'true',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await hubTags('nwodtuhs/exegol-moving-preprod')).toEqual(['light']);
    expect(await hubDigest('nwodtuhs/exegol-moving-preprod', 'light')).toBe(newer.index.digest);
    expect(run.summary).toContain(`<td>light</td><td>kept</td><td>it moved to ${newer.index.digest} since the plan`);
  });

  it('deletes no source tag when the promotion fails', async () => {
    await pushPreprod('nwodtuhs/exegol-failing-preprod');
    const run = await promote({
      'source-repository': 'nwodtuhs/exegol-failing-preprod',
      'target-repository': 'nwodtuhs/exegol-failing',
      flavours: 'full\nweb',
      'delete-source-tags': 'true',
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('source tag(s) not found: docker.io/nwodtuhs/exegol-failing-preprod:web');
    expect(hub.tagDeletions).toEqual([]);
    expect(hub.requests.filter((request) => request.host === HUB_HOSTS.api)).toEqual([]);
  });

  it('refuses delete-source-tags when the source is another registry, before any request (case 2)', async () => {
    const run = await promote({ 'source-registry': local.url, 'target-repository': 'nwodtuhs/exegol', 'delete-source-tags': 'true' });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `promote-images-preprod-to-prod failed: input 'delete-source-tags' deletes tags through Docker Hub's API, but the source registry is ${local.host}: it would delete the tags of a Docker Hub repository of the same name. Set it only when the source is docker.io`,
    ]);
    expect(hub.requests).toEqual([]);
  });
});
