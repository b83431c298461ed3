// docker/login-action and docker/build-push-action on the rehearsal's Docker engine: Debian's docker.io
// (dockerd 20.10) that scripts/rehearse/images-engine.ts starts, reached through REHEARSAL_DOCKER_HOST
// in the job's environment. Debian 12 has no buildx plugin, so the build is the classic builder's
// (`docker build`, DOCKER_BUILDKIT=0), which each use names in its "instead:" line.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DOCKER } from '@exegol-release/testbed/harness/docker-engine.js';
import type { StandInCall } from './stand-ins.js';

/** The images built on the engine in this process, in order: their tags and image id (sha256 of the configuration). */
export const engineBuilds: { tags: string[]; id: string }[] = [];

/** Docker Hub's key in a client configuration's `auths` (the CLI's default registry). */
const HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** Runs Debian's docker client against the engine of `call`'s job. @returns its exit code and output */
function docker(
  call: StandInCall,
  args: readonly string[],
  options: { input?: string; cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(DOCKER, args, {
    cwd: options.cwd ?? call.workspace,
    env: {
      PATH: call.env['PATH'] ?? process.env['PATH'] ?? '/usr/bin:/bin',
      ...call.env,
      DOCKER_HOST: call.env['DOCKER_HOST'] || call.env['REHEARSAL_DOCKER_HOST']!,
      DOCKER_BUILDKIT: '0',
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

/**
 * docker/login-action on the engine: `docker login [registry] --username … --password-stdin`, as the
 * action runs it, into `config` (the job's own DOCKER_CONFIG, exported to the later steps as the
 * action's credentials are). The configuration starts with empty `auths`, so the CLI stores plainly in
 * it; the stand-in then checks that it holds the registry's entry and names no credential store or
 * helper (the macOS keychain's "error storing credentials" cannot happen here).
 *
 * @throws Error with docker's message when the login is refused, or when the credentials went elsewhere
 */
export async function realDockerLogin(call: StandInCall, config: string): Promise<{ lines: string[]; instead: string }> {
  const registry = call.with['registry'] ?? '';
  const username = call.with['username'] ?? '';
  await writeFile(path.join(config, 'config.json'), '{"auths": {}}\n', { mode: 0o600 });
  const login = await docker(call, ['login', ...(registry ? [registry] : []), '--username', username, '--password-stdin'], {
    input: call.with['password'] ?? '',
    env: { DOCKER_CONFIG: config },
  });
  if (login.code !== 0) throw new Error(`docker login failed: ${login.stderr.trim() || login.stdout.trim()}`);
  const stored = JSON.parse(await readFile(path.join(config, 'config.json'), 'utf8')) as {
    auths?: Record<string, { auth?: string }>;
    credsStore?: string;
    credHelpers?: Record<string, string>;
  };
  const key = registry && registry !== 'docker.io' ? registry : HUB_AUTH_KEY;
  if (!stored.auths?.[key]?.auth || stored.credsStore || Object.keys(stored.credHelpers ?? {}).length)
    throw new Error(`docker login stored the credentials of ${key} elsewhere than plain auths in the job's DOCKER_CONFIG`);
  call.addEnv('DOCKER_CONFIG', config);
  return {
    instead: "docker login on the rehearsal's Docker engine (Debian's docker.io), into a job-local DOCKER_CONFIG: plain auths, no credential helper",
    lines: [`${login.stdout.trim().split('\n').pop() ?? ''} as ${username} (${key} in DOCKER_CONFIG's auths)`],
  };
}

/** A multi-line or comma-separated list input of the docker actions (their `Util.getInputList`). */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .flatMap((line) => (line.includes('=') ? [line] : line.split(',')))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The engine's platform, linux/<GOARCH> as docker names it. */
function enginePlatform(): string {
  return `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;
}

/**
 * docker/build-push-action on the engine with the classic builder: `docker build --file <file> --tag …
 * --build-arg … [--pull] [--no-cache] <context>`, paths relative to the workspace as the action reads
 * them, then `docker push` of each tag when `push: true`. Refused, naming the input: a platform other
 * than the engine's (one engine, no emulation), several platforms, `outputs`, `cache-to`, or neither
 * `load` nor `push` (the classic builder always loads). Outputs as the action sets them: `imageid` and
 * `digest` (the image's id, sha256 of its configuration, when nothing is pushed).
 *
 * @throws Error without an engine in the job (REHEARSAL_DOCKER_HOST), on a refused input, or with the build's output when it fails
 */
export async function dockerBuildPush(call: StandInCall): Promise<{ outputs: Record<string, string>; lines: string[]; instead: string }> {
  if (!call.env['REHEARSAL_DOCKER_HOST'])
    throw new Error('docker/build-push-action: this job has no Docker engine here (only a self-hosted builder of the engine’s architecture has one)');
  const input = (name: string): string => call.with[name] ?? '';
  const platforms = list(input('platforms'));
  if (platforms.length > 1 || (platforms.length === 1 && platforms[0] !== enginePlatform()))
    throw new Error(`docker/build-push-action: platforms ${platforms.join(', ')}: the rehearsal's engine builds ${enginePlatform()} only`);
  for (const refused of ['outputs', 'cache-to'])
    if (input(refused)) throw new Error(`docker/build-push-action: ${refused} needs buildx, which Debian 12 lacks`);
  const push = input('push') === 'true';
  if (input('load') !== 'true' && !push) throw new Error('docker/build-push-action: neither load nor push: the classic builder always loads');
  const context = path.resolve(call.workspace, input('context') || '.');
  const file = input('file') ? path.resolve(call.workspace, input('file')) : path.join(context, 'Dockerfile');
  for (const [name, resolved] of [
    ['context', context],
    ['file', file],
  ] as const)
    if (resolved !== call.workspace && !resolved.startsWith(`${call.workspace}/`))
      throw new Error(`docker/build-push-action: ${name} is outside the workspace`);
  const tags = list(input('tags'));
  const args = [
    'build',
    '--file',
    file,
    ...tags.flatMap((tag) => ['--tag', tag]),
    ...list(input('build-args')).flatMap((arg) => ['--build-arg', arg]),
    ...list(input('labels')).flatMap((label) => ['--label', label]),
    ...(input('pull') === 'true' ? ['--pull'] : []),
    ...(input('no-cache') === 'true' ? ['--no-cache'] : []),
    '--quiet',
    context,
  ];
  const built = await docker(call, args);
  if (built.code !== 0) throw new Error(`docker build failed: ${`${built.stdout}${built.stderr}`.trim()}`);
  const id = built.stdout.trim().split('\n').pop() ?? '';
  engineBuilds.push({ tags, id });
  const lines = [`docker build (classic builder) of ${tags.join(', ') || 'an untagged image'}: ${id}`];
  let digest = id;
  if (push)
    for (const tag of tags) {
      const pushed = await docker(call, ['push', tag]);
      if (pushed.code !== 0) throw new Error(`docker push ${tag} failed: ${pushed.stderr.trim()}`);
      digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)?.[1] ?? digest;
      lines.push(`pushed ${tag}: ${digest}`);
    }
  return {
    outputs: { imageid: id, digest },
    lines,
    instead: "docker build with the classic builder on the rehearsal's Docker engine (Debian 12 has no buildx plugin): the image stays in that engine",
  };
}
