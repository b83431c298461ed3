import { ActionError, InputError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import type { GitIdentity } from '../git/git.js';
import type { SigningRequest } from '../git/signing.js';
import { bumpPythonVersion, VersionBumpError, type Bump } from '../versions/python-version-bump.js';
import { comparePythonVersions, type PreLabel, type PythonVersion } from '../versions/python-version.js';
import { currentVersionOf, findMismatches, type VersionFile, type VersionFileSpec, type VersionMismatch } from './version-files.js';

/** How the version moves: a bump rule, an explicit version, or not at all (`bump: none`, optionally with the version expected). */
export type VersionTarget =
  | { readonly kind: 'bump'; readonly bump: Bump; readonly preLabel?: PreLabel }
  | { readonly kind: 'version'; readonly version: PythonVersion }
  | { readonly kind: 'none'; readonly version?: PythonVersion };

/** What bump-version is asked to do, already read from the inputs. */
export interface BumpVersionRequest {
  /** The directory the file paths are relative to. */
  readonly directory: string;
  readonly files: readonly VersionFileSpec[];
  readonly target: VersionTarget;
  readonly onMismatch: 'fail' | 'overwrite';
  readonly dryRun: boolean;
  readonly commit: boolean;
  /** Template with {version} and {previous}. */
  readonly commitMessage: string;
  readonly tag: boolean;
  /** Template with {version} and {previous}. */
  readonly tagMessage: string;
  /** A file whose text is the tag message, as it is; overrides `tagMessage`. */
  readonly tagMessageFile?: string;
  /** With `bump: none`: the commit-ish to tag (default HEAD). */
  readonly tagRef?: string;
  /** With `bump: none`: branches of `remote` that must point to the tagged commit. */
  readonly requireBranches: readonly string[];
  readonly push: boolean;
  /** A configured remote's name, or a URL (credentials in it are masked and redacted). */
  readonly remote: string;
  /** The branch to push to; default the checked-out branch. */
  readonly branch?: string;
  readonly identity: GitIdentity;
  readonly signing: SigningRequest;
  /** Where the signing key may live while the step runs (RUNNER_TEMP). */
  readonly temporaryDirectory: string;
  readonly logger: Logger;
}

/** The release tag made, kept or found. */
export interface TagResult {
  readonly name: string;
  /** True when this run made it (or, in a dry run, would make it). */
  readonly created: boolean;
  /** The tag object's SHA; undefined in a dry run that would create it. */
  readonly object?: string;
  /** The commit it points to; undefined in a dry run that would make that commit. */
  readonly commit?: string;
  /** Signed by this run (openpgp or ssh), and verified with git. */
  readonly signed: boolean;
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
  readonly tag?: TagResult;
  /** The remote as it may be shown (credentials redacted), and what was pushed. */
  readonly pushed?: { readonly remote: string; readonly refspecs: readonly string[] };
  /** The signing key, as the log may show it (a fingerprint). */
  readonly signingKey?: string;
}

/**
 * The version `target` asks for, from `current`: an explicit version (refused when lower), the
 * current one (`none`), or {@link bumpPythonVersion}'s bump.
 *
 * @param first where `current` was read, for the messages (a file, or e.g. `the highest tag`)
 * @throws InputError naming `version` for an explicit version lower than `current`, or `bump` for a bump that does not move it forward
 */
export function targetVersion(target: VersionTarget, current: PythonVersion, first: string): PythonVersion {
  if (target.kind === 'version') {
    if (comparePythonVersions(target.version, current) < 0)
      throw new InputError('version', `${target.version.text} is lower than the current version ${current.text} (in ${first}); the version never goes back`);
    return target.version;
  }
  if (target.kind === 'none') return current;
  try {
    return bumpPythonVersion(current, target.bump, target.preLabel);
  } catch (error) {
    if (error instanceof VersionBumpError) throw new InputError('bump', `${target.bump} cannot apply to ${first}: ${error.message}`);
    throw error;
  }
}

function describeMismatches(mismatches: readonly VersionMismatch[], current: PythonVersion, first: string): string {
  const places = mismatches.map((mismatch) => `${mismatch.path}:${mismatch.line} holds ${mismatch.found}`).join('; ');
  return `${places}, but ${first} holds ${current.text}`;
}

/** The version files read, the version found and the one to write, with the mismatches handled as `onMismatch` says. */
export interface VersionPlan {
  readonly files: readonly VersionFile[];
  readonly previous: PythonVersion;
  readonly version: PythonVersion;
  readonly mismatches: readonly VersionMismatch[];
}

/** What {@link planVersion} reads of a request: bump-version's, or open-release-pr's. */
export type VersionPlanRequest = Pick<BumpVersionRequest, 'files' | 'target' | 'onMismatch' | 'logger'>;

/** @throws ActionError for a mismatch under on-mismatch: fail (or always, when `writes` is false: nothing could fix it) */
export function planVersion(request: VersionPlanRequest, files: readonly VersionFile[], writes: boolean, where = ''): VersionPlan {
  const first = request.files[0]!.path;
  const previous = currentVersionOf(files);
  const version = targetVersion(request.target, previous, first);
  const mismatches = findMismatches(files, previous);
  if (mismatches.length > 0) {
    const message = `${describeMismatches(mismatches, previous, first)}${where}`;
    if (!writes) throw new ActionError(`${message}; bump: none writes no file, so every file must already hold the same version`);
    if (request.onMismatch === 'fail') throw new ActionError(`${message}. Set on-mismatch: overwrite to write ${version.text} to every file anyway`);
    request.logger.warning(`${message}; on-mismatch is overwrite, so ${version.text} is written everywhere`);
  }
  return { files, previous, version, mismatches };
}
