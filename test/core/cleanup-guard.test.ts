// The cleanup guard of check-runner-disk on its own (no bundle): what is kept, what is refused,
// and how the cleanup lines are resolved against a typed runner context, on a temporary tree
// shaped like a runner's (`<runner>/externals/node24/bin/node`, `_work`, HOME).
import { mkdir, mkdtemp, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupPolicy,
  isWithin,
  refusalOf,
  runnerGuard,
  runnerInstallation,
  type CleanupGuard,
  type RunnerPaths,
} from '../../packages/core/src/disk/cleanup-guard.js';
import { parseCleanupSteps } from '../../packages/core/src/disk/cleanup.js';
import { emptyDirectory } from '../../packages/core/src/disk/empty-directory.js';
import { resolveFilesystems } from '../../packages/core/src/disk/filesystem.js';

let top = '';
let context: RunnerPaths;

beforeAll(async () => {
  top = await realpath(await mkdtemp(path.join(tmpdir(), 'cleanup-guard-')));
  const runner = path.join(top, 'actions-runner');
  const work = path.join(runner, '_work');
  context = {
    workspace: path.join(work, 'Exegol', 'Exegol'),
    runnerTemp: path.join(work, '_temp'),
    toolCache: path.join(runner, '_tool'),
    home: path.join(top, 'home', 'runner'),
    nodeBinary: path.join(runner, 'externals', 'node24', 'bin', 'node'),
    actionFile: path.join(work, '_actions', 'check-runner-disk', 'dist', 'index.js'),
    fileCommands: [path.join(work, '_temp', '_runner_file_commands', 'set_output_1')],
    platform: 'linux',
  };
  for (const directory of [
    context.workspace,
    context.runnerTemp!,
    context.toolCache!,
    context.home!,
    path.dirname(context.nodeBinary),
    path.dirname(context.actionFile!),
  ])
    await mkdir(directory, { recursive: true });
  await mkdir(path.dirname(context.fileCommands![0]!), { recursive: true });
  for (const file of [context.nodeBinary, context.actionFile!, context.fileCommands![0]!]) await writeFile(file, '');
  await mkdir(path.join(context.home!, '.cache', 'pip'), { recursive: true });
  await mkdir(path.join(context.runnerTemp!, 'build'), { recursive: true });
});
afterAll(async () => rm(top, { recursive: true, force: true }));

describe('isWithin and runnerInstallation', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b/c', '/a/b', true],
    ['/a/bc', '/a/b', false],
    ['/a', '/a/b', false],
    ['/a/b/../c', '/a/b', false],
  ])('isWithin(%s, %s) is %s', (inner, outer, expected) => {
    expect(isWithin(path.normalize(inner), outer)).toBe(expected);
  });

  it('finds the runner installation from its own node only', () => {
    expect(runnerInstallation('/home/runner/actions-runner/externals/node24/bin/node')).toBe('/home/runner/actions-runner');
    expect(runnerInstallation('/usr/bin/node')).toBeUndefined();
  });
});

