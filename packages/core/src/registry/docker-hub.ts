import { ActionError } from '../action/errors.js';
import { fetchWithRetry } from '../http/fetch-with-retry.js';
import type { RegistryCredentials } from './credentials.js';
import type { Logger } from '../action/logger.js';

/**
 * Deletes tags through Docker Hub's API, as Exegol's maintainers do after a
 * promotion: POST <hub>/v2/users/login (user name and password or personal
 * access token) gives a JWT; DELETE <hub>/v2/repositories/<namespace>/<name>/tags/<tag>/ answers 204.
 *
 * @param hubApi e.g. https://hub.docker.com
 * @returns the tags deleted (a tag already gone, 404, counts as deleted)
 * @throws ActionError when the login is refused or a deletion fails
 */
export async function deleteDockerHubTags(
  hubApi: string,
  repository: string,
  tags: readonly string[],
  credentials: RegistryCredentials,
  logger: Logger,
): Promise<string[]> {
  const login = await fetchWithRetry(`${hubApi}/v2/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: credentials.username, password: credentials.password }),
  });
  if (!login.ok) throw new ActionError(`Docker Hub refused the login of ${credentials.username} (HTTP ${login.status}); the promotion itself succeeded`);
  const { token } = (await login.json()) as { token?: string };
  if (!token) throw new ActionError('Docker Hub returned no token');
  logger.mask(token);
  const deleted: string[] = [];
  for (const tag of tags) {
    const response = await fetchWithRetry(`${hubApi}/v2/repositories/${repository}/tags/${encodeURIComponent(tag)}/`, {
      method: 'DELETE',
      headers: { authorization: `JWT ${token}` },
    });
    await response.body?.cancel();
    if (response.status !== 204 && response.status !== 404)
      throw new ActionError(`Docker Hub did not delete ${repository}:${tag} (HTTP ${response.status}); the promotion itself succeeded`);
    deleted.push(tag);
  }
  return deleted;
}
