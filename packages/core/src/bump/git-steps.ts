import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError, InputError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { GitRepository, type SigningConfig } from '../git/git.js';
import { checkRemote, type CheckedRemote } from '../git/names.js';
import { credentialsIn, redactCredentials } from '../git/redact.js';

/** Where the version files live: the root every file must lie in, and the repository when it is a git working tree. */
export interface Workspace {
  /** The git working tree's top directory, or the working directory outside git. */
  readonly root: string;
  readonly repository?: GitRepository;
}

/**
 * Finds the git working tree holding `directory`.
 * @param neededBy the input that needs git (e.g. `commit`), when one does
 * @throws InputError naming `neededBy` when git is needed and `directory` is in no working tree
 */
export async function openWorkspace(directory: string, neededBy?: string): Promise<Workspace> {
  const probe = new GitRepository(directory);
  if (await probe.isWorkTree()) {
    const root = await probe.topLevel();
    return { root, repository: new GitRepository(root) };
  }
  if (neededBy) throw new InputError(neededBy, `needs a git working tree, and ${directory} is not in one`);
  return { root: directory };
}

/** Masks the credentials of every URL in `text` (a remote input, a configured remote's URL). */
export function maskCredentials(text: string, logger: Logger): void {
  for (const secret of credentialsIn(text)) logger.mask(secret);
}

/** Checks the remote input (git/names.ts) and masks the credentials of its URL. */
export async function openRemote(repository: GitRepository, remote: string, logger: Logger): Promise<CheckedRemote> {
  maskCredentials(remote, logger);
  const checked = await checkRemote(repository, 'remote', remote);
  maskCredentials(checked.url, logger);
  return checked;
}

/**
 * The objects refs point to on the remote, read once (`git ls-remote`).
 * @throws ActionError saying the remote cannot be reached, with git's message redacted
 */
export async function readRemoteRefs(repository: GitRepository, remote: CheckedRemote, refs: readonly string[]): Promise<Map<string, string>> {
  try {
    return await repository.remoteRefs(remote.remote, refs);
  } catch (error) {
    throw new ActionError(`cannot read ${remote.display} (git ls-remote): ${redactCredentials((error as Error).message)}`);
  }
}

/** What to do about the release tag. */
export interface TagPlan {
  readonly name: string;
  /** The commit the tag points to (for a tag on a commit still to be made: undefined until it is). */
  readonly commit?: string;
  /** Create it (it exists neither locally nor on the remote). */
  readonly create: boolean;
  /** The tag object already there: locally, or on the remote. */
  readonly existingObject?: string;
  /** The remote already holds it at the commit: nothing to push. */
  readonly onRemote: boolean;
}

/**
 * Decides about the tag `name` on `commit` (undefined: a commit still to be
 * made, which no existing tag can point to). An annotated tag already at the
 * commit is kept (and must verify when signing); a lightweight tag, or one
 * elsewhere, locally or on the remote, is refused.
 *
 * @param remoteRefs the remote's refs/tags/<name> and its peeled `^{}`, when a remote is involved
 * @throws ActionError naming the tag and where it points
 */
export async function planTag(
  repository: GitRepository,
  name: string,
  commit: string | undefined,
  remote: { readonly checked: CheckedRemote; readonly refs: Map<string, string> } | undefined,
  signing: SigningConfig,
): Promise<TagPlan> {
  const local = await repository.localTag(name);
  if (local && local.commit !== commit)
    throw new ActionError(
      `tag ${name} already exists at ${local.commit.slice(0, 12)}; delete it or ${commit ? 'tag another version' : 'bump to another version'}`,
    );
  if (local && !local.annotated)
    throw new ActionError(`tag ${name} at ${local.commit.slice(0, 12)} is a lightweight tag; delete it, so that an annotated tag can be made`);
  if (local && signing.sign) {
    const verified = await repository.verifyTag(name, signing);
    if (verified.exitCode !== 0)
      throw new ActionError(`tag ${name} already exists at ${local.commit.slice(0, 12)} but does not verify with the signing key; delete it and run again`);
  }
  const remoteObject = remote?.refs.get(`refs/tags/${name}`);
  const remoteCommit = remote?.refs.get(`refs/tags/${name}^{}`) ?? remoteObject;
  if (remote && remoteObject !== undefined) {
    if (!commit) throw new ActionError(`tag ${name} already exists on ${remote.checked.display}; fetch it, or bump to another version`);
    if (remoteCommit !== commit)
      throw new ActionError(
        `tag ${name} already exists on ${remote.checked.display} at ${remoteCommit?.slice(0, 12)}, not at ${commit.slice(0, 12)}; delete it there or tag another version`,
      );
    if (local && local.object !== remoteObject)
      throw new ActionError(`tag ${name} on ${remote.checked.display} is another tag object than the local one, at the same commit; delete one of them`);
  }
  const existingObject = local?.object ?? remoteObject;
  return {
    name,
    ...(commit ? { commit } : {}),
    create: existingObject === undefined,
    ...(existingObject ? { existingObject } : {}),
    onRemote: remoteObject !== undefined,
  };
}

/**
 * Verifies what this step signed, with git itself (`git verify-commit`, `git verify-tag`).
 * @throws ActionError quoting git when a signature does not verify
 */
export async function verifySignatures(repository: GitRepository, signing: SigningConfig, commit: string | undefined, tag: string | undefined): Promise<void> {
  if (!signing.sign) return;
  if (commit) {
    const result = await repository.verifyCommit(commit, signing);
    if (result.exitCode !== 0)
      throw new ActionError(`the signature of commit ${commit.slice(0, 12)} does not verify: ${(result.stderr || result.stdout).trim()}`);
  }
  if (tag) {
    const result = await repository.verifyTag(tag, signing);
    if (result.exitCode !== 0) throw new ActionError(`the signature of tag ${tag} does not verify: ${(result.stderr || result.stdout).trim()}`);
  }
}

/** The error of a push the remote refused; git's message redacted. */
export function pushFailure(remote: CheckedRemote, refspecs: readonly string[], output: string): ActionError {
  const rejected = /\[rejected\]|non-fast-forward|fetch first|stale info/.test(output);
  const why = rejected ? 'was rejected as a non-fast-forward: the remote moved since this checkout' : 'failed';
  return new ActionError(
    `push of ${refspecs.join(', ')} to ${remote.display} ${why}; nothing was pushed (atomic push). git said: ${redactCredentials(output.trim())}`,
  );
}

/**
 * Reads the tag message file: its text as it is (no placeholders are filled:
 * a pull request's description may hold braces).
 * @throws InputError naming tag-message-file when it cannot be read or is empty
 */
export async function readTagMessageFile(file: string, directory: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path.resolve(directory, file), 'utf8');
  } catch (error) {
    throw new InputError('tag-message-file', `cannot be read: ${(error as Error).message}`);
  }
  if (text.trim() === '') throw new InputError('tag-message-file', `${file} is empty: an annotated tag needs a message`);
  return text;
}
