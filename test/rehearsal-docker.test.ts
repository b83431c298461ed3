// The rehearsal's docker/* stand-ins (scripts/rehearse/engine/docker.ts): what they refuse without a
// Docker engine or beyond the classic builder, and, on a real engine (Debian's dockerd, test/harness
// docker-engine.ts) with Debian's docker-registry, the build with its build arguments and Exegol's
// labels, and a login whose credentials land as plain auths in the job's own DOCKER_CONFIG.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, DOCKER_ENGINE_SKIP_REASON, startDockerEngine, type DockerEngine } from '@exegol-release/testbed/harness/docker-engine.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';
import { dockerBuildPush, engineBuilds, realDockerLogin } from '../scripts/rehearse/engine/docker.js';
import type { StandInCall } from '../scripts/rehearse/engine/stand-ins.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'rehearsal-docker-'));
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

/** A stand-in call in a fresh workspace, with `env` as the step's environment. */
async function call(name: string, given: Record<string, string>, env: Record<string, string> = {}): Promise<StandInCall & { added: Record<string, string> }> {
  const runnerDirectory = path.join(scratch, name);
  const workspace = path.join(runnerDirectory, 'workspace');
  await mkdir(workspace, { recursive: true });
  const added: Record<string, string> = {};
  return {
    with: given,
    workspace,
    runnerDirectory,
    token: 'ghs_unused',
    github: { repository: 'ThePorgs/Exegol-images', sha: '0'.repeat(40), ref: 'refs/heads/dev' },
    apiUrl: 'http://127.0.0.1:9',
    cloneUrl: () => 'unused',
    artifacts: path.join(runnerDirectory, 'artifacts'),
    addPath: () => undefined,
    addEnv: (key, value) => (added[key] = value),
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    added,
  };
}

describe('docker/build-push-action stand-in', () => {
  const engine = { REHEARSAL_DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  const platform = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const other = platform === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';

  it('fails in a job without a Docker engine, naming it', async () => {
    await expect(dockerBuildPush(await call('no-engine', { context: '.', load: 'true' }))).rejects.toThrow(/this job has no Docker engine here/);
  });

  it.each([
    ['another architecture', { platforms: other, load: 'true' }, /the rehearsal's engine builds linux\/\w+ only/],
    ['two platforms', { platforms: `${platform},${other}`, load: 'true' }, /the rehearsal's engine builds/],
    ['outputs', { outputs: 'type=tar,dest=x.tar', load: 'true' }, /outputs needs buildx, which Debian 12 lacks/],
    ['cache-to', { 'cache-to': 'type=gha', load: 'true' }, /cache-to needs buildx/],
    ['neither load nor push', {}, /neither load nor push/],
    ['a context outside the workspace', { context: '../elsewhere', load: 'true' }, /context is outside the workspace/],
    ['a file outside the workspace', { file: '/etc/Dockerfile', load: 'true' }, /file is outside the workspace/],
  ])('refuses %s before running docker', async (_, given, message) => {
    const before = engineBuilds.length;
    await expect(dockerBuildPush(await call('refused', given, engine))).rejects.toThrow(message);
    expect(engineBuilds.length).toBe(before);
  });
});

let dockerEngine: DockerEngine | undefined;
let registry: TestRegistry | undefined;
beforeAll(async () => {
  if (DOCKER_ENGINE_SKIP_REASON) return;
  [dockerEngine, registry] = await Promise.all([startDockerEngine(), startRegistry({ mode: 'htpasswd', users: { 'exegol-ci': 'docker-hub-token' } })]);
}, 120_000);
afterAll(async () => Promise.all([dockerEngine?.stop(), registry?.stop()]), 60_000);

describe.skipIf(DOCKER_ENGINE_SKIP_REASON)(
  `docker/* stand-ins on a real engine${DOCKER_ENGINE_SKIP_REASON ? ` (skipped: ${DOCKER_ENGINE_SKIP_REASON})` : ''}`,
  () => {
    it('build-push-action builds with the classic builder: build arguments reach the labels, the image id is the output', { timeout: 300_000 }, async () => {
      const step = await call('build', {}, { REHEARSAL_DOCKER_HOST: dockerEngine!.host, DOCKER_CONFIG: dockerEngine!.clientConfig });
      const context = path.join(step.workspace, 'exegol-images');
      await mkdir(context);
      await copyFile(BUSYBOX, path.join(context, 'busybox'));
      await writeFile(
        path.join(context, 'Dockerfile'),
        'FROM scratch\nARG TAG="local"\nARG VERSION="local"\nLABEL org.exegol.tag="${TAG}" org.exegol.version="${VERSION}" org.exegol.app="Exegol"\nCOPY busybox /bin/busybox\n',
      );
      const built = await dockerBuildPush({
        ...step,
        with: {
          context: 'exegol-images',
          file: 'exegol-images/Dockerfile',
          load: 'true',
          tags: 'nwodtuhs/exegol-builds:full-3.1.8-amd64',
          'build-args': 'TAG=full\nVERSION=3.1.8',
        },
      });
      expect(built.instead).toContain('classic builder');
      const inspected = dockerEngine!.docker(['image', 'inspect', '--format', '{{.Id}} {{json .Config.Labels}}', 'nwodtuhs/exegol-builds:full-3.1.8-amd64']);
      expect(inspected.status, inspected.stderr).toBe(0);
      const [id, labels] = inspected.stdout.trim().split(' ');
      expect(built.outputs['imageid']).toBe(id);
      expect(JSON.parse(labels!)).toEqual({ 'org.exegol.app': 'Exegol', 'org.exegol.tag': 'full', 'org.exegol.version': '3.1.8' });
      expect(engineBuilds.at(-1)).toEqual({ tags: ['nwodtuhs/exegol-builds:full-3.1.8-amd64'], id });
    });

    it('login-action logs in on the engine into the job-local DOCKER_CONFIG, plain auths, and exports it to later steps', { timeout: 120_000 }, async () => {
      const host = new URL(registry!.url).host;
      const step = await call('login', { registry: host, username: 'exegol-ci', password: 'docker-hub-token' }, { REHEARSAL_DOCKER_HOST: dockerEngine!.host });
      const config = path.join(step.runnerDirectory, 'docker');
      await mkdir(config);
      const login = await realDockerLogin(step, config);
      expect(login.lines.join('\n')).toContain('Login Succeeded');
      const stored = JSON.parse(await readFile(path.join(config, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(stored).toEqual({ auths: { [host]: { auth: Buffer.from('exegol-ci:docker-hub-token').toString('base64') } } });
      expect(step.added['DOCKER_CONFIG']).toBe(config);

      const refused = await call('login-refused', { registry: host, username: 'exegol-ci', password: 'wrong' }, { REHEARSAL_DOCKER_HOST: dockerEngine!.host });
      const refusedConfig = path.join(refused.runnerDirectory, 'docker');
      await mkdir(refusedConfig);
      await expect(realDockerLogin(refused, refusedConfig)).rejects.toThrow(/docker login failed: .*unauthorized/i);
      expect(refused.added['DOCKER_CONFIG']).toBeUndefined();
      expect(existsSync(path.join(refusedConfig, 'config.json'))).toBe(true);
    });
  },
);
