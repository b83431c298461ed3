import type { Logger } from '../action/logger.js';
import { errorStatus, type GitHubClient } from '../github/client.js';
import type { RepositoryRef } from './facts.js';

/** A check the rules judge: a check run (a GitHub Actions job is one), or a commit status. */
export interface CheckFacts {
  readonly name: string;
  readonly kind: 'check run' | 'status';
  readonly state: 'pass' | 'fail' | 'pending';
  /** The conclusion or status state as GitHub gives it, e.g. `failure`, `in_progress`. */
  readonly detail: string;
  /** The link to the run or the status's target. */
  readonly url?: string;
  /** Where the check comes from, when its name alone is ambiguous: `workflow <path>`, `run <id>` or `app <slug>`. */
  readonly source?: string;
  /**
   * The GitHub App that made a check run (its `app.slug`, e.g. `github-actions`; `app <id>` when the
   * API gives no slug), as branch protection binds a required check to an app. Undefined for a commit status.
   */
  readonly app?: string;
}

/** The job running this action: GITHUB_RUN_ID, GITHUB_JOB (the job's key), RUNNER_NAME. */
export interface SelfJob {
  readonly runId?: string;
  readonly job?: string;
  readonly runnerName?: string;
}

/** A check run or a job of this run, before grouping. */
interface RunEntry {
  /** The check run's id; a GitHub Actions job's id is its check run's id. */
  readonly id: number;
  readonly name: string;
  readonly app: string;
  /** The check suite (one per workflow run for GitHub Actions). */
  readonly suite?: number;
  /** The workflow run, for jobs read from this run. */
  readonly runId?: string;
  readonly status: string;
  readonly conclusion: string | null;
  readonly url?: string;
}

const ACTIONS_APP = 'github-actions';

/** A check run's or job's state: anything not completed is pending; success, neutral and skipped pass. */
export function runState(status: string, conclusion: string | null): CheckFacts['state'] {
  if (status !== 'completed') return 'pending';
  return conclusion === 'success' || conclusion === 'neutral' || conclusion === 'skipped' ? 'pass' : 'fail';
}

/** Every check run on `sha`, every attempt (GET /repos/{owner}/{repo}/commits/{ref}/check-runs?filter=all, all pages). */
async function fetchCheckRunEntries(client: GitHubClient, repository: RepositoryRef, sha: string): Promise<RunEntry[]> {
  const runs = await client.paginate(client.rest.checks.listForRef, { ...repository, ref: sha, filter: 'all', per_page: 100 });
  return runs.map((run) => ({
    id: run.id,
    name: run.name,
    app: run.app?.slug ?? (run.app ? `app ${run.app.id}` : 'unknown app'),
    ...(run.check_suite ? { suite: run.check_suite.id } : {}),
    status: run.status,
    conclusion: run.conclusion,
    ...(run.details_url || run.html_url ? { url: run.details_url ?? run.html_url ?? '' } : {}),
  }));
}

/**
 * The jobs of this workflow run's latest attempt (GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs?filter=latest,
 * all pages; needs `actions: read`), with the runner each runs on.
 * @returns undefined when the token may not read them (403, 404)
 */
async function fetchRunJobs(
  client: GitHubClient,
  repository: RepositoryRef,
  runId: string,
  logger: Logger,
): Promise<(RunEntry & { runnerName?: string })[] | undefined> {
  try {
    const jobs = await client.paginate(client.rest.actions.listJobsForWorkflowRun, { ...repository, run_id: Number(runId), filter: 'latest', per_page: 100 });
    return jobs.map((job) => {
      const checkRunId = Number(/\/check-runs\/(\d+)$/.exec(job.check_run_url ?? '')?.[1] ?? job.id);
      return {
        id: checkRunId,
        name: job.name,
        app: ACTIONS_APP,
        runId,
        status: job.status,
        conclusion: job.conclusion,
        ...(job.html_url ? { url: job.html_url } : {}),
        ...(job.runner_name ? { runnerName: job.runner_name } : {}),
      };
    });
  } catch (error) {
    const status = errorStatus(error);
    if (status !== 403 && status !== 404) throw error;
    logger.warning(
      `Cannot read the jobs of this workflow run (HTTP ${status}${status === 403 ? '; give the job `actions: read`' : ''}): its other jobs count only through their check runs on the head commit, and this job is found by its name`,
    );
    return undefined;
  }
}

/**
 * The workflow of each check suite and workflow run on `sha`
 * (GET /repos/{owner}/{repo}/actions/runs?head_sha=…, all pages; needs `actions: read`).
 * @returns maps from check suite id and from run id to the workflow's path, or undefined when the token may not read them
 */
async function fetchWorkflows(
  client: GitHubClient,
  repository: RepositoryRef,
  sha: string,
  logger: Logger,
): Promise<{ bySuite: Map<number, string>; byRun: Map<string, string> } | undefined> {
  try {
    const runs = await client.paginate(client.rest.actions.listWorkflowRunsForRepo, { ...repository, head_sha: sha, per_page: 100 });
    return {
      bySuite: new Map(runs.filter((run) => run.check_suite_id).map((run) => [run.check_suite_id!, run.path])),
      byRun: new Map(runs.map((run) => [String(run.id), run.path])),
    };
  } catch (error) {
    const status = errorStatus(error);
    if (status !== 403 && status !== 404) throw error;
    logger.warning(
      `Cannot read the workflow runs of the head commit (HTTP ${status}${status === 403 ? '; give the job `actions: read`' : ''}): check runs of one name are told apart by app only`,
    );
    return undefined;
  }
}

