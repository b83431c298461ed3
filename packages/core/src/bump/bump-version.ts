import { writeFile } from 'node:fs/promises';
import { ActionError, InputError } from '../action/errors.js';
import type { GitRepository } from '../git/git.js';
import { checkBranchName, checkIdentity, checkTagName } from '../git/names.js';
import { prepareSigning, type GitSigning } from '../git/signing.js';
import { fillTemplate } from '../util/template.js';
import type { PythonVersion } from '../versions/python-version.js';
import {
  maskCredentials,
  openRemote,
  openWorkspace,
  planTag,
  pushFailure,
  readRemoteRefs,
  readTagMessageFile,
  verifySignatures,
  type TagPlan,
} from './git-steps.js';
import { planVersion, type BumpVersionRequest, type BumpVersionResult, type TagResult } from './request.js';
import { Rollback } from './rollback.js';
import { tagExistingCommit } from './tag-commit.js';
import {
  checkCommittable,
  planVersionEdits,
  readVersionFiles,
  resolveVersionFiles,
  unifiedDiff,
  writeVersionEdits,
  type VersionFileEdit,
} from './version-files.js';

/** Checks inputs that only make sense together, before anything is read. */
function checkCombinations(request: BumpVersionRequest): void {
  if (request.tagRef !== undefined) throw new InputError('tag-ref', 'applies only with bump: none (a bump tags the commit it makes)');
  if (request.requireBranches.length > 0) throw new InputError('require-branches', 'applies only with bump: none and tag: true');
  if (request.push && !request.commit && !request.tag) throw new InputError('push', 'needs commit: true or tag: true: there is nothing else to push');
  if (request.signing.format !== 'none' && !request.commit && !request.tag) throw new InputError('sign', 'has nothing to sign: set commit: true or tag: true');
}

/** The git side of a bump, decided before any write. */
interface GitPlan {
  readonly repository: GitRepository;
  readonly head: string;
  readonly commitPaths: readonly string[];
  readonly tag?: TagPlan;
  readonly push?: { readonly remote: Awaited<ReturnType<typeof openRemote>>; readonly branch: string };
}

/**
 * Every git check, before the first write: files committable (tracked, not
 * ignored, no other change), identity accepted by git, tag name valid and
 * absent (or already at HEAD when nothing changes), remote and branch valid,
 * remote reachable, push a fast-forward.
 */
async function planGit(
  request: BumpVersionRequest,
  repository: GitRepository,
  edits: readonly VersionFileEdit[],
  version: PythonVersion,
  signing: GitSigning,
): Promise<GitPlan> {
  const changed = edits.filter((edit) => edit.after !== edit.before);
  if (request.tag && changed.length > 0 && !request.commit)
    throw new InputError('tag', `needs commit: true, so that tag ${version.text} points at the commit that holds it`);
  const commitPaths = request.commit ? changed.map((edit) => edit.location.rootPath) : [];
  if (commitPaths.length > 0)
    await checkCommittable(
      repository,
      changed.map((edit) => edit.location),
    );
  if (commitPaths.length > 0 || request.tag) await checkIdentity(repository, request.identity);
  if (request.tag) await checkTagName(repository, 'version', version.text);
  const head = await repository.headSha();

  let push: GitPlan['push'];
  let refs = new Map<string, string>();
  if (request.push) {
    const remote = await openRemote(repository, request.remote, request.logger);
    const branch = request.branch || (await repository.currentBranch());
    if (!branch) throw new InputError('branch', 'is needed to push: HEAD is detached; check out a branch or set branch');
    await checkBranchName(repository, 'branch', branch);
    refs = await readRemoteRefs(repository, remote, [`refs/heads/${branch}`, ...(request.tag ? [`refs/tags/${version.text}`] : [])]);
    const remoteHead = refs.get(`refs/heads/${branch}`);
    if (remoteHead && remoteHead !== head && !(await repository.isAncestor(remoteHead, head))) {
      throw new ActionError(
        `${remote.display}/${branch} is at ${remoteHead.slice(0, 12)}, which this checkout does not contain: a push would not be a fast-forward; fetch and rebase first`,
      );
    }
    push = { remote, branch };
  }
  const tagCommit = commitPaths.length > 0 ? undefined : head;
  const tag = request.tag ? await planTag(repository, version.text, tagCommit, push ? { checked: push.remote, refs } : undefined, signing) : undefined;
  return { repository, head, commitPaths, ...(tag ? { tag } : {}), ...(push ? { push } : {}) };
}

