// Branch protection and auto-merge in the GitHub stand-in (github-api.ts), for repositories backed by bare
// git repositories (github-api-release.ts merges them). GitHub's rules, as its docs state them:
// - "About protected branches": with "Require a pull request before merging", a pull request needs the
//   required number of approving reviews from people with write access (each reviewer's latest review
//   counts; a change request from one of them blocks the merge); with "Require status checks to pass",
//   each required check (a check run's name or a commit status' context) must have passed on the pull
//   request's head commit: a check run completed `success`, `neutral` or `skipped`, or a status `success`.
// - "Automatically merging a pull request": once auto-merge is enabled (GraphQL
//   enablePullRequestAutoMerge, github-api-open-release.ts), GitHub merges the pull request with the
//   chosen method as soon as every requirement is met, and the merge is attributed to the person (or App)
//   who enabled it; GitHub checks again on each review and each completed check. The stand-in checks when
//   told to (`run`, after each event of a rehearsal), and merges through the pull request merge endpoint
//   (PUT …/pulls/{pull_number}/merge) as the enabler.
import { randomBytes } from 'node:crypto';
import type { CheckRun, GitHubApiStandIn, PullRequest, Review, Status } from './github-api.js';
import type { ReleaseEndpoints } from './github-api-release.js';
import { freshRequest } from './fresh-request.js';

/** A protected branch's rules (repos/update-branch-protection's required_pull_request_reviews and required_status_checks). */
export interface BranchProtection {
  /** required_pull_request_reviews.required_approving_review_count */
  readonly requiredApprovingReviewCount: number;
  /** required_status_checks.contexts: check run names or commit status contexts that must pass on the head. */
  readonly requiredStatusChecks: readonly string[];
}

/** One evaluation of a pull request's merge requirements. */
export interface MergeEvaluation {
  readonly repository: string;
  readonly number: number;
  readonly at: string;
  readonly head: string;
  /** Every requirement met. */
  readonly met: boolean;
  /** What is missing, in words (empty when met). */
  readonly missing: readonly string[];
}

/** A merge done by auto-merge. */
export interface AutoMerged {
  readonly repository: string;
  readonly number: number;
  /** The merge commit. */
  readonly sha: string;
  /** The login that enabled auto-merge, as whom GitHub merged. */
  readonly by: string;
  readonly mergeMethod: string;
}

export interface AutoMerge {
  /** Branch protection by repository, then branch. Unprotected branches have no requirement. */
  readonly protections: Map<string, Map<string, BranchProtection>>;
  /** Every evaluation, in order. */
  readonly evaluations: MergeEvaluation[];
  /** Every merge auto-merge made, in order. */
  readonly merged: AutoMerged[];
  /** The requirements of open pull request `number` now. */
  evaluate(repository: string, number: number): MergeEvaluation;
  /** Merges each open pull request of `repository` with auto-merge enabled whose requirements are met. @returns those merges */
  run(repository: string): Promise<AutoMerged[]>;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);
const PASSED_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

/** Whether required check `context` passed on `sha`: its latest check run of that name, else its latest status of that context. */
function checkState(checkRuns: readonly CheckRun[], statuses: readonly Status[], context: string): string {
  const run = checkRuns.filter((entry) => entry.name === context).sort((a, b) => Number(b.id ?? 0) - Number(a.id ?? 0))[0];
  if (run) return run.status !== 'completed' ? (run.status ?? 'queued') : (run.conclusion ?? 'pending');
  const status = statuses.filter((entry) => entry.context === context).sort((a, b) => Number(b.id ?? 0) - Number(a.id ?? 0))[0];
  return status?.state ?? 'expected';
}

/** Adds branch protection and auto-merge to `api`, for the repositories `release` serves from git. */
export function serveAutoMerge(api: GitHubApiStandIn, release: ReleaseEndpoints): AutoMerge {
  const protections = new Map<string, Map<string, BranchProtection>>();
  const evaluations: MergeEvaluation[] = [];
  const merged: AutoMerged[] = [];

  const evaluate = (repository: string, number: number): MergeEvaluation => {
    release.sync(repository);
    const state = api.repository(repository);
    const pr = state.pulls.get(number) as PullRequest;
    const head = pr.head!.sha!;
    const missing: string[] = [];
    if (pr.state !== 'open') missing.push('the pull request is not open');
    if (pr.draft) missing.push('the pull request is a draft');
    const protection = protections.get(repository)?.get(pr.base!.ref!);
    if (protection) {
      const latest = new Map<string, Review>();
      for (const review of state.reviews.get(number) ?? [])
        if (review.state !== 'COMMENTED' && review.user?.login && WRITERS.has(state.permissions.get(review.user.login) ?? 'read'))
          latest.set(review.user.login, review);
      const approvals = [...latest.values()].filter((review) => review.state === 'APPROVED').length;
      const changes = [...latest.values()].filter((review) => review.state === 'CHANGES_REQUESTED').map((review) => review.user!.login!);
      if (approvals < protection.requiredApprovingReviewCount)
        missing.push(`${approvals} of ${protection.requiredApprovingReviewCount} approving review(s) by people with write access`);
      if (changes.length) missing.push(`changes requested by ${changes.join(', ')}`);
      for (const context of protection.requiredStatusChecks) {
        const result = checkState(state.checkRuns.get(head) ?? [], state.statuses.get(head) ?? [], context);
        if (!PASSED_CONCLUSIONS.has(result)) missing.push(`required check "${context}": ${result}`);
      }
    }
    const evaluation: MergeEvaluation = { repository, number, at: new Date().toISOString(), head, met: missing.length === 0, missing };
    evaluations.push(evaluation);
    return evaluation;
  };

  const run = async (repository: string): Promise<AutoMerged[]> => {
    release.sync(repository);
    const done: AutoMerged[] = [];
    for (const pr of [...api.repository(repository).pulls.values()]) {
      if (pr.state !== 'open' || !pr.auto_merge) continue;
      if (!evaluate(repository, pr.number!).met) continue;
      const by = pr.auto_merge.enabled_by!.login!;
      const mergeMethod = pr.auto_merge.merge_method ?? 'merge';
      // GitHub merges as the enabler: a token of theirs for this one request.
      const token = `auto-merge-${randomBytes(9).toString('hex')}`;
      api.tokens.set(token, { login: by, installation: by.endsWith('[bot]'), permissions: { contents: 'write', 'pull-requests': 'write' } });
      try {
        const response = await freshRequest(`${api.url}/repos/${repository}/pulls/${pr.number}/merge`, {
          method: 'PUT',
          headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' },
          body: { merge_method: mergeMethod, sha: pr.head!.sha },
        });
        const answer = JSON.parse(response.text || '{}') as { sha?: string; message?: string };
        if (response.status !== 200) throw new Error(`auto-merge of ${repository}#${pr.number}: HTTP ${response.status} ${answer.message ?? ''}`);
        const entry = { repository, number: pr.number!, sha: answer.sha!, by, mergeMethod };
        merged.push(entry);
        done.push(entry);
      } finally {
        api.tokens.delete(token);
      }
    }
    return done;
  };

  return { protections, evaluations, merged, evaluate, run };
}
