import { statfsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { MOUNT_SKIP_REASON, dfBytes, fakeDocker, fill, mountExt4, mountTmpfs, type TestFilesystem } from '@exegol-release/testbed/fixtures/filesystems.js';

const MiB = 2 ** 20;
const mounted: TestFilesystem[] = [];
afterEach(async () => {
  while (mounted.length) await mounted.pop()!.unmount();
});

async function tmpfs(sizeBytes: number): Promise<string> {
  const filesystem = await mountTmpfs(sizeBytes);
  mounted.push(filesystem);
  return filesystem.mountPoint;
}

interface Report {
  mountPoint: string;
  paths: string[];
  sizeBytes: number;
  freeBeforeBytes: number;
  freeAfterBytes: number;
  targetBytes: number;
  verdict: string;
}

const reportOf = (outputs: Record<string, string>): Report[] => JSON.parse(outputs['report']!) as Report[];

describe.skipIf(MOUNT_SKIP_REASON)(`check-runner-disk bundle on real filesystems${MOUNT_SKIP_REASON ? ` (skipped: ${MOUNT_SKIP_REASON})` : ''}`, () => {
  it('passes above the target, runs no cleanup, and reports what df -B1 reports', async () => {
    const mountPoint = await tmpfs(64 * MiB);
    await fill(path.join(mountPoint, 'data.bin'), 10 * MiB);
    const docker = await fakeDocker(await tmpfs(MiB), mountPoint);
    const run = await runBundle('check-runner-disk', {
      inputs: { paths: mountPoint, 'min-free': '32MiB', cleanup: 'docker-builder', 'docker-command': docker.command },
    });
    expect(run.code, run.stdout).toBe(0);
    const df = dfBytes(mountPoint);
    const [report] = reportOf(run.outputs);
    expect(report).toMatchObject({
      mountPoint,
      paths: [mountPoint],
      sizeBytes: df.sizeBytes,
      freeBeforeBytes: df.availableBytes,
      freeAfterBytes: df.availableBytes,
      targetBytes: 32 * MiB,
      verdict: 'ok',
    });
    expect(run.outputs).toMatchObject({ ok: 'true', 'free-bytes': String(df.availableBytes), 'freed-bytes': '0' });
    expect(await import('node:fs/promises').then((fs) => fs.readFile(docker.log, 'utf8'))).toBe('');
    expect(run.summary).toContain('<td>64.0 MiB</td><td>54.0 MiB</td><td>54.0 MiB</td><td>32.0 MiB</td><td>ok</td>');
    expect(run.summary).toContain('not needed');
  });

  it('warns under the target with fail: false, and still succeeds', async () => {
    const mountPoint = await tmpfs(64 * MiB);
    await fill(path.join(mountPoint, 'data.bin'), 40 * MiB);
    const run = await runBundle('check-runner-disk', { inputs: { paths: mountPoint, 'min-free': '30MiB', fail: 'false' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.errors).toEqual([]);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toBe(
      `${mountPoint} has 24.0 MiB free, under its target of 30.0 MiB (min-free 30MiB), and no cleanup step is configured (input cleanup)`,
    );
    expect(run.outputs['ok']).toBe('false');
    expect(reportOf(run.outputs)[0]!.verdict).toBe('low');
  });

  it('fails under the target with fail: true, naming the filesystem, and still sets the outputs', async () => {
    const mountPoint = await tmpfs(64 * MiB);
    await fill(path.join(mountPoint, 'data.bin'), 40 * MiB);
    const run = await runBundle('check-runner-disk', { inputs: { paths: mountPoint, 'min-free': '30MB' } });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `check-runner-disk failed: ${mountPoint} has 25.2 MB free, under its target of 30.0 MB (min-free 30MB), and no cleanup step is configured (input cleanup)`,
    ]);
    expect(run.outputs['ok']).toBe('false');
    expect(Number(run.outputs['free-bytes'])).toBe(dfBytes(mountPoint).availableBytes);
  });

  it('takes a percentage of each filesystem\u2019s size', async () => {
    const mountPoint = await tmpfs(64 * MiB);
    await fill(path.join(mountPoint, 'data.bin'), 40 * MiB);
    const pass = await runBundle('check-runner-disk', { inputs: { paths: mountPoint, 'min-free': '30%' } });
    expect(pass.code, pass.stdout).toBe(0);
    expect(reportOf(pass.outputs)[0]!.targetBytes).toBe(Math.ceil(64 * MiB * 0.3));
    const failing = await runBundle('check-runner-disk', { inputs: { paths: mountPoint, 'min-free': '40%' } });
    expect(failing.code).toBe(1);
    expect(reportOf(failing.outputs)[0]!.verdict).toBe('low');
  });

  it('counts only the space an unprivileged user may use on ext4 (root-reserved blocks left out), as df does', async () => {
    const filesystem = await mountExt4(64 * MiB);
    mounted.push(filesystem);
    const { mountPoint } = filesystem;
    const stats = statfsSync(mountPoint);
    const available = stats.bavail * stats.bsize;
    const free = stats.bfree * stats.bsize;
    expect(free).toBeGreaterThan(available);
    const between = Math.floor((available + free) / 2);
    const run = await runBundle('check-runner-disk', { inputs: { paths: mountPoint, 'min-free': String(between), fail: 'false' } });
    expect(run.code, run.stdout).toBe(0);
    const [report] = reportOf(run.outputs);
    const df = dfBytes(mountPoint);
    expect(report).toMatchObject({ sizeBytes: df.sizeBytes, freeAfterBytes: df.availableBytes, verdict: 'low' });
  });

  it('reports each filesystem once, and the least free space over all of them', async () => {
    const roomy = await tmpfs(64 * MiB);
    const tight = await tmpfs(32 * MiB);
    await fill(path.join(tight, 'data.bin'), 24 * MiB);
    const nested = path.join(roomy, 'sub');
    await fill(path.join(nested, 'x'), 1);
    const run = await runBundle('check-runner-disk', { inputs: { paths: `${roomy}\n${nested}\n${tight}`, 'min-free': '16MiB', fail: 'false' } });
    expect(run.code, run.stdout).toBe(0);
    const reports = reportOf(run.outputs);
    expect(reports.map((report) => [report.mountPoint, report.paths, report.verdict])).toEqual([
      [roomy, [roomy, nested], 'ok'],
      [tight, [tight], 'low'],
    ]);
    expect(Number(run.outputs['free-bytes'])).toBe(dfBytes(tight).availableBytes);
    expect(run.warnings[0]).toContain(tight);
    expect(run.warnings[0]).not.toContain(roomy);
  });
});
