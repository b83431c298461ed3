import { ActionError, InputError } from '../action/errors.js';
import type { GitRepository } from '../git/git.js';
import { checkBranchName, checkIdentity, checkTagName, type CheckedRemote } from '../git/names.js';
import { prepareSigning } from '../git/signing.js';
import { fillTemplate } from '../util/template.js';
import { comparePythonVersions, type PythonVersion } from '../versions/python-version.js';
import { openRemote, openWorkspace, planTag, pushFailure, readRemoteRefs, readTagMessageFile, resolveCommitRef, verifySignatures } from './git-steps.js';
import { planVersion, type BumpVersionRequest, type BumpVersionResult } from './request.js';
import { Rollback } from './rollback.js';
import { readVersionFiles, readVersionFilesAt, resolveVersionFiles } from './version-files.js';

function checkCombinations(request: BumpVersionRequest): void {
  if (request.commit) throw new InputError('commit', 'has nothing to commit with bump: none, which changes no file');
  if (request.tag) return;
  if (request.push) throw new InputError('push', 'needs tag: true with bump: none: there is nothing else to push');
  if (request.tagRef !== undefined) throw new InputError('tag-ref', 'applies only with tag: true');
  if (request.requireBranches.length > 0) throw new InputError('require-branches', 'applies only with tag: true');
  if (request.signing.format !== 'none') throw new InputError('sign', 'has nothing to sign without tag: true');
}

/** The version the files hold at `commit` (every file the same), or the `version` input when no file is listed; both must agree. */
async function versionAt(request: BumpVersionRequest, repository: GitRepository, root: string, commit: string): Promise<PythonVersion> {
  const expected = request.target.kind === 'none' ? request.target.version : undefined;
  if (request.files.length === 0) {
    if (!expected) throw new InputError('version', 'is needed with bump: none when files lists no file: it names the tag');
    return expected;
  }
  const locations = await resolveVersionFiles(request.files, request.directory, root, { missingOk: true });
  const where = ` at ${commit.slice(0, 12)}`;
  const { version } = planVersion(request, await readVersionFilesAt(repository, commit, locations), false, where);
  if (expected && comparePythonVersions(expected, version) !== 0)
    throw new InputError(
      'version',
      `is ${expected.text}, but ${request.files[0]!.path} holds ${version.text}${where}: the version files must already hold the version to tag`,
    );
  return version;
}

/**
 * Checks that each required branch exists on the remote and points to `commit`.
 * @throws ActionError naming the branch and where it points
 */
function checkRequiredBranches(request: BumpVersionRequest, remote: CheckedRemote, refs: Map<string, string>, commit: string): void {
  for (const branch of request.requireBranches) {
    const at = refs.get(`refs/heads/${branch}`);
    if (!at) throw new ActionError(`require-branches: ${branch} does not exist on ${remote.display}`);
    if (at !== commit)
      throw new ActionError(
        `require-branches: ${remote.display}/${branch} is at ${at.slice(0, 12)}, not at the commit to tag ${commit.slice(0, 12)}; every listed branch must point to it`,
      );
  }
}

/** `bump: none` without a tag: reads the version from the working tree and reports it; writes nothing. */
async function reportVersion(request: BumpVersionRequest): Promise<BumpVersionResult> {
  const expected = request.target.kind === 'none' ? request.target.version : undefined;
  if (request.files.length === 0) {
    if (!expected) throw new InputError('version', 'is needed with bump: none when files lists no file');
    return { previous: expected, version: expected, changedFiles: [], mismatches: [], diff: '' };
  }
  const workspace = await openWorkspace(request.directory);
  const locations = await resolveVersionFiles(request.files, request.directory, workspace.root);
  const { version, mismatches } = planVersion(request, await readVersionFiles(locations), false);
  if (expected && comparePythonVersions(expected, version) !== 0)
    throw new InputError('version', `is ${expected.text}, but ${request.files[0]!.path} holds ${version.text}`);
  return { previous: version, version, changedFiles: [], mismatches, diff: '' };
}

