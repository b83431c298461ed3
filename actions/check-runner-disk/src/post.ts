import { addSummaryTable, formatBytes, measureConsumption, runAction, runner, writeSummary, type DiskSnapshot } from '@exegol-release/core';

/** The post step: reports how much space the job consumed on each filesystem since the main step. */
export async function post(): Promise<void> {
  await runAction('check-runner-disk (post)', async () => {
    const saved = runner.getState('filesystems');
    if (!saved) {
      runner.info('The main step did not measure any filesystem: nothing to compare.');
      return;
    }
    const consumption = await measureConsumption(JSON.parse(saved) as DiskSnapshot[]);
    for (const entry of consumption) {
      runner.info(entry.consumedBytes === undefined ? `${entry.mountPoint}: no longer readable` : `${entry.mountPoint}: this job consumed ${formatBytes(entry.consumedBytes)} (free ${formatBytes(entry.freeAtStartBytes)} → ${formatBytes(entry.freeNowBytes!)})`);
    }
    addSummaryTable(
      'check-runner-disk: disk consumed by this job',
      ['Filesystem', 'Free after the check', 'Free now', 'Consumed'],
      consumption.map((entry) => [entry.mountPoint, formatBytes(entry.freeAtStartBytes), entry.freeNowBytes === undefined ? 'unreadable' : formatBytes(entry.freeNowBytes), entry.consumedBytes === undefined ? '' : formatBytes(entry.consumedBytes)]),
    );
    writeSummary();
  });
}
