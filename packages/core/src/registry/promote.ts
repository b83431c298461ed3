import { ActionError, describeError } from '../action/errors.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { RegistryClient } from './client.js';
import type { Logger } from '../action/logger.js';
import { streamBlobWithRetries } from './copy-blob.js';
import type { Descriptor } from './media-types.js';
import { blobsOf, childManifestWaves, type TagPlan } from './plan.js';

/** What happened to one blob in the target repository. */
export type BlobOutcome = 'present' | 'mounted' | 'copied';

/**
 * What happened to one tag. skipped: already at the digest; mounted, copied, tagged: written (missing
 * blobs mounted, some streamed, or every blob there already); after a failure: restored (put back at its
 * former digest), removed (it did not exist: deleted again), left (could not be put back: see `note`),
 * not written (the run stopped before it).
 */
export type TagAction = 'skipped' | 'mounted' | 'copied' | 'tagged' | 'restored' | 'removed' | 'left' | 'not written';

/** What happened to one tag, and where it points at the end. */
export interface TagOutcome {
  readonly sourceTag: string;
  readonly targetTag: string;
  /** The digest promoted. */
  readonly digest: string;
  readonly action: TagAction;
  /** The digest the target tag points to at the end, or null when it does not exist. */
  readonly finalDigest: string | null;
  /** Layer and config bytes that passed through this client for this tag. A blob counts for the first tag that needed it; for later tags it is present. */
  readonly bytesMoved: number;
  readonly blobs: { readonly present: number; readonly mounted: number; readonly copied: number };
  /** Why a tag was left, or what else happened to it. */
  readonly note?: string;
}

/** A promotion that failed: the error, and each tag's final state (every tag this run moved put back where possible). */
export class PromotionFailure extends ActionError {
  override name = 'PromotionFailure';

  constructor(
    message: string,
    readonly outcomes: readonly TagOutcome[],
  ) {
    super(message);
  }
}

/** Everything needed to carry out a plan. */
export interface PromotionTarget {
  readonly source: RegistryClient;
  readonly sourceRepository: string;
  readonly target: RegistryClient;
  readonly targetRepository: string;
  readonly concurrency: number;
  readonly logger: Logger;
  /** Deletes one tag where the registry cannot (Docker Hub: its API); undefined elsewhere. @returns true when deleted or absent */
  readonly deleteTag?: (tag: string) => Promise<boolean>;
}

const NO_BLOBS = { present: 0, mounted: 0, copied: 0 } as const;

/**
 * Carries out a promotion plan, all or nothing:
 * 1. every blob the target lacks is mounted from the source repository (same
 *    registry; a mount answered 202 or 401 falls back to a copy) or streamed,
 *    largest first; then child manifests by digest. No tag is written before
 *    every blob and child manifest of every tag is in place.
 * 2. each tag, tags that exist first: its digest is read again (HEAD) right
 *    before its write and must still be the one planned (another promotion
 *    that moved it is refused), the source's bytes are written unchanged, and
 *    the tag is read back (HEAD) at once: another digest there fails the run.
 *    The registry has no conditional write: a rival write landing between the
 *    HEAD and the PUT (one request) is overwritten unseen.
 * 3. every tag is read back (HEAD) at its digest once all are written.
 * When a write or a read-back fails, every tag this run moved is put back:
 * re-written at its former digest, or, where it did not exist, deleted (a tag
 * DELETE; Docker Hub's API; on registries that delete only by digest, such as
 * distribution 2.8, the digest, only when this run brought it to the repository).
 *
 * @throws PromotionFailure, naming the failure and every tag put back or left, with each tag's final state
 */
