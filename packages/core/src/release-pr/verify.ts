import type { Logger } from '../action/logger.js';
import type { GitHubClient } from '../github/client.js';
import { authenticatedLogin } from '../github/identity.js';
import type { PullRequestRef } from '../github/pull-request-ref.js';
import type { PythonVersion } from '../versions/python-version.js';
import { fetchCheckRuns, fetchStatuses, type CheckFacts, type SelfJob } from './checks.js';
import { Detail, detail } from './detail.js';
import { checklistMarkdown, upsertChecklistComment, type CommentOutcome } from './comment.js';
import {
  fetchCommitParents,
  fetchFileText,
  fetchPermission,
  fetchPullRequest,
  fetchReviews,
  fetchTagNames,
  findPullRequestForCommit,
  type PermissionLevel,
  type PullRequestFacts,
  type RepositoryRef,
} from './facts.js';
import {
  approvalCandidates,
  approvalRule,
  branchRule,
  checklistRule,
  checksRule,
  companionRule,
  consideredChecks,
  descriptionRule,
  filePatternRule,
  isReleaseTitle,
  mergeCommitRule,
  relevantChecks,
  stateRules,
  submoduleRule,
  tagRules,
  titleRules,
  versionFileRule,
  type ChecksMode,
  type FileAtHead,
  type RuleResult,
} from './rules.js';
import { readSubmodules } from './submodules.js';
import { fetchCompanionPullRequest, type CompanionSpec } from './companion.js';

/** A path and the expression it must hold at the head commit. */
export interface FileRuleSpec {
  readonly path: string;
  readonly pattern: RegExp;
}

/** What verify-release-pr checks, already validated. */
export interface VerifyRequest {
  readonly client: GitHubClient;
  /** The pull request's repository (the `repository` input; the current repository by default). */
  readonly repository: RepositoryRef;
  readonly pullRequest: PullRequestRef;
  readonly base: string;
  readonly head: string;
  /** A title starting with it (any case) makes a release pull request. */
  readonly releaseTitlePrefix: string;
  /** What to do with a pull request that is not a release pull request. */
  readonly onNonRelease: 'skip' | 'fail';
  /** `open`: the pre-release gate; `merged`: the tag workflow's check of the merged release pull request. */
  readonly state: 'open' | 'merged';
  readonly titlePattern: RegExp;
  readonly requiredApprovals: number;
  readonly approverPermission: PermissionLevel;
  readonly allowStaleApprovals: boolean;
  readonly requireDescription: boolean;
  /** Every task item in the part of the description open-release-pr wrote must be ticked (checklistRule). */
  readonly requireChecklist: boolean;
  /** The companion pull request that must be open (companion-pull-request), read with its own client (companion-token). */
  readonly companion?: { readonly spec: CompanionSpec; readonly client: GitHubClient };
  readonly checks: ChecksMode;
  readonly ignoreChecks: readonly string[];
  /** Seconds to wait for pending checks; 0 does not wait. */
  readonly waitForChecksSeconds: number;
  readonly versionFiles: readonly FileRuleSpec[];
  readonly filePatterns: readonly FileRuleSpec[];
  readonly submodules: 'current' | 'off';
  /** The GitHub host submodule URLs must name (GITHUB_SERVER_URL's), e.g. github.com. */
  readonly serverHost: string;
  /** This job, left out of the checks; its workflow run's other jobs count (only when the pull request is in the workflow's repository). */
  readonly self: SelfJob;
  /**
   * The pull request this workflow run is for (its event's), when the run is in the pull request's repository:
   * when it is the one verified, the run's other jobs are checks of it.
   */
  readonly runPullRequest?: number;
  readonly logger: Logger;
  /** Waits; replaceable in tests. */
  readonly sleep?: (seconds: number) => Promise<void>;
}

