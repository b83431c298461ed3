import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { ActionError, InputError, describeError } from '../action/errors.js';
import { planVersion, targetVersion } from '../bump/request.js';
import { verifySignatures } from '../bump/git-steps.js';
import {
  checkCommittable,
  currentVersionOf,
  planVersionEdits,
  readVersionFiles,
  resolveVersionFiles,
  unifiedDiff,
  writeVersionEdits,
  type ResolvedVersionFile,
  type VersionFile,
} from '../bump/version-files.js';
import { GitRepository } from '../git/git.js';
import { checkBranchName, checkIdentity } from '../git/names.js';
import { redactCredentials } from '../git/redact.js';
import { prepareSigning } from '../git/signing.js';
import { generateReleaseNotes } from '../github/release-notes.js';
import { gitTokenAuthorization } from '../git/environment.js';
import { fillTemplate } from '../util/template.js';
import { previousReleaseTag } from '../versions/previous-tag.js';
import { comparePythonVersions, parsePythonVersion, type PythonVersion } from '../versions/python-version.js';
import { buildDescription, markedVersion } from './description.js';
import { patternFileSpec, withPatternEdits, type RewritePattern } from './patterns.js';
import {
  addMissingLabels,
  checkMergeSettings,
  createPullRequest,
  enableAutoMerge,
  listOpenPullRequests,
  readRepositorySettings,
  requestReviewers,
  updatePullRequest,
  type OpenPullRequest,
} from './pull-request.js';
import type { OpenReleasePrRequest, OpenReleasePrResult } from './request.js';
import { planSubmoduleMoves, type SubmoduleMove } from './submodules.js';

/** The highest PEP 440 tag, or undefined when no tag is a PEP 440 version. */
function highestTag(tags: readonly string[]): { tag: string; version: PythonVersion } | undefined {
  let best: { tag: string; version: PythonVersion } | undefined;
  for (const tag of tags) {
    const version = parsePythonVersion(tag);
    if (version && (!best || comparePythonVersions(version, best.version) > 0)) best = { tag, version };
  }
  return best;
}

/** The version files, the patterns' files and what the version commit changes, planned in the checkout of `head`. */
async function planFiles(request: OpenReleasePrRequest, directory: string, sameVersion: PythonVersion | undefined, tags: readonly string[]) {
  let files: VersionFile[] = [];
  let previous: PythonVersion | undefined;
  let version: PythonVersion;
  if (request.files.length > 0) {
    files = await readVersionFiles(await resolveVersionFiles(request.files, directory, directory));
    const current = currentVersionOf(files);
    // A re-run once head holds the open release pull request's version: that version, no bump.
    const rerun = request.target.kind === 'bump' && sameVersion && comparePythonVersions(current, sameVersion) === 0;
    const plan = planVersion(
      { files: request.files, target: rerun ? { kind: 'version', version: current } : request.target, onMismatch: request.onMismatch, logger: request.logger },
      files,
      true,
    );
    previous = plan.previous;
    version = plan.version;
  } else {
    const highest = highestTag(tags);
    if (!highest && request.target.kind === 'bump')
      throw new InputError('bump', `needs a version to start from: files is empty and ${request.owner}/${request.repo} has no PEP 440 tag; give version`);
    previous = highest?.version;
    version = highest
      ? targetVersion(request.target, highest.version, `the highest tag, ${highest.tag}`)
      : (request.target as { version: PythonVersion }).version;
  }
  const patterns: { pattern: RewritePattern; location: ResolvedVersionFile }[] = [];
  for (const pattern of request.patterns) {
    try {
      const [location] = await resolveVersionFiles([patternFileSpec(pattern)], directory, directory);
      patterns.push({ pattern, location: location! });
    } catch (error) {
      if (error instanceof InputError) throw new InputError('patterns', error.message.replace(/^input 'files' /, ''));
      throw error;
    }
  }
  const edits = await withPatternEdits(planVersionEdits(files, version.text), patterns, version, (location) => readFile(location.absolutePath, 'utf8'));
  return { previous, version, edits };
}

function commitMessage(version: string, versionChanged: boolean, moves: readonly SubmoduleMove[]): string {
  const subject = versionChanged ? `Bump version to ${version}` : `Update submodules for ${version}`;
  const body = moves.map((move) => `Update ${move.path} to ${move.to.slice(0, 12)} (${move.count} commit${move.count === 1 ? '' : 's'} on ${move.branch})`);
  return body.length ? `${subject}\n\n${body.join('\n')}\n` : `${subject}\n`;
}

/**
 * Opens the release pull request `head` → `base`, or refreshes the open one: the version commit
 * (version files as bump-version writes them, the `patterns` rewrites, the submodules moved to
 * their branch tips) on `head`, pushed with a lease on the commit it was planned from; then the
 * pull request with the generated notes (from the previous release tag by PEP 440 ordering), the
 * submodule moves and the checklist; labels, reviewers, and auto-merge with a merge commit.
 *
 * Read → plan → apply: every check comes before the first write (the version goes forward and is
 * not tagged; `base` and `head` exist; no open release pull request for another version; merge
 * commits and auto-merge allowed when asked; the token may push `head`, by a dry-run push of the
 * very commit). The work happens in a clone of its own under `temporaryDirectory`, removed at the
 * end; the token reaches git only as an HTTP header for `serverUrl`'s origin. A re-run never opens
 * a second pull request and never moves `head` backwards; when nothing changed it changes nothing.
 * When GitHub refuses the pull request after the push, `head` is moved back (with a lease).
 *
 * @throws ActionError or InputError naming the input or the setting; the token and URL credentials redacted
 */
