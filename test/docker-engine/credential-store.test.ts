// The macOS "error storing credentials" of the maintainers' notes, reproduced with a real Docker client and engine
// (Debian's docker.io, test/harness/docker-engine.ts) and a real registry (Debian's docker-registry, htpasswd): a
// `docker login` through a credential store whose helper fails, as Docker Desktop's keychain helper fails in a runner
// started as a service, and the examples' way around it, sub_build.yml's push step run as it is written.
//
// The Docker CLI sends credentials to `docker-credential-<credsStore>` on the PATH (docker/docker-credential-helpers'
// protocol: `store` reads {ServerURL, Username, Secret} on stdin); when the configuration names no store and holds no
// auths, it picks the platform's default one (cli/config/credentials/default_store_*.go: osxkeychain on macOS,
// secretservice on Linux unless `pass` is installed) if that helper is on the PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER,
  DOCKER_ENGINE_SKIP_REASON,
  buildExegolShapedImage,
  startDockerEngine,
  type DockerEngine,
} from '@exegol-release/testbed/harness/docker-engine.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';
import { loadExample } from '../workflows/workflow-facts.js';

const USER = 'exegol-ci';
const PASSWORD = 'docker-hub-access-token-123';
/** What macOS's Security framework answers a keychain access from a session with no user interface. */
const KEYCHAIN_REFUSAL = 'User interaction is not allowed.';

let engine: DockerEngine | undefined;
let registry: TestRegistry | undefined;
let scratch: string;
/** A PATH holding the Debian docker client first, and failing credential helpers (osxkeychain, secretservice). */
let pathWithHelpers: string;

