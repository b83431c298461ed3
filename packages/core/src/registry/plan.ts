import { ActionError } from '../action/errors.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { RawManifest, RegistryClient } from './client.js';
import { parseManifest } from './manifest.js';
import { isIndexMediaType, type Descriptor } from './media-types.js';

/** A manifest the target repository holds already: neither read from the source nor pushed again (a registry accepts a manifest only with everything it references). */
export interface PresentManifest {
  readonly digest: string;
  readonly present: true;
}

/** A manifest or index with everything it references that the target lacks, read from the source. */
export interface ManifestTree {
  readonly manifest: RawManifest;
  /** An index's manifests, attestation manifests included. */
  readonly children: readonly (ManifestTree | PresentManifest)[];
  /** An image manifest's config and layers (foreign layers, which live outside the registry, left out). */
  readonly blobs: readonly Descriptor[];
}

/** One tag to promote. */
export interface TagPair {
  readonly sourceTag: string;
  readonly targetTag: string;
  /** The flavour the tag was made for (tag templates). */
  readonly flavour: string;
  /** A tag holding the version, which must not move to another digest unless overwrite is set. */
  readonly versioned: boolean;
}

/** One tag, planned. */
export interface TagPlan extends TagPair {
  /** The digest promoted: the source tag's when planned. */
  readonly digest: string;
  /** What to push; only for a write. */
  readonly tree?: ManifestTree;
  /** The digest the target tag points to now, if it exists (compared again before the write). */
  readonly existingDigest?: string;
  /** The manifest the target tag points to now, read for a restore; only for a write over an existing tag. */
  readonly existing?: RawManifest;
  /** Whether the target repository held the promoted digest before this run (under another tag, or as a child). */
  readonly digestInTarget: boolean;
  /** skip: the target tag already points to the digest. */
  readonly action: 'skip' | 'write';
  /** The source tag is gone: an earlier run promoted it and deleted it from the source (delete-source-tags). */
  readonly sourceGone?: boolean;
}

/** How deep indexes may nest (an index of indexes): a bound on the work a source can cause. */
const MAX_DEPTH = 4;

/**
 * The most manifests one index may list (platform images and their attestation manifests), checked
 * before any of them is read: each one the target lacks costs a GET, which Docker Hub counts as a pull.
 * Neither distribution nor containerd bounds an index's children except through the 4 MiB manifest
 * limit (MAX_MANIFEST_BYTES in manifest.ts: about 25 000 minimal descriptors, 25 000 pulls); 128 is eight
 * times a large multi-platform index (8 platforms and their 8 attestation manifests).
 */
export const MAX_INDEX_CHILDREN = 128;

/** The most child manifests one promotion reads (over every tag and nesting level): a bound on the GETs an index of indexes can cause. */
export const MAX_CHILD_MANIFESTS = 1024;

/** What the plan reads from a registry: a {@link RegistryClient}, or a stand-in in unit tests. */
export type ManifestReader = Pick<RegistryClient, 'endpoint' | 'headManifest' | 'getManifest'>;

/**
 * Reads a manifest's tree from the source: each child manifest of an index
 * that the target repository lacks (by digest, once per digest thanks to
 * `cache`), and the blobs of each image manifest. A child the target holds
 * (HEAD) is not read: Docker Hub counts every manifest GET as a pull.
 *
 * @throws ActionError when a child manifest is missing, malformed, or nested deeper than 4 levels; when an index lists more than {@link MAX_INDEX_CHILDREN} manifests, or the promotion would read more than {@link MAX_CHILD_MANIFESTS}, before reading them
 */