export async function executePromotion(plans: readonly TagPlan[], options: PromotionTarget): Promise<TagOutcome[]> {
  const { source, target, sourceRepository, targetRepository, logger } = options;
  const writes = plans.filter((plan) => plan.action === 'write');

  const firstTagOf = new Map<string, { descriptor: Descriptor; tag: string }>();
  for (const plan of writes)
    for (const descriptor of blobsOf(plan.tree!))
      if (!firstTagOf.has(descriptor.digest)) firstTagOf.set(descriptor.digest, { descriptor, tag: plan.targetTag });
  const blobOutcomes = new Map<string, BlobOutcome>();
  const outcome = (plan: TagPlan, action: TagAction, finalDigest: string | null, note?: string): TagOutcome => {
    const blobs = { present: 0, mounted: 0, copied: 0 };
    let bytesMoved = 0;
    if (plan.tree && (action === 'mounted' || action === 'copied' || action === 'tagged')) {
      for (const descriptor of new Map(blobsOf(plan.tree).map((entry) => [entry.digest, entry])).values()) {
        const result = firstTagOf.get(descriptor.digest)?.tag === plan.targetTag ? (blobOutcomes.get(descriptor.digest) ?? 'present') : 'present';
        blobs[result] += 1;
        if (result === 'copied') bytesMoved += descriptor.size;
      }
      action = blobs.copied ? 'copied' : blobs.mounted ? 'mounted' : 'tagged';
    }
    return {
      sourceTag: plan.sourceTag,
      targetTag: plan.targetTag,
      digest: plan.digest,
      action,
      finalDigest,
      bytesMoved,
      blobs: action === 'skipped' || action === 'not written' ? NO_BLOBS : blobs,
      ...(note ? { note } : {}),
    };
  };
  const untouched = (reason: string): never => {
    throw new PromotionFailure(
      `${reason}; no target tag was written`,
      plans.map((plan) => (plan.action === 'skip' ? outcome(plan, 'skipped', plan.digest) : outcome(plan, 'not written', plan.existingDigest ?? null))),
    );
  };

  try {
    const sameRegistry = source === target;
    const byLargest = [...firstTagOf.values()].sort((left, right) => right.descriptor.size - left.descriptor.size);
    // Every presence check first, while the registries are idle, rather than one before each copy.
    const present = await mapWithConcurrency(byLargest, options.concurrency, ({ descriptor }) => target.hasBlob(targetRepository, descriptor.digest));
    for (const [index, { descriptor }] of byLargest.entries()) if (present[index]) blobOutcomes.set(descriptor.digest, 'present');
    const missing = byLargest.filter((_, index) => !present[index]);
    await mapWithConcurrency(missing, options.concurrency, async ({ descriptor }) => {
      const { digest, size } = descriptor;
      let location: string | undefined;
      if (sameRegistry) {
        const mount = await target.mountBlob(targetRepository, digest, sourceRepository);
        if (mount.mounted) return void blobOutcomes.set(digest, 'mounted');
        location = mount.location;
        logger.info(`mount of ${digest} from ${sourceRepository} refused (${mount.reason}): copying it`);
      }
      await streamBlobWithRetries({ client: source, repository: sourceRepository }, { client: target, repository: targetRepository }, digest, size, {
        ...(location ? { location } : {}),
        logger,
      });
      blobOutcomes.set(digest, 'copied');
    });
    for (const wave of childManifestWaves(writes.map((plan) => plan.tree!))) {
      await mapWithConcurrency(wave, options.concurrency, async (manifest) => {
        if (!(await target.headManifest(targetRepository, manifest.digest))) await target.putManifest(targetRepository, manifest.digest, manifest);
      });
    }
  } catch (error) {
    untouched(describeError(error));
  }

  // Tags that exist first: they can always be put back by a write; a new tag may be hard to delete again.
  const order = [...writes.filter((plan) => plan.existingDigest), ...writes.filter((plan) => !plan.existingDigest)];
  const moved: TagPlan[] = [];
  const written = new Set<TagPlan>();
  let failure: string | undefined;
  // Each tag: compared right before its write, read back right after it. The registry has no
  // conditional write, so another writer can still land between the compare and the PUT: the
  // read-back catches it when it lands after ours, the final read-back when it lands later.
  await logger.group(`Tag writes to ${targetRepository}`, async () => {
    for (const plan of order) {
      try {
        const current = await target.headManifest(targetRepository, plan.targetTag);
        if (current !== plan.existingDigest) {
          failure = `${targetRepository}:${plan.targetTag} moved to ${current ?? 'nothing'} since the plan (it was at ${plan.existingDigest ?? 'nothing'}): another promotion is writing it`;
          break;
        }
        await target.putManifest(targetRepository, plan.targetTag, plan.tree!.manifest);
        moved.push(plan);
        written.add(plan);
        const readBack = await target.headManifest(targetRepository, plan.targetTag);
        if (readBack !== plan.digest) {
          failure = `${targetRepository}:${plan.targetTag} reads back as ${readBack ?? 'nothing'} right after this run wrote ${plan.digest}: another promotion wrote it meanwhile`;
          break;
        }
        logger.info(`${targetRepository}:${plan.targetTag} → ${plan.digest} (read back)`);
      } catch (error) {
        // The write may have landed before the error: put it back too when it did.
        if (!written.has(plan)) moved.push(plan);
        failure = describeError(error);
        break;
      }
    }
  });
  if (!failure) {
    const readBack = await mapWithConcurrency(writes, options.concurrency, async (plan) =>
      target.headManifest(targetRepository, plan.targetTag).catch(() => undefined),
    );
    const wrong = writes.filter((plan, index) => readBack[index] !== plan.digest);
    if (wrong.length)
      failure = wrong
        .map((plan) => `${targetRepository}:${plan.targetTag} reads back as ${readBack[writes.indexOf(plan)] ?? 'nothing'}, not ${plan.digest}`)
        .join('; ');
    else return plans.map((plan) => (plan.action === 'skip' ? outcome(plan, 'skipped', plan.digest) : outcome(plan, 'tagged', plan.digest)));
  }
  const states = await putBack(moved, written, options);
  const results = plans.map((plan) => {
    if (plan.action === 'skip') return outcome(plan, 'skipped', plan.digest);
    return states.get(plan) ?? outcome(plan, 'not written', plan.existingDigest ?? null);
  });
  const restoredText = [...states.entries()].map(([plan, state]) => `${plan.targetTag} ${state.action}${state.note ? ` (${state.note})` : ''}`);
  throw new PromotionFailure(
    `${failure}. ${moved.length ? `Tags this run moved: ${restoredText.join(', ')}` : 'No tag was moved'}${results.some((entry) => entry.action === 'left') ? '; a tag left could not be put back: see the summary' : ''}`,
    results,
  );
}

