// All or nothing, against Debian's docker-registry (distribution 2.8) behind a recording proxy:
// a failed tag write puts back every tag the run moved (case 3), a second promotion writing the same
// tag meanwhile is refused (case 5), and `concurrency` bounds every request (case 6).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { buildImage, buildWideImage, listTags, pushImage, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { FaultProxy } from '@exegol-release/testbed/stand-ins/fault-proxy.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';

const PREPROD = 'nwodtuhs/exegol-preprod';
const VERSION = '5.1.5';
const FLAVOURS = ['full', 'light', 'ad'];
let registry: TestRegistry;
let proxy: FaultProxy;
const fresh = new Map<string, TestImage>();
const old = new Map<string, TestImage>();

beforeAll(async () => {
  registry = await startRegistry();
  proxy = await new FaultProxy(registry.url).start();
  for (const flavour of FLAVOURS) {
    fresh.set(flavour, buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [4096], label: flavour }));
    old.set(flavour, buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [2048], label: `${flavour}-old` }));
    await pushImage(registry.url, PREPROD, [flavour, `${flavour}-${VERSION}`], fresh.get(flavour)!);
  }
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

beforeEach(() => {
  proxy.faults.length = 0;
  proxy.requests.length = 0;
  proxy.gate = undefined;
  Object.assign(proxy.load, { peak: 0 });
});

function promote(target: string, inputs: Record<string, string> = {}, via = proxy) {
  return runBundle('promote-images-preprod-to-prod', {
    inputs: { registry: via.url, 'source-repository': PREPROD, 'target-repository': target, version: VERSION, flavours: FLAVOURS.join('\n'), ...inputs },
  });
}

