import * as core from '@actions/core';
import {
  ActionError,
  InputError,
  actionsLogger,
  addSummaryTable,
  readBoolean,
  readDuration,
  readList,
  readSecret,
  readString,
  runAction,
  writeSummary,
  readRunnerContext,
} from '@exegol-release/core/action';
import { createGitHubClient, currentRepository } from '@exegol-release/core/github';
import {
  checkRunners,
  describeScope,
  parseRunnerGroups,
  runnersFailure,
  type CheckRunnersRequest,
  type RunnerScope,
  type RunnersReport,
} from '@exegol-release/core/runners';

/** The longest wait: a GitHub-hosted job (where this check runs) may run 6 hours. */
const MAX_WAIT_SECONDS = 6 * 3600;

function readScope(): RunnerScope {
  const repository = readString('repository');
  const organization = readString('organization');
  if (repository && organization) throw new InputError('organization', `and repository are both given ("${organization}", "${repository}"): give one`);
  if (organization) {
    // GitHub's account names: letters, digits and single hyphens, not at either end, at most 39 characters.
    if (!/^[A-Za-z\d](?:[A-Za-z\d]|-(?=[A-Za-z\d])){0,38}$/.test(organization))
      throw new InputError('organization', `must be an organization's login, e.g. ThePorgs, got "${organization}"`);
    return { kind: 'organization', org: organization };
  }
  if (!repository) return { kind: 'repository', ...currentRepository() };
  const [owner = '', repo = '', ...rest] = repository.split('/');
  if (rest.length || !/^[\w.-]+$/.test(owner) || !/^[\w.-]+$/.test(repo)) throw new InputError('repository', `must be owner/name, got "${repository}"`);
  return { kind: 'repository', owner, repo };
}

function readWait(): number {
  const seconds = readDuration('wait', 0);
  if (seconds < 0 || seconds > MAX_WAIT_SECONDS) throw new InputError('wait', `must be from 0 to 6h, got "${core.getInput('wait')}"`);
  return seconds;
}

function readRequest(): CheckRunnersRequest & { fail: boolean } {
  const token = readSecret('github-token');
  if (!token) throw new InputError('github-token', 'is empty: pass a token that may list the runners (see the README), e.g. ${{ secrets.RUNNERS_TOKEN }}');
  const scope = readScope();
  const groups = parseRunnerGroups(readList('require'), 'require');
  const waitSeconds = readWait();
  const fail = readBoolean('fail', true);
  return {
    client: createGitHubClient(token, { ...(readRunnerContext().apiUrl ? { apiUrl: readRunnerContext().apiUrl! } : {}), logger: actionsLogger }),
    scope,
    groups,
    waitSeconds,
    fail,
    logger: actionsLogger,
  };
}

/** One table a group: its runners with every label, online ones first. Names are escaped by addSummaryTable. */
function summarise(report: RunnersReport, scope: RunnerScope): void {
  for (const group of report.groups) {
    const rows = [
      ...group.idle.map((name) => [name, 'online', 'idle']),
      ...group.busy.map((name) => [name, 'online', 'busy']),
      ...group.offline.map((name) => [name, 'offline', '']),
    ];
    addSummaryTable(
      `check-runners: ${group.group} (at least ${group.minimum} online): ${group.ok ? 'ok' : 'too few online'}`,
      ['Runner', 'Status', 'Activity'],
      rows.length ? rows : [[`no runner of ${describeScope(scope)} has these labels`, '', '']],
    );
  }
}

/** Reads the inputs, lists the runners (waiting if asked), sets ok and report and the summary; fails when a group has too few online runners. */
export async function run(): Promise<void> {
  await runAction('check-runners', async () => {
    const request = readRequest();
    const report = await checkRunners(request);
    core.setOutput('ok', String(report.ok));
    core.setOutput('report', JSON.stringify(report.groups));
    summarise(report, request.scope);
    await writeSummary();
    if (report.ok) {
      core.info(`Every group has enough online runners (${report.runnerCount} runners on ${describeScope(request.scope)})`);
      return;
    }
    const message = runnersFailure(report, request.scope);
    if (request.fail) throw new ActionError(message);
    core.warning(message, { title: 'Self-hosted runners offline' });
  });
}
