import { ActionError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import type { GitHubClient } from '../github/client.js';
import { logValue } from '../text/untrusted.js';
import { describeScope, listRunners, type Runner, type RunnerScope } from './list-runners.js';
import { sameLabel, type RunnerGroup } from './requirements.js';

/** What one group of runners looked like at the last look. Runner names are sorted. */
export interface RunnerGroupReport {
  /** The labels, joined by `, `. */
  readonly group: string;
  readonly labels: readonly string[];
  /** The least number of online runners needed. */
  readonly minimum: number;
  /** Whether at least `minimum` runners with every label are online (idle or busy). */
  readonly ok: boolean;
  /** Online runners with every label, waiting for a job. */
  readonly idle: readonly string[];
  /** Online runners with every label, running a job now: a queued job waits for them, it is not lost. */
  readonly busy: readonly string[];
  /** Registered runners with every label that are not connected: no job will start on them. */
  readonly offline: readonly string[];
}

/** The result of a check. */
export interface RunnersReport {
  /** Every group is ok. */
  readonly ok: boolean;
  readonly groups: readonly RunnerGroupReport[];
  /** How many runners the scope has, all labels. */
  readonly runnerCount: number;
  /** How many times the runners were listed (1 without `wait`). */
  readonly looks: number;
  /** Seconds spent waiting for groups to come online. */
  readonly waitedSeconds: number;
}

/** What to check. */
export interface CheckRunnersRequest {
  readonly client: GitHubClient;
  readonly scope: RunnerScope;
  readonly groups: readonly RunnerGroup[];
  /** How long to keep looking while a group has too few online runners, in seconds; 0 looks once. */
  readonly waitSeconds: number;
  /** Seconds between two looks; default {@link pollInterval}(waitSeconds). */
  readonly pollSeconds?: number;
  readonly logger: Logger;
  /** The sleep between looks (tests pass a fake one). */
  readonly sleep?: (seconds: number) => Promise<void>;
  /** The clock, in milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

/**
 * The time between two looks while waiting: a twentieth of `wait`, from 1 s to 30 s. Thirty
 * seconds is 120 requests an hour, far under the 5,000 a token may make (GitHub Docs, "Rate limits
 * for the REST API"), and a runner that comes online is seen within half a minute.
 */
export function pollInterval(waitSeconds: number): number {
  return Math.min(30, Math.max(1, waitSeconds / 20));
}

/** Whether `runner` has every label of `group`, compared as GitHub compares them (case-insensitively). */
export function runnerMatches(runner: Runner, group: RunnerGroup): boolean {
  return group.labels.every((label) => runner.labels.some((own) => sameLabel(own, label)));
}

/** Sorts the runners with every label of each group into idle, busy and offline (read → plan: no request). */
export function evaluateRunners(runners: readonly Runner[], groups: readonly RunnerGroup[]): RunnerGroupReport[] {
  const names = (list: readonly Runner[]) => list.map((runner) => runner.name).sort((a, b) => a.localeCompare(b));
  return groups.map((group) => {
    const matching = runners.filter((runner) => runnerMatches(runner, group));
    const online = matching.filter((runner) => runner.status === 'online');
    return {
      group: group.name,
      labels: group.labels,
      minimum: group.minimum,
      ok: online.length >= group.minimum,
      idle: names(online.filter((runner) => !runner.busy)),
      busy: names(online.filter((runner) => runner.busy)),
      offline: names(matching.filter((runner) => runner.status !== 'online')),
    };
  });
}

/** The runners of a group with their state, for messages: `tester-arm-1 offline, tester-arm-2 busy`. Names go through logValue. */
function runnersOf(report: RunnerGroupReport): string {
  const entries = [
    ...report.idle.map((name) => `${logValue(name)} online`),
    ...report.busy.map((name) => `${logValue(name)} busy`),
    ...report.offline.map((name) => `${logValue(name)} offline`),
  ];
  return entries.length ? entries.join(', ') : 'no runner has these labels';
}

/**
 * Why a group fails, in one sentence: `no online runner has self-hosted, tester, ARM64
 * (tester-arm-1 offline)`, or `2 online runners needed with self-hosted, builder, AMD64, 1 online
 * (builder-1 online, builder-2 offline)`. Empty for a group that is ok.
 */
export function groupProblem(report: RunnerGroupReport): string {
  if (report.ok) return '';
  const online = report.idle.length + report.busy.length;
  if (online === 0) return `no online runner has ${report.group} (${runnersOf(report)})`;
  return `${report.minimum} online runners needed with ${report.group}, ${online} online (${runnersOf(report)})`;
}

/**
 * The failure message of a check: every failing group's problem, and that no job was queued, e.g.
 * `no online runner has self-hosted, tester, ARM64 (tester-arm-1 offline); no job was queued: …`.
 */
export function runnersFailure(report: RunnersReport, scope: RunnerScope): string {
  const problems = report.groups.map(groupProblem).filter(Boolean).join('; ');
  const waited = report.looks > 1 ? ` after waiting ${Math.round(report.waitedSeconds)}s` : '';
  return `${problems}${waited}. ${NOTHING_QUEUED}: start them (or register runners with these labels on ${describeScope(scope)}) and run the workflow again`;
}

/** What every failure of the check says: the jobs that need it never reach the queue. */
export const NOTHING_QUEUED = 'No job was queued for these runners';

/**
 * Checks that every group has enough online runners: lists the scope's runners
 * ({@link listRunners}: `GET /repos/{owner}/{repo}/actions/runners` or `GET /orgs/{org}/actions/runners`,
 * every page), and while a group is short and `waitSeconds` has not passed, looks again every
 * `pollSeconds`. Busy runners count as online: a job queued for them starts when they finish.
 * Reads only: nothing is queued, started or changed.
 *
 * @returns the last look's report; `ok` false when a group is still short
 * @throws ActionError from listRunners (403 naming the permission, 404, other failures)
 */
export async function checkRunners(request: CheckRunnersRequest): Promise<RunnersReport> {
  const { client, scope, groups, waitSeconds, logger } = request;
  const sleep = request.sleep ?? ((seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)));
  const now = request.now ?? Date.now;
  const poll = request.pollSeconds ?? pollInterval(waitSeconds);
  const started = now();
  for (let looks = 1; ; looks += 1) {
    let runners: Runner[];
    try {
      runners = await listRunners(client, scope);
    } catch (error) {
      // The check could not look: the jobs that need it are not queued either, and the message says so.
      throw new ActionError(`${(error as Error).message}. ${NOTHING_QUEUED}`, { cause: error });
    }
    const reports = evaluateRunners(runners, groups);
    const waitedSeconds = (now() - started) / 1000;
    const report: RunnersReport = { ok: reports.every((group) => group.ok), groups: reports, runnerCount: runners.length, looks, waitedSeconds };
    for (const group of reports)
      logger.info(
        `${group.group} (x${group.minimum}): ${group.ok ? 'ok' : 'short'}: ${group.idle.length} idle, ${group.busy.length} busy, ${group.offline.length} offline${group.ok ? '' : ` (${runnersOf(group)})`}`,
      );
    if (report.ok || waitedSeconds >= waitSeconds) return report;
    const pause = Math.min(poll, waitSeconds - waitedSeconds);
    logger.info(`Waiting for ${reports.filter((group) => !group.ok).length} group(s) to come online: next look in ${pause.toFixed(0)}s (wait ${waitSeconds}s)`);
    await sleep(pause);
  }
}
