import * as core from '@actions/core';
import {
  InputError,
  pushedTag,
  readRunnerContext,
  actionsLogger,
  addSummaryTable,
  addSummaryText,
  readBoolean,
  readInteger,
  readList,
  readSecret,
  readString,
  runAction,
  writeSummary,
} from '@exegol-release/core/action';
import {
  PromotionFailure,
  DockerHubApi,
  RegistryClient,
  deletePromotedSourceTags,
  dockerConfigCredentials,
  executePromotion,
  expandTagTemplates,
  isSameRegistry,
  parseHubApiUrl,
  parseRegistry,
  parseRepository,
  planPromotion,
  repositoryScope,
  type RegistryCredentials,
  type RegistryEndpoint,
  type SourceTagOutcome,
  type TagOutcome,
  type TagPlan,
} from '@exegol-release/core/registry';
import { formatBytes } from '@exegol-release/core/units';

interface PromoteInputs {
  sourceEndpoint: RegistryEndpoint;
  targetEndpoint: RegistryEndpoint;
  sourceRepository: string;
  targetRepository: string;
  pairs: ReturnType<typeof expandTagTemplates>;
  credentials?: RegistryCredentials;
  overwrite: boolean;
  concurrency: number;
  dryRun: boolean;
  deleteSourceTags: boolean;
  hubApi: string;
}

function readInputs(): PromoteInputs {
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
    hubApi: parseHubApiUrl(readString('hub-api-url', { fallback: 'https://hub.docker.com' }), 'hub-api-url'),
  };
}

interface Clients {
  source: RegistryClient;
  target: RegistryClient;
  sourceCredentials?: RegistryCredentials;
  targetCredentials?: RegistryCredentials;
}

async function clients(inputs: PromoteInputs): Promise<Clients> {
  const credentialsFor = async (endpoint: RegistryEndpoint) => inputs.credentials ?? (await dockerConfigCredentials(endpoint));
  const sourceScope = repositoryScope(inputs.sourceRepository, ['pull']);
  const targetScope = repositoryScope(inputs.targetRepository, inputs.dryRun ? ['pull'] : ['pull', 'push']);
  const pushRepositories = inputs.dryRun ? [] : [inputs.targetRepository];
  const common = { logger: actionsLogger, concurrency: inputs.concurrency };
  if (isSameRegistry(inputs.sourceEndpoint, inputs.targetEndpoint)) {
    // One token carries pull on the source and pull,push on the target: a cross-repository mount needs both.
    const credentials = await credentialsFor(inputs.targetEndpoint);
    const client = new RegistryClient(inputs.targetEndpoint, {
      ...(credentials ? { credentials } : {}),
      scopes: [sourceScope, targetScope],
      pushRepositories,
      ...common,
    });
    await client.authenticate();
    return { source: client, target: client, ...(credentials ? { sourceCredentials: credentials, targetCredentials: credentials } : {}) };
  }
  const sourceCredentials = await credentialsFor(inputs.sourceEndpoint);
  const targetCredentials = await credentialsFor(inputs.targetEndpoint);
  const source = new RegistryClient(inputs.sourceEndpoint, {
    ...(sourceCredentials ? { credentials: sourceCredentials } : {}),
    scopes: [sourceScope],
    ...common,
  });
  const target = new RegistryClient(inputs.targetEndpoint, {
    ...(targetCredentials ? { credentials: targetCredentials } : {}),
    scopes: [targetScope],
    pushRepositories,
    ...common,
  });
  await Promise.all([source.authenticate(), target.authenticate()]);
  return { source, target, ...(sourceCredentials ? { sourceCredentials } : {}), ...(targetCredentials ? { targetCredentials } : {}) };
}

function reference(endpoint: RegistryEndpoint, repository: string, tag: string): string {
  return `${endpoint.name}/${repository}:${tag}`;
}

/** Each tag's line of the summary and the `promoted` output: the outcome, or the plan (dry run). */
function rowsOf(inputs: PromoteInputs, plans: readonly TagPlan[], outcomes: readonly TagOutcome[] | undefined) {
  return plans.map((plan, index) => {
    const outcome = outcomes?.[index];
    return {
      source: reference(inputs.sourceEndpoint, inputs.sourceRepository, plan.sourceTag),
      target: reference(inputs.targetEndpoint, inputs.targetRepository, plan.targetTag),
      digest: plan.digest,
      action: outcome ? outcome.action : plan.action === 'skip' ? 'would skip' : 'would write',
      finalDigest: outcome ? outcome.finalDigest : (plan.existingDigest ?? null),
      outcome,
    };
  });
}