export async function openReleasePr(request: OpenReleasePrRequest): Promise<OpenReleasePrResult> {
  const credentials = { serverUrl: request.serverUrl, token: request.token };
  if (request.token) {
    request.logger.mask(request.token);
    request.logger.mask(gitTokenAuthorization(request.token).slice('basic '.length));
  }
  const directory = await mkdtemp(path.join(request.temporaryDirectory, 'open-release-pr-'));
  try {
    return await run(request, new GitRepository(directory, credentials));
  } catch (error) {
    const message = redactCredentials(describeError(error), credentials);
    throw error instanceof InputError ? new InputError(error.input, message.replace(/^input '[^']*' /, '')) : new ActionError(message);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function run(request: OpenReleasePrRequest, repository: GitRepository): Promise<OpenReleasePrResult> {
  const { client, owner, repo, base, head, logger } = request;
  if (base === head) throw new InputError('head', `is the same branch as base (${base})`);
  const settings = await readRepositorySettings(client, owner, repo);
  if (request.mergeMethod === 'merge') checkMergeSettings(settings);

  // A clone of its own: base, head and the tags.
  await repository.run(['init', '--quiet', '--initial-branch=open-release-pr']);
  await checkBranchName(repository, 'base', base);
  await checkBranchName(repository, 'head', head);
  await repository.run(['remote', 'add', 'origin', settings.cloneUrl]);
  const remoteHeads = await repository.remoteRefs('origin', [`refs/heads/${base}`, `refs/heads/${head}`]);
  for (const [input, branch] of [
    ['base', base],
    ['head', head],
  ] as const)
    if (!remoteHeads.has(`refs/heads/${branch}`)) throw new InputError(input, `names branch ${branch}, which ${settings.fullName} does not have`);
  await repository.run([
    'fetch',
    '--quiet',
    '--no-tags',
    'origin',
    `+refs/heads/${base}:refs/remotes/origin/${base}`,
    `+refs/heads/${head}:refs/remotes/origin/${head}`,
    '+refs/tags/*:refs/tags/*',
  ]);
  const planned = await repository.run(['rev-parse', '--verify', `refs/remotes/origin/${head}^{commit}`]);
  await repository.run(['checkout', '--quiet', '-B', head, planned]);
  const tags = (await repository.run(['tag', '--list'])).split('\n').filter(Boolean);

  // The open pull requests into base: the one from head, and release pull requests for another version.
  const open = await listOpenPullRequests(client, owner, repo, base);
  const same = open.find((pr) => pr.headRef === head && (pr.headRepository ?? settings.fullName) === settings.fullName);
  if (same && markedVersion(same.body) === undefined)
    throw new ActionError(
      `pull request #${same.number} from ${head} into ${base} is open and was not opened by open-release-pr (its description lacks the marker): GitHub allows one open pull request a branch pair; close it, or retitle it to take it over by hand. Nothing was written`,
    );
  const sameVersion = same ? parsePythonVersion(markedVersion(same.body)!) : undefined;
  if (same)
    logger.info(
      `Open release pull request from ${head} into ${base}: #${same.number} (version ${markedVersion(same.body) || 'unknown'}); it is refreshed, not opened again`,
    );

  const { previous, version, edits } = await planFiles(request, repository.directory, sameVersion, tags);
  const tagged = tags.find((tag) => parsePythonVersion(tag)?.text === version.text);
  if (tagged)
    throw new ActionError(`version ${version.text} is already tagged (${tagged}) in ${settings.fullName}: release another version. Nothing was written`);
  const other = open.find((pr) => {
    const marked = markedVersion(pr.body);
    return marked !== undefined && parsePythonVersion(marked)?.text !== version.text;
  });
  if (other)
    throw new ActionError(
      `release pull request #${other.number} (${other.url}) is open into ${base} for version ${markedVersion(other.body) || '(unknown)'}: merge or close it before opening one for ${version.text}. Nothing was written`,
    );

  logger.info(`${base} and ${head} exist; ${head} is at ${planned}; version ${previous ? `${previous.text} → ` : ''}${version.text}, not tagged`);
  const changed = edits.filter((edit) => edit.after !== edit.before);
  const moves = await planSubmoduleMoves(repository, settings.cloneUrl, request.submodules);
  if (changed.length > 0)
    await checkCommittable(
      repository,
      changed.map((edit) => edit.location),
    );
  if (changed.length > 0 || moves.length > 0) await checkIdentity(repository, request.identity);

  const signing = await prepareSigning(request.signing, request.identity, request.temporaryDirectory, logger);
  try {
    // The version commit, in this clone only: nothing is written to the repository yet.
    let commitSha: string | undefined;
    if (changed.length > 0 || moves.length > 0) {
      await writeVersionEdits(edits, () => undefined);
      if (changed.length > 0) await repository.run(['add', '--', ...changed.map((edit) => edit.location.rootPath)]);
      for (const move of moves) await repository.stageGitlink(move.path, move.to);
      commitSha = await repository.commitStaged(commitMessage(version.text, changed.length > 0, moves), request.identity, signing);
      await verifySignatures(repository, signing, commitSha, undefined);
    }
    const headSha = commitSha ?? planned;
    const ref = `refs/heads/${head}`;
    const probe = await repository.push('origin', [`${headSha}:${ref}`], { leases: { [ref]: planned }, dryRun: true });
    if (probe.exitCode !== 0)
      throw new ActionError(
        `the token cannot push to ${head} of ${settings.fullName} (a dry-run push of the version commit, with a lease on ${planned.slice(0, 12)}, was refused): ${(probe.stderr || probe.stdout).trim()}. Nothing was written`,
      );

    // The description, once every check has passed: the notes are generated from the previous release tag.
    const title = fillTemplate(request.title, { version: version.text, previous: previous?.text ?? '' }, 'title');
    const previousTag = previousReleaseTag(tags, version.text);
    const notes =
      request.notes === 'generated'
        ? (await generateReleaseNotes(client, { owner, repo }, { tag: version.text, target: head, ...(previousTag ? { previousTag } : {}) })).body
        : undefined;
    const description = buildDescription({
      version: version.text,
      ...(previousTag ? { previousTag } : {}),
      ...(notes !== undefined ? { notes } : {}),
      submodules: moves,
      checklist: request.checklist,
      ...(same ? { current: same.body } : {}),
    });

    const base_ = {
      version,
      ...(previous ? { previous } : {}),
      ...(previousTag ? { previousTag } : {}),
      changedFiles: changed.map((edit) => edit.path),
      submodules: moves,
      diff: unifiedDiff(edits),
      title,
      description,
      ...(commitSha ? { commitSha } : {}),
      headSha,
      ...(signing.sign ? { signingKey: signing.keyDescription } : {}),
    };
    if (request.dryRun)
      return {
        ...base_,
        ...(same ? { pullRequest: { number: same.number, url: same.url } } : {}),
        created: !same,
        updated: !same || same.title !== title || same.body !== description,
        labelsAdded: request.labels.filter((label) => !same?.labels.includes(label)),
        autoMerge: request.mergeMethod === 'merge' ? (same?.autoMerge === 'merge' ? 'already' : 'enabled') : 'off',
      };

    if (commitSha) {
      const pushed = await repository.push('origin', [`${commitSha}:${ref}`], { leases: { [ref]: planned } });
      if (pushed.exitCode !== 0)
        throw new ActionError(
          `push of the version commit to ${head} of ${settings.fullName} failed${/stale info|rejected/.test(pushed.stdout + pushed.stderr) ? `: ${head} moved since ${planned.slice(0, 12)}; run again` : ''}: ${(pushed.stderr || pushed.stdout).trim()}. Nothing was written`,
        );
      logger.info(`Pushed ${commitSha} to ${head} (lease on ${planned})`);
    }

    let pr: OpenPullRequest;
    let updated = true;
    try {
      if (same) {
        updated = same.title !== title || same.body !== description;
        if (updated) await updatePullRequest(client, owner, repo, same.number, { title, body: description });
        pr = same;
      } else pr = await createPullRequest(client, { owner, repo, base, head, draft: request.draft }, { title, body: description });
    } catch (error) {
      if (!commitSha) throw error;
      const back = await repository.push('origin', [`+${planned}:${ref}`], { leases: { [ref]: commitSha } });
      throw new ActionError(
        `${describeError(error)}; ${back.exitCode === 0 ? `${head} was moved back to ${planned.slice(0, 12)}` : `moving ${head} back to ${planned.slice(0, 12)} FAILED, check it by hand: ${(back.stderr || back.stdout).trim()}`}`,
      );
    }
    const labelsAdded = await addMissingLabels(client, owner, repo, pr, request.labels);
    if (!same) await requestReviewers(client, owner, repo, pr.number, request.reviewers);
    let autoMerge: OpenReleasePrResult['autoMerge'] = 'off';
    if (request.mergeMethod === 'merge') {
      if (pr.autoMerge === 'merge') autoMerge = 'already';
      else {
        autoMerge = await enableAutoMerge(client, pr.nodeId);
        if (autoMerge === 'clean')
          logger.warning(
            `auto-merge was not enabled on #${pr.number}: GitHub says it could be merged at once (no required review or check pending); protect ${base} with a required approval so that the approval gates the merge`,
          );
      }
    }
    return {
      ...base_,
      pullRequest: { number: pr.number, url: pr.url },
      created: !same,
      updated: updated || labelsAdded.length > 0,
      labelsAdded,
      autoMerge,
    };
  } finally {
    await signing.dispose();
  }
}