/**
 * `bump: none` with `tag: true`: places the annotated tag named after the
 * version on an existing commit (`tag-ref`, default HEAD), as the images
 * release tags the merge commit `main` and `dev` point to. Before any write
 * it checks that the version files at that commit hold the version (read with
 * git, not from the working tree), that each `require-branches` branch on the
 * remote points to the commit, that the tag is absent (or already this
 * commit's, annotated), the identity, the signing key and the remote. Then it
 * creates the tag (signed and verified when asked) and pushes only the tag.
 * A tag already on the remote at that commit is success with nothing to push.
 *
 * @throws ActionError or InputError, naming the input; a tag made by this run is deleted again when a later step fails
 */
export async function tagExistingCommit(request: BumpVersionRequest): Promise<BumpVersionResult> {
  checkCombinations(request);
  if (!request.tag) return reportVersion(request);
  const workspace = await openWorkspace(request.directory, 'tag');
  const repository = workspace.repository!;
  const { commit } = await resolveCommitRef(repository, 'tag-ref', request.tagRef ?? 'HEAD', request.remote);
  const version = await versionAt(request, repository, workspace.root, commit);
  const name = version.text;
  await checkTagName(repository, 'version', name);
  const message = request.tagMessageFile
    ? await readTagMessageFile(request.tagMessageFile, request.directory)
    : fillTemplate(request.tagMessage, { version: name, previous: name }, 'tag-message');
  await checkIdentity(repository, request.identity);
  for (const branch of request.requireBranches) await checkBranchName(repository, 'require-branches', branch);

  let remote: { checked: CheckedRemote; refs: Map<string, string> } | undefined;
  if (request.push || request.requireBranches.length > 0) {
    const checked = await openRemote(repository, request.remote, request.logger);
    const refs = await readRemoteRefs(repository, checked, [...request.requireBranches.map((branch) => `refs/heads/${branch}`), `refs/tags/${name}`]);
    checkRequiredBranches(request, checked, refs, commit);
    remote = { checked, refs };
  }

  const signing = await prepareSigning(request.signing, request.identity, request.temporaryDirectory, request.logger);
  try {
    const plan = await planTag(repository, name, commit, remote, signing);
    const base = { previous: version, version, changedFiles: [], mismatches: [], diff: '', ...(signing.sign ? { signingKey: signing.keyDescription } : {}) };
    const tagResult = (object?: string) => ({ name, created: plan.create, ...(object ? { object } : {}), commit, signed: signing.sign && plan.create });
    if (request.dryRun) return { ...base, tag: tagResult(plan.existingObject) };

    const rollback = new Rollback();
    let object = plan.existingObject;
    const refspecs = request.push && !plan.onRemote ? [`refs/tags/${name}:refs/tags/${name}`] : [];
    try {
      if (plan.create) {
        rollback.record(`tag ${name}`, async () => {
          const made = await repository.localTag(name);
          if (made) await repository.deleteTag(name, made.object);
        });
        object = await repository.createAnnotatedTag(name, commit, message, request.identity, signing);
        await verifySignatures(repository, signing, undefined, name);
      }
      // Signed and verified: the signing home goes before the push (a killed step never reaches the end).
      await signing.dispose();
      if (remote && refspecs.length > 0) {
        const pushed = await repository.push(remote.checked.remote, refspecs);
        if (pushed.exitCode !== 0) throw pushFailure(remote.checked, refspecs, pushed.stderr + pushed.stdout);
      }
    } catch (error) {
      throw await rollback.fail(error);
    }
    return { ...base, tag: tagResult(object), ...(remote && refspecs.length > 0 ? { pushed: { remote: remote.checked.display, refspecs } } : {}) };
  } finally {
    await signing.dispose();
  }
}
