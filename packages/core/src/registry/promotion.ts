import { ActionError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { RegistryClient } from './client.js';
import { promotionAccess, type RegistryAccess, type RegistryCredentials } from './credentials.js';
import { DockerHubApi, deletePromotedSourceTags, type SourceTagOutcome } from './docker-hub.js';
import { planPromotion, type TagPair, type TagPlan } from './plan.js';
import { PromotionFailure, executePromotion, type TagOutcome } from './promote.js';
import type { RegistryEndpoint } from './reference.js';

/** A promotion, as the action's inputs give it (checked: parsed endpoints and repositories, expanded tags). */
export interface PromotionRequest {
  readonly sourceEndpoint: RegistryEndpoint;
  readonly targetEndpoint: RegistryEndpoint;
  readonly sourceRepository: string;
  readonly targetRepository: string;
  readonly pairs: readonly TagPair[];
  /** The `username` and `password` inputs, when given. */
  readonly credentials?: RegistryCredentials;
  readonly overwrite: boolean;
  /** Requests or blob copies under way at once against each registry (1 to 32). */
  readonly concurrency: number;
  readonly dryRun: boolean;
  /** Delete the promoted tags from the source (Docker Hub only) once every target tag reads back. */
  readonly deleteSourceTags: boolean;
  /** Let a flavour's source tags name different digests. */
  readonly allowDifferingTags: boolean;
  /** Docker Hub's API base URL, e.g. `https://hub.docker.com`. */
  readonly hubApi: string;
}

/** What a promotion did: one object for the outputs and the summary, on failure too. */
export interface PromotionResult {
  readonly dryRun: boolean;
  /** Every tag's plan, in input order. */
  readonly plans: readonly TagPlan[];
  /** Every tag's outcome, in plan order; undefined in a dry run. */
  readonly outcomes?: readonly TagOutcome[];
  /** Each distinct source tag's fate, when delete-source-tags ran (not in a dry run, nor after a failed promotion). */
  readonly sourceTags?: readonly SourceTagOutcome[];
  /** The source tags a dry run with delete-source-tags would delete. */
  readonly wouldDeleteSourceTags?: readonly string[];
  /** Manifest GETs sent (Docker Hub counts each as a pull): one count when both sides are one registry (`target` then equals `source`). */
  readonly manifestGets: { readonly shared: boolean; readonly source: number; readonly target: number };
  /** Why the run failed after planning: a promotion put back ({@link PromotionFailure}), or source tags not deleted; the outcomes say where every tag is. */
  readonly failure?: ActionError;
}

/** A client for one registry's access; authenticated. */
async function connect(access: RegistryAccess, concurrency: number, logger: Logger): Promise<RegistryClient> {
  const client = new RegistryClient(access.endpoint, {
    ...(access.credentials ? { credentials: access.credentials } : {}),
    scopes: access.scopes,
    pushRepositories: access.pushRepositories,
    logger,
    concurrency,
  });
  await client.authenticate();
  return client;
}

/**
 * Promotes images from the source to the target repository: the credential policy
 * ({@link promotionAccess}), then the plan ({@link planPromotion}: every read and check, nothing
 * written), then, unless a dry run, its execution ({@link executePromotion}: blobs, child manifests,
 * each tag compared, written and read back, every tag read back again), and last, with
 * `deleteSourceTags`, the deletion of the source tags still at the promoted digest
 * ({@link deletePromotedSourceTags}).
 *
 * @returns the plans and outcomes; `failure` set when the execution or the source-tag deletion failed (after planning)
 * @throws InputError or ActionError for what stops the run before any write: credentials, authentication, a refused plan
 */
export async function promoteImages(
  request: PromotionRequest,
  options: { readonly logger: Logger; readonly lookup?: Parameters<typeof promotionAccess>[1] },
): Promise<PromotionResult> {
  const { logger } = options;
  const access = await promotionAccess(request, options.lookup);
  const [source, target]: [RegistryClient, RegistryClient] = access.shared
    ? await connect(access.target, request.concurrency, logger).then((client): [RegistryClient, RegistryClient] => [client, client])
    : await Promise.all([connect(access.source, request.concurrency, logger), connect(access.target, request.concurrency, logger)]);
  const manifestGets = () => ({ shared: access.shared, source: source.manifestGets, target: target.manifestGets });
  const plans = await planPromotion({
    source,
    sourceRepository: request.sourceRepository,
    target,
    targetRepository: request.targetRepository,
    pairs: request.pairs,
    overwrite: request.overwrite,
    concurrency: request.concurrency,
    sourceTagsDeleted: request.deleteSourceTags,
    allowDifferingTags: request.allowDifferingTags,
  });
  if (request.dryRun)
    return {
      dryRun: true,
      plans,
      ...(request.deleteSourceTags ? { wouldDeleteSourceTags: [...new Set(plans.map((plan) => plan.sourceTag))] } : {}),
      manifestGets: manifestGets(),
    };

  const targetHub = access.targetHub ? new DockerHubApi(request.hubApi, access.targetHub, logger) : undefined;
  let outcomes: TagOutcome[];
  try {
    outcomes = await executePromotion(plans, {
      source,
      sourceRepository: request.sourceRepository,
      target,
      targetRepository: request.targetRepository,
      concurrency: request.concurrency,
      logger,
      ...(targetHub ? { deleteTag: async (tag: string) => Boolean(await targetHub.deleteTag(request.targetRepository, tag)) } : {}),
    });
  } catch (error) {
    if (!(error instanceof PromotionFailure)) throw error;
    return { dryRun: false, plans, outcomes: error.outcomes, manifestGets: manifestGets(), failure: error };
  }
  if (!access.sourceHub) return { dryRun: false, plans, outcomes, manifestGets: manifestGets() };

  // The last phase: every target tag reads back at its digest.
  const hub = new DockerHubApi(request.hubApi, access.sourceHub, logger);
  const sourceTags = await deletePromotedSourceTags(hub, source, request.sourceRepository, plans);
  const failed = sourceTags.filter((entry) => entry.state === 'failed');
  return {
    dryRun: false,
    plans,
    outcomes,
    sourceTags,
    manifestGets: manifestGets(),
    ...(failed.length
      ? {
          failure: new ActionError(
            `the promotion succeeded, but ${failed.length} source tag(s) of ${request.sourceRepository} were not deleted: ${failed.map((entry) => `${entry.tag} (${entry.detail})`).join('; ')}. Run the job again to finish the deletion`,
          ),
        }
      : {}),
  };
}