/** This job's check run id: the job of this run on this runner, else the running job named GITHUB_JOB. */
function findSelf(entries: readonly RunEntry[], jobs: readonly (RunEntry & { runnerName?: string })[] | undefined, self: SelfJob): number | undefined {
  const running = (entry: RunEntry) => entry.status !== 'completed';
  if (jobs) {
    const byRunner = self.runnerName ? jobs.find((job) => running(job) && job.runnerName === self.runnerName) : undefined;
    return (byRunner ?? (self.job ? jobs.find((job) => running(job) && job.name === self.job) : undefined))?.id;
  }
  if (!self.runId || !self.job) return undefined;
  return entries.find((entry) => running(entry) && entry.name === self.job && entry.url?.includes(`/actions/runs/${self.runId}/`))?.id;
}

/**
 * The check runs that decide, with this workflow run's other jobs (GitHub Actions' check runs of a workflow run
 * are its jobs, so a pending job counts as a pending check, even one whose check run is on another commit).
 *
 * Check runs are grouped by app and name, and GitHub Actions' ones also by workflow (through the check suite: one
 * per workflow run); in each group the newest run (highest id: a re-run makes a new one) decides. So a failing
 * `test` of another app, or of another workflow, is not hidden by a passing `test` elsewhere: each is its own check.
 * The group holding this job's own check run is left out: only this job, and its earlier attempts.
 * The workflow runs are read only when two workflow runs hold check runs of one name.
 *
 * Requests: the check runs (1 a 100), this run's jobs (1 a 100, when `self.runId` is set), the workflow runs on `sha` (0 or 1).
 */
export async function fetchCheckRuns(
  client: GitHubClient,
  repository: RepositoryRef,
  sha: string,
  options: { self: SelfJob; includeRunJobs: boolean; logger: Logger },
): Promise<CheckFacts[]> {
  const { self, logger } = options;
  const [entries, jobs] = await Promise.all([
    fetchCheckRunEntries(client, repository, sha),
    options.includeRunJobs && self.runId ? fetchRunJobs(client, repository, self.runId, logger) : Promise.resolve(undefined),
  ]);
  const selfId = findSelf(entries, jobs, self);
  if (jobs && selfId === undefined)
    logger.warning(
      `This job is not among the running jobs of workflow run ${self.runId ?? ''} (runner ${JSON.stringify(self.runnerName ?? '')}, job ${JSON.stringify(self.job ?? '')}): it is not left out of the checks`,
    );
  const known = new Set(entries.map((entry) => entry.id));
  const all: RunEntry[] = [...entries, ...(jobs ?? []).filter((job) => !known.has(job.id))];

  const groups = new Map<string, RunEntry[]>();
  for (const entry of all) {
    const key = `${entry.app}\u0000${entry.name}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const origin = (entry: RunEntry): string => (entry.suite !== undefined ? `suite:${entry.suite}` : `run:${entry.runId ?? ''}`);
  const mixed = [...groups.values()].some((group) => group[0]!.app === ACTIONS_APP && new Set(group.map(origin)).size > 1);
  const workflows = mixed ? await fetchWorkflows(client, repository, sha, logger) : undefined;
  const workflowOf = (entry: RunEntry): string =>
    (entry.suite !== undefined ? workflows?.bySuite.get(entry.suite) : undefined) ??
    (entry.runId !== undefined ? workflows?.byRun.get(entry.runId) : undefined) ??
    (entry.runId !== undefined ? `run ${entry.runId}` : `check suite ${entry.suite ?? '?'}`);

  const decided: { entry: RunEntry; source: string }[] = [];
  for (const group of groups.values()) {
    const parts = new Map<string, RunEntry[]>();
    for (const entry of group) {
      const key = entry.app === ACTIONS_APP && workflows ? workflowOf(entry) : `app ${entry.app}`;
      parts.set(key, [...(parts.get(key) ?? []), entry]);
    }
    for (const [key, part] of parts) {
      if (selfId !== undefined && part.some((entry) => entry.id === selfId)) continue;
      const newest = part.reduce((best, entry) => (entry.id > best.id ? entry : best));
      decided.push({ entry: newest, source: key.startsWith('app ') || key.startsWith('run ') || key.startsWith('check suite') ? key : `workflow ${key}` });
    }
  }
  const count = new Map<string, number>();
  for (const { entry } of decided) count.set(entry.name, (count.get(entry.name) ?? 0) + 1);
  return decided.map(({ entry, source }) => ({
    name: entry.name,
    kind: 'check run' as const,
    state: runState(entry.status, entry.conclusion),
    detail: entry.status === 'completed' ? (entry.conclusion ?? 'completed') : entry.status,
    ...(entry.url ? { url: entry.url } : {}),
    ...((count.get(entry.name) ?? 0) > 1 ? { source } : {}),
    app: entry.app,
  }));
}

/** The latest commit status of each context on `sha` (GET /repos/{owner}/{repo}/commits/{ref}/status, every page). */
export async function fetchStatuses(client: GitHubClient, repository: RepositoryRef, sha: string): Promise<CheckFacts[]> {
  const statuses: { context: string; state: string; target_url: string | null }[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await client.rest.repos.getCombinedStatusForRef({ ...repository, ref: sha, per_page: 100, page });
    statuses.push(...data.statuses);
    if (data.statuses.length < 100 || statuses.length >= data.total_count) break;
  }
  return statuses.map((status) => ({
    name: status.context,
    kind: 'status' as const,
    state: status.state === 'success' ? 'pass' : status.state === 'pending' ? 'pending' : 'fail',
    detail: status.state,
    ...(status.target_url ? { url: status.target_url } : {}),
  }));
}
