import * as core from '@actions/core';
import {
  InputError,
  actionsLogger,
  RegistryClient,
  addSummaryTable,
  addSummaryText,
  deleteDockerHubTags,
  dockerConfigCredentials,
  executePromotion,
  expandTagTemplates,
  formatBytes,
  parseRegistry,
  parseRepository,
  planPromotion,
  pushedTagName,
  readBoolean,
  readInteger,
  readList,
  readSecret,
  readString,
  repositoryScope,
  runAction,
  writeSummary,
  type RegistryCredentials,
  type RegistryEndpoint,
  type TagOutcome,
  type TagPlan,
} from '@exegol-release/core';

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
  const username = readString('username');
  const password = readSecret('password');
  if (Boolean(username) !== Boolean(password))
    throw new InputError(username ? 'password' : 'username', 'is empty: give both username and password, or neither');
  const deleteSourceTags = readBoolean('delete-source-tags', false);
  if (deleteSourceTags && !username) throw new InputError('delete-source-tags', "needs username and password for Docker Hub's API");
  return {
    sourceEndpoint,
    targetEndpoint,
    sourceRepository: parseRepository(sourceEndpoint, readString('source-repository', { required: true }), 'source-repository'),
    targetRepository: parseRepository(targetEndpoint, readString('target-repository', { required: true }), 'target-repository'),
    pairs: expandTagTemplates(readList('flavours'), readList('tags'), readString('version', { fallback: pushedTagName() })),
    ...(username ? { credentials: { username, password } } : {}),
    overwrite: readBoolean('overwrite', false),
    concurrency: readInteger('concurrency', { fallback: 4, min: 1, max: 32 }),
    dryRun: readBoolean('dry-run', false),
    deleteSourceTags,
    hubApi: readString('hub-api-url', { fallback: 'https://hub.docker.com' }).replace(/\/+$/, ''),
  };
}

async function clients(inputs: PromoteInputs): Promise<{ source: RegistryClient; target: RegistryClient }> {
  const credentialsFor = async (endpoint: RegistryEndpoint) => inputs.credentials ?? (await dockerConfigCredentials(endpoint));
  const sourceScope = repositoryScope(inputs.sourceRepository, ['pull']);
  const targetScope = repositoryScope(inputs.targetRepository, inputs.dryRun ? ['pull'] : ['pull', 'push']);
  const pushRepositories = inputs.dryRun ? [] : [inputs.targetRepository];
  if (inputs.sourceEndpoint.apiBase === inputs.targetEndpoint.apiBase) {
    // One token carries pull on the source and pull,push on the target: a cross-repository mount needs both.
    const credentials = await credentialsFor(inputs.targetEndpoint);
    const client = new RegistryClient(inputs.targetEndpoint, {
      ...(credentials ? { credentials } : {}),
      scopes: [sourceScope, targetScope],
      pushRepositories,
      logger: actionsLogger,
    });
    await client.authenticate();
    return { source: client, target: client };
  }
  const sourceCredentials = await credentialsFor(inputs.sourceEndpoint);
  const targetCredentials = await credentialsFor(inputs.targetEndpoint);
  const source = new RegistryClient(inputs.sourceEndpoint, {
    ...(sourceCredentials ? { credentials: sourceCredentials } : {}),
    scopes: [sourceScope],
    logger: actionsLogger,
  });
  const target = new RegistryClient(inputs.targetEndpoint, {
    ...(targetCredentials ? { credentials: targetCredentials } : {}),
    scopes: [targetScope],
    pushRepositories,
    logger: actionsLogger,
  });
  await Promise.all([source.authenticate(), target.authenticate()]);
  return { source, target };
}

function reference(endpoint: RegistryEndpoint, repository: string, tag: string): string {
  return `${endpoint.name}/${repository}:${tag}`;
}

function report(inputs: PromoteInputs, plans: readonly TagPlan[], outcomes: readonly TagOutcome[] | undefined): void {
  const rows = plans.map((plan, index) => {
    const outcome = outcomes?.[index];
    const action = outcome ? outcome.action : plan.action === 'skip' ? 'would skip' : 'would write';
    const blobs = outcome ? `${outcome.blobs.present} present, ${outcome.blobs.mounted} mounted, ${outcome.blobs.copied} copied` : '';
    return [
      reference(inputs.sourceEndpoint, inputs.sourceRepository, plan.sourceTag),
      plan.tree.manifest.digest,
      reference(inputs.targetEndpoint, inputs.targetRepository, plan.targetTag),
      action,
      blobs,
      outcome ? formatBytes(outcome.bytesMoved, 'binary') : '',
    ];
  });
  for (const row of rows) core.info(`${row[0]} → ${row[2]}: ${row[3]} ${row[1]}${row[4] ? ` (${row[4]}; ${row[5]} moved)` : ''}`);
  addSummaryTable(
    `promote-images-preprod-to-prod${inputs.dryRun ? ' (dry run: nothing written)' : ''}`,
    ['Source', 'Digest', 'Target', 'Action', 'Blobs', 'Bytes moved'],
    rows,
  );
}

/** Reads the inputs, plans, promotes, verifies, sets the outputs and the summary. */
export async function run(): Promise<void> {
  await runAction('promote-images-preprod-to-prod', async () => {
    const inputs = readInputs();
    const { source, target } = await clients(inputs);
    const plans = await planPromotion({
      source,
      sourceRepository: inputs.sourceRepository,
      target,
      targetRepository: inputs.targetRepository,
      pairs: inputs.pairs,
      overwrite: inputs.overwrite,
      concurrency: inputs.concurrency,
    });
    const outcomes = inputs.dryRun
      ? undefined
      : await executePromotion(plans, {
          source,
          sourceRepository: inputs.sourceRepository,
          target,
          targetRepository: inputs.targetRepository,
          concurrency: inputs.concurrency,
          logger: actionsLogger,
        });
    const promoted = plans.map((plan, index) => ({
      source: reference(inputs.sourceEndpoint, inputs.sourceRepository, plan.sourceTag),
      target: reference(inputs.targetEndpoint, inputs.targetRepository, plan.targetTag),
      digest: plan.tree.manifest.digest,
      action: outcomes?.[index]?.action ?? (plan.action === 'skip' ? 'would skip' : 'would write'),
    }));
    core.setOutput('promoted', JSON.stringify(promoted));
    core.setOutput('digests', JSON.stringify(Object.fromEntries(plans.map((plan) => [plan.targetTag, plan.tree.manifest.digest]))));
    report(inputs, plans, outcomes);
    if (outcomes && inputs.deleteSourceTags && inputs.credentials) {
      const deleted = await deleteDockerHubTags(
        inputs.hubApi,
        inputs.sourceRepository,
        [...new Set(plans.map((plan) => plan.sourceTag))],
        inputs.credentials,
        actionsLogger,
      );
      addSummaryText(`Deleted from ${inputs.sourceRepository}: ${deleted.join(', ')}`);
      core.info(`Deleted source tags: ${deleted.join(', ')}`);
    }
    await writeSummary();
  });
}
