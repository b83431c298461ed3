import path from 'node:path';
import * as core from '@actions/core';
import {
  BUMPS,
  InputError,
  PRE_LABELS,
  actionsLogger,
  addSummaryCode,
  addSummaryTable,
  addSummaryText,
  bumpVersion,
  parsePythonVersion,
  parseVersionFileSpecs,
  readBoolean,
  readEnum,
  readList,
  readString,
  runAction,
  writeSummary,
  type BumpVersionRequest,
  type BumpVersionResult,
  type PreLabel,
} from '@exegol-release/core';

function readTarget(): BumpVersionRequest['target'] {
  const explicit = readString('version');
  const preLabelText = readString('pre-label');
  const preLabel = preLabelText ? readEnum<PreLabel>('pre-label', PRE_LABELS) : undefined;
  if (explicit) {
    const version = parsePythonVersion(explicit);
    if (!version) throw new InputError('version', `"${explicit}" is not a PEP 440 version`);
    return { version };
  }
  return { bump: readEnum('bump', BUMPS, 'patch'), ...(preLabel ? { preLabel } : {}) };
}

function readRequest(): BumpVersionRequest {
  const workspace = process.env['GITHUB_WORKSPACE'] || process.cwd();
  return {
    directory: path.resolve(workspace, readString('working-directory', { fallback: '.' })),
    files: parseVersionFileSpecs(readList('files'), 'files'),
    target: readTarget(),
    onMismatch: readEnum('on-mismatch', ['fail', 'overwrite'] as const, 'fail'),
    dryRun: readBoolean('dry-run'),
    commit: readBoolean('commit'),
    commitMessage: readString('commit-message', { fallback: 'Bump version to {version}' }),
    tag: readBoolean('tag'),
    tagMessage: readString('tag-message', { fallback: 'Release {version}' }),
    push: readBoolean('push'),
    remote: readString('remote', { fallback: 'origin' }),
    branch: readString('branch'),
    identity: {
      name: readString('git-author-name', { fallback: 'github-actions[bot]' }),
      email: readString('git-author-email', { fallback: '41898282+github-actions[bot]@users.noreply.github.com' }),
    },
    logger: actionsLogger,
  };
}

function report(request: BumpVersionRequest, result: BumpVersionResult): void {
  const { previous, version, changedFiles } = result;
  const verb = request.dryRun ? 'would change' : 'changed';
  core.info(`${previous.text} → ${version.text}; ${verb} ${changedFiles.length} file(s)${changedFiles.length ? `: ${changedFiles.join(', ')}` : ''}`);
  if (result.diff) core.info(result.diff);
  if (changedFiles.length === 0) core.info(`Every file already holds ${version.text}: nothing to write.`);
  if (result.commitSha) core.info(`Committed ${result.commitSha}`);
  if (result.tag) core.info(result.tag.created ? `Created annotated tag ${result.tag.name}` : `Tag ${result.tag.name} already points at HEAD: kept`);
  if (result.pushed) core.info(`Pushed ${result.pushed.refspecs.join(', ')} to ${result.pushed.remote}`);

  addSummaryTable(
    `bump-version${request.dryRun ? ' (dry run)' : ''}: ${previous.text} → ${version.text}`,
    ['File', 'Result'],
    request.files.map((file) => [file.path, changedFiles.includes(file.path) ? `${verb} to ${version.text}` : `already ${version.text}`]),
  );
  const git = [
    result.commitSha && `commit ${result.commitSha}`,
    result.tag && `tag ${result.tag.name} (${result.tag.created ? 'created' : 'already at HEAD'})`,
    result.pushed && `pushed to ${result.pushed.remote}`,
  ].filter(Boolean);
  if (git.length) addSummaryText(git.join(' · '));
  if (result.diff) addSummaryCode(result.diff, 'diff');
}

/** Reads the inputs, bumps the version, sets the outputs and writes the job summary. */
export async function run(): Promise<void> {
  await runAction('bump-version', async () => {
    const request = readRequest();
    const result = await bumpVersion(request);
    core.setOutput('previous-version', result.previous.text);
    core.setOutput('version', result.version.text);
    core.setOutput('is-prerelease', String(result.version.isPrerelease));
    core.setOutput('changed-files', JSON.stringify(result.changedFiles));
    core.setOutput('commit-sha', result.commitSha ?? '');
    report(request, result);
    await writeSummary();
  });
}
