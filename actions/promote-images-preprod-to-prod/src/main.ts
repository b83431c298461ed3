import * as core from '@actions/core';
import {
  InputError,
  actionsLogger,
  addSummaryTable,
  addSummaryText,
  pushedTag,
  readRunnerContext,
  readBoolean,
  readInteger,
  readList,
  readSecret,
  readString,
  runAction,
  writeSummary,
} from '@exegol-release/core/action';
import {
  expandTagTemplates,
  isSameRegistry,
  parseHubApiUrl,
  parseRegistry,
  parseRepository,
  promoteImages,
  type PromotionRequest,
  type PromotionResult,
  type RegistryEndpoint,
} from '@exegol-release/core/registry';
import { formatBytes } from '@exegol-release/core/units';

/** The inputs, typed and checked: each bad one is refused naming it, before any request. */
function readRequest(): PromotionRequest {
  const endpoint = (input: 'source-registry' | 'target-registry'): RegistryEndpoint => {
    const own = readString(input);
    return parseRegistry(own || readString('registry', { fallback: 'docker.io' }), own ? input : 'registry');
  };
  const sourceEndpoint = endpoint('source-registry');
  const targetEndpoint = endpoint('target-registry');
  const sourceRepository = parseRepository(sourceEndpoint, readString('source-repository', { required: true }), 'source-repository');
  const targetRepository = parseRepository(targetEndpoint, readString('target-repository', { required: true }), 'target-repository');
  if (sourceRepository === targetRepository && isSameRegistry(sourceEndpoint, targetEndpoint))
    throw new InputError(
      'target-repository',
      `is the source repository ${sourceEndpoint.name}/${sourceRepository}: a promotion copies from preprod to another repository (with delete-source-tags it would delete production's tags)`,
    );
  const username = readString('username');
  const password = readSecret('password');
  if (Boolean(username) !== Boolean(password))
    throw new InputError(username ? 'password' : 'username', 'is empty: give both username and password, or neither');
  const deleteSourceTags = readBoolean('delete-source-tags', false);
  if (deleteSourceTags && !sourceEndpoint.isDockerHub)
    throw new InputError(
      'delete-source-tags',
      `deletes tags through Docker Hub's API, but the source registry is ${sourceEndpoint.name}: it would delete the tags of a Docker Hub repository of the same name. Set it only when the source is docker.io`,
    );
  return {
    sourceEndpoint,
    targetEndpoint,
    sourceRepository,
    targetRepository,
    pairs: expandTagTemplates(readList('flavours'), readList('tags'), readString('version', { fallback: pushedTag(readRunnerContext()) })),
    ...(username ? { credentials: { username, password } } : {}),
    overwrite: readBoolean('overwrite', false),
    concurrency: readInteger('concurrency', { fallback: 4, min: 1, max: 32 }),
    dryRun: readBoolean('dry-run', false),
    deleteSourceTags,
    allowDifferingTags: readBoolean('allow-differing-tags', false),
    hubApi: parseHubApiUrl(readString('hub-api-url', { fallback: 'https://hub.docker.com' }), 'hub-api-url'),
  };
}

/** Sets the outputs and writes the log lines and the summary of a result, on failure too. */
async function report(request: PromotionRequest, result: PromotionResult): Promise<void> {
  const reference = (endpoint: RegistryEndpoint, repository: string, tag: string): string => `${endpoint.name}/${repository}:${tag}`;
  const rows = result.plans.map((plan, index) => {
    const outcome = result.outcomes?.[index];
    return {
      source: reference(request.sourceEndpoint, request.sourceRepository, plan.sourceTag),
      target: reference(request.targetEndpoint, request.targetRepository, plan.targetTag),
      targetTag: plan.targetTag,
      digest: plan.digest,
      action: outcome ? outcome.action : plan.action === 'skip' ? 'would skip' : 'would write',
      finalDigest: outcome ? outcome.finalDigest : (plan.existingDigest ?? null),
      outcome,
    };
  });
  core.setOutput(
    'promoted',
    JSON.stringify(rows.map((row) => ({ source: row.source, target: row.target, digest: row.digest, action: row.action, finalDigest: row.finalDigest }))),
  );
  core.setOutput('digests', JSON.stringify(Object.fromEntries(rows.map((row) => [row.targetTag, row.finalDigest]))));
  const cells = await actionsLogger.group(`Tags of ${request.targetRepository}${result.dryRun ? ' (dry run)' : ''}`, async () =>
    rows.map((row) => {
      const { outcome } = row;
      const blobs =
        outcome && outcome.bytesMoved + outcome.blobs.present + outcome.blobs.mounted + outcome.blobs.copied > 0
          ? `${outcome.blobs.present} present, ${outcome.blobs.mounted} mounted, ${outcome.blobs.copied} copied`
          : '';
      core.info(
        `${row.source} → ${row.target}: ${row.action} ${row.digest}${blobs ? ` (${blobs}; ${formatBytes(outcome!.bytesMoved, 'binary')} moved)` : ''}${outcome?.note ? `: ${outcome.note}` : ''}`,
      );
      return [
        row.source,
        row.digest,
        row.target,
        row.action,
        row.finalDigest ?? 'absent',
        blobs,
        outcome ? formatBytes(outcome.bytesMoved, 'binary') : '',
        outcome?.note ?? '',
      ];
    }),
  );
  addSummaryTable(
    `promote-images-preprod-to-prod${result.dryRun ? ' (dry run: nothing written)' : ''}`,
    ['Source', 'Digest', 'Target', 'Action', 'Target now', 'Blobs', 'Bytes moved', 'Note'],
    cells,
  );
  const { manifestGets } = result;
  const gets = manifestGets.shared
    ? `${manifestGets.source} on ${request.targetEndpoint.name}`
    : `${manifestGets.source} on ${request.sourceEndpoint.name} (source), ${manifestGets.target} on ${request.targetEndpoint.name} (target)`;
  const line = `Manifest GETs: ${gets}${request.sourceEndpoint.isDockerHub || request.targetEndpoint.isDockerHub ? '; Docker Hub counts each GET as a pull, HEADs are not counted' : ''}.`;
  core.info(line);
  addSummaryText(line);
  if (result.wouldDeleteSourceTags) addSummaryText(`Would delete from ${request.sourceRepository}: ${result.wouldDeleteSourceTags.join(', ')}`);
  if (result.sourceTags) {
    const outcomes = result.sourceTags;
    core.setOutput('deleted-source-tags', JSON.stringify(outcomes.filter((entry) => entry.state === 'deleted').map((entry) => entry.tag)));
    addSummaryTable(
      `Source tags of ${request.sourceRepository}`,
      ['Tag', 'State', 'Detail'],
      outcomes.map((entry) => [entry.tag, entry.state, entry.detail ?? '']),
    );
    await actionsLogger.group(`Source tags of ${request.sourceRepository}`, async () => {
      for (const entry of outcomes) core.info(`${request.sourceRepository}:${entry.tag}: ${entry.state}${entry.detail ? ` (${entry.detail})` : ''}`);
    });
  }
  await writeSummary();
}

/** Reads the inputs, promotes (core: plan, execute, delete the source tags), and reports the one result, on failure too. */
export async function run(): Promise<void> {
  await runAction('promote-images-preprod-to-prod', async () => {
    const request = readRequest();
    const result = await promoteImages(request, { logger: actionsLogger });
    await report(request, result);
    if (result.failure) throw result.failure;
  });
}
