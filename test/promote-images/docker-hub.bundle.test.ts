// Docker Hub as it is (packages/testbed/src/stand-ins/docker-hub.ts): the bundle runs with `registry: docker.io` and the
// default hub-api-url, reaching registry-1.docker.io, auth.docker.io, hub.docker.com and the CDN under
// their real names through an HTTPS proxy.
import { describe, expect, it } from 'vitest';
import { buildImage, pushImage } from '@exegol-release/testbed/fixtures/images.js';
import { HUB_HOSTS } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { PREPROD, VERSION, useDockerHub } from './docker-hub-fixture.js';

const fixture = useDockerHub();
const { pushPreprod, hubTags, hubDigest, promote } = fixture;

describe('promote-images-preprod-to-prod bundle on Docker Hub', () => {
  it('refuses source and target that are the same repository, before any request: production keeps every tag (case 1)', async () => {
    await pushPreprod('nwodtuhs/exegol-same');
    const run = await promote({ 'source-repository': 'nwodtuhs/exegol-same', 'target-repository': 'nwodtuhs/exegol-same', 'delete-source-tags': 'true' });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      "promote-images-preprod-to-prod failed: input 'target-repository' is the source repository docker.io/nwodtuhs/exegol-same: a promotion copies from preprod to another repository (with delete-source-tags it would delete production's tags)",
    ]);
    expect(fixture.hub.requests).toEqual([]);
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
    for (const [flavour, image] of fixture.images) {
      expect(await hubDigest('nwodtuhs/exegol', flavour)).toBe(image.index.digest);
      expect(await hubDigest('nwodtuhs/exegol', `${flavour}-${VERSION}`)).toBe(image.index.digest);
    }
    expect(fixture.hub.tagDeletions).toEqual([`${PREPROD}:full`, `${PREPROD}:full-${VERSION}`, `${PREPROD}:light`, `${PREPROD}:light-${VERSION}`]);
    expect(await hubTags(PREPROD)).toEqual([]);
    expect(fixture.hub.matching(HUB_HOSTS.api, 'POST', /^\/v2\/auth\/token$/)).toHaveLength(1);
    expect(fixture.hub.matching(HUB_HOSTS.api, 'POST', /^\/v2\/users\/login$/)).toEqual([]);
    const deletions = fixture.hub.matching(HUB_HOSTS.api, 'DELETE', /^\/v2\/repositories\/nwodtuhs\/exegol-preprod\/tags\/[^/]+\/$/);
    expect(deletions.map((request) => [request.authorization, request.status])).toEqual(Array(4).fill(['Bearer', 204]));
    expect(JSON.parse(run.outputs['deleted-source-tags']!)).toEqual(['full', `full-${VERSION}`, 'light', `light-${VERSION}`]);
    // Manifest GETs only where the bytes are needed: one index a flavour (full and full-5.1.5 share it) and its two children.
    const gets = fixture.hub.matching(HUB_HOSTS.registry, 'GET', /\/manifests\//);
    expect(gets).toHaveLength(6);
    expect(run.summary).toContain('Manifest GETs: 6 on docker.io; Docker Hub counts each GET as a pull, HEADs are not counted.');
    expect(
      fixture.hub.matching(HUB_HOSTS.registry, 'POST', /\/blobs\/uploads\/$/).every((request) => request.query.includes('mount=') && request.status === 201),
    ).toBe(true);
  });

  it('finishes a half-done deletion on a re-run (case 6)', async () => {
    await pushPreprod('nwodtuhs/exegol-half-preprod');
    fixture.hub.faults.push({ host: HUB_HOSTS.api, method: 'DELETE', path: /\/tags\/light\/$/, status: 500, body: '{"message":"internal error"}', times: 100 });
    const inputs = { 'source-repository': 'nwodtuhs/exegol-half-preprod', 'target-repository': 'nwodtuhs/exegol-half', 'delete-source-tags': 'true' };
    const first = await promote(inputs);
    expect(first.code).toBe(1);
    expect(first.errors[0]).toContain(
      'the promotion succeeded, but 1 source tag(s) of nwodtuhs/exegol-half-preprod were not deleted: light (HTTP 500 internal error)',
    );
    expect(first.errors[0]).toContain('Run the job again to finish the deletion');
    expect(first.summary).toContain('<td>light</td><td>failed</td>');
    expect(await hubTags('nwodtuhs/exegol-half-preprod')).toEqual(['light']);
    fixture.hub.faults.length = 0;
    fixture.hub.tagDeletions.length = 0;
    const again = await promote(inputs);
    expect(again.code, again.stdout).toBe(0);
    expect(fixture.hub.tagDeletions).toEqual(['nwodtuhs/exegol-half-preprod:light']);
    expect(await hubTags('nwodtuhs/exegol-half-preprod')).toEqual([]);
    expect(again.summary).toContain('<td>full</td><td>already gone</td>');
    expect((JSON.parse(again.outputs['promoted']!) as { action: string }[]).map((entry) => entry.action)).toEqual(Array(4).fill('skipped'));
  });

  it('deletes only the source tags still at the promoted digest', async () => {
    await pushPreprod('nwodtuhs/exegol-moving-preprod');
    const newer = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [1024], label: 'light' });
    fixture.hub.beforeDelete = async (repository, tag) => {
      if (tag !== 'full') return;
      await pushImage(fixture.hub.registry.url, repository, ['light'], newer, () => fixture.hub.authorize(repository));
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
    expect(fixture.hub.tagDeletions).toEqual([]);
    expect(fixture.hub.requests.filter((request) => request.host === HUB_HOSTS.api)).toEqual([]);
  });

  it('refuses delete-source-tags when the source is another registry, before any request (case 2)', async () => {
    const run = await promote({ 'source-registry': fixture.local.url, 'target-repository': 'nwodtuhs/exegol', 'delete-source-tags': 'true' });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `promote-images-preprod-to-prod failed: input 'delete-source-tags' deletes tags through Docker Hub's API, but the source registry is ${fixture.local.host}: it would delete the tags of a Docker Hub repository of the same name. Set it only when the source is docker.io`,
    ]);
    expect(fixture.hub.requests).toEqual([]);
  });
});