export async function readTree(
  source: { client: ManifestReader; repository: string },
  target: { client: ManifestReader; repository: string },
  manifest: RawManifest,
  cache: Map<string, Promise<ManifestTree | PresentManifest>>,
  depth = 0,
): Promise<ManifestTree> {
  const where = `${source.client.endpoint.name}/${source.repository}@${manifest.digest}`;
  const { content } = parseManifest(manifest.bytes, manifest.mediaType, `manifest ${where}`);
  if (!isIndexMediaType(manifest.mediaType)) {
    const blobs = [content.config!, ...(content.layers ?? [])].filter((descriptor) => !descriptor.urls?.length);
    return { manifest, children: [], blobs };
  }
  if (depth >= MAX_DEPTH) throw new ActionError(`${where} nests indexes deeper than ${MAX_DEPTH} levels`);
  const listed = content.manifests ?? [];
  if (listed.length > MAX_INDEX_CHILDREN)
    throw new ActionError(`${where} lists ${listed.length} manifests, more than ${MAX_INDEX_CHILDREN} in one index: refused before reading any of them`);
  const unread = new Set(listed.map((descriptor) => descriptor.digest).filter((digest) => !cache.has(digest))).size;
  if (cache.size + unread > MAX_CHILD_MANIFESTS)
    throw new ActionError(
      `${where} brings the child manifests to read to ${cache.size + unread}, more than ${MAX_CHILD_MANIFESTS} in one promotion: refused before reading them`,
    );
  const children = await Promise.all(
    listed.map((descriptor) => {
      let child = cache.get(descriptor.digest);
      if (!child) {
        child = (async (): Promise<ManifestTree | PresentManifest> => {
          if (await target.client.headManifest(target.repository, descriptor.digest)) return { digest: descriptor.digest, present: true };
          const raw = await source.client.getManifest(source.repository, descriptor.digest);
          if (!raw)
            throw new ActionError(
              `${where} lists ${descriptor.digest}${descriptor.platform ? ` (${descriptor.platform.os}/${descriptor.platform.architecture})` : ''}, which ${source.client.endpoint.name}/${source.repository} does not hold`,
            );
          return readTree(source, target, raw, cache, depth + 1);
        })();
        cache.set(descriptor.digest, child);
      }
      return child;
    }),
  );
  return { manifest, children, blobs: [] };
}

function isTree(node: ManifestTree | PresentManifest): node is ManifestTree {
  return !('present' in node);
}

/**
 * The manifests under the roots of trees that the target lacks (the roots themselves, the tagged
 * manifests, left out), once each, in waves to push one after the other: a wave's manifests
 * reference only manifests of earlier waves or ones the target holds, so those of one wave can be
 * pushed at once. An image manifest is in the first wave, an index one wave after its last child.
 */
export function childManifestWaves(trees: readonly ManifestTree[]): RawManifest[][] {
  const manifests = new Map<string, RawManifest>();
  // The children a manifest's trees lack, over every tree it is in (digests: the graph has no cycle).
  const lacking = new Map<string, Set<string>>();
  const collect = (tree: ManifestTree): void => {
    const children = lacking.get(tree.manifest.digest) ?? new Set<string>();
    manifests.set(tree.manifest.digest, tree.manifest);
    lacking.set(tree.manifest.digest, children);
    for (const child of tree.children.filter(isTree)) {
      children.add(child.manifest.digest);
      collect(child);
    }
  };
  for (const tree of trees) for (const child of tree.children.filter(isTree)) collect(child);
  const waveOf = new Map<string, number>();
  const wave = (digest: string): number => {
    const known = waveOf.get(digest);
    if (known !== undefined) return known;
    const computed = Math.max(-1, ...[...lacking.get(digest)!].map(wave)) + 1;
    waveOf.set(digest, computed);
    return computed;
  };
  const waves: RawManifest[][] = [];
  for (const [digest, manifest] of manifests) (waves[wave(digest)] ??= []).push(manifest);
  return waves;
}

/** Every blob of a tree, of the manifests the target lacks. */
export function blobsOf(tree: ManifestTree): Descriptor[] {
  return [...tree.blobs, ...tree.children.filter(isTree).flatMap(blobsOf)];
}

/**
 * Plans a promotion without writing. Reads every source tag's digest and
 * every target tag's digest with HEAD (not counted as pulls on Docker Hub);
 * for each tag to write, reads the source manifest by digest (once per
 * digest), the children the target lacks, and the manifest the target tag
 * points to now (to restore it if a later write fails); every manifest is
 * checked ({@link parseManifest}).
 *
 * With `sourceTagsDeleted`, a source tag that is gone is accepted when the
 * target holds it at the same digest as the flavour's versioned tag: a
 * versioned tag never moves, so an earlier run of this release promoted it,
 * then deleted the source tag (a re-run finishing a half-done deletion).
 *
 * Unless `allowDifferingTags`, the source tags of one flavour (`full`, `full-5.1.5`) must name one
 * digest: a release's tags of a flavour name one image.
 *
 * @throws ActionError listing every missing source tag, every flavour whose source tags name different digests (unless `allowDifferingTags`), and every versioned target tag that already points elsewhere (unless `overwrite`); nothing is written
 */
