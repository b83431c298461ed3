import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { RegistryEndpoint } from './reference.js';

/** A user name and a password or token for a registry. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** The keys Docker's config file may use for a registry (docker/login-action writes the first one docker login would). */
function configKeys(endpoint: RegistryEndpoint): string[] {
  if (endpoint.isDockerHub) return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [endpoint.name, `https://${endpoint.name}`, `http://${endpoint.name}`, endpoint.apiBase];
}

/**
 * Credentials from Docker's config file (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), as `docker login` and docker/login-action write
 * them: `auths.<registry>.auth` (base64 `user:password`) or
 * `auths.<registry>.username`/`password`. Credential helpers are not run.
 *
 * @returns the credentials, or undefined when the file or the entry is absent
 */
export async function dockerConfigCredentials(
  endpoint: RegistryEndpoint,
  configDirectory = process.env['DOCKER_CONFIG'] || path.join(homedir(), '.docker'),
): Promise<RegistryCredentials | undefined> {
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(await readFile(path.join(configDirectory, 'config.json'), 'utf8')) as typeof config;
  } catch {
    return undefined;
  }
  for (const key of configKeys(endpoint)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  return undefined;
}
