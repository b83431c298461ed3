import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import {
  ActionError,
  InputError,
  actionsLogger,
  addSummaryTable,
  readBoolean,
  readDuration,
  readList,
  readRunnerContext,
  readString,
  runAction,
  writeSummary,
  type RunnerContext,
} from '@exegol-release/core/action';
import {
  checkDisk,
  parseCleanupSteps,
  parseMinFree,
  resolveFilesystems,
  cleanupPolicy,
  type CheckDiskRequest,
  type DiskReport,
  type DiskSnapshot,
  type MinFree,
  type RunnerDirectories,
  type RunnerPaths,
} from '@exegol-release/core/disk';
import { formatBytes } from '@exegol-release/core/units';

const DOCKER_DATA_ROOT = '/var/lib/docker';
/** The longest docker-prune-timeout: a day. */
const MAX_DOCKER_TIMEOUT_SECONDS = 24 * 3600;

function defaultPaths(directories: RunnerDirectories): string[] {
  return [directories.workspace, directories.runnerTemp, existsSync(DOCKER_DATA_ROOT) ? DOCKER_DATA_ROOT : undefined].filter((entry): entry is string =>
    Boolean(entry),
  );
}

function readDockerTimeout(): number {
  const seconds = readDuration('docker-prune-timeout', 30 * 60);
  if (seconds < 1 || seconds > MAX_DOCKER_TIMEOUT_SECONDS)
    throw new InputError('docker-prune-timeout', `must be from 1s to 24h, got "${core.getInput('docker-prune-timeout')}"`);
  return seconds;
}

/** Where the runner and this step live, from the runner's context and this process. */
function runnerPaths(context: RunnerContext = readRunnerContext()): RunnerPaths {
  return {
    workspace: context.workspace,
    ...(context.runnerTempSet ? { runnerTemp: context.runnerTemp } : {}),
    ...(context.toolCache ? { toolCache: context.toolCache } : {}),
    ...(context.home ? { home: context.home } : {}),
    nodeBinary: process.execPath,
    ...(process.argv[1] ? { actionFile: process.argv[1] } : {}),
    fileCommands: context.fileCommands,
  };
}

async function readRequest(): Promise<CheckDiskRequest & { fail: boolean }> {
  const context = runnerPaths();
  const given = readList('paths').map((entry) => path.resolve(context.workspace, entry));
  for (const entry of given) if (!existsSync(entry)) throw new InputError('paths', `lists ${entry}, which does not exist`);
  const minFree = parseMinFree(readString('min-free', { fallback: '100GB' }), 'min-free');
  const dockerCommand = readString('docker-command', { fallback: 'docker' }).split(/\s+/);
  const dockerTimeoutSeconds = readDockerTimeout();
  const fail = readBoolean('fail', true);
  const { guard, keep } = await cleanupPolicy(context);
  const filesystems = await resolveFilesystems(given.length ? given : defaultPaths(context));
  return {
    filesystems,
    minFree,
    cleanup: await parseCleanupSteps(readList('cleanup'), 'cleanup', context, guard, filesystems),
    dockerCommand,
    dockerFilters: readList('docker-prune-filter'),
    keep,
    dockerTimeoutSeconds,
    fail,
    logger: actionsLogger,
  };
}

/** Formats bytes in the kind of unit min-free was written in: GiB for IEC units, GB otherwise. */
function byteFormatter(minFree: MinFree): (bytes: number) => string {
  const style = minFree.kind === 'bytes' && minFree.binary ? 'binary' : 'decimal';
  return (bytes) => formatBytes(bytes, style);
}

function summarise(report: DiskReport, bytes: (value: number) => string): void {
  addSummaryTable(
    `check-runner-disk: ${report.ok ? 'enough free space' : 'short of disk'}`,
    ['Filesystem', 'Size', 'Free before', 'Free after', 'Target', 'Verdict'],
    report.filesystems.map((fs) => [
      `${fs.mountPoint} (${fs.paths.join(', ')})`,
      bytes(fs.sizeBytes),
      bytes(fs.freeBeforeBytes),
      bytes(fs.freeAfterBytes),
      bytes(fs.targetBytes),
      fs.verdict,
    ]),
  );
  if (report.cleanup.length)
    addSummaryTable(
      'Cleanup',
      ['Step', 'Status', 'Freed', 'Detail'],
      report.cleanup.map((step) => [step.step, step.status, bytes(step.freedBytes), step.detail]),
    );
}

/** Reads the inputs, checks and cleans the disk, sets the outputs, saves state for the post step. */
export async function run(): Promise<void> {
  core.saveState('isPost', 'true');
  await runAction('check-runner-disk', async () => {
    const request = await readRequest();
    const report = await checkDisk(request);
    const bytes = byteFormatter(request.minFree);
    for (const fs of report.filesystems)
      core.info(`${fs.mountPoint}: ${bytes(fs.freeAfterBytes)} free of ${bytes(fs.sizeBytes)}, target ${bytes(fs.targetBytes)}: ${fs.verdict}`);
    const devices = new Map(request.filesystems.map((fs) => [fs.mountPoint, fs.device]));
    const snapshots: DiskSnapshot[] = report.filesystems.map((fs) => ({
      mountPoint: fs.mountPoint,
      freeBytes: fs.freeAfterBytes,
      device: devices.get(fs.mountPoint),
    }));
    core.saveState('filesystems', JSON.stringify(snapshots));
    core.setOutput('ok', String(report.ok));
    core.setOutput('free-bytes', String(report.leastFreeBytes));
    core.setOutput('freed-bytes', String(report.freedBytes));
    core.setOutput('report', JSON.stringify(report.filesystems));
    summarise(report, bytes);
    await writeSummary();
    if (report.ok) return;
    const low = report.filesystems
      .filter((fs) => fs.verdict === 'low')
      .map((fs) => `${fs.mountPoint} has ${bytes(fs.freeAfterBytes)} free, under its target of ${bytes(fs.targetBytes)} (min-free ${request.minFree.text})`)
      .join('; ');
    const advice = request.cleanup.length ? 'after every cleanup step' : 'and no cleanup step is configured (input cleanup)';
    if (request.fail) throw new ActionError(`${low}, ${advice}`);
    core.warning(`${low}, ${advice}`, { title: 'Runner short of disk' });
  });
}
