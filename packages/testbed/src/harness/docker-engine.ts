// A real Docker engine for tests: Debian's docker.io (dockerd 20.10), started as root on a socket of
// its own, with its own data root and exec root under a temporary directory, so that it touches no
// other engine, no host network and no file outside that directory:
//   --storage-driver vfs           plain directory copies: no overlay mount, works inside any container
//   --iptables=false --ip6tables=false --bridge=none
//                                  no firewall rule and no bridge interface: containers run with
//                                  --network none, builds with `docker build --network none`
//   --config-file <empty daemon.json>  /etc/docker/daemon.json is not read
// Debian 12 has no buildx plugin: images are built with the classic builder (DOCKER_BUILDKIT=0).
//
// Whatever starts an engine stops it: `startDockerEngine()` returns `stop()`, which sends SIGTERM
// (dockerd stops its containers and its managed containerd), SIGKILL after 20 s, and removes the
// temporary directory. Tests that need an engine skip, saying why, when `DOCKER_ENGINE_SKIP_REASON`
// is set (docker.io absent, or not root).
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Debian's docker.io binaries: the daemon and the client of the same release. */
export const DOCKERD = '/usr/sbin/dockerd';
export const DOCKER = '/usr/bin/docker';
/** busybox-static's binary: one static file, enough for a FROM scratch image with a shell and RUN steps. */
export const BUSYBOX = '/bin/busybox';

/** Why tests that need a Docker engine are skipped here, or undefined when one can run. */
export const DOCKER_ENGINE_SKIP_REASON: string | undefined = (() => {
  if (process.platform !== 'linux') return 'a Docker engine runs here only on Linux';
  if (!existsSync(DOCKERD) || !existsSync(DOCKER)) return `no Docker engine: install Debian's docker.io (${DOCKERD}, ${DOCKER}); scripts/setup.sh does`;
  if (!existsSync(BUSYBOX)) return `no ${BUSYBOX}: install Debian's busybox-static; scripts/setup.sh does`;
  if (process.getuid?.() !== 0) return 'dockerd needs root';
  return undefined;
})();

/** A running engine. */
export interface DockerEngine {
  /** unix://<directory>/docker.sock, for DOCKER_HOST. */
  readonly host: string;
  /** The data root: images, containers, volumes, build cache. */
  readonly dataRoot: string;
  /** A client configuration directory of its own (DOCKER_CONFIG), so that ~/.docker is never read. */
  readonly clientConfig: string;
  /** The environment a docker client needs to reach this engine: DOCKER_HOST, DOCKER_CONFIG, DOCKER_BUILDKIT=0, PATH. */
  readonly env: Record<string, string>;
  /** Runs the docker client against this engine; never throws. `env` is added to {@link env}. */
  docker(args: readonly string[], options?: { env?: Record<string, string>; input?: string; cwd?: string }): SpawnSyncReturns<string>;
  /** The daemon's log, for a failed test. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts dockerd on its own socket, data root and exec root; resolves once it answers `docker version`.
 * `daemonEnv` is added to the daemon's environment: e.g. HTTPS_PROXY and SSL_CERT_FILE (Go's
 * crypto/x509 reads it on Linux) to reach a registry stand-in under its real host name.
 */
export async function startDockerEngine(options: { daemonEnv?: Record<string, string> } = {}): Promise<DockerEngine> {
  if (DOCKER_ENGINE_SKIP_REASON) throw new Error(DOCKER_ENGINE_SKIP_REASON);
  // Short: the socket's path must fit in sockaddr_un (108 bytes), and containerd's under exec-root too.
  const directory = await mkdtemp(path.join(tmpdir(), 'de-'));
  const socket = path.join(directory, 'docker.sock');
  const dataRoot = path.join(directory, 'data');
  const clientConfig = path.join(directory, 'client');
  await mkdir(clientConfig, { recursive: true });
  await writeFile(path.join(clientConfig, 'config.json'), '{}\n');
  const daemonConfig = path.join(directory, 'daemon.json');
  await writeFile(daemonConfig, '{}\n');
  const args = [
    '--host',
    `unix://${socket}`,
    '--data-root',
    dataRoot,
    '--exec-root',
    path.join(directory, 'exec'),
    '--pidfile',
    path.join(directory, 'docker.pid'),
    '--config-file',
    daemonConfig,
    '--storage-driver',
    'vfs',
    '--iptables=false',
    '--ip6tables=false',
    '--bridge=none',
    '--log-level',
    'warn',
  ];
  const daemon: ChildProcess = spawn(DOCKERD, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...options.daemonEnv },
  });
  let log = '';
  daemon.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-50_000)));
  const host = `unix://${socket}`;
  const env = { DOCKER_HOST: host, DOCKER_CONFIG: clientConfig, DOCKER_BUILDKIT: '0', PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  const docker: DockerEngine['docker'] = (dockerArgs, options = {}) =>
    spawnSync(DOCKER, dockerArgs, {
      encoding: 'utf8',
      env: { ...env, ...options.env },
      ...(options.input === undefined ? {} : { input: options.input }),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      timeout: 300_000,
    });
  const stop = async (): Promise<void> => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      const killer = setTimeout(() => daemon.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(directory, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt += 1) {
    if (daemon.exitCode !== null) {
      await stop();
      throw new Error(`dockerd exited with ${daemon.exitCode}: ${log}`);
    }
    if (docker(['version', '--format', '{{.Server.Version}}']).status === 0) break;
    if (attempt >= 300) {
      await stop();
      throw new Error(`dockerd did not answer on ${socket} within 60 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { host, dataRoot, clientConfig, env, docker, log: () => log, stop };
}

/**
 * Builds a small Exegol-shaped image with the classic builder: FROM scratch, busybox-static as
 * /bin/busybox with its applets installed by a RUN step, the labels Exegol's Dockerfiles set
 * (`org.exegol.app=Exegol`, `org.exegol.tag=<tag>`, `org.exegol.version`) and a tools list the
 * image's tests read, /.exegol/installed_tools.csv. `labels: false` builds the same image without
 * Exegol's labels (someone else's image on the same engine).
 *
 * @returns the image's id (sha256:…)
 * @throws Error with the build's output when it fails
 */
export async function buildExegolShapedImage(
  engine: DockerEngine,
  tag: string,
  options: { flavour?: string; version?: string; labels?: boolean } = {},
): Promise<string> {
  const { flavour = 'full', version = '3.1.8', labels = true } = options;
  const context = await mkdtemp(path.join(tmpdir(), 'exegol-image-'));
  try {
    await copyFile(BUSYBOX, path.join(context, 'busybox'));
    const dockerfile = [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'RUN ["/bin/busybox", "mkdir", "-p", "/usr/bin", "/sbin", "/usr/sbin", "/tmp", "/.exegol"]',
      'RUN ["/bin/busybox", "--install", "-s"]',
      ...(labels ? [`LABEL org.exegol.app="Exegol" org.exegol.tag="${flavour}" org.exegol.version="${version}"`] : []),
      `RUN printf 'Tool,Version,Category\\nbusybox,1.35.0,misc\\nnmap,7.94,network\\n' > /.exegol/installed_tools.csv`,
      'CMD ["/bin/sh"]',
    ].join('\n');
    await writeFile(path.join(context, 'Dockerfile'), `${dockerfile}\n`);
    const built = engine.docker(['build', '--network', 'none', '--quiet', '--tag', tag, context]);
    if (built.status !== 0) throw new Error(`docker build of ${tag} failed: ${built.stdout}${built.stderr}`);
    return built.stdout.trim();
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
