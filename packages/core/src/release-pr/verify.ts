import type { Logger } from '../action/logger.js';
import type { GitHubClient } from '../github/client.js';
import type { PythonVersion } from '../versions/python-version.js';
import { checklistMarkdown, upsertChecklistComment } from './comment.js';
import {
  fetchCheckRuns,
  fetchFileText,
  fetchPermission,
  fetchPullRequest,
  fetchReviews,
  fetchStatuses,
  fetchTagNames,
  type CheckFacts,
  type PermissionLevel,
  type PullRequestFacts,
  type RepositoryRef,
} from './facts.js';
import {
  approvalCandidates,
  approvalRule,
  branchRule,
  checksRule,
  descriptionRule,
  filePatternRule,
  relevantChecks,
  stateRules,
  tagRules,
  titleRules,
  versionFileRule,
  type ChecksMode,
  type FileAtHead,
  type RuleResult,
} from './rules.js';

/** A path and the expression it must hold at the head commit. */
export interface FileRuleSpec {
  readonly path: string;
  readonly pattern: RegExp;
}

/** What verify-release-pr checks, already validated. */
export interface VerifyRequest {
  readonly client: GitHubClient;
  readonly repository: RepositoryRef;
  readonly pullRequest: number;
  readonly base: string;
  readonly head: string;
  readonly titlePattern: RegExp;
  readonly requiredApprovals: number;
  readonly approverPermission: PermissionLevel;
  readonly allowStaleApprovals: boolean;
  readonly requireDescription: boolean;
  readonly checks: ChecksMode;
  readonly ignoreChecks: readonly string[];
  /** Seconds to wait for pending checks; 0 does not wait. */
  readonly waitForChecksSeconds: number;
  readonly versionFiles: readonly FileRuleSpec[];
  readonly filePatterns: readonly FileRuleSpec[];
  readonly comment: boolean;
  /** This job's check run, to leave out: GITHUB_JOB and GITHUB_RUN_ID. */
  readonly self: { readonly job?: string; readonly runId?: string };
  readonly logger: Logger;
  /** Waits; replaceable in tests. */
  readonly sleep?: (seconds: number) => Promise<void>;
}

/** The verdict. */
export interface VerifyResult {
  readonly pullRequest: PullRequestFacts;
  readonly results: readonly RuleResult[];
  readonly ok: boolean;
  readonly version?: PythonVersion;
  readonly previousRelease?: string;
  readonly comment?: { readonly url: string; readonly action: string };
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

async function readChecks(request: VerifyRequest, sha: string): Promise<CheckFacts[]> {
  if (request.checks.mode === 'none') return [];
  const [runs, statuses] = await Promise.all([fetchCheckRuns(request.client, request.repository, sha), fetchStatuses(request.client, request.repository, sha)]);
  return relevantChecks([...runs, ...statuses], request.ignoreChecks, request.self);
}

/** Reads checks again while any is pending, for up to `waitForChecksSeconds`. */
async function settleChecks(request: VerifyRequest, sha: string, first: CheckFacts[]): Promise<CheckFacts[]> {
  let checks = first;
  const deadline = Date.now() + request.waitForChecksSeconds * 1000;
  const interval = Math.min(15, Math.max(1, request.waitForChecksSeconds / 10));
  const sleep = request.sleep ?? sleepFor;
  while (checks.some((check) => check.state === 'pending') && Date.now() + interval * 1000 <= deadline) {
    request.logger.info(
      `Waiting ${interval}s for pending checks: ${checks
        .filter((check) => check.state === 'pending')
        .map((check) => check.name)
        .join(', ')}`,
    );
    await sleep(interval);
    checks = await readChecks(request, sha);
  }
  return checks;
}

/**
 * Verifies a release pull request against every rule: open, not a draft,
 * head → base, a title holding a PEP 440 version that is not tagged yet and
 * is greater than the latest tag, a description listing changes, approvals,
 * checks, version files and file patterns at the head commit. Then, if asked,
 * keeps one checklist comment on the pull request.
 *
 * A typical verification takes 6 REST requests, plus one a version file or
 * file pattern, plus one an approver whose permission is read, plus one or two for the comment.
 *
 * @throws ActionError when the pull request does not exist; errors of the API after retries
 */
export async function verifyReleasePullRequest(request: VerifyRequest): Promise<VerifyResult> {
  const { client, repository } = request;
  const pr = await fetchPullRequest(client, repository, request.pullRequest);
  const [reviews, firstChecks, tags, versionFiles, filePatterns] = await Promise.all([
    request.requiredApprovals > 0 ? fetchReviews(client, repository, pr.number) : Promise.resolve([]),
    readChecks(request, pr.headSha),
    fetchTagNames(client, repository),
    readFiles(request, request.versionFiles, pr.headSha),
    readFiles(request, request.filePatterns, pr.headSha),
  ]);
  const candidates = approvalCandidates(pr, reviews, request.allowStaleApprovals);
  const permissions = new Map(await Promise.all(candidates.map(async (user) => [user, await fetchPermission(client, repository, user)] as const)));
  const checks = request.waitForChecksSeconds > 0 ? await settleChecks(request, pr.headSha, firstChecks) : firstChecks;

  const title = titleRules(pr.title, request.titlePattern);
  const tagged = title.version ? tagRules(title.version, tags) : undefined;
  const results: RuleResult[] = [
    ...stateRules(pr),
    branchRule(pr, request.base, request.head, `${repository.owner}/${repository.repo}`),
    ...title.results,
    ...(tagged
      ? tagged.results
      : [
          { rule: 'not-tagged', status: 'skipped' as const, detail: 'no valid version in the title' },
          { rule: 'newer', status: 'skipped' as const, detail: 'no valid version in the title' },
        ]),
    descriptionRule(pr.body, request.requireDescription),
    approvalRule(pr, reviews, permissions, { required: request.requiredApprovals, level: request.approverPermission, allowStale: request.allowStaleApprovals }),
    checksRule(checks, request.checks, pr.headSha),
    versionFileRule(versionFiles, title.version),
    filePatternRule(filePatterns),
  ];
  const ok = results.every((result) => result.status !== 'failed');
  const comment = request.comment
    ? await upsertChecklistComment(client, repository, pr.number, pr.comments, checklistMarkdown(results, pr.headSha))
    : undefined;
  return {
    pullRequest: pr,
    results,
    ok,
    ...(title.version ? { version: title.version } : {}),
    ...(tagged?.previousRelease ? { previousRelease: tagged.previousRelease } : {}),
    ...(comment ? { comment } : {}),
  };
}
