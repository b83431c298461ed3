import { ActionError, InputError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { GitRepository, type GitIdentity } from '../git/git.js';
import { bumpPythonVersion, comparePythonVersions, type Bump, type PreLabel, type PythonVersion } from '../versions/python-version.js';
import { fillTemplate } from '../util/template.js';
import {
  currentVersionOf,
  findMismatches,
  planVersionEdits,
  readVersionFiles,
  unifiedDiff,
  writeVersionEdits,
  type VersionFileSpec,
  type VersionMismatch,
} from './version-files.js';

/** What bump-version is asked to do, already validated. */
export interface BumpVersionRequest {
  /** The directory the file paths are relative to, inside the git working tree. */
  readonly directory: string;
  readonly files: readonly VersionFileSpec[];
  /** A bump rule, or an explicit target version. */
  readonly target: { readonly bump: Bump; readonly preLabel?: PreLabel } | { readonly version: PythonVersion };
  readonly onMismatch: 'fail' | 'overwrite';
  readonly dryRun: boolean;
  readonly commit: boolean;
  /** Template with {version} and {previous}. */
  readonly commitMessage: string;
  readonly tag: boolean;
  /** Template with {version} and {previous}. */
  readonly tagMessage: string;
  readonly push: boolean;
  readonly remote: string;
  /** The branch to push to; default the checked-out branch. */
  readonly branch?: string;
  readonly identity: GitIdentity;
  readonly logger: Logger;
}

/** What bump-version did (or, in a dry run, would do). */
export interface BumpVersionResult {
  readonly previous: PythonVersion;
  readonly version: PythonVersion;
  /** Paths whose content changed (or would change), as given in `files`. */
  readonly changedFiles: readonly string[];
  readonly mismatches: readonly VersionMismatch[];
  readonly diff: string;
  readonly commitSha?: string;
  readonly tag?: { readonly name: string; readonly created: boolean };
  readonly pushed?: { readonly remote: string; readonly refspecs: readonly string[] };
}

/** The git writes decided before any file is touched. */
interface GitPlan {
  readonly repository: GitRepository;
  readonly createTag: boolean;
  readonly pushRefspecs: readonly string[];
}

function targetVersion(request: BumpVersionRequest, current: PythonVersion): PythonVersion {
  if ('version' in request.target) {
    const wanted = request.target.version;
    if (comparePythonVersions(wanted.text, current.text) < 0)
      throw new InputError(
        'version',
        `${wanted.text} is lower than the current version ${current.text} (in ${request.files[0]?.path}); bump-version never goes back`,
      );
    return wanted;
  }
  try {
    return bumpPythonVersion(current, request.target.bump, request.target.preLabel);
  } catch (error) {
    throw new InputError('bump', `${request.target.bump} cannot apply to ${request.files[0]?.path}: ${(error as Error).message}`);
  }
}

function describeMismatches(mismatches: readonly VersionMismatch[], current: PythonVersion, first: string): string {
  const places = mismatches.map((mismatch) => `${mismatch.path}:${mismatch.line} holds ${mismatch.found}`).join('; ');
  return `${places}, but ${first} holds ${current.text}`;
}

/**
 * Checks every git precondition without writing: a working tree, a tag
 * that does not exist yet (or already points at HEAD when nothing changes),
 * and a remote branch that HEAD descends from (so the push can fast-forward).
 *
 * @throws ActionError or InputError naming the input that asked for the git write
 */
async function planGit(request: BumpVersionRequest, version: PythonVersion, changes: boolean): Promise<GitPlan | undefined> {
  if (!request.commit && !request.tag && !request.push) return undefined;
  const repository = new GitRepository(request.directory);
  const asking = request.commit ? 'commit' : request.tag ? 'tag' : 'push';
  if (!(await repository.isWorkTree())) throw new InputError(asking, `needs a git working tree, and ${request.directory} is not in one`);
  if (request.tag && changes && !request.commit)
    throw new InputError('tag', `needs commit: true, so that tag ${version.text} points at the commit that holds it`);
  if (request.push && !request.commit && !request.tag) throw new InputError('push', 'needs commit: true or tag: true: there is nothing else to push');

  const head = await repository.headSha();
  let createTag = false;
  if (request.tag) {
    const tagged = await repository.localTagCommit(version.text);
    if (tagged && (changes || tagged !== head))
      throw new ActionError(`tag ${version.text} already exists at ${tagged.slice(0, 12)}; delete it or bump to another version`);
    createTag = !tagged;
    if (createTag && request.push && (await repository.remoteRef(request.remote, `refs/tags/${version.text}`))) {
      throw new ActionError(`tag ${version.text} already exists on ${request.remote}; fetch it, or bump to another version`);
    }
  }

  const pushRefspecs: string[] = [];
  if (request.push) {
    const branch = request.branch || (await repository.currentBranch());
    if (!branch) throw new InputError('branch', 'is needed to push: HEAD is detached; check out a branch or set branch');
    const remoteHead = await repository.remoteRef(request.remote, `refs/heads/${branch}`);
    if (remoteHead && remoteHead !== head && !(await repository.isAncestor(remoteHead, head))) {
      throw new ActionError(
        `${request.remote}/${branch} is at ${remoteHead.slice(0, 12)}, which this checkout does not contain: a push would not be a fast-forward; fetch and rebase first`,
      );
    }
    if (request.commit && changes) pushRefspecs.push(`HEAD:refs/heads/${branch}`);
    if (request.tag) pushRefspecs.push(`refs/tags/${version.text}`);
  }
  return { repository, createTag, pushRefspecs };
}

function pushFailure(remote: string, refspecs: readonly string[], output: string): ActionError {
  const rejected = /\[rejected\]|non-fast-forward|fetch first/.test(output);
  const why = rejected ? 'was rejected as a non-fast-forward: the remote moved since this checkout' : 'failed';
  return new ActionError(
    `push of ${refspecs.join(', ')} to ${remote} ${why}; nothing was pushed (atomic push), and the commit and tag exist only in this checkout. git said: ${output.trim()}`,
  );
}

/**
 * Bumps the version in every version file; then, as asked, commits the
 * changed files, creates an annotated tag named after the version, and
 * pushes both in one atomic push. Every check (files, versions, mismatches,
 * tag, remote branch) runs before the first write; a dry run stops there.
 *
 * @throws ActionError or InputError, naming the file or input, with every file untouched
 */
export async function bumpVersion(request: BumpVersionRequest): Promise<BumpVersionResult> {
  const files = await readVersionFiles(request.files, request.directory);
  const previous = currentVersionOf(files);
  const version = targetVersion(request, previous);
  const mismatches = findMismatches(files, previous);
  if (mismatches.length > 0) {
    const message = describeMismatches(mismatches, previous, request.files[0]!.path);
    if (request.onMismatch === 'fail') throw new ActionError(`${message}. Set on-mismatch: overwrite to write ${version.text} to every file anyway`);
    request.logger.warning(`${message}; on-mismatch is overwrite, so ${version.text} is written everywhere`);
  }
  const edits = planVersionEdits(files, version.text);
  const changedFiles = edits.filter((edit) => edit.after !== edit.before).map((edit) => edit.path);
  const diff = unifiedDiff(edits);
  const values = { version: version.text, previous: previous.text };
  const commitMessage = fillTemplate(request.commitMessage, values, 'commit-message');
  const tagMessage = fillTemplate(request.tagMessage, values, 'tag-message');
  const git = await planGit(request, version, changedFiles.length > 0);
  const base = { previous, version, changedFiles, mismatches, diff };
  if (request.dryRun) return base;

  await writeVersionEdits(edits, request.directory);
  if (!git) return base;
  const commitSha = request.commit && changedFiles.length > 0 ? await git.repository.commit(changedFiles, commitMessage, request.identity) : undefined;
  if (git.createTag) await git.repository.createAnnotatedTag(version.text, tagMessage, request.identity);
  const tag = request.tag ? { name: version.text, created: git.createTag } : undefined;
  if (git.pushRefspecs.length === 0) return { ...base, ...(commitSha ? { commitSha } : {}), ...(tag ? { tag } : {}) };
  const pushed = await git.repository.push(request.remote, git.pushRefspecs);
  if (pushed.exitCode !== 0) throw pushFailure(request.remote, git.pushRefspecs, pushed.stderr + pushed.stdout);
  return { ...base, ...(commitSha ? { commitSha } : {}), ...(tag ? { tag } : {}), pushed: { remote: request.remote, refspecs: git.pushRefspecs } };
}
