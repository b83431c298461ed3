import path from 'node:path';
import * as core from '@actions/core';
import {
  ActionError,
  InputError,
  actionsLogger,
  addSummaryCode,
  addSummaryTable,
  addSummaryText,
  describeError,
  readBoolean,
  readEnum,
  readList,
  readRunnerContext,
  readSecret,
  readString,
  runAction,
  writeSummary,
  type RunnerContext,
} from '@exegol-release/core/action';
import { bumpVersion, parseVersionFileSpecs, type BumpVersionRequest, type BumpVersionResult, type VersionTarget } from '@exegol-release/core/bump';
import { SIGNING_FORMATS, redactCredentials } from '@exegol-release/core/git';
import { BUMPS, PRE_LABELS, parsePythonVersion, type PreLabel } from '@exegol-release/core/versions';

function readTarget(): VersionTarget {
  const explicitText = readString('version');
  const preLabelText = readString('pre-label');
  const preLabel = preLabelText ? readEnum<PreLabel>('pre-label', PRE_LABELS) : undefined;
  const explicit = explicitText ? parsePythonVersion(explicitText) : undefined;
  if (explicitText && !explicit) throw new InputError('version', `"${explicitText}" is not a PEP 440 version`);
  const bump = readEnum('bump', [...BUMPS, 'none'] as const, 'patch');
  if (bump === 'none') return { kind: 'none', ...(explicit ? { version: explicit } : {}) };
  if (explicit) return { kind: 'version', version: explicit };
  return { kind: 'bump', bump, ...(preLabel ? { preLabel } : {}) };
}

/** Branch names one a line, or separated by commas or spaces. */
function readNames(name: string): string[] {
  return readList(name)
    .flatMap((line) => line.split(/[\s,]+/))
    .filter(Boolean);
}

/**
 * The request the inputs and the runner context describe (every input read and checked here).
 * @throws InputError naming the first bad input
 */
export function readRequest(context: RunnerContext = readRunnerContext()): BumpVersionRequest {
  const workspace = context.workspace;
  const target = readTarget();
  const fileLines = readList('files');
  const tagMessageFile = readString('tag-message-file');
  const tagRef = readString('tag-ref');
  return {
    directory: path.resolve(workspace, readString('working-directory', { fallback: '.' })),
    files: target.kind === 'none' && fileLines.length === 0 ? [] : parseVersionFileSpecs(fileLines, 'files'),
    target,
    onMismatch: readEnum('on-mismatch', ['fail', 'overwrite'] as const, 'fail'),
    dryRun: readBoolean('dry-run'),
    commit: readBoolean('commit'),
    commitMessage: readString('commit-message', { fallback: 'Bump version to {version}' }),
    tag: readBoolean('tag'),
    tagMessage: readString('tag-message', { fallback: 'Release {version}' }),
    ...(tagMessageFile ? { tagMessageFile } : {}),
    ...(tagRef ? { tagRef } : {}),
    requireBranches: readNames('require-branches'),
    push: readBoolean('push'),
    remote: readString('remote', { fallback: 'origin' }),
    branch: readString('branch'),
    identity: {
      name: readString('git-author-name', { fallback: 'github-actions[bot]' }),
      email: readString('git-author-email', { fallback: '41898282+github-actions[bot]@users.noreply.github.com' }),
    },
    signing: {
      format: readEnum('sign', SIGNING_FORMATS, 'none'),
      key: readSecret('signing-key'),
      passphrase: readSecret('signing-key-passphrase'),
    },
    temporaryDirectory: context.runnerTemp,
    logger: actionsLogger,
  };
}

function describeTag(result: BumpVersionResult): string | undefined {
  const tag = result.tag;
  if (!tag) return undefined;
  const at = tag.commit ? ` on ${tag.commit.slice(0, 12)}` : '';
  if (!tag.created) return `tag ${tag.name}${at}: already there, kept`;
  return `tag ${tag.name}${at}: ${tag.signed ? `signed with ${result.signingKey} and verified` : 'annotated'}`;
}

function report(request: BumpVersionRequest, result: BumpVersionResult): void {
  const { previous, version, changedFiles } = result;
  const verb = request.dryRun ? 'would change' : 'changed';
  const tagging = request.target.kind === 'none';
  if (tagging) core.info(`Version ${version.text}${result.tag?.commit ? ` at ${result.tag.commit}` : ''}; no file changes (bump: none)`);
  else core.info(`${previous.text} → ${version.text}; ${verb} ${changedFiles.length} file(s)${changedFiles.length ? `: ${changedFiles.join(', ')}` : ''}`);
  // The diff quotes the files' own lines: no line of it may run as a workflow command.
  if (result.diff) {
    core.startGroup(`Diff of ${changedFiles.length} file(s)`);
    actionsLogger.untrusted(result.diff);
    core.endGroup();
  }
  if (!tagging && changedFiles.length === 0) core.info(`Every file already holds ${version.text}: nothing to write.`);
  if (result.commitSha) core.info(`Committed ${result.commitSha}`);
  if (result.tag) {
    if (result.tag.created)
      core.info(
        `${request.dryRun ? 'Would create' : 'Created'} annotated tag ${result.tag.name}${result.tag.signed ? ` signed with ${result.signingKey}, verified with git` : ''}`,
      );
    else core.info(`Tag ${result.tag.name} already points at ${tagging ? 'the commit' : 'HEAD'}: kept`);
  }
  if (result.pushed) core.info(`Pushed ${result.pushed.refspecs.join(', ')} to ${result.pushed.remote}`);

  const fileRows = request.files.map((file) => [
    file.path,
    tagging ? `holds ${version.text}` : changedFiles.includes(file.path) ? `${verb} to ${version.text}` : `already ${version.text}`,
  ]);
  const heading = tagging
    ? `bump-version${request.dryRun ? ' (dry run)' : ''}: tag ${version.text}`
    : `bump-version${request.dryRun ? ' (dry run)' : ''}: ${previous.text} → ${version.text}`;
  addSummaryTable(heading, ['File', 'Result'], fileRows.length > 0 ? fileRows : [['(none)', `version ${version.text} from the input`]]);
  const git = [result.commitSha && `commit ${result.commitSha}`, describeTag(result), result.pushed && `pushed to ${result.pushed.remote}`].filter(Boolean);
  if (git.length) addSummaryText(git.join(' · '));
  if (result.diff) addSummaryCode(result.diff, 'diff');
}

/** Reads the inputs, bumps the version (or tags a commit), sets the outputs and writes the job summary; credentials in URLs are redacted from every message. */
export async function run(): Promise<void> {
  await runAction('bump-version', async () => {
    try {
      const request = readRequest();
      const result = await bumpVersion(request);
      core.setOutput('previous-version', result.previous.text);
      core.setOutput('version', result.version.text);
      core.setOutput('is-prerelease', String(result.version.isPrerelease));
      core.setOutput('changed-files', JSON.stringify(result.changedFiles));
      core.setOutput('commit-sha', result.commitSha ?? '');
      // Set only when there is a tag: an output never set reads as '' in a workflow, as documented.
      if (result.tag) core.setOutput('tag', result.tag.name);
      if (result.tag?.object) core.setOutput('tag-sha', result.tag.object);
      report(request, result);
      await writeSummary();
    } catch (error) {
      throw new ActionError(redactCredentials(describeError(error)));
    }
  });
}
