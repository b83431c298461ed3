import { InputError } from '../action/errors.js';

/** A registry as the action speaks to it. */
export interface RegistryEndpoint {
  /** The name as given and as Docker's config file keys it, e.g. `docker.io`, `127.0.0.1:5000`. */
  readonly name: string;
  /** The base URL of the distribution API, e.g. `https://registry-1.docker.io`, `http://127.0.0.1:5000`. */
  readonly apiBase: string;
  readonly isDockerHub: boolean;
}

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * Parses a registry: `docker.io` (Docker Hub, spoken to at registry-1.docker.io),
 * a host with an optional port (HTTPS), or a URL with an explicit scheme:
 * `http://127.0.0.1:5000` is spoken to over plain HTTP.
 *
 * @throws InputError naming `input` for anything else
 */
export function parseRegistry(text: string, input: string): RegistryEndpoint {
  const trimmed = text.trim().replace(/\/+$/, '');
  const scheme = /^(https?):\/\//.exec(trimmed)?.[1];
  const host = scheme ? trimmed.slice(scheme.length + 3) : trimmed;
  if (!/^[a-zA-Z0-9.-]+(:\d{1,5})?$/.test(host))
    throw new InputError(input, `"${text}" is not a registry: write a host such as docker.io or ghcr.io, or a URL such as http://127.0.0.1:5000`);
  if (DOCKER_HUB_NAMES.has(host)) return { name: 'docker.io', apiBase: 'https://registry-1.docker.io', isDockerHub: true };
  return { name: host, apiBase: `${scheme ?? 'https'}://${host}`, isDockerHub: false };
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/**
 * Validates a repository name against the OCI distribution spec's grammar
 * (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/…)*`); on Docker Hub a one-part name
 * gets the `library/` namespace.
 *
 * @throws InputError naming `input` for a malformed name
 */
export function parseRepository(endpoint: RegistryEndpoint, name: string, input: string): string {
  const trimmed = name.trim();
  if (!REPOSITORY_NAME.test(trimmed) || trimmed.length > 255)
    throw new InputError(input, `"${name}" is not a repository name: lower-case letters, digits and separators, e.g. nwodtuhs/exegol`);
  return endpoint.isDockerHub && !trimmed.includes('/') ? `library/${trimmed}` : trimmed;
}

/** Whether `tag` is a valid tag (OCI distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