/** Puts every moved tag back: moved tags to their former digest first, then new tags deleted. */
async function putBack(moved: readonly TagPlan[], written: ReadonlySet<TagPlan>, options: PromotionTarget): Promise<Map<TagPlan, TagOutcome>> {
  const { target, targetRepository, logger } = options;
  const states = new Map<TagPlan, TagOutcome>();
  const state = (plan: TagPlan, action: TagAction, finalDigest: string | null, note?: string): void =>
    void states.set(plan, {
      sourceTag: plan.sourceTag,
      targetTag: plan.targetTag,
      digest: plan.digest,
      action,
      finalDigest,
      bytesMoved: 0,
      blobs: NO_BLOBS,
      ...(note ? { note } : {}),
    });
  const current = async (plan: TagPlan): Promise<string | undefined | Error> =>
    target.headManifest(targetRepository, plan.targetTag).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

  for (const plan of moved.filter((entry) => entry.existing)) {
    const now = await current(plan);
    if (now instanceof Error) state(plan, 'left', null, `could not be read: ${now.message}`);
    else if (now === plan.existingDigest && !written.has(plan)) state(plan, 'not written', now ?? null);
    else if (now !== plan.digest && now !== plan.existingDigest) state(plan, 'left', now ?? null, `moved by someone else to ${now ?? 'nothing'}: not touched`);
    else {
      try {
        await target.putManifest(targetRepository, plan.targetTag, plan.existing!);
        // Read back too: a rival's write landing between the compare and this PUT is overwritten, one landing after it is not.
        const after = await current(plan);
        if (after === plan.existingDigest) {
          state(plan, 'restored', plan.existingDigest!);
          logger.info(`${targetRepository}:${plan.targetTag} put back at ${plan.existingDigest}`);
        } else
          state(
            plan,
            'left',
            after instanceof Error ? null : (after ?? null),
            after instanceof Error ? `put back, but could not be read: ${after.message}` : `moved by someone else to ${after ?? 'nothing'} as it was put back`,
          );
      } catch (error) {
        state(plan, 'left', plan.digest, `could not be put back at ${plan.existingDigest}: ${describeError(error)}`);
      }
    }
  }
  for (const plan of moved.filter((entry) => !entry.existing)) {
    const now = await current(plan);
    if (now instanceof Error) {
      state(plan, 'left', null, `could not be read: ${now.message}`);
      continue;
    }
    if (now === undefined) {
      state(plan, written.has(plan) ? 'removed' : 'not written', null);
      continue;
    }
    if (now !== plan.digest) {
      state(plan, 'left', now, `moved by someone else to ${now}: not touched`);
      continue;
    }
    state(plan, ...(await deleteNewTag(plan, moved, states, options)));
    if (states.get(plan)!.action === 'removed') logger.info(`${targetRepository}:${plan.targetTag} deleted again: it did not exist before`);
  }
  return states;
}

/**
 * Deletes a tag this run created: through `deleteTag` (Docker Hub's API) where given; else, when only
 * this run's tags can point to its digest (the repository did not hold the digest before), with the
 * registry API: a tag DELETE (distribution 3), then the digest (distribution 2.8 deletes only by digest,
 * which removes every tag on it). Where other tags may point to the digest, the registry API is not
 * used at all: some registries resolve a tag DELETE to its manifest and would remove them too.
 */
async function deleteNewTag(
  plan: TagPlan,
  moved: readonly TagPlan[],
  states: ReadonlyMap<TagPlan, TagOutcome>,
  options: PromotionTarget,
): Promise<[TagAction, string | null, string?]> {
  const { target, targetRepository } = options;
  try {
    if (options.deleteTag) return (await options.deleteTag(plan.targetTag)) ? ['removed', null] : ['left', plan.digest, 'Docker Hub did not delete it'];
    const kept = moved.some((other) => other !== plan && other.digest === plan.digest && other.existing && states.get(other)?.action !== 'restored');
    if (plan.digestInTarget || kept)
      return ['left', plan.digest, `other tags point to ${plan.digest}, and deleting through the registry API could remove them: delete this tag by hand`];
    const byTag = await target.deleteManifest(targetRepository, plan.targetTag);
    if (byTag === 202 || byTag === 404) return ['removed', null];
    const byDigest = await target.deleteManifest(targetRepository, plan.digest);
    if (byDigest === 202 || byDigest === 404) return ['removed', null];
    return ['left', plan.digest, `the registry refused to delete it (HTTP ${byTag} by tag, ${byDigest} by digest: is deletion enabled?)`];
  } catch (error) {
    return ['left', plan.digest, `could not be deleted: ${describeError(error)}`];
  }
}
