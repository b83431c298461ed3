// check-runner-disk's docker cleanups against a real Docker engine (test/harness/docker-engine.ts: Debian's dockerd on
// a socket, data root and exec root of its own): the commands the examples configure (docker-builder, docker-images,
// docker-volumes with Exegol's label filter) remove Exegol's unused images and volumes, and leave someone else's
// images and volumes, and an image a container still uses. The fake docker of the other tests stays for failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER,
  DOCKER_ENGINE_SKIP_REASON,
  buildExegolShapedImage,
  startDockerEngine,
  type DockerEngine,
} from '@exegol-release/testbed/harness/docker-engine.js';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';

let engine: DockerEngine | undefined;

beforeAll(async () => {
  if (!DOCKER_ENGINE_SKIP_REASON) engine = await startDockerEngine();
}, 120_000);
afterAll(async () => engine?.stop(), 60_000);

const exists = (kind: 'image' | 'volume', name: string): boolean => engine!.docker([kind, 'inspect', name]).status === 0;

describe.skipIf(DOCKER_ENGINE_SKIP_REASON)(
  `check-runner-disk bundle: docker cleanups on a real engine${DOCKER_ENGINE_SKIP_REASON ? ` (skipped: ${DOCKER_ENGINE_SKIP_REASON})` : ''}`,
  () => {
    it("prunes Exegol's unused images and volumes with the label filter, and keeps the rest", { timeout: 300_000 }, async () => {
      const e = engine!;
      await buildExegolShapedImage(e, 'nwodtuhs/exegol-builds:full-3.1.8-amd64', { flavour: 'full' });
      await buildExegolShapedImage(e, 'nwodtuhs/exegol-builds:light-3.1.8-amd64', { flavour: 'light' });
      await buildExegolShapedImage(e, 'someone/else:1', { labels: false });
      // A concurrent job's container still uses the light image.
      expect(e.docker(['create', '--name', 'concurrent-job', '--network', 'none', 'nwodtuhs/exegol-builds:light-3.1.8-amd64']).status).toBe(0);
      expect(e.docker(['volume', 'create', '--label', 'org.exegol.app=Exegol', 'exegol-workspace']).status).toBe(0);
      expect(e.docker(['volume', 'create', 'someone-else']).status).toBe(0);

      const run = await runBundle('check-runner-disk', {
        inputs: {
          paths: e.dataRoot,
          // Out of reach: every cleanup step runs.
          'min-free': '100%',
          cleanup: 'docker-builder\ndocker-images\ndocker-volumes',
          'docker-command': DOCKER,
          'docker-prune-filter': 'label=org.exegol.app=Exegol',
          fail: 'false',
        },
        env: e.env,
        timeoutSeconds: 240,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      for (const step of ['docker-builder', 'docker-images', 'docker-volumes']) expect(run.summary).toContain(`<td>${step}</td><td>ran</td>`);
      expect(run.summary).toContain(`${DOCKER} image prune --all --force --filter label=org.exegol.app=Exegol`);

      expect(exists('image', 'nwodtuhs/exegol-builds:full-3.1.8-amd64')).toBe(false);
      expect(exists('image', 'nwodtuhs/exegol-builds:light-3.1.8-amd64')).toBe(true);
      expect(exists('image', 'someone/else:1')).toBe(true);
      expect(exists('volume', 'exegol-workspace')).toBe(false);
      expect(exists('volume', 'someone-else')).toBe(true);
      // The report measured the engine's data root before and after.
      const [filesystem] = JSON.parse(run.outputs['report']!) as { freeAfterBytes: number; freeBeforeBytes: number; verdict: string }[];
      expect(filesystem!.verdict).toBe('low');
    });

    it(
      "with the examples' filters a builder and system prune keep what the day built; with the label alone they remove Exegol's stopped containers and images",
      { timeout: 300_000 },
      async () => {
        const e = engine!;
        await buildExegolShapedImage(e, 'nwodtuhs/exegol-builds:ad-3.1.8-amd64', { flavour: 'ad' });
        await buildExegolShapedImage(e, 'someone/else:2', { labels: false });
        // Stopped containers: a container carries its image's labels, so Exegol's label filter selects it.
        expect(e.docker(['create', '--name', 'stopped-exegol', '--network', 'none', 'nwodtuhs/exegol-builds:ad-3.1.8-amd64']).status).toBe(0);
        expect(e.docker(['create', '--name', 'stopped-other', '--network', 'none', 'someone/else:2']).status).toBe(0);
        const prune = (filter: string) =>
          runBundle('check-runner-disk', {
            inputs: {
              paths: e.dataRoot,
              'min-free': '100%',
              cleanup: 'docker-builder\ndocker-system',
              'docker-command': DOCKER,
              'docker-prune-filter': filter,
              fail: 'false',
            },
            env: e.env,
            timeoutSeconds: 240,
          });

        // sub_build.yml's filters: until=24h keeps a concurrent job's image and container, made minutes ago.
        const daily = await prune('until=24h\nlabel=org.exegol.app=Exegol');
        expect(daily.code, daily.stdout + daily.stderr).toBe(0);
        for (const step of ['docker-builder', 'docker-system']) expect(daily.summary).toContain(`<td>${step}</td><td>ran</td>`);
        expect(daily.summary).toContain(`${DOCKER} builder prune --force --filter until=24h --filter label=org.exegol.app=Exegol`);
        expect(daily.summary).toContain(`${DOCKER} system prune --all --force --filter until=24h --filter label=org.exegol.app=Exegol`);
        expect(exists('image', 'nwodtuhs/exegol-builds:ad-3.1.8-amd64')).toBe(true);
        expect(e.docker(['container', 'inspect', 'stopped-exegol']).status).toBe(0);

        const labelled = await prune('label=org.exegol.app=Exegol');
        expect(labelled.code, labelled.stdout + labelled.stderr).toBe(0);
        expect(labelled.summary).toContain('<td>docker-system</td><td>ran</td>');
        expect(e.docker(['container', 'inspect', 'stopped-exegol']).status).not.toBe(0);
        expect(exists('image', 'nwodtuhs/exegol-builds:ad-3.1.8-amd64')).toBe(false);
        expect(e.docker(['container', 'inspect', 'stopped-other']).status).toBe(0);
        expect(exists('image', 'someone/else:2')).toBe(true);
      },
    );

    it('reports a docker command the engine refuses as a failed step, and goes on', { timeout: 120_000 }, async () => {
      const e = engine!;
      const run = await runBundle('check-runner-disk', {
        inputs: {
          paths: e.dataRoot,
          'min-free': '100%',
          cleanup: 'docker-images\ndocker-volumes',
          'docker-command': DOCKER,
          // The engine refuses an unknown filter.
          'docker-prune-filter': 'colour=blue',
          fail: 'false',
        },
        env: e.env,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.summary).toMatch(/<td>docker-images<\/td><td>failed<\/td>.*invalid filter/is);
      expect(run.summary).toContain('<td>docker-volumes</td><td>ran</td>');
    });
  },
);
