import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ActionError, InputError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { GitRepository, type SigningConfig } from '../git/git.js';
import { checkRemote, refuseOptionLike, type CheckedRemote } from '../git/names.js';
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

/** A commit `tag-ref` names, and the ref (or SHA) that named it. */
export interface ResolvedCommitRef {
  readonly commit: string;
  /** `HEAD`, a full ref name (`refs/heads/master`), or the SHA given. */
  readonly ref: string;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Resolves the commit `name` (the `tag-ref` input) names, explicitly: `HEAD`; a full ref name
 * (`refs/heads/master`, `refs/tags/5.1.5`) as it is; a full commit SHA (40 hex digits, or 64 in
 * a SHA-256 repository); or a short name looked up as each of the branch `refs/heads/<name>`, the
 * remote-tracking branch `refs/remotes/<name>` (`origin/main`) and `refs/remotes/<remote>/<name>`
 * (when `remote` is a configured remote), and the tag `refs/tags/<name>`. Where several of these
 * exist and point to different commits (a tag `master` older than the branch `master`), the name
 * is ambiguous and refused, where `git rev-parse` would silently prefer the tag (gitrevisions(7):
 * refs/tags/ comes before refs/heads/). Expressions (`HEAD~1`, `master^{}`, `@{u}`) and abbreviated
 * SHAs are refused: a release tag goes on a commit named exactly.
 *
 * @param input the input named in errors (`tag-ref`)
 * @param remote the `remote` input: a configured remote's name, or a URL (then only `refs/remotes/<name>` is looked up)
 * @throws InputError naming `input`: a name git refuses, a name of no commit, or an ambiguous name, with the candidates and their commits
 */
export async function resolveCommitRef(repository: GitRepository, input: string, name: string, remote: string): Promise<ResolvedCommitRef> {
  refuseOptionLike(input, name);
  if (name === 'HEAD') return { commit: await repository.headSha(), ref: 'HEAD' };
  if (FULL_SHA.test(name)) {
    const commit = await repository.objectCommit(name);
    if (!commit) throw new InputError(input, `"${name}" names no commit in this repository (fetch it first)`);
    const sameName = await repository.refCommit(`refs/heads/${name}`);
    if (sameName && sameName !== commit)
      throw new InputError(input, `"${name}" is ambiguous: it is commit ${commit.slice(0, 12)} and the branch refs/heads/${name} at ${sameName.slice(0, 12)}`);
    return { commit, ref: name };
  }
  const isFull = name.startsWith('refs/');
  if (!(await repository.isValidRefName(isFull ? name : `refs/heads/${name}`)) || /^refs\/[^/]+$/.test(name))
    throw new InputError(
      input,
      `"${name}" is not a branch, remote-tracking branch, tag or full commit SHA (git check-ref-format): expressions such as HEAD~1 or master^{} are refused; name the commit exactly`,
    );
  const configured = (await repository.remoteNames()).includes(remote) ? [remote] : [];
  const candidates = isFull
    ? [name]
    : [`refs/heads/${name}`, `refs/remotes/${name}`, ...configured.map((r) => `refs/remotes/${r}/${name}`), `refs/tags/${name}`];
  const found: ResolvedCommitRef[] = [];
  for (const ref of [...new Set(candidates)]) {
    const commit = await repository.refCommit(ref);
    if (commit) found.push({ commit, ref });
  }
  if (found.length === 0) {
    const looked = isFull ? name : candidates.join(', ');
    throw new InputError(input, `"${name}" names no commit in this repository (looked for ${looked}; a SHA must be given in full; fetch it first)`);
  }
  if (new Set(found.map((entry) => entry.commit)).size > 1)
    throw new InputError(
      input,
      `"${name}" is ambiguous: ${found.map((entry) => `${entry.ref} is at ${entry.commit.slice(0, 12)}`).join(', ')}; name one in full (e.g. ${found[0]!.ref}) or give the commit's full SHA`,
    );
  return found[0]!;
}