/** The verdict. */
export interface VerifyResult {
  readonly pullRequest: PullRequestFacts;
  /** Whether the title makes it a release pull request (release-title-prefix). */
  readonly isRelease: boolean;
  /** Empty for a non-release pull request skipped (on-non-release: skip). */
  readonly results: readonly RuleResult[];
  /** A release pull request whose every rule passed. */
  readonly ok: boolean;
  readonly version?: PythonVersion;
  readonly previousRelease?: string;
  /** The companion pull request found open. */
  readonly companion?: { readonly number: number; readonly url: string };
}

const sleepFor = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function readFiles(request: VerifyRequest, specs: readonly FileRuleSpec[], sha: string): Promise<FileAtHead[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const text = await fetchFileText(request.client, request.repository, spec.path, sha);
      return { ...spec, ...(text === undefined ? {} : { text }) };
    }),
  );
}

async function readChecks(request: VerifyRequest, pr: PullRequestFacts): Promise<CheckFacts[]> {
  if (request.checks.mode === 'none') return [];
  const sha = pr.headSha;
  const includeRunJobs = request.runPullRequest === pr.number;
  const [runs, statuses] = await Promise.all([
    fetchCheckRuns(request.client, request.repository, sha, { self: request.self, includeRunJobs, logger: request.logger }),
    fetchStatuses(request.client, request.repository, sha),
  ]);
  return relevantChecks([...runs, ...statuses], request.ignoreChecks);
}

/** Reads checks again while any is pending, for up to `waitForChecksSeconds`. */
async function settleChecks(request: VerifyRequest, pr: PullRequestFacts, first: CheckFacts[]): Promise<CheckFacts[]> {
  let checks = first;
  const deadline = Date.now() + request.waitForChecksSeconds * 1000;
  const interval = Math.min(15, Math.max(1, request.waitForChecksSeconds / 10));
  const sleep = request.sleep ?? sleepFor;
  const considered = (all: CheckFacts[]) => consideredChecks(all, request.checks);
  while (considered(checks).some((check) => check.state === 'pending') && Date.now() + interval * 1000 <= deadline) {
    const pending = considered(checks)
      .filter((check) => check.state === 'pending')
      .map((check) => check.name);
    request.logger.info(`Waiting ${interval}s for pending checks: ${pending.map((name) => JSON.stringify(name)).join(', ')}`);
    await sleep(interval);
    checks = await readChecks(request, pr);
  }
  return checks;
}

async function pullRequestNumber(request: VerifyRequest): Promise<number> {
  const ref = request.pullRequest;
  return 'number' in ref ? ref.number : findPullRequestForCommit(request.client, request.repository, ref.commit, request.base);
}

/**
 * Verifies a release pull request against every rule: open (or, with `state: merged`, merged with a
 * merge commit), not a draft, head → base, a title holding a PEP 440 version that is not tagged yet
 * and is greater than the latest tag, a description listing changes, approvals, checks (with this
 * workflow run's other jobs), version files, file patterns and submodules at the head commit, every item of
 * open-release-pr's checklist ticked, and the companion pull request open.
 *
 * A pull request whose title does not start with `releaseTitlePrefix` is not a release pull
 * request: with `onNonRelease: skip` it is read (1 request) and nothing else is checked.
 *
 * A typical verification takes 7 REST requests (pull request, reviews, the approver's permission,
 * check runs, this run's jobs, commit statuses, tags), plus one a version file or file pattern,
 * one when two workflow runs hold check runs of one name, 2 + 1 a submodule with `submodules: current`,
 * one to find the pull request from a commit, one for the merge commit with `state: merged`, two for the
 * companion pull request.
 *
 * @throws ActionError when the pull request does not exist; errors of the API after retries
 */
