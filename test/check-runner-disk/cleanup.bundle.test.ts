import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { MOUNT_SKIP_REASON, dfBytes, fakeDocker, fill, mountTmpfs, type TestFilesystem } from '@exegol-release/testbed/fixtures/filesystems.js';

const MiB = 2 ** 20;
const mounted: TestFilesystem[] = [];
afterEach(async () => {
  while (mounted.length) await mounted.pop()!.unmount();
});

/** A 64 MiB tmpfs holding docker-like caches: builder 20 MiB, image 20 MiB, volume 10 MiB (14 MiB free). */
async function runnerDisk(): Promise<{ mountPoint: string; docker: { command: string; log: string } }> {
  const filesystem = await mountTmpfs(64 * MiB);
  const tools = await mountTmpfs(MiB);
  mounted.push(filesystem, tools);
  const cache = path.join(filesystem.mountPoint, 'docker');
  await fill(path.join(cache, 'builder.bin'), 20 * MiB);
  await fill(path.join(cache, 'image.bin'), 20 * MiB);
  await fill(path.join(cache, 'volume.bin'), 10 * MiB);
  return { mountPoint: filesystem.mountPoint, docker: await fakeDocker(tools.mountPoint, cache) };
}

const calls = async (log: string): Promise<string[]> => (await readFile(log, 'utf8')).split('\n').filter(Boolean);