beforeAll(async () => {
  if (DOCKER_ENGINE_SKIP_REASON) return;
  scratch = await mkdtemp(path.join(tmpdir(), 'credential-store-'));
  const bin = path.join(scratch, 'bin');
  await mkdir(bin);
  await symlink(DOCKER, path.join(bin, 'docker'));
  for (const helper of ['osxkeychain', 'secretservice', 'desktop']) {
    const file = path.join(bin, `docker-credential-${helper}`);
    // Every action fails as the keychain does; `store` records that it was asked.
    await writeFile(file, `#!/bin/sh\necho "$1" >> "${scratch}/${helper}.calls"\necho '${KEYCHAIN_REFUSAL}'\nexit 1\n`);
    await chmod(file, 0o755);
  }
  pathWithHelpers = `${bin}:/usr/bin:/bin`;
  [engine, registry] = await Promise.all([startDockerEngine(), startRegistry({ mode: 'htpasswd', users: { [USER]: PASSWORD } })]);
}, 120_000);
afterAll(async () => {
  await Promise.all([engine?.stop(), registry?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 60_000);

/** A client configuration directory holding `config`. */
async function clientConfig(name: string, config: unknown): Promise<string> {
  const directory = path.join(scratch, name);
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, 'config.json'), JSON.stringify(config));
  return directory;
}

function login(config: string): { status: number; output: string } {
  const result = engine!.docker(['login', '--username', USER, '--password-stdin', registry!.host], {
    env: { DOCKER_CONFIG: config, PATH: pathWithHelpers },
    input: PASSWORD,
  });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

const calls = async (helper: string): Promise<string[]> =>
  existsSync(path.join(scratch, `${helper}.calls`)) ? (await readFile(path.join(scratch, `${helper}.calls`), 'utf8')).split('\n').filter(Boolean) : [];

describe.skipIf(DOCKER_ENGINE_SKIP_REASON)(
  `registry credentials and credential helpers, real Docker client and engine${DOCKER_ENGINE_SKIP_REASON ? ` (skipped: ${DOCKER_ENGINE_SKIP_REASON})` : ''}`,
  () => {
    it('docker login through a credential store whose helper fails gives "error storing credentials", as on a macOS runner service', async () => {
      // Docker Desktop's configuration on macOS.
      const config = await clientConfig('desktop-user', { auths: {}, credsStore: 'osxkeychain' });
      const result = login(config);
      expect(result.status).toBe(1);
      expect(result.output).toContain('error storing credentials');
      expect(result.output).toContain(KEYCHAIN_REFUSAL);
      expect(await calls('osxkeychain')).toContain('store');
      expect(await readFile(path.join(config, 'config.json'), 'utf8')).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
    });

    it("a new DOCKER_CONFIG alone does not avoid it: docker login picks the platform's default store", async () => {
      const config = path.join(scratch, 'fresh');
      await mkdir(config);
      const result = login(config);
      expect(result.status).toBe(1);
      expect(result.output).toContain('error storing credentials');
      expect(await calls('secretservice')).toContain('store');
    });

    it(
      "sub_build.yml's push step pushes the tested image with plain auths in a job-local DOCKER_CONFIG, never asking a helper, then its per-architecture index; its always() step removes them",
      { timeout: 300_000 },
      async () => {
        const e = engine!;
        const image = `${registry!.host}/nwodtuhs/exegol-builds:full-3.1.8-amd64`;
        await buildExegolShapedImage(e, image, { flavour: 'full' });
        // The image's test, in a container of the engine that built it.
        const tools = e.docker(['run', '--rm', '--network', 'none', image, 'cat', '/.exegol/installed_tools.csv']);
        expect(tools.stdout).toContain('busybox,1.35.0,misc');

        const build = loadExample('images/sub_build.yml').workflow.jobs['build']!;
        const push = build.steps!.find((step) => /docker push "\$IMAGE"/.test(step.run ?? ''))!;
        const remove = build.steps!.find((step) => step.name === 'Remove the push credentials')!;
        expect(remove.if).toBe('always()');
        const runnerTemp = path.join(scratch, 'runner-temp');
        await mkdir(runnerTemp);
        // The runner user's own configuration: Docker Desktop's, with the failing keychain helper.
        const userConfig = await clientConfig('runner-user', { auths: {}, credsStore: 'desktop' });
        const before = (await calls('desktop')).length;
        const env = {
          PATH: pathWithHelpers,
          DOCKER_HOST: e.host,
          DOCKER_CONFIG: userConfig,
          RUNNER_TEMP: runnerTemp,
          IMAGE: image,
          DOCKER_USERNAME: USER,
          DOCKER_PASSWORD: PASSWORD,
        };
        // As the runner runs a `run:` step (bash -e {0}); Docker Hub's address becomes the local registry's.
        const script = push.run!.replace('https://index.docker.io/v1/', registry!.host);
        const pushed = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { encoding: 'utf8', env });
        expect(pushed.status, pushed.stdout + pushed.stderr).toBe(0);
        expect(pushed.stdout).toMatch(/full-3\.1\.8-amd64: digest: sha256:[0-9a-f]{64}/);
        expect((await calls('desktop')).length).toBe(before);
        expect(await readFile(path.join(userConfig, 'config.json'), 'utf8')).toBe(JSON.stringify({ auths: {}, credsStore: 'desktop' }));
        const written = JSON.parse(await readFile(path.join(runnerTemp, 'docker-config-push', 'config.json'), 'utf8')) as unknown;
        expect(written).toEqual({ auths: { [registry!.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } });

        // The registry holds it, for the right credentials only.
        const manifest = await fetch(`${registry!.url}/v2/nwodtuhs/exegol-builds/manifests/full-3.1.8-amd64`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
            accept: 'application/vnd.docker.distribution.manifest.v2+json',
          },
        });
        expect(manifest.status).toBe(200);

        // The per-architecture index, as Exegol's pipelines make it with the classic CLI (`docker manifest`, no buildx
        // here), with the same job-local configuration.
        const index = `${registry!.host}/nwodtuhs/exegol-preprod:full-3.1.8`;
        const jobEnv = { ...env, DOCKER_CONFIG: path.join(runnerTemp, 'docker-config-push') };
        for (const args of [
          ['manifest', 'create', '--insecure', index, image],
          ['manifest', 'push', '--insecure', index],
        ]) {
          const result = spawnSync(DOCKER, args, { encoding: 'utf8', env: jobEnv });
          expect(result.status, `docker ${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
        }
        const list = await fetch(`${registry!.url}/v2/nwodtuhs/exegol-preprod/manifests/full-3.1.8`, {
          headers: {
            authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
            accept: 'application/vnd.docker.distribution.manifest.list.v2+json',
          },
        });
        const body = (await list.json()) as { mediaType: string; manifests: { platform: { architecture: string; os: string } }[] };
        expect(body.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
        expect(body.manifests.map((entry) => entry.platform)).toEqual([{ architecture: 'amd64', os: 'linux' }]);

        const removed = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', remove.run!], { encoding: 'utf8', env });
        expect(removed.status).toBe(0);
        expect(existsSync(path.join(runnerTemp, 'docker-config-push'))).toBe(false);
      },
    );
  },
);
