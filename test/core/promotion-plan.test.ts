// The promotion plan (packages/core/src/registry/plan.ts) on the sources, against an in-memory
// registry that answers HEAD and GET of manifests as the distribution spec does (by tag or digest,
// undefined for 404) and counts every GET: what is read, what is refused, and what is planned.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAX_CHILD_MANIFESTS,
  MAX_INDEX_CHILDREN,
  planPromotion,
  type ManifestReader,
  type RawManifest,
  type RegistryEndpoint,
  type TagPair,
} from '@exegol-release/core/registry';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function raw(content: object): RawManifest {
  const bytes = Buffer.from(JSON.stringify(content));
  return { digest: sha256(bytes), mediaType: (content as { mediaType: string }).mediaType, bytes };
}

/** An image manifest with one config blob, distinct by `label`. */
function image(label: string): RawManifest {
  const config = Buffer.from(`config ${label}`);
  return raw({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [],
  });
}

function index(children: readonly RawManifest[]): RawManifest {
  return raw({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((child) => ({ mediaType: child.mediaType, digest: child.digest, size: child.bytes.length })),
  });
}

class MemoryRegistry implements ManifestReader {
  readonly endpoint: RegistryEndpoint = { name: 'registry.test', apiBase: 'https://registry.test', isDockerHub: false };
  readonly manifests = new Map<string, Map<string, RawManifest>>();
  readonly tags = new Map<string, Map<string, string>>();
  readonly gets: string[] = [];

  put(repository: string, manifest: RawManifest, ...tags: string[]): this {
    if (!this.manifests.has(repository)) this.manifests.set(repository, new Map());
    if (!this.tags.has(repository)) this.tags.set(repository, new Map());
    this.manifests.get(repository)!.set(manifest.digest, manifest);
    for (const tag of tags) this.tags.get(repository)!.set(tag, manifest.digest);
    return this;
  }

  private resolve(repository: string, reference: string): RawManifest | undefined {
    const digest = reference.startsWith('sha256:') ? reference : this.tags.get(repository)?.get(reference);
    return digest ? this.manifests.get(repository)?.get(digest) : undefined;
  }

  async headManifest(repository: string, reference: string): Promise<string | undefined> {
    return this.resolve(repository, reference)?.digest;
  }

  async getManifest(repository: string, reference: string): Promise<RawManifest | undefined> {
    this.gets.push(`${repository}@${reference}`);
    return this.resolve(repository, reference);
  }
}

const PREPROD = 'nwodtuhs/exegol-preprod';
const PROD = 'nwodtuhs/exegol';
const pairs = (flavour: string, version = '5.1.5'): TagPair[] => [
  { sourceTag: flavour, targetTag: flavour, flavour, versioned: false },
  { sourceTag: `${flavour}-${version}`, targetTag: `${flavour}-${version}`, flavour, versioned: true },
];
const plan = (registry: MemoryRegistry, tagPairs: readonly TagPair[], extra: Partial<Parameters<typeof planPromotion>[0]> = {}) =>
  planPromotion({
    source: registry,
    sourceRepository: PREPROD,
    target: registry,
    targetRepository: PROD,
    pairs: tagPairs,
    overwrite: false,
    concurrency: 4,
    ...extra,
  });