function report(inputs: PromoteInputs, plans: readonly TagPlan[], outcomes: readonly TagOutcome[] | undefined, clientsUsed: Clients): void {
  const rows = rowsOf(inputs, plans, outcomes);
  core.setOutput(
    'promoted',
    JSON.stringify(rows.map((row) => ({ source: row.source, target: row.target, digest: row.digest, action: row.action, finalDigest: row.finalDigest }))),
  );
  core.setOutput('digests', JSON.stringify(Object.fromEntries(rows.map((row, index) => [plans[index]!.targetTag, row.finalDigest]))));
  const cells = rows.map((row) => {
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
  });
  addSummaryTable(
    `promote-images-preprod-to-prod${inputs.dryRun ? ' (dry run: nothing written)' : ''}`,
    ['Source', 'Digest', 'Target', 'Action', 'Target now', 'Blobs', 'Bytes moved', 'Note'],
    cells,
  );
  const { source, target } = clientsUsed;
  const gets =
    source === target
      ? `${source.manifestGets} on ${source.endpoint.name}`
      : `${source.manifestGets} on ${source.endpoint.name} (source), ${target.manifestGets} on ${target.endpoint.name} (target)`;
  const line = `Manifest GETs: ${gets}${source.endpoint.isDockerHub || target.endpoint.isDockerHub ? '; Docker Hub counts each GET as a pull, HEADs are not counted' : ''}.`;
  core.info(line);
  addSummaryText(line);
}

function reportSourceTags(repository: string, outcomes: readonly SourceTagOutcome[]): void {
  core.setOutput('deleted-source-tags', JSON.stringify(outcomes.filter((entry) => entry.state === 'deleted').map((entry) => entry.tag)));
  addSummaryTable(
    `Source tags of ${repository}`,
    ['Tag', 'State', 'Detail'],
    outcomes.map((entry) => [entry.tag, entry.state, entry.detail ?? '']),
  );
  for (const entry of outcomes) core.info(`${repository}:${entry.tag}: ${entry.state}${entry.detail ? ` (${entry.detail})` : ''}`);
}

/** Reads the inputs, plans, promotes, verifies, deletes the source tags when asked, and sets the outputs and the summary, on failure too. */
export async function run(): Promise<void> {
  await runAction('promote-images-preprod-to-prod', async () => {
    const inputs = readInputs();
    const hubCredentials = inputs.deleteSourceTags ? (inputs.credentials ?? (await dockerConfigCredentials(inputs.sourceEndpoint))) : undefined;
    if (inputs.deleteSourceTags && !hubCredentials)
      throw new InputError('delete-source-tags', 'needs Docker Hub credentials for its API: set username and password (a token with Read, Write, Delete)');
    const used = await clients(inputs);
    const { source, target } = used;
    const hub = hubCredentials ? new DockerHubApi(inputs.hubApi, hubCredentials, actionsLogger) : undefined;
    const targetHub =
      target.endpoint.isDockerHub && used.targetCredentials ? new DockerHubApi(inputs.hubApi, used.targetCredentials, actionsLogger) : undefined;
    const plans = await planPromotion({
      source,
      sourceRepository: inputs.sourceRepository,
      target,
      targetRepository: inputs.targetRepository,
      pairs: inputs.pairs,
      overwrite: inputs.overwrite,
      concurrency: inputs.concurrency,
      sourceTagsDeleted: inputs.deleteSourceTags,
    });
    if (inputs.dryRun) {
      report(inputs, plans, undefined, used);
      if (inputs.deleteSourceTags)
        addSummaryText(`Would delete from ${inputs.sourceRepository}: ${[...new Set(plans.map((plan) => plan.sourceTag))].join(', ')}`);
      await writeSummary();
      return;
    }
    let outcomes: TagOutcome[];
    try {
      outcomes = await executePromotion(plans, {
        source,
        sourceRepository: inputs.sourceRepository,
        target,
        targetRepository: inputs.targetRepository,
        concurrency: inputs.concurrency,
        logger: actionsLogger,
        ...(targetHub ? { deleteTag: async (tag: string) => Boolean(await targetHub.deleteTag(inputs.targetRepository, tag)) } : {}),
      });
    } catch (error) {
      if (error instanceof PromotionFailure) {
        report(inputs, plans, error.outcomes, used);
        await writeSummary();
      }
      throw error;
    }
    report(inputs, plans, outcomes, used);
    if (hub) {
      const deleted = await deletePromotedSourceTags(hub, source, inputs.sourceRepository, plans);
      reportSourceTags(inputs.sourceRepository, deleted);
      const failed = deleted.filter((entry) => entry.state === 'failed');
      if (failed.length) {
        await writeSummary();
        throw new Error(
          `the promotion succeeded, but ${failed.length} source tag(s) of ${inputs.sourceRepository} were not deleted: ${failed.map((entry) => `${entry.tag} (${entry.detail})`).join('; ')}. Run the job again to finish the deletion`,
        );
      }
    }
    await writeSummary();
  });
}
