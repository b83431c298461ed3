import type { Logger } from '../action/logger.js';
import { runCleanupStep, stepName, type CleanupStep } from './cleanup.js';
import { mountPointOf, spaceOf, type Filesystem } from './filesystem.js';
import { targetBytes, type MinFree } from './min-free.js';

/** A filesystem's verdict: its target met at once, met after cleanup, or still not met. */
export type DiskVerdict = 'ok' | 'cleaned' | 'low';

/** One filesystem in the report (the `report` output). Every figure is in bytes. */
export interface FilesystemReport {
  readonly mountPoint: string;
  readonly paths: readonly string[];
  readonly sizeBytes: number;
  readonly freeBeforeBytes: number;
  readonly freeAfterBytes: number;
  readonly targetBytes: number;
  readonly verdict: DiskVerdict;
}

/** One cleanup step in the report. `freedBytes` adds up the free space gained on the checked filesystems (may be negative when something else wrote meanwhile). */
export interface CleanupReport {
  readonly step: string;
  readonly status: 'ran' | 'failed' | 'not needed';
  readonly freedBytes: number;
  readonly detail: string;
}

/** The whole check. */
export interface DiskReport {
  readonly ok: boolean;
  readonly filesystems: readonly FilesystemReport[];
  readonly cleanup: readonly CleanupReport[];
  /** The least free space among the filesystems after cleanup, in bytes. */
  readonly leastFreeBytes: number;
  /** Free space gained by cleanup over every filesystem, in bytes (never negative). */
  readonly freedBytes: number;
}

/** What to check and how to clean. */
export interface CheckDiskRequest {
  /** The filesystems to check (resolveFilesystems). */
  readonly filesystems: readonly Filesystem[];
  readonly minFree: MinFree;
  readonly cleanup: readonly CleanupStep[];
  readonly dockerCommand: readonly string[];
  readonly dockerFilters: readonly string[];
  /** Paths kept while emptying a directory: the runner's file commands, the node binary, this action. */
  readonly keep: readonly string[];
  /** Seconds one docker prune command may take (docker-prune-timeout). */
  readonly dockerTimeoutSeconds: number;
  readonly logger: Logger;
}

async function measure(filesystems: readonly Filesystem[]): Promise<number[]> {
  return Promise.all(filesystems.map(async (filesystem) => (await spaceOf(filesystem.mountPoint)).freeBytes));
}

/**
 * Checks the free space of every filesystem against `minFree` and, while
 * any of them is short, runs the cleanup steps in order, stopping as soon as
 * every target is met. A directory step runs only while its own filesystem
 * is under its target; a docker step while any is. Space is read from the
 * kernel (statfs(2)) before and after each step.
 */
export async function checkDisk(request: CheckDiskRequest): Promise<DiskReport> {
  const { filesystems } = request;
  const spaces = await Promise.all(filesystems.map((filesystem) => spaceOf(filesystem.mountPoint)));
  const sizes = spaces.map((space) => space.sizeBytes);
  const targets = sizes.map((size) => targetBytes(request.minFree, size));
  const before = spaces.map((space) => space.freeBytes);
  const short = (free: readonly number[]): boolean => free.some((bytes, index) => bytes < targets[index]!);

  let current = before;
  const cleanup: CleanupReport[] = [];
  for (const step of request.cleanup) {
    if (!short(current)) {
      cleanup.push({ step: stepName(step), status: 'not needed', freedBytes: 0, detail: 'every filesystem already meets its target' });
      continue;
    }
    if ('device' in step) {
      const index = filesystems.findIndex((filesystem) => filesystem.device === step.device);
      if (index >= 0 && current[index]! >= targets[index]!) {
        const detail = `${filesystems[index]!.mountPoint}, which holds ${step.path}, already meets its target`;
        cleanup.push({ step: stepName(step), status: 'not needed', freedBytes: 0, detail });
        continue;
      }
    }
    request.logger.info(`Cleaning: ${stepName(step)}`);
    const outcome = await runCleanupStep(step, {
      dockerCommand: request.dockerCommand,
      filters: request.dockerFilters,
      keep: request.keep,
      timeoutSeconds: request.dockerTimeoutSeconds,
    });
    const after = await measure(filesystems);
    const freedBytes = after.reduce((total, bytes, index) => total + bytes - current[index]!, 0);
    cleanup.push({ step: stepName(step), status: outcome.ok ? 'ran' : 'failed', freedBytes, detail: outcome.detail });
    request.logger.info(`  ${outcome.detail}`);
    current = after;
  }

  const reports = filesystems.map((filesystem, index): FilesystemReport => {
    const target = targets[index]!;
    const freeAfter = current[index]!;
    const verdict: DiskVerdict = before[index]! >= target ? 'ok' : freeAfter >= target ? 'cleaned' : 'low';
    return {
      mountPoint: filesystem.mountPoint,
      paths: filesystem.paths,
      sizeBytes: sizes[index]!,
      freeBeforeBytes: before[index]!,
      freeAfterBytes: freeAfter,
      targetBytes: target,
      verdict,
    };
  });
  return {
    ok: reports.every((report) => report.verdict !== 'low'),
    filesystems: reports,
    cleanup,
    leastFreeBytes: Math.min(...current),
    freedBytes: Math.max(
      0,
      current.reduce((total, bytes, index) => total + bytes - before[index]!, 0),
    ),
  };
}

/** Free space per mount point at the end of the main step, saved for the post step. */
export interface DiskSnapshot {
  readonly mountPoint: string;
  readonly freeBytes: number;
  /** The filesystem's device (stat's st_dev) at the main step: the post step measures only that filesystem. */
  readonly device?: number;
}

/** What the job consumed on one filesystem between the main step and the post step, in bytes. */
export interface DiskConsumption {
  readonly mountPoint: string;
  readonly freeAtStartBytes: number;
  /**
   * `measured`: the same filesystem is still mounted there; `gone`: another filesystem (or none)
   * is at the mount point now (unmounted during the job), so nothing is compared; `unreadable`:
   * the mount point cannot be read.
   */
  readonly status: 'measured' | 'gone' | 'unreadable';
  /** Undefined unless `measured`. */
  readonly freeNowBytes?: number;
  readonly consumedBytes?: number;
}

/**
 * Compares saved free space with the kernel's figures now (statfs(2)), for each filesystem still
 * mounted where it was: a mount point whose device (stat(2) st_dev) or mount root changed since the
 * main step is `gone`, never compared with the filesystem now under it.
 */
export async function measureConsumption(snapshots: readonly DiskSnapshot[]): Promise<DiskConsumption[]> {
  return Promise.all(
    snapshots.map(async (snapshot): Promise<DiskConsumption> => {
      const base = { mountPoint: snapshot.mountPoint, freeAtStartBytes: snapshot.freeBytes };
      let now: { mountPoint: string; device: number };
      try {
        now = await mountPointOf(snapshot.mountPoint);
      } catch (error) {
        return { ...base, status: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable' };
      }
      if (now.mountPoint !== snapshot.mountPoint || (snapshot.device !== undefined && now.device !== snapshot.device)) return { ...base, status: 'gone' };
      try {
        const { freeBytes } = await spaceOf(snapshot.mountPoint);
        return { ...base, status: 'measured', freeNowBytes: freeBytes, consumedBytes: snapshot.freeBytes - freeBytes };
      } catch {
        return { ...base, status: 'unreadable' };
      }
    }),
  );
}
