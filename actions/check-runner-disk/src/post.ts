import * as core from '@actions/core';
import { addSummaryTable, runAction, writeSummary } from '@exegol-release/core/action';
import { measureConsumption, type DiskConsumption, type DiskSnapshot } from '@exegol-release/core/disk';
import { formatBytes } from '@exegol-release/core/units';

/** The post step: reports how much space the job consumed on each filesystem since the main step. */
export async function run(): Promise<void> {
  await runAction('check-runner-disk (post)', async () => {
    const saved = core.getState('filesystems');
    if (!saved) {
      core.info('The main step did not measure any filesystem: nothing to compare.');
      return;
    }
    const consumption = await measureConsumption(JSON.parse(saved) as DiskSnapshot[]);
    const describe = (entry: DiskConsumption): string =>
      entry.status === 'measured'
        ? `this job consumed ${formatBytes(entry.consumedBytes!)} (free ${formatBytes(entry.freeAtStartBytes)} → ${formatBytes(entry.freeNowBytes!)})`
        : entry.status === 'gone'
          ? 'gone: the filesystem measured by the main step is no longer mounted there (unmounted during the job), nothing to compare'
          : 'no longer readable';
    for (const entry of consumption) core.info(`${entry.mountPoint}: ${describe(entry)}`);
    addSummaryTable(
      'check-runner-disk: disk consumed by this job',
      ['Filesystem', 'Free after the check', 'Free now', 'Consumed'],
      consumption.map((entry) => [
        entry.mountPoint,
        formatBytes(entry.freeAtStartBytes),
        entry.status === 'measured' ? formatBytes(entry.freeNowBytes!) : entry.status === 'gone' ? 'gone (unmounted)' : 'unreadable',
        entry.status === 'measured' ? formatBytes(entry.consumedBytes!) : '',
      ]),
    );
    await writeSummary();
  });
}