describe('refusalOf', () => {
  let guard: CleanupGuard;
  beforeAll(async () => {
    guard = (await cleanupPolicy(context)).guard;
  });

  it.each([
    ['/', 'the root directory'],
    ['/opt', 'a top-level directory'],
    ['/usr/local/lib', 'a system directory (/usr)'],
    ['/var/lib/dpkg/info', 'a system directory (/var/lib/dpkg)'],
  ])('refuses %s: %s', (directory, reason) => {
    expect(refusalOf(directory, guard)).toBe(reason);
  });

  it('refuses the workspace, HOME, the runner work directory and their ancestors', () => {
    expect(refusalOf(context.workspace, guard)).toBe('the workspace');
    expect(refusalOf(path.dirname(context.workspace), guard)).toMatch(/^an ancestor of the workspace/);
    expect(refusalOf(context.home!, guard)).toBe('HOME');
    expect(refusalOf(path.dirname(context.runnerTemp!), guard)).toMatch(/^an ancestor of the workspace/);
    expect(refusalOf(path.join(path.dirname(context.runnerTemp!), '..'), guard)).toMatch(/^an ancestor of /);
    expect(refusalOf(top, guard)).toMatch(/^an ancestor of /);
  });

  it("refuses the runner installation's bin and externals, and what holds the node binary or this action", () => {
    const runner = path.join(top, 'actions-runner');
    expect(refusalOf(path.join(runner, 'externals'), guard)).toBe(`the runner installation (${path.join(runner, 'externals')})`);
    expect(refusalOf(path.join(runner, 'bin', 'x'), guard)).toBe(`the runner installation (${path.join(runner, 'bin')})`);
    expect(refusalOf(path.dirname(context.actionFile!), guard)).toMatch(/this action's own files/);
  });

  it('allows a cache under HOME, RUNNER_TEMP and the tool cache', () => {
    expect(refusalOf(path.join(context.home!, '.cache', 'pip'), guard)).toBeUndefined();
    expect(refusalOf(context.runnerTemp!, guard)).toBeUndefined();
    expect(refusalOf(context.toolCache!, guard)).toBeUndefined();
  });

  it('adds the macOS system trees on macOS only', async () => {
    expect(refusalOf('/System/Library/x', await runnerGuard({ ...context, platform: 'darwin' }))).toBe('a system directory (/System)');
    expect(refusalOf('/System/Library/x', await runnerGuard({ ...context, platform: 'linux' }))).toBeUndefined();
  });

  it('keeps the runner file commands, resolved', async () => {
    expect((await cleanupPolicy(context)).keep).toEqual(context.fileCommands);
  });
});

describe('parseCleanupSteps against the runner context', () => {
  it('reads ~ from the context, not from the environment, and refuses a symlink to a kept path', async () => {
    const { guard } = await cleanupPolicy(context);
    const filesystems = await resolveFilesystems([top]);
    const saved = process.env['HOME'];
    process.env['HOME'] = '/nonexistent-home';
    try {
      const [step] = await parseCleanupSteps(['~/.cache/pip'], 'cleanup', context, guard, filesystems);
      expect(step).toMatchObject({ kind: 'directory', path: path.join(context.home!, '.cache', 'pip') });
    } finally {
      process.env['HOME'] = saved;
    }
    const link = path.join(context.runnerTemp!, 'to-workspace');
    await symlink(context.workspace, link);
    await expect(parseCleanupSteps([link], 'cleanup', context, guard, filesystems)).rejects.toThrow(
      `which resolves to ${context.workspace}: the workspace; refusing to empty it`,
    );
  });
});

describe('emptyDirectory', () => {
  it('removes a symlink without following it, keeps the kept files, and refuses another directory than the one checked', async () => {
    const directory = path.join(top, 'scratch');
    const outside = path.join(top, 'outside');
    await mkdir(path.join(directory, 'nested', 'deeper'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'precious'), 'x');
    await writeFile(path.join(directory, 'nested', 'deeper', 'file'), 'x');
    await writeFile(path.join(directory, 'kept'), 'x');
    await symlink(outside, path.join(directory, 'link'));
    const { dev, ino } = await stat(directory);
    await expect(emptyDirectory({ path: directory, device: dev, inode: ino + 1 })).rejects.toThrow('is no longer the directory checked');
    const outcome = await emptyDirectory({ path: directory, device: dev, inode: ino }, [path.join(directory, 'kept')]);
    expect(outcome.kept).toEqual([`${path.join(directory, 'kept')} (kept for the runner)`]);
    expect(outcome.removed).toBe(4);
    await expect(stat(path.join(outside, 'precious'))).resolves.toBeTruthy();
    await expect(stat(path.join(directory, 'nested'))).rejects.toThrow();
  });
});
