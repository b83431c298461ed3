import { ActionError } from '../action/errors.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { RawManifest, RegistryClient } from './client.js';
import { isIndexMediaType, type Descriptor, type ManifestContent } from './media-types.js';

/** A manifest or index with everything it references, read from the source. */
export interface ManifestTree {
  readonly manifest: RawManifest;
  /** An index's manifests, attestation manifests included. */
  readonly children: readonly ManifestTree[];
  /** An image manifest's config and layers (foreign layers, which live outside the registry, left out). */
  readonly blobs: readonly Descriptor[];
}

/** One tag to promote. */
export interface TagPair {
  readonly sourceTag: string;
  readonly targetTag: string;
  /** A tag holding the version, which must not move to another digest unless overwrite is set. */
  readonly versioned: boolean;
}

/** One tag, planned. */
export interface TagPlan extends TagPair {
  readonly tree: ManifestTree;
  /** The digest the target tag points to now, if it exists. */
  readonly existingDigest?: string;
  /** skip: the target tag already points to the same digest. */
  readonly action: 'skip' | 'write';
}

function parseContent(manifest: RawManifest, where: string): ManifestContent {
  try {
    const content = JSON.parse(manifest.bytes.toString('utf8')) as ManifestContent;
    if (content.schemaVersion === 1) throw new ActionError(`${where} is a Docker schema 1 manifest, which registries no longer accept: rebuild it`);
    return content;
  } catch (error) {
    if (error instanceof ActionError) throw error;
    throw new ActionError(`${where} is not a JSON manifest`);
  }
}

/**
 * Reads a manifest's whole tree from the source: each child manifest of an
 * index (by digest, once per digest thanks to `cache`), and the blobs of each image manifest.
 *
 * @throws ActionError when a child manifest is missing
 */
export async function readTree(
  client: RegistryClient,
  repository: string,
  manifest: RawManifest,
  cache: Map<string, Promise<ManifestTree>>,
): Promise<ManifestTree> {
  const where = `${client.endpoint.name}/${repository}@${manifest.digest}`;
  const content = parseContent(manifest, where);
  const isIndex = isIndexMediaType(manifest.mediaType) || (Array.isArray(content.manifests) && !content.layers);
  if (!isIndex) {
    const blobs = [content.config, ...(content.layers ?? [])].filter(
      (descriptor): descriptor is Descriptor => Boolean(descriptor) && !descriptor!.urls?.length,
    );
    return { manifest, children: [], blobs };
  }
  const children = await Promise.all(
    (content.manifests ?? []).map((descriptor) => {
      let child = cache.get(descriptor.digest);
      if (!child) {
        child = client.getManifest(repository, descriptor.digest).then((raw) => {
          if (!raw)
            throw new ActionError(
              `${where} lists ${descriptor.digest}${descriptor.platform ? ` (${descriptor.platform.os}/${descriptor.platform.architecture})` : ''}, which ${client.endpoint.name}/${repository} does not hold`,
            );
          return readTree(client, repository, raw, cache);
        });
        cache.set(descriptor.digest, child);
      }
      return child;
    }),
  );
  return { manifest, children, blobs: [] };
}

/** Every manifest of a tree, children before their index (the order they must be pushed in). */
export function manifestsInPushOrder(tree: ManifestTree): RawManifest[] {
  return [...tree.children.flatMap(manifestsInPushOrder), tree.manifest];
}

/** Every blob of a tree. */
export function blobsOf(tree: ManifestTree): Descriptor[] {
  return [...tree.blobs, ...tree.children.flatMap(blobsOf)];
}

/**
 * Plans a promotion without writing: resolves every source tag and reads
 * every child manifest, then reads each target tag's digest (HEAD).
 *
 * @throws ActionError listing every missing source tag, and every versioned target tag that already points elsewhere (unless `overwrite`)
 */
export async function planPromotion(options: {
  source: RegistryClient;
  sourceRepository: string;
  target: RegistryClient;
  targetRepository: string;
  pairs: readonly TagPair[];
  overwrite: boolean;
  concurrency: number;
}): Promise<TagPlan[]> {
  const { source, target, sourceRepository, targetRepository } = options;
  const cache = new Map<string, Promise<ManifestTree>>();
  const resolved = await mapWithConcurrency(options.pairs, options.concurrency, async (pair) => {
    const manifest = await source.getManifest(sourceRepository, pair.sourceTag);
    return { pair, manifest };
  });
  const missing = resolved.filter((entry) => !entry.manifest).map((entry) => `${source.endpoint.name}/${sourceRepository}:${entry.pair.sourceTag}`);
  if (missing.length) throw new ActionError(`source tag(s) not found: ${missing.join(', ')}; nothing was written`);

  const plans = await mapWithConcurrency(resolved, options.concurrency, async ({ pair, manifest }): Promise<TagPlan> => {
    const tree = await readTree(source, sourceRepository, manifest!, cache);
    const existingDigest = await target.headManifest(targetRepository, pair.targetTag);
    return { ...pair, tree, ...(existingDigest ? { existingDigest } : {}), action: existingDigest === manifest!.digest ? 'skip' : 'write' };
  });
  const refused = plans.filter((plan) => plan.versioned && plan.existingDigest && plan.action === 'write' && !options.overwrite);
  if (refused.length) {
    const list = refused.map((plan) => `${targetRepository}:${plan.targetTag} is at ${plan.existingDigest}, not ${plan.tree.manifest.digest}`).join('; ');
    throw new ActionError(`${list}. A versioned tag does not move: set overwrite: true to replace it. Nothing was written`);
  }
  return plans;
}
