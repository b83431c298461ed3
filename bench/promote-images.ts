// Benchmark: promote 5 flavours × 2 tags of multi-arch images holding over 1 GB of layers,
// within one local registry (Debian's docker-registry), with this action's bundle, with
// `skopeo copy --all` on an empty blob cache, and with `docker manifest create/push`
// (the docker CLI needs no daemon for it); then across two registries against a plain
// streamed GET→PUT of the same blobs that verifies each blob's sha256 as a verifying client
// must (this action, skopeo and crane all do), and against `skopeo copy --all` between the two
// registries. Every client reads the source through the same recording proxy, which counts the
// layer bytes that pass. Prints figures measured in this one run.
// Goals: zero layer bytes through the client within one registry; at least 10× faster than
// skopeo with a cold cache; across registries at least 0.95× the verifying plain copy's
// throughput, and skopeo's time at least 1.5× this action's.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { FLAVOURS, buildImage, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { FaultProxy } from '@exegol-release/testbed/stand-ins/fault-proxy.js';
import { startRegistry } from '@exegol-release/testbed/stand-ins/registry.js';
import { mapWithConcurrency } from '../packages/core/src/util/concurrency.js';

// Child processes run asynchronously: the recording proxy lives in this process and must keep serving.
const run = promisify(execFile);
const MB = 1e6;
const VERSION = '5.1.5';
const PREPROD = 'nwodtuhs/exegol-preprod';
const PER_ARCH_LAYER = Number(process.env['BENCH_LAYER_MB'] ?? 50) * MB;
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;

async function timed<T>(work: () => Promise<T> | T): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { result, seconds: seconds(start) };
}

function resetCounters(proxy: FaultProxy): void {
  Object.assign(proxy.blobBytes, { read: 0, uploaded: 0 });
  proxy.requests.length = 0;
}

/**
 * Runs `skopeo copy --all` for each [source, destination] pair in turn, all sharing one blob-info cache that starts
 * empty. containers/image keeps that cache in `/var/lib/containers/cache/blob-info-cache-v1.boltdb` when run as root
 * (shared with every other skopeo run on the machine) and under `$HOME/.local/share/containers/cache` otherwise: as
 * root, the copies run in a mount namespace of their own with a fresh tmpfs over that directory; otherwise with a
 * fresh HOME. The cache is what lets skopeo skip a blob or mount it from another repository it saw it in.
 */
async function skopeoCopies(pairs: [string, string][], home: string): Promise<void> {
  const copies = pairs.map(([source, destination]) => [
    'skopeo',
    'copy',
    '--all',
    '--quiet',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${source}`,
    `docker://${destination}`,
  ]);
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, HOME: home };
  if (process.getuid?.() !== 0) {
    for (const [command, ...args] of copies) await run(command!, args, { env });
    return;
  }
  const cache = '/var/lib/containers/cache';
  mkdirSync(cache, { recursive: true });
  const script = ['set -e', `mount -t tmpfs -o size=256m,mode=0700 tmpfs ${cache}`, ...copies.map((words) => words.join(' '))].join('\n');
  await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { env });
}