/** Writes the files, commits, tags, verifies and pushes; on any failure, restores the checkout and throws. */
async function applyBump(
  request: BumpVersionRequest,
  edits: readonly VersionFileEdit[],
  git: GitPlan | undefined,
  messages: { commit: string; tag: string },
  signing: GitSigning,
) {
  const rollback = new Rollback();
  try {
    await writeVersionEdits(edits, (edit, original) => rollback.record(edit.path, () => writeFile(edit.location.absolutePath, original)));
    if (!git) return {};
    const { repository, head } = git;
    let commitSha: string | undefined;
    if (git.commitPaths.length > 0) {
      rollback.record('the index entries of the version files', () => repository.resetIndexPaths(head, git.commitPaths));
      rollback.record(`the commit (HEAD back to ${head.slice(0, 12)})`, () => repository.resetHead(head));
      commitSha = await repository.commit(git.commitPaths, messages.commit, request.identity, signing);
    }
    let tagObject = git.tag?.existingObject;
    if (git.tag?.create) {
      const name = git.tag.name;
      rollback.record(`tag ${name}`, async () => {
        const made = await repository.localTag(name);
        if (made) await repository.deleteTag(name, made.object);
      });
      tagObject = await repository.createAnnotatedTag(name, commitSha ?? head, messages.tag, request.identity, signing);
    }
    await verifySignatures(repository, signing, commitSha, git.tag?.create ? git.tag.name : undefined);
    // Every signature is made and verified: the signing home (key, agent) goes now, before the push, which a
    // cancelled or killed step could interrupt and so never reach the disposal at the end.
    await signing.dispose();
    const refspecs = [
      ...(git.push && commitSha ? [`HEAD:refs/heads/${git.push.branch}`] : []),
      ...(git.push && git.tag && !git.tag.onRemote ? [`refs/tags/${git.tag.name}`] : []),
    ];
    if (git.push && refspecs.length > 0) {
      const pushed = await repository.push(git.push.remote.remote, refspecs);
      if (pushed.exitCode !== 0) throw pushFailure(git.push.remote, refspecs, pushed.stderr + pushed.stdout);
    }
    return { commitSha, tagObject, refspecs };
  } catch (error) {
    throw await rollback.fail(error);
  }
}

/**
 * Bumps the version in every version file; then, as asked, commits the
 * changed files, creates an annotated tag named after the version (signed
 * with OpenPGP or SSH when asked, and verified with git), and pushes both in
 * one atomic push. Every check (files and where they resolve, versions,
 * mismatches, git state of the files, identity, tag, remote, branch, signing
 * key) runs before the first write; a dry run stops there. When a later step
 * fails, the files, the index, the commit and the tag are restored.
 *
 * With `bump: none` (target kind `none`) and `tag: true`, tags an existing
 * commit instead: see {@link tagExistingCommit}.
 *
 * @throws ActionError or InputError, naming the file or input, with the checkout as it was
 */
export async function bumpVersion(request: BumpVersionRequest): Promise<BumpVersionResult> {
  maskCredentials(request.remote, request.logger);
  if (request.target.kind === 'none') return tagExistingCommit(request);
  checkCombinations(request);
  const asking = request.commit ? 'commit' : request.tag ? 'tag' : request.push ? 'push' : undefined;
  const workspace = await openWorkspace(request.directory, asking);
  const locations = await resolveVersionFiles(request.files, request.directory, workspace.root);
  const { previous, version, mismatches, files } = planVersion(request, await readVersionFiles(locations), true);
  const edits = planVersionEdits(files, version.text);
  const changedFiles = edits.filter((edit) => edit.after !== edit.before).map((edit) => edit.path);
  const values = { version: version.text, previous: previous.text };
  const messages = {
    commit: fillTemplate(request.commitMessage, values, 'commit-message'),
    tag: request.tagMessageFile ? await readTagMessageFile(request.tagMessageFile, request.directory) : fillTemplate(request.tagMessage, values, 'tag-message'),
  };
  const base = { previous, version, changedFiles, mismatches, diff: unifiedDiff(edits) };

  const signing = await prepareSigning(request.signing, request.identity, request.temporaryDirectory, request.logger);
  try {
    const git = workspace.repository && asking ? await planGit(request, workspace.repository, edits, version, signing) : undefined;
    const tagResult = (object?: string, commit?: string): TagResult | undefined =>
      git?.tag && {
        name: git.tag.name,
        created: git.tag.create,
        ...(object ? { object } : {}),
        ...(commit ? { commit } : {}),
        signed: signing.sign && git.tag.create,
      };
    const signingKey = signing.sign ? { signingKey: signing.keyDescription } : {};
    if (request.dryRun) {
      const tag = tagResult(git?.tag?.existingObject, git?.tag?.commit);
      return { ...base, ...(tag ? { tag } : {}), ...signingKey };
    }
    const applied = await applyBump(request, edits, git, messages, signing);
    const tag = tagResult(applied.tagObject, applied.commitSha ?? git?.tag?.commit);
    return {
      ...base,
      ...(applied.commitSha ? { commitSha: applied.commitSha } : {}),
      ...(tag ? { tag } : {}),
      ...(git?.push && applied.refspecs && applied.refspecs.length > 0 ? { pushed: { remote: git.push.remote.display, refspecs: applied.refspecs } } : {}),
      ...signingKey,
    };
  } finally {
    await signing.dispose();
  }
}