export async function verifyReleasePullRequest(request: VerifyRequest): Promise<VerifyResult> {
  const { client, repository } = request;
  const pr = await fetchPullRequest(client, repository, await pullRequestNumber(request));
  const isRelease = isReleaseTitle(pr.title, request.releaseTitlePrefix);
  if (!isRelease && request.onNonRelease === 'skip') return { pullRequest: pr, isRelease, results: [], ok: false };

  const merged = request.state === 'merged';
  const [reviews, firstChecks, tags, versionFiles, filePatterns, submodules, parents, companion] = await Promise.all([
    request.requiredApprovals > 0 ? fetchReviews(client, repository, pr.number) : Promise.resolve([]),
    readChecks(request, pr),
    fetchTagNames(client, repository),
    readFiles(request, request.versionFiles, pr.headSha),
    readFiles(request, request.filePatterns, pr.headSha),
    request.submodules === 'current' ? readSubmodules(client, repository, pr.headSha, pr.headRef, request.serverHost) : Promise.resolve(undefined),
    merged && pr.mergeCommitSha ? fetchCommitParents(client, repository, pr.mergeCommitSha) : Promise.resolve(undefined),
    request.companion ? fetchCompanionPullRequest(request.companion.client, request.companion.spec) : Promise.resolve(undefined),
  ]);
  const candidates = approvalCandidates(pr, reviews, request.allowStaleApprovals);
  const permissions = new Map(await Promise.all(candidates.map(async (user) => [user, await fetchPermission(client, repository, user)] as const)));
  const checks = request.waitForChecksSeconds > 0 ? await settleChecks(request, pr, firstChecks) : firstChecks;

  const title = titleRules(pr.title, request.titlePattern);
  const tagged = title.version ? tagRules(title.version, tags) : undefined;
  const noVersion = (rule: string): RuleResult => ({ rule, status: 'skipped', detail: new Detail(['no valid version in the title']) });
  const tagResults = tagged
    ? merged
      ? [{ rule: 'not-tagged', status: 'skipped' as const, detail: new Detail(['state: merged: the release tag may exist already']) }, tagged.results[1]!]
      : tagged.results
    : [noVersion('not-tagged'), noVersion('newer')];
  const results: RuleResult[] = [
    ...(isRelease
      ? []
      : [
          {
            rule: 'release',
            status: 'failed' as const,
            detail: detail`"${pr.title}" does not start with "${request.releaseTitlePrefix}": not a release pull request (on-non-release: fail)`,
          },
        ]),
    ...stateRules(pr, request.state),
    ...(merged ? [mergeCommitRule(pr, parents)] : []),
    branchRule(pr, request.base, request.head, `${repository.owner}/${repository.repo}`),
    ...title.results,
    ...tagResults,
    descriptionRule(pr.body, request.requireDescription),
    checklistRule(pr.body, request.requireChecklist),
    approvalRule(pr, reviews, permissions, { required: request.requiredApprovals, level: request.approverPermission, allowStale: request.allowStaleApprovals }),
    checksRule(checks, request.checks, pr.headSha),
    versionFileRule(versionFiles, title.version),
    filePatternRule(filePatterns),
    submoduleRule(request.submodules, submodules),
    companionRule(request.companion?.spec, companion),
  ];
  return {
    pullRequest: pr,
    isRelease,
    results,
    ok: isRelease && results.every((result) => result.status !== 'failed'),
    ...(title.version ? { version: title.version } : {}),
    ...(tagged?.previousRelease ? { previousRelease: tagged.previousRelease } : {}),
    ...(companion?.kind === 'read' && companion.pullRequest ? { companion: { number: companion.pullRequest.number, url: companion.pullRequest.url } } : {}),
  };
}

/**
 * Keeps the checklist comment of a verified release pull request (upsertChecklistComment), as the
 * account `token` acts as (authenticatedLogin, asked only when the pull request has comments).
 */
export async function keepChecklistComment(client: GitHubClient, repository: RepositoryRef, token: string, result: VerifyResult): Promise<CommentOutcome> {
  const pr = result.pullRequest;
  return upsertChecklistComment(client, repository, pr.number, pr.comments, checklistMarkdown(result.results, pr.headSha), () =>
    authenticatedLogin(client, token),
  );
}
