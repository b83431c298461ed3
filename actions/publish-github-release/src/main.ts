import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import {
  InputError,
  actionsLogger,
  addSummaryTable,
  addSummaryText,
  pushedTag,
  readRunnerContext,
  type RunnerContext,
  readBoolean,
  readList,
  readSecret,
  readString,
  runAction,
  writeSummary,
} from '@exegol-release/core/action';
import { createGitHubClient, currentRepository, parseRepositoryName } from '@exegol-release/core/github';
import {
  publishGitHubRelease,
  resolveLocalAssets,
  type AutoFlag,
  type PublishReleaseRequest,
  type PublishReleaseResult,
  type ReleaseNotesSource,
} from '@exegol-release/core/github-release';
import { fillTemplate } from '@exegol-release/core/util';
import { canonicalPythonVersion } from '@exegol-release/core/versions';

/** `auto`, true or false. */
function readAutoFlag(name: string): AutoFlag {
  const value = readString(name, { fallback: 'auto' });
  return value === 'auto' ? 'auto' : readBoolean(name);
}

/** `generated`, or `file:<path>` read from the workspace. */
async function readNotes(workspace: string): Promise<ReleaseNotesSource> {
  const value = readString('notes', { fallback: 'generated' });
  if (value === 'generated') return { kind: 'generated' };
  const file = /^file:(.+)$/.exec(value)?.[1]?.trim();
  if (!file) throw new InputError('notes', `must be generated or file:<path>, got "${value}"`);
  const absolute = path.resolve(workspace, file);
  try {
    return { kind: 'file', path: file, text: await readFile(absolute, 'utf8') };
  } catch (error) {
    throw new InputError('notes', `names ${file}, which cannot be read: ${(error as Error).message}`);
  }
}

/**
 * The request the inputs and the runner context describe (every input read and checked here).
 * @throws InputError naming the first bad input
 */
export async function readRequest(context: RunnerContext = readRunnerContext()): Promise<PublishReleaseRequest> {
  const workspace = context.workspace;
  const token = readSecret('github-token');
  if (!token) throw new InputError('github-token', 'is empty: pass a token with Contents: write, e.g. ${{ github.token }}');
  const repositoryInput = readString('repository');
  const repository = repositoryInput ? parseRepositoryName('repository', repositoryInput) : currentRepository(context);
  const tag = readString('tag') || pushedTag(context);
  if (!tag) throw new InputError('tag', 'is required when the workflow does not run on a tag push');
  const version = canonicalPythonVersion(tag) ?? tag;
  const name = fillTemplate(readString('name', { fallback: '{version}' }), { version, tag }, 'name');
  const notes = await readNotes(workspace);
  const prerelease = readAutoFlag('prerelease');
  const latest = readAutoFlag('latest');
  const assets = await resolveLocalAssets(readList('files'), workspace);
  return {
    client: createGitHubClient(token, { ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}), logger: actionsLogger }),
    repository,
    tag,
    name,
    notes,
    prerelease,
    latest,
    assets,
    overwriteFiles: readBoolean('overwrite-files', false),
    draft: readBoolean('draft', false),
    logger: actionsLogger,
  };
}

const ACTIONS: Record<string, string> = { uploaded: 'uploaded', kept: 'already there, kept', replaced: 'replaced (overwrite-files)' };

function report(request: PublishReleaseRequest, result: PublishReleaseResult): void {
  const state = result.created ? 'created' : result.updated.length ? `updated (${result.updated.join(', ')})` : 'unchanged';
  const kind = [result.draft ? 'draft' : '', result.prerelease ? 'pre-release' : '', result.latest ? 'latest' : ''].filter(Boolean).join(', ');
  core.info(`Release ${request.tag} ${state}${kind ? ` (${kind})` : ''}: ${result.url}`);
  addSummaryTable(
    `publish-github-release: ${request.name} (${request.tag}) ${state}`,
    ['Asset', 'Size (bytes)', 'SHA-256', 'Result'],
    result.assets.length ? result.assets.map((asset) => [asset.name, String(asset.size), asset.sha256, ACTIONS[asset.action]!]) : [['(none)', '', '', '']],
  );
  const notes =
    result.notes === 'generated'
      ? `notes generated${result.previousTag ? ` from ${result.previousTag}` : ' (no previous tag)'}`
      : result.notes === 'file'
        ? 'notes from the file'
        : 'notes kept';
  addSummaryText(
    [result.url, kind || 'release', notes, result.otherAssets.length ? `other assets kept: ${result.otherAssets.join(', ')}` : ''].filter(Boolean).join(' · '),
  );
}

/** Reads the inputs, creates or updates the release, sets the outputs and writes the job summary. */
export async function run(): Promise<void> {
  await runAction('publish-github-release', async () => {
    const request = await readRequest();
    const result = await publishGitHubRelease(request);
    core.setOutput('release-id', String(result.releaseId));
    core.setOutput('url', result.url);
    core.setOutput('created', String(result.created));
    core.setOutput('assets', JSON.stringify(result.assets.map(({ name, size, sha256 }) => ({ name, size, sha256 }))));
    report(request, result);
    await writeSummary();
  });
}
