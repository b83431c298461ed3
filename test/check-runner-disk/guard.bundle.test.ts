// What no cleanup setting may reach. Every test runs where a wrong
// implementation could only delete what the test made: case 7 inside a disposable root (see
// disposable-root.ts: the symlink to `/` points at that root's own `/`, never at this machine's);
// the others in a disposable tree shaped like a runner's `_work`, deep enough that `../..` stays inside it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { MOUNT_SKIP_REASON, fakeDocker, fill, mountTmpfs, type TestFilesystem } from '@exegol-release/testbed/fixtures/filesystems.js';
import { INSIDE, disposableRoot } from './disposable-root.js';

const MiB = 2 ** 20;
const mounted: TestFilesystem[] = [];
afterEach(async () => {
  while (mounted.length) await mounted.pop()!.unmount();
});

/** A runner's `_work` in a temporary directory: the workspace (a checkout with .git), RUNNER_TEMP, HOME. */
async function runnerTree(base?: string): Promise<{ work: string; workspace: string; runnerTemp: string; home: string }> {
  const top = base ?? (await mkdtemp(path.join(tmpdir(), 'runner-tree-')));
  const work = path.join(top, 'actions-runner', '_work');
  const workspace = path.join(work, 'Exegol', 'Exegol');
  const runnerTemp = path.join(work, '_temp');
  const home = path.join(top, 'home', 'runner');
  for (const directory of [path.join(workspace, '.git'), runnerTemp, home]) await mkdir(directory, { recursive: true });
  await writeFile(path.join(workspace, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(path.join(workspace, 'Dockerfile'), 'FROM debian\n');
  await writeFile(path.join(home, '.bashrc'), '# runner\n');
  return { work, workspace, runnerTemp, home };
}

describe.skipIf(MOUNT_SKIP_REASON)(
  `check-runner-disk bundle: a symlink to / inside a disposable root (case 7)${MOUNT_SKIP_REASON ? ` (skipped: ${MOUNT_SKIP_REASON})` : ''}`,
  () => {
    it('refuses a cleanup path that resolves to /, naming the input and the resolved path, and deletes nothing', async () => {
      const root = await disposableRoot();
      mounted.push(root);
      await symlink('/', root.at(path.join(INSIDE.workspace, 'rootlink')));
      const before = await readdir(root.hostPath);
      const run = await root.run({ paths: '/', 'min-free': '100%', cleanup: `${INSIDE.workspace}/rootlink` });
      expect(run.code, run.stdout).toBe(1);
      expect(run.errors).toEqual([
        `check-runner-disk failed: input 'cleanup' lists ${INSIDE.workspace}/rootlink, which resolves to /: the root directory; refusing to empty it`,
      ]);
      expect(await readdir(root.hostPath)).toEqual(before);
      expect(existsSync(root.at(INSIDE.node))).toBe(true);
      expect(existsSync(root.at(path.join(INSIDE.workspace, '.git', 'HEAD')))).toBe(true);
    });

    it.each([
      ['/runner/externals/node24', 'which resolves to /runner/externals/node24: the runner installation (/runner/externals)'],
      ['./nodelink', 'which resolves to /runner/externals/node24: the runner installation (/runner/externals)'],
      ['./liblink', 'which resolves to /usr/lib: a system directory (/usr)'],
      ['./runnerlink', 'which resolves to /runner: a top-level directory'],
      ['/runner/_work', 'which resolves to /runner/_work: an ancestor of the workspace (/runner/_work/Exegol/Exegol)'],
    ])('refuses cleanup: %s', async (cleanup, reason) => {
      const root = await disposableRoot();
      mounted.push(root);
      await mkdir(root.at('/usr/lib/cache'), { recursive: true });
      await symlink('/runner/externals/node24', root.at(path.join(INSIDE.workspace, 'nodelink')));
      await symlink('/usr/lib', root.at(path.join(INSIDE.workspace, 'liblink')));
      await symlink('/runner', root.at(path.join(INSIDE.workspace, 'runnerlink')));
      const run = await root.run({ paths: '/', 'min-free': '100%', cleanup });
      expect(run.code, run.stdout).toBe(1);
      expect(run.errors).toEqual([`check-runner-disk failed: input 'cleanup' lists ${cleanup}, ${reason}; refusing to empty it`]);
      expect(existsSync(root.at(INSIDE.node))).toBe(true);
      expect(existsSync(root.at('/usr/lib/cache'))).toBe(true);
    });

    it('empties the runner temp in the disposable root but keeps the runner\u2019s file commands, and still writes its outputs', async () => {
      const root = await disposableRoot();
      mounted.push(root);
      await fill(root.at(path.join(INSIDE.runnerTemp, 'build-cache', 'layer.bin')), MiB);
      const run = await root.run({ paths: '/', 'min-free': '100%', cleanup: 'runner-temp', fail: 'false' });
      expect(run.code, run.stdout).toBe(0);
      expect(await readdir(root.at(INSIDE.runnerTemp))).toEqual(['_runner_file_commands']);
      expect(run.outputs['ok']).toBe('false');
      expect(run.summary).toContain('<td>runner-temp</td><td>ran</td>');
    });
  },
);

describe('check-runner-disk bundle: the checkout, the runner and HOME are never emptied (case 8)', () => {
  it.each([
    ['.', 'the workspace'],
    ['../..', 'an ancestor of the workspace'],
    ['~', 'HOME'],
    ['~/..', 'an ancestor of HOME'],
    ['./../../_temp/..', 'an ancestor of the workspace'],
  ])('refuses cleanup: %s', async (cleanup, reason) => {
    const tree = await runnerTree();
    const run = await runBundle('check-runner-disk', {
      workspace: tree.workspace,
      inputs: { paths: tree.workspace, 'min-free': '100%', cleanup },
      env: { HOME: tree.home, RUNNER_TEMP: tree.runnerTemp },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      new RegExp(`^check-runner-disk failed: input 'cleanup' lists ${cleanup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, which resolves to /`),
    );
    expect(run.errors[0]).toContain(reason);
    expect(existsSync(path.join(tree.workspace, '.git', 'HEAD'))).toBe(true);
    expect(existsSync(path.join(tree.home, '.bashrc'))).toBe(true);
  });

  it('empties a directory without following the symlinks inside it', async () => {
    const tree = await runnerTree();
    const cache = path.join(tree.workspace, 'cache');
    const victim = path.join(tree.work, 'victim');
    await mkdir(path.join(cache, 'nested'), { recursive: true });
    await mkdir(victim);
    await writeFile(path.join(victim, 'keep.txt'), 'still here');
    await writeFile(path.join(cache, 'nested', 'old.bin'), 'x');
    await symlink(victim, path.join(cache, 'victim-link'));
    await symlink(path.join(victim, 'keep.txt'), path.join(cache, 'nested', 'file-link'));
    const run = await runBundle('check-runner-disk', {
      workspace: tree.workspace,
      inputs: { paths: tree.workspace, 'min-free': '100%', cleanup: './cache', fail: 'false' },
      env: { HOME: tree.home, RUNNER_TEMP: tree.runnerTemp },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await readdir(cache)).toEqual([]);
    expect(await readdir(victim)).toEqual(['keep.txt']);
  });

  it.skipIf(MOUNT_SKIP_REASON)('leaves a mount point inside the directory in place, bind mounts included', async () => {
    const tree = await runnerTree();
    const cache = path.join(tree.workspace, 'cache');
    const victim = path.join(tree.work, 'victim');
    await mkdir(path.join(cache, 'bound'), { recursive: true });
    await mkdir(victim);
    await writeFile(path.join(victim, 'keep.txt'), 'still here');
    await writeFile(path.join(cache, 'old.bin'), 'x');
    execFileSync('mount', ['--bind', victim, path.join(cache, 'bound')]);
    try {
      const run = await runBundle('check-runner-disk', {
        workspace: tree.workspace,
        inputs: { paths: tree.workspace, 'min-free': '100%', cleanup: './cache', fail: 'false' },
        env: { HOME: tree.home, RUNNER_TEMP: tree.runnerTemp },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(await readdir(cache)).toEqual(['bound']);
      expect(run.summary).toContain(`${path.join(cache, 'bound')} (a mount point)`);
    } finally {
      execFileSync('umount', [path.join(cache, 'bound')]);
    }
    expect(await readdir(victim)).toEqual(['keep.txt']);
  });
});

describe.skipIf(MOUNT_SKIP_REASON)(`check-runner-disk bundle: bounded cleanup (case 9)${MOUNT_SKIP_REASON ? ` (skipped: ${MOUNT_SKIP_REASON})` : ''}`, () => {
  async function tmpfs(sizeBytes: number): Promise<string> {
    const filesystem = await mountTmpfs(sizeBytes);
    mounted.push(filesystem);
    return filesystem.mountPoint;
  }

  it('empties a directory only while its own filesystem is under its target', async () => {
    const short = await tmpfs(16 * MiB);
    const roomy = await tmpfs(64 * MiB);
    await fill(path.join(short, 'data.bin'), 12 * MiB);
    await fill(path.join(roomy, 'cache', 'keep.bin'), MiB);
    const run = await runBundle('check-runner-disk', {
      inputs: { paths: `${short}\n${roomy}`, 'min-free': '8MiB', cleanup: path.join(roomy, 'cache'), fail: 'false' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await readdir(path.join(roomy, 'cache'))).toEqual(['keep.bin']);
    expect(run.summary).toContain(`<td>not needed</td><td>0 B</td><td>${roomy}, which holds ${path.join(roomy, 'cache')}, already meets its target</td>`);
  });

  it('refuses a cleanup directory on a filesystem that is not checked', async () => {
    const checked = await tmpfs(16 * MiB);
    const other = await tmpfs(16 * MiB);
    await fill(path.join(other, 'cache', 'keep.bin'), MiB);
    const run = await runBundle('check-runner-disk', { inputs: { paths: checked, 'min-free': '100%', cleanup: path.join(other, 'cache') } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toBe(
      `check-runner-disk failed: input 'cleanup' lists ${path.join(other, 'cache')}, which resolves to ${path.join(other, 'cache')}, on a filesystem that is not checked (${checked}): add it to paths, or clean only what is checked`,
    );
    expect(await readdir(path.join(other, 'cache'))).toEqual(['keep.bin']);
  });

  it('refuses a min-free of 400 digits, and one over 1 PiB', async () => {
    const directory = await tmpfs(MiB);
    const huge = await runBundle('check-runner-disk', { inputs: { paths: directory, 'min-free': `${'9'.repeat(400)}GB` } });
    expect(huge.code).toBe(1);
    expect(huge.errors[0]).toContain(`input 'min-free' "${'9'.repeat(40)}…" is too large: at most 8 PiB`);
    const large = await runBundle('check-runner-disk', { inputs: { paths: directory, 'min-free': '2PiB' } });
    expect(large.code).toBe(1);
    expect(large.errors[0]).toContain(`input 'min-free' "2PiB"`);
    const over = await runBundle('check-runner-disk', { inputs: { paths: directory, 'min-free': '2000TB' } });
    expect(over.errors[0]).toContain(`input 'min-free' "2000TB" is 1.8 PiB, over the largest accepted (1 PiB)`);
  });

  it('stops a docker prune that runs past docker-prune-timeout, and goes on', async () => {
    const directory = await tmpfs(4 * MiB);
    const tools = await tmpfs(MiB);
    const docker = await fakeDocker(tools, directory);
    await fill(path.join(directory, 'data.bin'), MiB);
    await writeFile(docker.command, `#!/bin/sh\necho "$*" >> ${JSON.stringify(docker.log)}\nsleep 60\n`);
    const started = Date.now();
    const run = await runBundle('check-runner-disk', {
      inputs: {
        paths: directory,
        'min-free': '100%',
        cleanup: 'docker-builder',
        'docker-command': docker.command,
        'docker-prune-timeout': '1s',
        fail: 'false',
      },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.summary).toContain('failed: stopped after 1s (docker-prune-timeout)');
  });

  it('refuses a docker-prune-timeout that is not a duration from 1s to 24h', async () => {
    const directory = await tmpfs(MiB);
    for (const value of ['0', 'forever', '2d']) {
      const run = await runBundle('check-runner-disk', { inputs: { paths: directory, 'docker-prune-timeout': value } });
      expect(run.code).toBe(1);
      expect(run.errors[0]).toContain(`input 'docker-prune-timeout'`);
    }
  });
});
