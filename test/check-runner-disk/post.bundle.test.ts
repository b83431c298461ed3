import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes } from '@exegol-release/core/units';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { MOUNT_SKIP_REASON, fill, mountTmpfs, type TestFilesystem } from '@exegol-release/testbed/fixtures/filesystems.js';

const MiB = 2 ** 20;
const mounted: TestFilesystem[] = [];
afterEach(async () => {
  while (mounted.length) await mounted.pop()!.unmount();
});

describe('check-runner-disk bundle: the post step', () => {
  it.skipIf(MOUNT_SKIP_REASON)('reports the space the job consumed on each filesystem', async () => {
    const filesystem = await mountTmpfs(64 * MiB);
    mounted.push(filesystem);
    const main = await runBundle('check-runner-disk', { inputs: { paths: filesystem.mountPoint, 'min-free': '1MiB' } });
    expect(main.code, main.stdout).toBe(0);
    expect(main.state['isPost']).toBe('true');
    await fill(path.join(filesystem.mountPoint, 'build-output.bin'), 8 * MiB);
    const post = await runBundle('check-runner-disk', { runnerDirectory: main.runnerDirectory, postState: main.state });
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain(`${filesystem.mountPoint}: this job consumed ${formatBytes(8 * MiB)}`);
    expect(post.summary).toContain('disk consumed by this job');
    expect(post.summary).toContain(`<td>${formatBytes(8 * MiB)}</td>`);
  });

  it.skipIf(MOUNT_SKIP_REASON)('reports a filesystem unmounted during the job as gone, not as negative consumption', async () => {
    const outer = await mountTmpfs(256 * MiB);
    mounted.push(outer);
    const inner = path.join(outer.mountPoint, 'scratch');
    await mkdir(inner);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${64 * MiB}`, 'tmpfs', inner]);
    await fill(path.join(inner, 'build-output.bin'), 8 * MiB);
    const main = await runBundle('check-runner-disk', { inputs: { paths: inner, 'min-free': '1MiB' } });
    execFileSync('umount', [inner]);
    expect(main.code, main.stdout).toBe(0);
    const post = await runBundle('check-runner-disk', { runnerDirectory: main.runnerDirectory, postState: main.state });
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain(`${inner}: gone: the filesystem measured by the main step is no longer mounted there`);
    expect(post.stdout).not.toContain('consumed -');
    expect(post.summary).toContain('<td>gone (unmounted)</td>');
  });

  it('says there is nothing to compare when the main step failed before measuring', async () => {
    const main = await runBundle('check-runner-disk', { inputs: { 'min-free': 'plenty' } });
    expect(main.code).toBe(1);
    expect(main.state).toEqual({ isPost: 'true' });
    const post = await runBundle('check-runner-disk', { runnerDirectory: main.runnerDirectory, postState: main.state });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing to compare');
  });
});