describe('promote-images-preprod-to-prod bundle: all or nothing', () => {
  it('puts back every tag it moved when a tag write fails half-way, and reports each tag\u2019s final state (case 3)', async () => {
    const target = 'nwodtuhs/exegol-storm';
    for (const flavour of FLAVOURS) await pushImage(registry.url, target, [flavour], old.get(flavour)!);
    // Tags that exist are written first (full, light, ad), then new ones: the 5th write of 6 meets a 503 storm.
    proxy.faults.push({ method: 'PUT', path: new RegExp(`/manifests/light-${VERSION}$`), kind: 'status', status: 503, times: 100 });
    const run = await promote(target);
    expect(run.code).toBe(1);
    for (const flavour of FLAVOURS) expect(await tagDigest(registry.url, target, flavour), flavour).toBe(old.get(flavour)!.index.digest);
    expect((await listTags(registry.url, target)).sort()).toEqual(['ad', 'full', 'light']);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`PUT manifest ${target}:light-${VERSION} on ${proxy.host}: HTTP 503`);
    expect(run.errors[0]).toContain(`Tags this run moved: full restored, light restored, ad restored, full-${VERSION} removed, light-${VERSION} not written`);
    const promoted = JSON.parse(run.outputs['promoted']!) as { target: string; action: string; finalDigest: string | null }[];
    expect(promoted.map((entry) => [entry.target.split(':').pop(), entry.action, entry.finalDigest])).toEqual([
      ['full', 'restored', old.get('full')!.index.digest],
      [`full-${VERSION}`, 'removed', null],
      ['light', 'restored', old.get('light')!.index.digest],
      [`light-${VERSION}`, 'not written', null],
      ['ad', 'restored', old.get('ad')!.index.digest],
      [`ad-${VERSION}`, 'not written', null],
    ]);
    expect(run.summary).toContain(`<td>restored</td><td>${old.get('full')!.index.digest}</td>`);
    expect(run.summary).toContain('<td>removed</td><td>absent</td>');
    // A re-run, the storm over, promotes everything.
    proxy.faults.length = 0;
    const again = await promote(target);
    expect(again.code, again.stdout).toBe(0);
    for (const flavour of FLAVOURS) expect(await tagDigest(registry.url, target, `${flavour}-${VERSION}`)).toBe(fresh.get(flavour)!.index.digest);
  });

  it('leaves a new tag in place, saying why, when deleting it through the registry API could remove a tag it keeps', async () => {
    const target = 'nwodtuhs/exegol-shared-digest';
    await pushImage(registry.url, target, ['latest-full'], fresh.get('full')!);
    await pushImage(registry.url, target, ['light'], old.get('light')!);
    proxy.faults.push({ method: 'PUT', path: new RegExp(`/manifests/light-${VERSION}$`), kind: 'status', status: 503, times: 100 });
    const run = await promote(target, { flavours: 'full\nlight' });
    expect(run.code).toBe(1);
    expect(await tagDigest(registry.url, target, 'latest-full')).toBe(fresh.get('full')!.index.digest);
    expect(await tagDigest(registry.url, target, 'light')).toBe(old.get('light')!.index.digest);
    expect(run.errors[0]).toContain(
      `full-${VERSION} left (other tags point to ${fresh.get('full')!.index.digest}, and deleting through the registry API could remove them: delete this tag by hand)`,
    );
  });

  it('refuses to write a tag another promotion moved since the plan: only one of two promotions at once succeeds (case 5)', async () => {
    const target = 'nwodtuhs/exegol-race';
    const rival = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [1024], label: 'rival' });
    await pushImage(registry.url, 'nwodtuhs/exegol-rival', [`full-${VERSION}`], rival);
    let reached!: () => void;
    const reachedWrite = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The first promotion plans, then its first write is held until the second one has finished.
    proxy.gate = async (method) => {
      if (method === 'GET' || method === 'HEAD') return;
      reached();
      await released;
    };
    const first = promote(target, { flavours: 'full', tags: '{flavour}-{version}' });
    await reachedWrite;
    const direct = await new FaultProxy(registry.url).start();
    const second = await runBundle('promote-images-preprod-to-prod', {
      inputs: {
        registry: direct.url,
        'source-repository': 'nwodtuhs/exegol-rival',
        'target-repository': target,
        version: VERSION,
        flavours: 'full',
        tags: '{flavour}-{version}',
      },
    });
    await direct.stop();
    release();
    const firstRun = await first;
    expect(second.code, second.stdout).toBe(0);
    expect(firstRun.code).toBe(1);
    expect(firstRun.errors[0]).toContain(
      `${target}:full-${VERSION} moved to ${rival.index.digest} since the plan (it was at nothing): another promotion is writing it`,
    );
    expect(await tagDigest(registry.url, target, `full-${VERSION}`)).toBe(rival.index.digest);
  });

  it('bounds every request kind by concurrency: 1 means one request at a time (case 6)', async () => {
    const wide = buildWideImage(48);
    await pushImage(registry.url, 'nwodtuhs/exegol-wide', ['full', `full-${VERSION}`], wide);
    const promoteWide = (target: string, concurrency: string) =>
      runBundle('promote-images-preprod-to-prod', {
        inputs: {
          registry: proxy.url,
          'source-repository': 'nwodtuhs/exegol-wide',
          'target-repository': target,
          version: VERSION,
          flavours: 'full',
          concurrency,
        },
      });
    const one = await promoteWide('nwodtuhs/exegol-wide-1', '1');
    expect(one.code, one.stdout).toBe(0);
    expect(proxy.load.peak).toBe(1);
    expect(proxy.matching('GET', /\/manifests\/sha256:/).length).toBe(48 + 1);
    Object.assign(proxy.load, { peak: 0 });
    const three = await promoteWide('nwodtuhs/exegol-wide-3', '3');
    expect(three.code, three.stdout).toBe(0);
    expect(proxy.load.peak).toBeLessThanOrEqual(3);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-wide-3', `full-${VERSION}`)).toBe(wide.index.digest);
  });

  it('falls back to a streamed copy when a mount is answered 401 (a token without pull on the source)', async () => {
    proxy.faults.push({
      method: 'POST',
      path: /\/blobs\/uploads\/$/,
      query: /mount=/,
      kind: 'status',
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",error="insufficient_scope"' },
      times: 2,
    });
    const run = await promote('nwodtuhs/exegol-unmounted', { flavours: 'full' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/mount of sha256:[a-f0-9]{64} from nwodtuhs\/exegol-preprod refused \(HTTP 401\): copying it/);
    expect(proxy.matching('PUT', /\/blobs\/uploads\//).length).toBeGreaterThanOrEqual(2);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-unmounted', `full-${VERSION}`)).toBe(fresh.get('full')!.index.digest);
  });
  it('reads each tag back right after its write: a rival write landing then fails the run before the next tag is written, and is left in place', async () => {
    const target = 'nwodtuhs/exegol-readback';
    const rival = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [1024], label: 'rival-readback' });
    let wrote = false;
    let rivalLanded = false;
    // The first request after this run's PUT of `full`: the rival's write lands before it is answered.
    proxy.gate = async (method, path) => {
      if (method === 'PUT' && path.endsWith('/manifests/full')) return void (wrote = true);
      if (wrote && !rivalLanded && method === 'HEAD' && /\/manifests\/full/.test(path)) {
        rivalLanded = true;
        await pushImage(registry.url, target, ['full'], rival);
      }
    };
    const run = await promote(target, { flavours: 'full' });
    expect(rivalLanded).toBe(true);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`${target}:full reads back as ${rival.index.digest} right after this run wrote ${fresh.get('full')!.index.digest}`);
    expect(run.errors[0]).toContain(`full left (moved by someone else to ${rival.index.digest}: not touched)`);
    expect(proxy.matching('PUT', new RegExp(`/manifests/full-${VERSION}$`))).toEqual([]);
    expect(await tagDigest(registry.url, target, 'full')).toBe(rival.index.digest);
    expect(await listTags(registry.url, target)).toEqual(['full']);
  });

  it('leaves the one window a registry cannot close: a rival write between the compare and the PUT is overwritten, both runs succeed, and the tag ends at the later run’s digest', async () => {
    const target = 'nwodtuhs/exegol-window';
    const rival = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [1024], label: 'rival-window' });
    await pushImage(registry.url, 'nwodtuhs/exegol-rival-window', [`full-${VERSION}`], rival);
    let reached!: () => void;
    const reachedWrite = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // This run's PUT of the versioned tag, sent after its compare, is held until the rival has finished.
    proxy.gate = async (method, path) => {
      if (method !== 'PUT' || !path.endsWith(`/manifests/full-${VERSION}`)) return;
      reached();
      await released;
    };
    const first = promote(target, { flavours: 'full', tags: '{flavour}-{version}' });
    await reachedWrite;
    const direct = await new FaultProxy(registry.url).start();
    const second = await runBundle('promote-images-preprod-to-prod', {
      inputs: {
        registry: direct.url,
        'source-repository': 'nwodtuhs/exegol-rival-window',
        'target-repository': target,
        version: VERSION,
        flavours: 'full',
        tags: '{flavour}-{version}',
      },
    });
    await direct.stop();
    release();
    const firstRun = await first;
    expect(second.code, second.stdout).toBe(0);
    expect(firstRun.code, firstRun.stdout).toBe(0);
    // The tag ends at the digest of a run that reported success: the one whose write landed last.
    expect(await tagDigest(registry.url, target, `full-${VERSION}`)).toBe(fresh.get('full')!.index.digest);
  });
});
