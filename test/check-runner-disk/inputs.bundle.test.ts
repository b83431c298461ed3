import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { fakeDocker } from '@exegol-release/testbed/fixtures/filesystems.js';

/** Runs the bundle with inputs that would clean a victim directory if they were accepted, and checks that nothing was deleted. */
async function expectRefused(inputs: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'disk-input-'));
  const victim = path.join(directory, 'victim');
  const docker = await fakeDocker(directory, directory);
  await import('node:fs/promises').then((fs) => fs.mkdir(victim));
  await writeFile(path.join(victim, 'keep.txt'), 'still here');
  const run = await runBundle('check-runner-disk', {
    inputs: { paths: directory, 'min-free': '100%', cleanup: `${victim}\ndocker-builder`, 'docker-command': docker.command, ...inputs },
  });
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(existsSync(path.join(victim, 'keep.txt'))).toBe(true);
  expect(await readFile(docker.log, 'utf8')).toBe('');
  return run.errors[0]!;
}

describe('check-runner-disk bundle: bad input ends with a clear error, and nothing is deleted', () => {
  it('an unknown strategy', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'disk-input-'));
    expect(await expectRefused({ cleanup: `${directory}\ndocker-everything` })).toBe(
      `check-runner-disk failed: input 'cleanup' has an unknown strategy "docker-everything"; use docker-builder, docker-images, docker-volumes, docker-system, runner-temp, tool-cache or a directory path`,
    );
  });

  it('an unparsable size', async () => {
    expect(await expectRefused({ 'min-free': 'lots' })).toContain(`input 'min-free' "lots" is not a size`);
    expect(await expectRefused({ 'min-free': '100G' })).toContain(`input 'min-free' "100G" has an unknown unit "G" ("G" is ambiguous`);
  });

  it('a percentage over 100', async () => {
    expect(await expectRefused({ 'min-free': '150%' })).toContain(`input 'min-free' "150%" is over 100%`);
  });

  it('a path that does not exist', async () => {
    expect(await expectRefused({ paths: '/nonexistent/runner/_work' })).toContain(`input 'paths' lists /nonexistent/runner/_work, which does not exist`);
  });

  it('a cleanup directory that does not exist', async () => {
    expect(await expectRefused({ cleanup: '/nonexistent/cache\ndocker-builder' })).toContain(
      `input 'cleanup' lists /nonexistent/cache, which is not an existing directory`,
    );
  });

  it('the root directory as a cleanup directory', async () => {
    expect(await expectRefused({ cleanup: '/' })).toContain(`input 'cleanup' lists /, which resolves to /: the root directory; refusing to empty it`);
  });

  it('tool-cache where the runner sets no RUNNER_TOOL_CACHE', async () => {
    expect(await expectRefused({ cleanup: 'tool-cache' })).toContain(`input 'cleanup' lists tool-cache, but RUNNER_TOOL_CACHE is not set`);
  });

  it('a fail value that is not a boolean', async () => {
    expect(await expectRefused({ fail: 'sometimes' })).toContain(`input 'fail' must be true or false`);
  });
});

describe('check-runner-disk bundle: default paths', () => {
  it('checks the workspace and RUNNER_TEMP, once per filesystem', async () => {
    const run = await runBundle('check-runner-disk', { inputs: { 'min-free': '1MB' } });
    expect(run.code, run.stdout).toBe(0);
    const reports = JSON.parse(run.outputs['report']!) as { paths: string[] }[];
    const paths = reports.flatMap((report) => report.paths);
    expect(paths).toContain(path.join(run.runnerDirectory, 'workspace'));
    expect(paths).toContain(path.join(run.runnerDirectory, 'temp'));
    expect(reports).toHaveLength(new Set(reports.map((report) => JSON.stringify(report))).size);
  });
});
