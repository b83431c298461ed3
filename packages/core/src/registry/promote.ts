import { ActionError } from '../action/errors.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { RegistryClient } from './client.js';
import type { Logger } from '../action/logger.js';
import { streamBlobWithRetries } from './copy-blob.js';
import type { Descriptor } from './media-types.js';
import { blobsOf, manifestsInPushOrder, type TagPlan } from './plan.js';

/** What happened to one blob in the target repository. */
export type BlobOutcome = 'present' | 'mounted' | 'copied';

/** What happened to one tag. */
export interface TagOutcome {
  readonly sourceTag: string;
  readonly targetTag: string;
  readonly digest: string;
  /** skipped: already at the digest; mounted: missing blobs were mounted; copied: some blobs were streamed; tagged: every blob was there already. */
  readonly action: 'skipped' | 'mounted' | 'copied' | 'tagged';
  /** Layer and config bytes that passed through this client for this tag. A blob counts for the first tag that needed it; for later tags it is present. */
  readonly bytesMoved: number;
  readonly blobs: { readonly present: number; readonly mounted: number; readonly copied: number };
}

/** Everything needed to carry out a plan. */
export interface PromotionTarget {
  readonly source: RegistryClient;
  readonly sourceRepository: string;
  readonly target: RegistryClient;
  readonly targetRepository: string;
  readonly concurrency: number;
  readonly logger: Logger;
}

/**
 * Carries out a promotion plan: every blob the target lacks is mounted from
 * the source repository (same registry) or streamed; then child manifests by
 * digest; then each tag, with the source's bytes unchanged; then each tag is
 * read back (HEAD) to check it holds the source's digest. No tag is written
 * before every blob and child manifest of every tag is in place.
 *
 * @throws ActionError when a copy fails (no tag written yet) or a read-back digest differs
 */
export async function executePromotion(plans: readonly TagPlan[], options: PromotionTarget): Promise<TagOutcome[]> {
  const { source, target, sourceRepository, targetRepository, logger } = options;
  const sameRegistry = source.endpoint.apiBase === target.endpoint.apiBase;
  const writes = plans.filter((plan) => plan.action === 'write');

  const firstTagOf = new Map<string, { descriptor: Descriptor; tag: string }>();
  for (const plan of writes)
    for (const descriptor of blobsOf(plan.tree)) if (!firstTagOf.has(descriptor.digest)) firstTagOf.set(descriptor.digest, { descriptor, tag: plan.targetTag });

  const outcomes = new Map<string, BlobOutcome>();
  await mapWithConcurrency([...firstTagOf.values()], options.concurrency, async ({ descriptor }) => {
    const { digest, size } = descriptor;
    if (await target.hasBlob(targetRepository, digest)) return void outcomes.set(digest, 'present');
    let location: string | undefined;
    if (sameRegistry) {
      const mount = await target.mountBlob(targetRepository, digest, sourceRepository);
      if (mount.mounted) return void outcomes.set(digest, 'mounted');
      location = mount.location;
    }
    await streamBlobWithRetries({ client: source, repository: sourceRepository }, { client: target, repository: targetRepository }, digest, size, {
      ...(location ? { location } : {}),
      logger,
    });
    outcomes.set(digest, 'copied');
  });

  const children = new Map<string, ReturnType<typeof manifestsInPushOrder>[number]>();
  for (const plan of writes) for (const manifest of manifestsInPushOrder(plan.tree).slice(0, -1)) children.set(manifest.digest, manifest);
  for (const manifest of children.values()) {
    if (!(await target.headManifest(targetRepository, manifest.digest))) await target.putManifest(targetRepository, manifest.digest, manifest);
  }

  for (const plan of writes) {
    await target.putManifest(targetRepository, plan.targetTag, plan.tree.manifest);
    logger.info(`${targetRepository}:${plan.targetTag} → ${plan.tree.manifest.digest}`);
  }
  for (const plan of writes) {
    const digest = await target.headManifest(targetRepository, plan.targetTag);
    if (digest !== plan.tree.manifest.digest)
      throw new ActionError(`${targetRepository}:${plan.targetTag} reads back as ${digest ?? 'nothing'}, not ${plan.tree.manifest.digest}`);
  }

  return plans.map((plan): TagOutcome => {
    const digest = plan.tree.manifest.digest;
    if (plan.action === 'skip')
      return { sourceTag: plan.sourceTag, targetTag: plan.targetTag, digest, action: 'skipped', bytesMoved: 0, blobs: { present: 0, mounted: 0, copied: 0 } };
    const blobs = { present: 0, mounted: 0, copied: 0 };
    let bytesMoved = 0;
    for (const descriptor of new Map(blobsOf(plan.tree).map((entry) => [entry.digest, entry])).values()) {
      // A blob counts for the first tag that needed it; for later tags it was already there.
      const outcome = firstTagOf.get(descriptor.digest)?.tag === plan.targetTag ? (outcomes.get(descriptor.digest) ?? 'present') : 'present';
      blobs[outcome] += 1;
      if (outcome === 'copied') bytesMoved += descriptor.size;
    }
    const action = blobs.copied ? 'copied' : blobs.mounted ? 'mounted' : 'tagged';
    return { sourceTag: plan.sourceTag, targetTag: plan.targetTag, digest, action, bytesMoved, blobs };
  });
}