const registry = await startRegistry();
const proxy = await new FaultProxy(registry.url).start();
const second = await startRegistry();
const work = mkdtempSync(path.join(tmpdir(), 'bench-promote-'));
try {
  const images = new Map<string, TestImage>();
  const base = randomLayer(24 * MB);
  for (const flavour of FLAVOURS) {
    const image = buildImage({ format: 'oci', sharedLayers: [base], perArchLayerSizes: [PER_ARCH_LAYER, PER_ARCH_LAYER], label: flavour });
    images.set(flavour, image);
    await pushImage(registry.url, PREPROD, [flavour, `${flavour}-${VERSION}`], image);
  }
  const layerBytes = new Set([...images.values()].flatMap((image) => [...image.blobs.entries()].map(([digest, blob]) => `${digest}:${blob.length}`)));
  const totalLayers = [...layerBytes].reduce((total, entry) => total + Number(entry.split(':')[2]), 0);
  console.log(`fixture: ${FLAVOURS.length} flavours × 2 tags, amd64 + arm64, ${gb(totalLayers)} of distinct blobs in ${PREPROD}`);
  const tags = FLAVOURS.flatMap((flavour) => [flavour, `${flavour}-${VERSION}`]);

  // 1. This action, within one registry, once the fixture is written back.
  await run('sync');
  resetCounters(proxy);
  const ours = await timed(() =>
    runBundle('promote-images-preprod-to-prod', {
      inputs: {
        registry: proxy.url,
        'source-repository': PREPROD,
        'target-repository': 'nwodtuhs/exegol-ours',
        version: VERSION,
        flavours: FLAVOURS.join('\n'),
      },
      timeoutSeconds: 1800,
    }),
  );
  if (ours.result.code !== 0) throw new Error(`bundle failed: ${ours.result.stdout}`);
  const oursBytes = proxy.blobBytes.read + proxy.blobBytes.uploaded;
  const oursDigests = await Promise.all(
    tags.map(async (tag) => (await tagDigest(registry.url, 'nwodtuhs/exegol-ours', tag)) === (await tagDigest(registry.url, PREPROD, tag))),
  );

  // 2. skopeo copy --all, with an empty blob-info cache.
  resetCounters(proxy);
  const skopeo = await timed(() =>
    skopeoCopies(
      tags.map((tag) => [`${proxy.host}/${PREPROD}:${tag}`, `${proxy.host}/nwodtuhs/exegol-skopeo:${tag}`]),
      path.join(work, 'skopeo-home'),
    ),
  );
  const skopeoBytes = proxy.blobBytes.read + proxy.blobBytes.uploaded;
  const skopeoDigests = await Promise.all(
    tags.map(async (tag) => (await tagDigest(registry.url, 'nwodtuhs/exegol-skopeo', tag)) === (await tagDigest(registry.url, PREPROD, tag))),
  );

  // 3. docker manifest create + push, as the maintainers' release workflow does.
  resetCounters(proxy);
  const dockerConfig = path.join(work, 'docker-config');
  const docker = await timed(async () => {
    for (const tag of tags) {
      const flavour = tag.split('-')[0]!;
      const children = images.get(flavour)!.manifests.map((manifest) => `${proxy.host}/${PREPROD}@${manifest.digest}`);
      const target = `${proxy.host}/nwodtuhs/exegol-docker:${tag}`;
      await run('docker', ['--config', dockerConfig, 'manifest', 'create', '--insecure', '--amend', target, ...children]);
      await run('docker', ['--config', dockerConfig, 'manifest', 'push', '--insecure', '--purge', target]);
    }
  });
  const dockerBytes = proxy.blobBytes.read + proxy.blobBytes.uploaded;
  const dockerDigests = await Promise.all(
    tags.map(async (tag) => (await tagDigest(registry.url, 'nwodtuhs/exegol-docker', tag)) === (await tagDigest(registry.url, PREPROD, tag))),
  );

  const count = (flags: boolean[]): string => `${flags.filter(Boolean).length}/${flags.length}`;
  console.log('\nwithin one registry            wall time   layer bytes through the client   digests kept');
  console.log(
    `this action                     ${ours.seconds.toFixed(2).padStart(7)} s   ${gb(oursBytes).padStart(12)}                      ${count(oursDigests)}`,
  );
  console.log(
    `skopeo copy --all (cold cache)  ${skopeo.seconds.toFixed(2).padStart(7)} s   ${gb(skopeoBytes).padStart(12)}                      ${count(skopeoDigests)}`,
  );
  console.log(
    `docker manifest create/push     ${docker.seconds.toFixed(2).padStart(7)} s   ${gb(dockerBytes).padStart(12)}                      ${count(dockerDigests)}`,
  );
  const speedup = skopeo.seconds / ours.seconds;
  console.log(`\nzero layer bytes through the client: ${oursBytes === 0 ? 'met' : 'NOT met'} (${oursBytes} bytes)`);
  console.log(`speed-up over skopeo (cold cache): ${speedup.toFixed(1)}× (goal: at least 10×) ${speedup >= 10 ? 'met' : 'NOT met'}`);
  console.log(`docker manifest route / this action: ${(docker.seconds / ours.seconds).toFixed(1)}× the time, digests kept ${count(dockerDigests)}`);

  // 4. Across two registries: this action, a verifying plain copy and skopeo, each into a fresh
  // repository of the second registry, taking turns going first, several rounds; medians compared.
  const blobs = [...new Map([...images.values()].flatMap((image) => [...image.blobs.entries()])).entries()].map(([digest, blob]) => ({
    digest,
    size: blob.length,
  }));
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
  const oursTimes: number[] = [];
  const plainTimes: number[] = [];
  const skopeoTimes: number[] = [];
  let crossBytes = 0;
  let plainBytes = 0;
  let skopeoCrossBytes = 0;
  const crossDigests: boolean[] = [];
  const skopeoCrossDigests: boolean[] = [];
  const digestsKept = async (repository: string): Promise<boolean[]> =>
    Promise.all(tags.map(async (tag) => (await tagDigest(second.url, repository, tag)) === (await tagDigest(registry.url, PREPROD, tag))));
  // Each side starts with the page cache written back (sync), so none pays for another's writes.
  const measureOurs = async (round: number): Promise<void> => {
    await run('sync');
    resetCounters(proxy);
    const cross = await timed(() =>
      runBundle('promote-images-preprod-to-prod', {
        inputs: {
          'source-registry': proxy.url,
          'target-registry': second.url,
          'source-repository': PREPROD,
          'target-repository': `nwodtuhs/exegol-${round}`,
          version: VERSION,
          flavours: FLAVOURS.join('\n'),
          concurrency: '4',
        },
        timeoutSeconds: 1800,
      }),
    );
    if (cross.result.code !== 0) throw new Error(`cross-registry bundle failed: ${cross.result.stdout}`);
    oursTimes.push(cross.seconds);
    crossBytes = proxy.blobBytes.read;
    crossDigests.push(...(await digestsKept(`nwodtuhs/exegol-${round}`)));
  };
  // The plain copy a verifying client makes: each blob streamed from the source's GET into one
  // monolithic PUT on the target (OCI distribution spec, "Pushing a blob monolithically"), 4 at
  // once, its sha256 and size computed on the way and checked before the last chunk is sent, so
  // that a corrupted blob's upload is never completed. No manifests: only the blobs' bytes.
  const verifying = (digest: string, size: number): TransformStream<Uint8Array, Uint8Array> => {
    const hash = createHash('sha256');
    let seen = 0;
    let held: Uint8Array | undefined;
    return new TransformStream({
      transform(chunk, controller) {
        hash.update(chunk);
        seen += chunk.length;
        if (held) controller.enqueue(held);
        held = chunk;
      },
      flush(controller) {
        const actual = `sha256:${hash.digest('hex')}`;
        if (actual !== digest || seen !== size) throw new Error(`plain copy: ${digest} arrived as ${actual}, ${seen} bytes`);
        if (held) controller.enqueue(held);
      },
    });
  };
  const measurePlain = async (round: number): Promise<void> => {
    await run('sync');
    resetCounters(proxy);
    const plain = await timed(() =>
      mapWithConcurrency(blobs, 4, async ({ digest, size }) => {
        const source = await fetch(`${proxy.url}/v2/${PREPROD}/blobs/${digest}`);
        if (source.status !== 200 || !source.body) throw new Error(`plain copy: GET ${digest}: HTTP ${source.status}`);
        const start = await fetch(`${second.url}/v2/nwodtuhs/plain-copy-${round}/blobs/uploads/`, { method: 'POST' });
        const location = new URL(start.headers.get('location')!, second.url);
        location.searchParams.set('digest', digest);
        const put = await fetch(location, {
          method: 'PUT',
          body: source.body.pipeThrough(verifying(digest, size)),
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
          duplex: 'half',
        } as RequestInit);
        if (put.status !== 201) throw new Error(`plain copy: HTTP ${put.status}`);
      }),
    );
    plainTimes.push(plain.seconds);
    plainBytes = proxy.blobBytes.read;
  };
  // skopeo copy --all of every tag between the two registries, with an empty blob-info cache each round.
  const measureSkopeo = async (round: number): Promise<void> => {
    await run('sync');
    resetCounters(proxy);
    const copy = await timed(() =>
      skopeoCopies(
        tags.map((tag) => [`${proxy.host}/${PREPROD}:${tag}`, `${second.host}/nwodtuhs/skopeo-${round}:${tag}`]),
        path.join(work, `skopeo-cross-home-${round}`),
      ),
    );
    skopeoTimes.push(copy.seconds);
    skopeoCrossBytes = proxy.blobBytes.read;
    skopeoCrossDigests.push(...(await digestsKept(`nwodtuhs/skopeo-${round}`)));
  };
  const sides = [measureOurs, measurePlain, measureSkopeo];
  for (let round = 0; round < rounds; round += 1) for (let turn = 0; turn < sides.length; turn += 1) await sides[(round + turn) % sides.length]!(round);
  const median = (values: number[]): number => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const oursThroughput = crossBytes / median(oursTimes);
  const plainThroughput = plainBytes / median(plainTimes);
  const skopeoThroughput = skopeoCrossBytes / median(skopeoTimes);
  const plainRatio = oursThroughput / plainThroughput;
  const skopeoRatio = median(skopeoTimes) / median(oursTimes);
  console.log(`\nacross two registries (median of ${rounds})      wall time   layer bytes   throughput   digests kept`);
  const row = (name: string, time: number, bytes: number, throughput: number, kept: string): void =>
    console.log(`${name.padEnd(45)}${time.toFixed(2).padStart(7)} s   ${gb(bytes).padStart(8)}   ${(throughput / MB).toFixed(0).padStart(5)} MB/s   ${kept}`);
  row('this action (bundle start-up included)', median(oursTimes), crossBytes, oursThroughput, count(crossDigests));
  row('verifying plain GET→PUT (blobs only)', median(plainTimes), plainBytes, plainThroughput, 'no manifests');
  row('skopeo copy --all (cold cache)', median(skopeoTimes), skopeoCrossBytes, skopeoThroughput, count(skopeoCrossDigests));
  console.log(`cross-registry vs verifying plain copy: ${plainRatio.toFixed(2)}×`);
  console.log(`  (this action's throughput over the plain copy's; goal: at least 0.95×) ${plainRatio >= 0.95 ? 'met' : 'NOT met'}`);
  console.log(`cross-registry vs skopeo: ${skopeoRatio.toFixed(2)}×`);
  console.log(`  (skopeo's wall time over this action's; goal: at least 1.5×) ${skopeoRatio >= 1.5 ? 'met' : 'NOT met'}`);
} finally {
  await proxy.stop();
  await registry.stop();
  await second.stop();
  rmSync(work, { recursive: true, force: true });
}