describe('planPromotion', () => {
  it('plans a write with the tree the target lacks, reads the source index once for tags sharing it, and skips a tag already at its digest', async () => {
    const [amd64, arm64] = [image('amd64'), image('arm64')];
    const full = index([amd64, arm64]);
    const registry = new MemoryRegistry().put(PREPROD, amd64).put(PREPROD, arm64).put(PREPROD, full, 'full', 'full-5.1.5').put(PROD, arm64);
    const plans = await plan(registry, pairs('full'));
    expect(plans.map((entry) => [entry.targetTag, entry.action, entry.digest])).toEqual([
      ['full', 'write', full.digest],
      ['full-5.1.5', 'write', full.digest],
    ]);
    expect(plans[0]!.tree!.children).toEqual([
      { manifest: amd64, children: [], blobs: [JSON.parse(amd64.bytes.toString()).config] },
      { digest: arm64.digest, present: true },
    ]);
    // The index once, amd64 once; arm64, which the target holds, never.
    expect(registry.gets.sort()).toEqual([`${PREPROD}@${amd64.digest}`, `${PREPROD}@${full.digest}`].sort());

    registry.put(PROD, full, 'full', 'full-5.1.5');
    registry.gets.length = 0;
    expect((await plan(registry, pairs('full'))).map((entry) => entry.action)).toEqual(['skip', 'skip']);
    expect(registry.gets).toEqual([]);
  });

  it('reads the manifest an existing target tag points to, to put it back after a failure', async () => {
    const [fresh, old] = [index([image('fresh')]), index([image('old')])];
    const registry = new MemoryRegistry().put(PREPROD, image('fresh')).put(PREPROD, fresh, 'full', 'full-5.1.5').put(PROD, image('old')).put(PROD, old, 'full');
    const [floating, versioned] = await plan(registry, pairs('full'));
    expect(floating).toMatchObject({ action: 'write', existingDigest: old.digest, existing: old });
    expect(versioned).not.toHaveProperty('existing');
  });

  it('refuses a versioned target tag at another digest unless overwrite, and lets a floating tag move', async () => {
    const [fresh, old] = [index([image('fresh')]), index([image('old')])];
    const registry = new MemoryRegistry()
      .put(PREPROD, image('fresh'))
      .put(PREPROD, fresh, 'full', 'full-5.1.5')
      .put(PROD, image('old'))
      .put(PROD, old, 'full-5.1.5');
    await expect(plan(registry, pairs('full'))).rejects.toThrow(
      `${PROD}:full-5.1.5 is at ${old.digest}, not ${fresh.digest}. A versioned tag does not move: set overwrite: true to replace it. Nothing was written`,
    );
    expect((await plan(registry, pairs('full'), { overwrite: true })).map((entry) => entry.action)).toEqual(['write', 'write']);
    expect(await plan(registry, pairs('full').slice(0, 1))).toHaveLength(1);
  });

  it('refuses a flavour whose source tags name different digests, naming each, unless allowDifferingTags', async () => {
    const [fresh, stale] = [index([image('fresh')]), index([image('stale')])];
    const light = index([image('light')]);
    const registry = new MemoryRegistry()
      .put(PREPROD, image('fresh'))
      .put(PREPROD, image('stale'))
      .put(PREPROD, image('light'))
      .put(PREPROD, fresh, 'full-5.1.5')
      .put(PREPROD, stale, 'full')
      .put(PREPROD, light, 'light', 'light-5.1.5');
    const both = [...pairs('full'), ...pairs('light')];
    await expect(plan(registry, both)).rejects.toThrow(
      `the tags of one flavour in registry.test/${PREPROD} name different digests: full (full → ${stale.digest}, full-5.1.5 → ${fresh.digest}). A release's tags of a flavour must name one image: push them again, or set allow-differing-tags: true to promote each tag as it is. Nothing was written`,
    );
    expect(registry.gets).toEqual([]);
    const plans = await plan(registry, both, { allowDifferingTags: true });
    expect(plans.map((entry) => entry.digest)).toEqual([stale.digest, fresh.digest, light.digest, light.digest]);
  });

  it(`refuses an index listing more than ${MAX_INDEX_CHILDREN} manifests before reading any of them`, async () => {
    const children = Array.from({ length: MAX_INDEX_CHILDREN + 1 }, (_, number) => image(`child-${number}`));
    const wide = index(children);
    const registry = new MemoryRegistry().put(PREPROD, wide, 'full', 'full-5.1.5');
    for (const child of children) registry.put(PREPROD, child);
    await expect(plan(registry, pairs('full'))).rejects.toThrow(
      `registry.test/${PREPROD}@${wide.digest} lists ${MAX_INDEX_CHILDREN + 1} manifests, more than ${MAX_INDEX_CHILDREN} in one index: refused before reading any of them`,
    );
    expect(registry.gets).toEqual([`${PREPROD}@${wide.digest}`]);
    // One fewer is planned.
    const fits = index(children.slice(0, MAX_INDEX_CHILDREN));
    registry.put(PREPROD, fits, 'full', 'full-5.1.5');
    expect((await plan(registry, pairs('full')))[0]!.tree!.children).toHaveLength(MAX_INDEX_CHILDREN);
  });

  it(`refuses a promotion whose indexes would make it read more than ${MAX_CHILD_MANIFESTS} child manifests`, async () => {
    const registry = new MemoryRegistry();
    const flavours = Array.from({ length: Math.ceil(MAX_CHILD_MANIFESTS / 120) + 1 }, (_, number) => `flavour${number}`);
    for (const flavour of flavours) {
      const children = Array.from({ length: 120 }, (_, number) => image(`${flavour}-${number}`));
      for (const child of children) registry.put(PREPROD, child);
      registry.put(PREPROD, index(children), flavour);
    }
    const tagPairs = flavours.map((flavour): TagPair => ({ sourceTag: flavour, targetTag: flavour, flavour, versioned: false }));
    await expect(plan(registry, tagPairs)).rejects.toThrow(
      /brings the child manifests to read to \d+, more than 1024 in one promotion: refused before reading them/,
    );
    expect(registry.gets.length).toBeLessThanOrEqual(MAX_CHILD_MANIFESTS + flavours.length);
  });

  it('refuses a missing source tag, and with sourceTagsDeleted accepts one the target holds at its versioned tag\u2019s digest', async () => {
    const full = index([image('full')]);
    const registry = new MemoryRegistry()
      .put(PREPROD, image('full'))
      .put(PREPROD, full, 'full-5.1.5')
      .put(PROD, image('full'))
      .put(PROD, full, 'full', 'full-5.1.5');
    await expect(plan(registry, pairs('full'))).rejects.toThrow(`source tag(s) not found: registry.test/${PREPROD}:full; nothing was written`);
    const plans = await plan(registry, pairs('full'), { sourceTagsDeleted: true });
    expect(plans.map((entry) => [entry.action, entry.sourceGone ?? false, entry.digest])).toEqual([
      ['skip', true, full.digest],
      ['skip', false, full.digest],
    ]);
  });
});