export async function planPromotion(options: {
  source: ManifestReader;
  sourceRepository: string;
  target: ManifestReader;
  targetRepository: string;
  pairs: readonly TagPair[];
  overwrite: boolean;
  concurrency: number;
  sourceTagsDeleted?: boolean;
  /** Let the source tags of one flavour name different digests (e.g. `full` and `full-5.1.5`); refused otherwise. */
  allowDifferingTags?: boolean;
}): Promise<TagPlan[]> {
  const { source, target, sourceRepository, targetRepository, pairs } = options;
  const [sourceDigests, targetDigests] = await Promise.all([
    mapWithConcurrency(pairs, options.concurrency, (pair) => source.headManifest(sourceRepository, pair.sourceTag)),
    mapWithConcurrency(pairs, options.concurrency, (pair) => target.headManifest(targetRepository, pair.targetTag)),
  ]);

  const gone = new Map<number, string>();
  const missing: string[] = [];
  pairs.forEach((pair, index) => {
    if (sourceDigests[index]) return;
    const versioned = pairs.findIndex((other) => other.flavour === pair.flavour && other.versioned);
    const promoted = versioned >= 0 ? targetDigests[versioned] : undefined;
    if (options.sourceTagsDeleted && promoted && targetDigests[index] === promoted && (!sourceDigests[versioned] || sourceDigests[versioned] === promoted))
      gone.set(index, promoted);
    else missing.push(`${source.endpoint.name}/${sourceRepository}:${pair.sourceTag}`);
  });
  if (missing.length) throw new ActionError(`source tag(s) not found: ${missing.join(', ')}; nothing was written`);
  if (!options.allowDifferingTags) {
    const differing = [...new Set(pairs.map((pair) => pair.flavour))].flatMap((flavour) => {
      const tags = pairs.flatMap((pair, index) => (pair.flavour === flavour ? [`${pair.sourceTag} → ${gone.get(index) ?? sourceDigests[index]!}`] : []));
      const digests = new Set(pairs.flatMap((pair, index) => (pair.flavour === flavour ? [gone.get(index) ?? sourceDigests[index]!] : [])));
      return digests.size > 1 ? [`${flavour} (${[...new Set(tags)].join(', ')})`] : [];
    });
    if (differing.length)
      throw new ActionError(
        `the tags of one flavour in ${source.endpoint.name}/${sourceRepository} name different digests: ${differing.join('; ')}. A release's tags of a flavour must name one image: push them again, or set allow-differing-tags: true to promote each tag as it is. Nothing was written`,
      );
  }

  const trees = new Map<string, Promise<ManifestTree>>();
  const children = new Map<string, Promise<ManifestTree | PresentManifest>>();
  const sourceSide = { client: source, repository: sourceRepository };
  const targetSide = { client: target, repository: targetRepository };
  const treeOf = (digest: string): Promise<ManifestTree> => {
    let tree = trees.get(digest);
    if (!tree) {
      tree = source.getManifest(sourceRepository, digest).then((raw) => {
        if (!raw) throw new ActionError(`${source.endpoint.name}/${sourceRepository}@${digest} disappeared while planning; nothing was written`);
        return readTree(sourceSide, targetSide, raw, children);
      });
      trees.set(digest, tree);
    }
    return tree;
  };
  const inTarget = new Map<string, Promise<boolean>>();
  const heldByTarget = (digest: string): Promise<boolean> => {
    let held = inTarget.get(digest);
    if (!held) {
      held = target.headManifest(targetRepository, digest).then(Boolean);
      inTarget.set(digest, held);
    }
    return held;
  };

  const plans = await mapWithConcurrency(pairs, options.concurrency, async (pair, index): Promise<TagPlan> => {
    const existingDigest = targetDigests[index];
    const existingField = existingDigest ? { existingDigest } : {};
    if (gone.has(index)) return { ...pair, digest: gone.get(index)!, ...existingField, digestInTarget: true, action: 'skip', sourceGone: true };
    const digest = sourceDigests[index]!;
    if (existingDigest === digest) return { ...pair, digest, ...existingField, digestInTarget: true, action: 'skip' };
    const [tree, digestInTarget, existing] = await Promise.all([
      treeOf(digest),
      heldByTarget(digest),
      existingDigest ? target.getManifest(targetRepository, existingDigest) : undefined,
    ]);
    if (existingDigest && !existing)
      throw new ActionError(
        `${target.endpoint.name}/${targetRepository}:${pair.targetTag} points to ${existingDigest}, which cannot be read back; nothing was written`,
      );
    return { ...pair, digest, tree, ...existingField, ...(existing ? { existing } : {}), digestInTarget, action: 'write' };
  });
  const refused = plans.filter((plan) => plan.versioned && plan.existingDigest && plan.action === 'write' && !options.overwrite);
  if (refused.length) {
    const list = refused.map((plan) => `${targetRepository}:${plan.targetTag} is at ${plan.existingDigest}, not ${plan.digest}`).join('; ');
    throw new ActionError(`${list}. A versioned tag does not move: set overwrite: true to replace it. Nothing was written`);
  }
  return plans;
}