describe.skipIf(MOUNT_SKIP_REASON)(
  `check-runner-disk bundle: cleanup on a real filesystem${MOUNT_SKIP_REASON ? ` (skipped: ${MOUNT_SKIP_REASON})` : ''}`,
  () => {
    it('cleans in the given order and stops as soon as the target is met', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const run = await runBundle('check-runner-disk', {
        inputs: { paths: mountPoint, 'min-free': '30MiB', cleanup: 'docker-builder\ndocker-images\ndocker-volumes', 'docker-command': docker.command },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(await calls(docker.log)).toEqual(['builder prune --force --filter until=24h']);
      expect(existsSync(path.join(mountPoint, 'docker', 'image.bin'))).toBe(true);
      expect(run.outputs).toMatchObject({ ok: 'true', 'freed-bytes': String(20 * MiB), 'free-bytes': String(dfBytes(mountPoint).availableBytes) });
      expect(JSON.parse(run.outputs['report']!)[0]).toMatchObject({ freeBeforeBytes: 14 * MiB, freeAfterBytes: 34 * MiB, verdict: 'cleaned' });
      expect(run.summary).toContain('<td>docker-builder</td><td>ran</td><td>20.0 MiB</td>');
      expect(run.summary).toContain('<td>docker-images</td><td>not needed</td>');
    });

    it('follows another order, and runs as many steps as needed', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const run = await runBundle('check-runner-disk', {
        inputs: { paths: mountPoint, 'min-free': '50MiB', cleanup: 'docker-images\ndocker-builder\ndocker-volumes', 'docker-command': docker.command },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(await calls(docker.log)).toEqual(['image prune --all --force --filter until=24h', 'builder prune --force --filter until=24h']);
      expect(existsSync(path.join(mountPoint, 'docker', 'volume.bin'))).toBe(true);
      expect(run.outputs['freed-bytes']).toBe(String(40 * MiB));
    });

    it('passes the prune filters, and only label filters to docker volume prune', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const run = await runBundle('check-runner-disk', {
        inputs: {
          paths: mountPoint,
          'min-free': '60MiB',
          cleanup: 'docker-volumes\ndocker-system',
          'docker-command': docker.command,
          'docker-prune-filter': 'until=24h\nlabel=org.exegol.app=Exegol',
          fail: 'false',
        },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(await calls(docker.log)).toEqual([
        'volume prune --force --filter label=org.exegol.app=Exegol',
        'system prune --all --force --filter until=24h --filter label=org.exegol.app=Exegol',
      ]);
    });

    it('goes on to the next step when docker fails, and empties the runner temp and an explicit directory', async () => {
      const { mountPoint } = await runnerDisk();
      const tools = await mountTmpfs(MiB);
      mounted.push(tools);
      const broken = await fakeDocker(
        tools.mountPoint,
        path.join(mountPoint, 'docker'),
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      );
      const runnerTemp = path.join(mountPoint, 'docker');
      const run = await runBundle('check-runner-disk', {
        inputs: { paths: mountPoint, 'min-free': '40MiB', cleanup: `docker-builder\nrunner-temp`, 'docker-command': broken.command },
        env: { RUNNER_TEMP: runnerTemp },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(run.summary).toContain('Cannot connect to the Docker daemon');
      expect(run.summary).toMatch(/<td>docker-builder<\/td><td>failed<\/td>/);
      expect(await readdir(runnerTemp)).toEqual([]);
      expect(run.outputs['freed-bytes']).toBe(String(50 * MiB));
    });

    it('empties the tool cache (RUNNER_TOOL_CACHE) when asked', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const toolCache = path.join(mountPoint, 'docker');
      const run = await runBundle('check-runner-disk', {
        inputs: { paths: mountPoint, 'min-free': '60MiB', cleanup: 'tool-cache', 'docker-command': docker.command },
        env: { RUNNER_TOOL_CACHE: toolCache },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(await readdir(toolCache)).toEqual([]);
      expect(run.outputs['freed-bytes']).toBe(String(50 * MiB));
      expect(run.summary).toContain(`<td>tool-cache</td><td>ran</td><td>50.0 MiB</td><td>emptied ${toolCache}</td>`);
    });

    it('empties an explicit directory but keeps it', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const run = await runBundle('check-runner-disk', {
        inputs: { paths: mountPoint, 'min-free': '60MiB', cleanup: path.join(mountPoint, 'docker'), 'docker-command': docker.command },
      });
      expect(run.code, run.stdout).toBe(0);
      expect(await readdir(path.join(mountPoint, 'docker'))).toEqual([]);
      expect(await calls(docker.log)).toEqual([]);
    });

    it('keeps a workflow command in the name of a file it cannot delete out of the log', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const cache = path.join(mountPoint, 'docker');
      const hostile = path.join(cache, '::stop-commands::x');
      const error = path.join(cache, '::error::injected');
      await writeFile(hostile, '');
      await writeFile(error, '');
      // An immutable file (chattr +i, which tmpfs supports): even root cannot unlink it.
      execFileSync('chattr', ['+i', hostile, error]);
      try {
        const run = await runBundle('check-runner-disk', {
          inputs: { paths: mountPoint, 'min-free': '60MiB', cleanup: cache, 'docker-command': docker.command, fail: 'false' },
        });
        expect(run.code, run.stdout).toBe(0);
        expect(run.stdout).toContain(`emptying ${cache} failed: cannot remove ${cache}/:\u200d:`);
        expect(run.stdout).not.toMatch(/^.*[^\u200d]::stop-commands::x/m);
        expect(run.stdout).not.toMatch(/^.*[^\u200d]::error::injected/m);
        expect(run.stdout.split('\n').filter((line) => line.startsWith('::stop-commands::') || line.startsWith('::error::'))).toEqual([]);
      } finally {
        execFileSync('chattr', ['-i', hostile, error]);
      }
    });

    it('fails after every step when the target is still not met', async () => {
      const { mountPoint, docker } = await runnerDisk();
      const run = await runBundle('check-runner-disk', {
        inputs: { paths: mountPoint, 'min-free': '63MiB', cleanup: 'docker-builder\ndocker-volumes', 'docker-command': docker.command },
      });
      expect(run.code).toBe(1);
      expect(run.errors[0]).toContain('after every cleanup step');
      expect(await calls(docker.log)).toHaveLength(2);
    });
  },
);
