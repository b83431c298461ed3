import type { Logger } from '../action/logger.js';
import type { VersionTarget } from '../bump/request.js';
import type { VersionFileSpec } from '../bump/version-files.js';
import type { GitIdentity } from '../git/git.js';
import type { SigningRequest } from '../git/signing.js';
import type { GitHubClient } from '../github/client.js';
import type { PythonVersion } from '../versions/python-version.js';
import type { RewritePattern } from './patterns.js';
import type { SubmoduleMode, SubmoduleMove } from './submodules.js';

/** What open-release-pr is asked to do, already read from the inputs. */
export interface OpenReleasePrRequest {
  readonly owner: string;
  readonly repo: string;
  /** The branch the release pull request merges into (`main`; the wrapper's `master`). */
  readonly base: string;
  /** The branch the version commit goes on and the pull request comes from (`dev`). */
  readonly head: string;
  /** A bump or an explicit version, as bump-version reads them (never `none`). */
  readonly target: Exclude<VersionTarget, { kind: 'none' }>;
  /** The version files (may be empty: the version then comes from the tags). */
  readonly files: readonly VersionFileSpec[];
  readonly onMismatch: 'fail' | 'overwrite';
  readonly patterns: readonly RewritePattern[];
  readonly submodules: SubmoduleMode;
  /** Template with {version} and {previous}. */
  readonly title: string;
  readonly notes: 'generated' | 'none';
  readonly checklist: readonly string[];
  readonly mergeMethod: 'merge' | 'none';
  readonly labels: readonly string[];
  /** Logins, and teams as `org/team-slug`. */
  readonly reviewers: readonly string[];
  readonly draft: boolean;
  readonly identity: GitIdentity;
  readonly signing: SigningRequest;
  readonly dryRun: boolean;
  /** The token git pushes with (sent only to `serverUrl`'s origin) and the client's. */
  readonly token: string;
  /** GITHUB_SERVER_URL, e.g. https://github.com. */
  readonly serverUrl: string;
  readonly client: GitHubClient;
  /** Where the working clone and the signing key live while the step runs (RUNNER_TEMP). */
  readonly temporaryDirectory: string;
  readonly logger: Logger;
}

/** What open-release-pr did (or, in a dry run, would do). */
export interface OpenReleasePrResult {
  readonly version: PythonVersion;
  /** The version found (the first version file's, or the highest tag's); undefined for a repository without either. */
  readonly previous?: PythonVersion;
  /** The tag the notes start from. */
  readonly previousTag?: string;
  readonly changedFiles: readonly string[];
  readonly submodules: readonly SubmoduleMove[];
  /** The unified diff of the version commit's files (gitlinks listed in `submodules`). */
  readonly diff: string;
  readonly title: string;
  readonly description: string;
  /** The version commit made (and pushed, unless a dry run); undefined when nothing changed. */
  readonly commitSha?: string;
  /** `head` after the run (in a dry run: what it would be, the local commit's SHA). */
  readonly headSha: string;
  /** The pull request; undefined in a dry run that would open one. */
  readonly pullRequest?: { readonly number: number; readonly url: string };
  /** True when this run opened the pull request (or, in a dry run, would). */
  readonly created: boolean;
  /** Whether the pull request changed (title, description or labels) or was opened. */
  readonly updated: boolean;
  readonly labelsAdded: readonly string[];
  readonly autoMerge: 'enabled' | 'already' | 'clean' | 'off';
  readonly signingKey?: string;
}
