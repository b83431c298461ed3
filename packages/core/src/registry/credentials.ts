import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ActionError, InputError } from '../action/errors.js';
import { runCommand } from '../util/command.js';
import { repositoryScope } from './auth.js';
import { isSameRegistry, type RegistryEndpoint } from './reference.js';

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

/** How the client of one registry authenticates: its credentials, the token scopes it asks for, the repositories its token must let it push to. */
export interface RegistryAccess {
  readonly endpoint: RegistryEndpoint;
  readonly credentials?: RegistryCredentials;
  /** Token scopes asked for at once (Docker token authentication spec), e.g. `repository:nwodtuhs/exegol:pull,push`. */
  readonly scopes: readonly string[];
  /** Repositories the token must grant `push` on (checked when the token says what it grants); none in a dry run. */
  readonly pushRepositories: readonly string[];
}

/** Who a promotion authenticates as, where ({@link promotionAccess}). */
export interface PromotionAccess {
  /** One registry for both sides: one client, one token carrying pull on the source and pull,push on the target (a cross-repository mount needs both); `source` and `target` are then the same object. */
  readonly shared: boolean;
  readonly source: RegistryAccess;
  readonly target: RegistryAccess;
  /** Docker Hub API credentials to delete the source tags (delete-source-tags). */
  readonly sourceHub?: RegistryCredentials;
  /** Docker Hub API credentials to delete a new target tag again after a failed promotion (target on Docker Hub, with credentials). */
  readonly targetHub?: RegistryCredentials;
}

/** What {@link promotionAccess} decides from. */
export interface PromotionAccessRequest {
  readonly sourceEndpoint: RegistryEndpoint;
  readonly targetEndpoint: RegistryEndpoint;
  readonly sourceRepository: string;
  readonly targetRepository: string;
  /** The `username` and `password` inputs: used for every registry and Docker Hub's API when given. */
  readonly credentials?: RegistryCredentials;
  readonly dryRun: boolean;
  readonly deleteSourceTags: boolean;
}

/**
 * The credential policy of a promotion: the `username`/`password` inputs when given, for both
 * registries and Docker Hub's API; else each registry's entry of Docker's config file
 * ({@link dockerConfigCredentials}), else anonymous. The source is asked for pull only, the target
 * for pull,push (pull only in a dry run, which pushes nothing, so that a read-only token plans).
 * Docker Hub's API, which deletes tags, gets the source's credentials for delete-source-tags (which
 * needs them), and the target's to delete a new tag again after a failure.
 *
 * @param lookup Docker's config lookup; {@link dockerConfigCredentials} by default
 * @throws InputError `delete-source-tags` when it is set and no credentials were found for Docker Hub; ActionError from a failing credential helper
 */
export async function promotionAccess(
  request: PromotionAccessRequest,
  lookup: (endpoint: RegistryEndpoint) => Promise<RegistryCredentials | undefined> = (endpoint) => dockerConfigCredentials(endpoint),
): Promise<PromotionAccess> {
  const credentialsFor = async (endpoint: RegistryEndpoint): Promise<RegistryCredentials | undefined> => request.credentials ?? (await lookup(endpoint));
  const sourceScope = repositoryScope(request.sourceRepository, ['pull']);
  const targetScope = repositoryScope(request.targetRepository, request.dryRun ? ['pull'] : ['pull', 'push']);
  const pushRepositories = request.dryRun ? [] : [request.targetRepository];
  const sourceHub = request.deleteSourceTags ? await credentialsFor(request.sourceEndpoint) : undefined;
  if (request.deleteSourceTags && !sourceHub)
    throw new InputError('delete-source-tags', 'needs Docker Hub credentials for its API: set username and password (a token with Read, Write, Delete)');
  const hubFields = (targetCredentials: RegistryCredentials | undefined) => ({
    ...(sourceHub ? { sourceHub } : {}),
    ...(request.targetEndpoint.isDockerHub && targetCredentials ? { targetHub: targetCredentials } : {}),
  });
  if (isSameRegistry(request.sourceEndpoint, request.targetEndpoint)) {
    const credentials = await credentialsFor(request.targetEndpoint);
    const access: RegistryAccess = {
      endpoint: request.targetEndpoint,
      ...(credentials ? { credentials } : {}),
      scopes: [sourceScope, targetScope],
      pushRepositories,
    };
    return { shared: true, source: access, target: access, ...hubFields(credentials) };
  }
  const sourceCredentials = await credentialsFor(request.sourceEndpoint);
  const targetCredentials = await credentialsFor(request.targetEndpoint);
  return {
    shared: false,
    source: { endpoint: request.sourceEndpoint, ...(sourceCredentials ? { credentials: sourceCredentials } : {}), scopes: [sourceScope], pushRepositories: [] },
    target: { endpoint: request.targetEndpoint, ...(targetCredentials ? { credentials: targetCredentials } : {}), scopes: [targetScope], pushRepositories },
    ...hubFields(targetCredentials),
  };
}
