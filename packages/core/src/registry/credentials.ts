import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ActionError } from '../action/errors.js';
import { runCommand } from '../util/command.js';
import type { RegistryEndpoint } from './reference.js';

/** A user name and a password or token for a registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** The key Docker's config file uses for Docker Hub (docker/cli `authConfigKey`). */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** The keys Docker's config file may use for a registry (docker/login-action writes the first one docker login would). */
function configKeys(endpoint: RegistryEndpoint): string[] {
  if (endpoint.isDockerHub) return [DOCKER_HUB_KEY, 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [endpoint.name, `https://${endpoint.name}`, `http://${endpoint.name}`, endpoint.apiBase];
}

/** docker-credential-helpers' not-found message (credentials/error.go), which docker treats as "no credentials". */
const NOT_FOUND = 'credentials not found in native keychain';

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * Runs `docker-credential-<helper> get` (docker-credential-helpers' protocol:
 * the server URL on stdin, `{"ServerURL","Username","Secret"}` on stdout,
 * errors on stdout with exit 1) through runCommand.
 *
 * @returns the credentials, or undefined when the helper has none for this server
 * @throws ActionError when the helper fails (e.g. macOS "User interaction is not allowed." from a locked keychain) or answers an identity token
 */
async function fromHelper(helper: string, serverUrl: string): Promise<RegistryCredentials | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(helper))
    throw new ActionError(`Docker's config names the credential helper "${helper.slice(0, 50)}", which is not a helper name`);
  const program = `docker-credential-${helper}`;
  const result = await runCommand(program, ['get'], { input: Buffer.from(serverUrl), timeoutSeconds: 60 });
  const advice = 'set the username and password inputs: they avoid docker login and its credential store altogether';
  if (result.missing) throw new ActionError(`Docker's config asks for the credential helper ${program}, which is not on PATH: ${advice}`);
  if (result.code !== 0) {
    if (result.stdout.includes(NOT_FOUND)) return undefined;
    throw new ActionError(`${program} get failed for ${serverUrl}: ${result.output.trim().slice(0, 300) || `exit ${result.code}`}; ${advice}`);
  }
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    throw new ActionError(`${program} get answered something that is not JSON for ${serverUrl}; ${advice}`);
  }
  if (typeof answer.Username !== 'string' || typeof answer.Secret !== 'string' || !answer.Secret) return undefined;
  if (answer.Username === '<token>')
    throw new ActionError(`${program} holds an identity token for ${serverUrl}, which this action does not exchange; ${advice}`);
  return { username: answer.Username, password: answer.Secret };
}

/**
 * Credentials from Docker's config file (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), as docker reads them (docker/cli
 * `configfile/file.go`): the credential helper of the registry
 * (`credHelpers.<host>`, else `credsStore`), run as
 * `docker-credential-<name> get` with the server URL (`https://index.docker.io/v1/`
 * for Docker Hub); else `auths.<registry>.auth` (base64 `user:password`) or
 * `auths.<registry>.username`/`password`, as docker/login-action writes them.
 *
 * @returns the credentials, or undefined when the file, the helper's answer and the entry are all absent
 * @throws ActionError when a configured helper fails: the message says to use the username and password inputs
 */
export async function dockerConfigCredentials(
  endpoint: RegistryEndpoint,
  configDirectory = process.env['DOCKER_CONFIG'] || path.join(homedir(), '.docker'),
): Promise<RegistryCredentials | undefined> {
  let config: DockerConfig;
  try {
    config = JSON.parse(await readFile(path.join(configDirectory, 'config.json'), 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const keys = configKeys(endpoint);
  const helper = keys.map((key) => config.credHelpers?.[key]).find(Boolean) ?? config.credsStore;
  if (helper) {
    const found = await fromHelper(helper, keys[0]!);
    if (found) return found;
  }
  for (const key of keys) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, '') };
    }
  }
  return undefined;
}
