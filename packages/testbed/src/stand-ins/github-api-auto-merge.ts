// Auto-merge in the GitHub stand-in (github-api.ts), for repositories backed by bare git repositories
// (github-api-release.ts merges them). GitHub's rules, as its docs state them:
// - "About protected branches": the base branch's protection (github-api.ts: `protect`, judged by
//   `mergeBlockers`, the same rules the REST merge applies) must let the pull request merge.
// - "Automatically merging a pull request": once auto-merge is enabled (GraphQL
//   enablePullRequestAutoMerge, github-api-open-release.ts), GitHub merges the pull request with the
//   chosen method as soon as every requirement is met, and the merge is attributed to the person (or App)
//   who enabled it; GitHub checks again on each review and each completed check. The stand-in checks when
//   told to (`run`, after each event of a rehearsal), and merges through the pull request merge endpoint
//   (PUT …/pulls/{pull_number}/merge) as the enabler.
import { randomBytes } from 'node:crypto';
import { mergeBlockers, type GitHubApiStandIn, type PullRequest } from './github-api.js';
import type { ReleaseEndpoints } from './github-api-release.js';
import { freshRequest } from './fresh-request.js';

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
  /** Every evaluation, in order. */
  readonly evaluations: MergeEvaluation[];
  /** Every merge auto-merge made, in order. */
  readonly merged: AutoMerged[];
  /** The requirements of open pull request `number` now. */
  evaluate(repository: string, number: number): MergeEvaluation;
  /** Merges each open pull request of `repository` with auto-merge enabled whose requirements are met. @returns those merges */
  run(repository: string): Promise<AutoMerged[]>;
}

/**
 * Adds auto-merge to `api`, for the repositories `release` serves from git. The requirements are the base
 * branch's protection as `api.protect` set it, judged by {@link mergeBlockers} (the REST merge's own rules).
 */
export function serveAutoMerge(api: GitHubApiStandIn, release: ReleaseEndpoints): AutoMerge {
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
    missing.push(...mergeBlockers(state, pr));
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

  return { evaluations, merged, evaluate, run };
}
