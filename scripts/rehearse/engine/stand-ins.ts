// The one table of third-party actions the rehearsal stands in for, each with what it does instead and
// why; every use is printed. An action the examples use that is not in this table stops the rehearsal,
// naming it (see ActionStandIns.find).
import { createPrivateKey, sign } from 'node:crypto';
import { chmod, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { freshRequest } from '@exegol-release/testbed/stand-ins/fresh-request.js';
import { gitAsync } from '../github.js';
import { dockerBuildPush, realDockerLogin } from './docker.js';

/** What a stand-in gets: the step's `with:` (evaluated), the job's workspace and runner directory, its token and context. */
export interface StandInCall {
  readonly with: Record<string, string>;
  readonly workspace: string;
  readonly runnerDirectory: string;
  readonly token: string;
  readonly github: { repository: string; sha: string; ref: string };
  /** GitHub's REST API (GITHUB_API_URL): the GitHub stand-in. */
  readonly apiUrl: string;
  readonly cloneUrl: (repository: string) => string;
  /** The directory artifacts of this workflow run are kept in (upload/download-artifact). */
  readonly artifacts: string;
  /** Adds directories first on PATH for the job's later steps (as GITHUB_PATH does). */
  readonly addPath: (directory: string) => void;
  /** Adds variables to the job's later steps' environment (as GITHUB_ENV does). */
  readonly addEnv: (name: string, value: string) => void;
  /** The step's environment (the runner's, the stand-ins', the workflow's, job's and step's `env:`). */
  readonly env: Readonly<Record<string, string>>;
}

/** What one use of a stand-in did. */
export interface StandInResult {
  outputs?: Record<string, string>;
  lines?: string[];
  /** What stood in for this use when it differs from the table's line (e.g. a Docker engine was there). */
  instead?: string;
  /**
   * The action's post step (its `runs.post`), which the runner runs once the job's steps are done, in the
   * reverse order of their main steps, whatever they ended with (`post-if: always()`, the default).
   * @returns the lines to print; throws when the post step fails (the job then fails)
   */
  post?: () => Promise<{ lines?: string[] }>;
}

export interface StandIn {
  /** What stands in for the action, printed with each use. */
  readonly instead: string;
  readonly run: (call: StandInCall) => Promise<StandInResult>;
}

async function checkout(call: StandInCall): Promise<{ lines: string[] }> {
  const repository = call.with['repository'] || call.github.repository;
  const directory = path.resolve(call.workspace, call.with['path'] ?? '');
  if (!directory.startsWith(call.workspace)) throw new Error(`actions/checkout: path ${call.with['path']} is outside the workspace`);
  const ref = call.with['ref'] || (repository === call.github.repository ? call.github.sha : '');
  await mkdir(path.dirname(directory), { recursive: true });
  if (existsSync(directory) && (await readdir(directory)).length) throw new Error(`actions/checkout: ${directory} is not empty`);
  await gitAsync(path.dirname(directory), 'clone', '--quiet', call.cloneUrl(repository), directory);
  if (ref) {
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
    // A branch checks out that branch (as checkout does with `ref: dev`); a commit or a tag, detached.
    if (!/^[0-9a-f]{40}$/.test(ref) && (await gitAsync(directory, 'branch', '-r', '--list', `origin/${branch}`)))
      await gitAsync(directory, 'checkout', '--quiet', '-B', branch, `origin/${branch}`);
    else await gitAsync(directory, 'checkout', '--quiet', '--detach', ref);
  }
  const persist = (call.with['persist-credentials'] ?? 'true') !== 'false';
  const token = call.with['token'] || call.token;
  const base = call.cloneUrl(repository).replace(/\/[^/]+\/[^/]+\.git$/, '');
  if (persist)
    await gitAsync(
      directory,
      'config',
      '--local',
      `http.${base}/.extraheader`,
      `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
    );
  const head = await gitAsync(directory, 'rev-parse', 'HEAD');
  return {
    lines: [
      `${repository} at ${ref || 'its default branch'} (${head.slice(0, 7)}) in ${path.relative(call.workspace, directory) || '.'}${persist ? ', the token kept for pushes' : ''}`,
      ...(call.with['submodules'] && call.with['submodules'] !== 'false' ? ['submodules not fetched: their URLs are github.com'] : []),
    ],
  };
}

/**
 * docker/login-action: with the rehearsal's Docker engine (REHEARSAL_DOCKER_HOST), a real `docker login`
 * (the action runs `docker login --password-stdin`) into a DOCKER_CONFIG of the job's own, checked to
 * hold the credentials as plain `auths` and no credential store; without one, the runner's
 * ~/.docker/config.json as `docker login` leaves it: the credentials as docker stores them.
 */
async function dockerLogin(call: StandInCall): Promise<{ lines: string[]; instead?: string }> {
  const config = path.join(call.runnerDirectory, 'docker');
  await mkdir(config, { recursive: true });
  if (call.env['REHEARSAL_DOCKER_HOST']) return realDockerLogin(call, config);
  const auth = Buffer.from(`${call.with['username'] ?? ''}:${call.with['password'] ?? ''}`).toString('base64');
  await writeFile(path.join(config, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth } } }));
  call.addEnv('DOCKER_CONFIG', config);
  return { lines: [`logged in as ${call.with['username']} (DOCKER_CONFIG written; no Docker engine here)`] };
}

/**
 * actions/create-github-app-token (v2): the App's installation token, minted as the action mints it in
 * GitHub (here the GitHub stand-in, packages/testbed/src/stand-ins/github-api-apps.ts): a JWT signed
 * RS256 with `private-key` (`iss` the `app-id`, `iat` 60 s in the past, `exp` 9 minutes ahead), then
 * GET /repos/{owner}/{repo}/installation for the current repository (no `owner`, no `repositories`) or
 * each of `repositories` under `owner`, then POST /app/installations/{id}/access_tokens limited to those
 * repositories and to the `permission-<name>` inputs given. Outputs `token` (the action masks it; it is
 * never printed here), `installation-id`, `app-slug`. Its post step revokes the token at the end of the
 * job (DELETE /installation/token with the token), unless `skip-token-revoke` is true, as the action's does.
 */
async function createGitHubAppToken(call: StandInCall): Promise<StandInResult> {
  const appId = call.with['app-id'] || call.with['client-id'] || '';
  const key = (call.with['private-key'] ?? '').replace(/\\n/g, '\n');
  if (!appId) throw new Error('actions/create-github-app-token: Input required and not supplied: app-id');
  if (!key) throw new Error('actions/create-github-app-token: Input required and not supplied: private-key');
  const [currentOwner, currentName] = call.github.repository.split('/') as [string, string];
  const owner = call.with['owner'] || currentOwner;
  const repositories = (call.with['repositories'] ?? '')
    .split(/[\n,]+/)
    .map((name) => name.trim())
    .filter(Boolean);
  const names = repositories.length ? repositories : call.with['owner'] ? [] : [currentName];
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 60, exp: now + 540, iss: appId })}`;
  const jwt = `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), createPrivateKey(key)).toString('base64url')}`;
  const request = async (method: string, route: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await freshRequest(`${call.apiUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, accept: 'application/vnd.github+json' },
      ...(body !== undefined ? { body } : {}),
    });
    let answer: Record<string, unknown> = {};
    try {
      answer = JSON.parse(response.text || '{}') as Record<string, unknown>;
    } catch {
      // not JSON: the status says enough
    }
    if (response.status < 200 || response.status > 299)
      throw new Error(`actions/create-github-app-token: ${method} ${route}: HTTP ${response.status} ${String(answer['message'] ?? '')}`);
    return answer;
  };
  if (!names.length)
    throw new Error('actions/create-github-app-token: the stand-in mints tokens for repositories only (set repositories, or leave owner unset)');
  const installation = await request('GET', `/repos/${owner}/${names[0]}/installation`);
  const permissions = Object.fromEntries(
    Object.entries(call.with)
      .filter(([name, value]) => name.startsWith('permission-') && value)
      .map(([name, value]) => [name.slice('permission-'.length).replace(/-/g, '_'), value]),
  );
  const minted = await request('POST', `/app/installations/${String(installation['id'])}/access_tokens`, {
    repositories: names,
    ...(Object.keys(permissions).length ? { permissions } : {}),
  });
  const granted = Object.entries((minted['permissions'] ?? {}) as Record<string, string>)
    .map(([scope, level]) => `${scope}: ${level}`)
    .join(', ');
  const token = String(minted['token']);
  const revoke = async (): Promise<{ lines: string[] }> => {
    const response = await freshRequest(`${call.apiUrl}/installation/token`, {
      method: 'DELETE',
      headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json' },
    });
    if (response.status !== 204) throw new Error(`actions/create-github-app-token: DELETE /installation/token: HTTP ${response.status} ${response.text}`);
    return { lines: ['Token revoked (DELETE /installation/token: 204)'] };
  };
  return {
    outputs: { token, 'installation-id': String(installation['id']), 'app-slug': String(installation['app_slug']) },
    lines: [
      `${String(installation['app_slug'])}[bot]'s installation token (installation ${String(installation['id'])}) for ${names.map((name) => `${owner}/${name}`).join(', ')}: ${granted}; masked, never printed`,
    ],
    ...(call.with['skip-token-revoke'] === 'true' ? {} : { post: revoke }),
  };
}

/** The table: an action by its owner/name (`owner/*` for every action of an owner). */
export const ACTION_STAND_INS: Record<string, StandIn> = {
  'actions/checkout': { instead: 'a git clone of the hosted bare repository', run: checkout },
  'actions/setup-python': {
    instead: "Debian's Python 3 as `python` (scripts/rehearse/python.sh)",
    run: async (call) => {
      const bin = path.join(call.runnerDirectory, 'python-bin');
      await mkdir(bin, { recursive: true });
      await cp(path.join(REPO_ROOT, 'scripts', 'rehearse', 'python.sh'), path.join(bin, 'python'));
      await chmod(path.join(bin, 'python'), 0o755);
      call.addPath(bin);
      return { lines: [`python ${call.with['python-version'] ?? ''} → /usr/bin/python3`] };
    },
  },
  'actions/upload-artifact': {
    instead: "a directory of the run's artifacts",
    run: async (call) => {
      const name = call.with['name'] || 'artifact';
      const source = path.resolve(call.workspace, call.with['path'] ?? '');
      const target = path.join(call.artifacts, name);
      if (!existsSync(source)) {
        if (call.with['if-no-files-found'] === 'error') throw new Error(`actions/upload-artifact: no files found at ${call.with['path']}`);
        return { lines: [`nothing at ${call.with['path']}: no artifact ${name}`] };
      }
      await cp(source, target, { recursive: true });
      return { lines: [`${name}: ${(await readdir(target)).join(', ')}`] };
    },
  },
  'actions/download-artifact': {
    instead: "a directory of the run's artifacts",
    run: async (call) => {
      const target = path.resolve(call.workspace, call.with['path'] ?? '');
      const names = existsSync(call.artifacts) ? await readdir(call.artifacts) : [];
      const wanted = call.with['name']
        ? names.filter((name) => name === call.with['name'])
        : names.filter((name) => new RegExp(`^${(call.with['pattern'] ?? '*').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name));
      if (call.with['name'] && !wanted.length) throw new Error(`actions/download-artifact: no artifact ${call.with['name']} in this run`);
      for (const name of wanted)
        await cp(path.join(call.artifacts, name), call.with['name'] || call.with['merge-multiple'] === 'true' ? target : path.join(target, name), {
          recursive: true,
        });
      return { lines: [`${wanted.join(', ') || 'no artifact'} → ${call.with['path'] ?? '.'}`] };
    },
  },
  'actions/create-github-app-token': {
    instead: "GitHub's App authentication against the GitHub stand-in: a JWT signed with private-key, then the installation's access token",
    run: createGitHubAppToken,
  },
  'docker/login-action': { instead: 'the credentials written to DOCKER_CONFIG, as docker login stores them (no Docker engine here)', run: dockerLogin },
  'docker/build-push-action': {
    instead: 'nothing: this build needs a Docker engine, which this machine lacks',
    run: dockerBuildPush,
  },
  'docker/setup-buildx-action': {
    instead:
      'nothing: Debian 12 has no buildx plugin; `docker buildx imagetools` is answered with `docker manifest create`/`push` (scripts/rehearse/docker.mjs)',
    run: async () => ({ lines: ['no builder instance created'] }),
  },
};

/** The table's entry for `uses` (`owner/name@ref` or `owner/name/path@ref`). @throws Error naming the action and `where` when none */
export function findStandIn(uses: string, where: string): { name: string; standIn: StandIn } {
  const [owner, name] = uses.split('@')[0]!.split('/');
  const key = `${owner}/${name}`;
  const standIn = ACTION_STAND_INS[key] ?? ACTION_STAND_INS[`${owner}/*`];
  if (!standIn) throw new Error(`${where}: uses ${uses}, which has no stand-in in the rehearsal's table (scripts/rehearse/engine/stand-ins.ts): add one`);
  return { name: key, standIn };
}

/** Writes the tool stand-ins (docker, run by Node 24) into `bin`, next to gh. */
export async function installTools(bin: string): Promise<void> {
  await mkdir(bin, { recursive: true });
  const docker = path.join(bin, 'docker');
  await writeFile(docker, `#!/bin/sh\nexec ${JSON.stringify(NODE24)} ${JSON.stringify(path.join(REPO_ROOT, 'scripts', 'rehearse', 'docker.mjs'))} "$@"\n`);
  await chmod(docker, 0o755);
}
