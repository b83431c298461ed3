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
 * `http://127.0.0.1:5000` is spoken to over plain HTTP. Names are lower-cased
 * and a default port dropped, so that one registry has one name.
 *
 * @throws InputError naming `input` for anything else, and for credentials in the URL (never echoed)
 */
export function parseRegistry(text: string, input: string): RegistryEndpoint {
  const trimmed = text.trim().replace(/\/+$/, '');
  if (trimmed.includes('@'))
    throw new InputError(input, 'holds credentials (user:password@): give them in username and password, which are masked, never in a URL');
  const scheme = /^(https?):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  const host = (scheme ? trimmed.slice(scheme.length + 3) : trimmed).toLowerCase();
  const port = /:(\d{1,5})$/.exec(host)?.[1];
  if (
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/.test(host) ||
    (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
  )
    throw new InputError(input, `"${text.slice(0, 100)}" is not a registry: write a host such as docker.io or ghcr.io, or a URL such as http://127.0.0.1:5000`);
  const defaultPort = scheme === 'http' ? '80' : '443';
  const name = port === defaultPort ? host.slice(0, -port.length - 1) : host;
  if (DOCKER_HUB_NAMES.has(name)) return { name: 'docker.io', apiBase: 'https://registry-1.docker.io', isDockerHub: true };
  return { name, apiBase: `${scheme ?? 'https'}://${name}`, isDockerHub: false };
}

/** Whether two endpoints are the same registry: the same host and port (Docker Hub's names all count as docker.io). */
export function isSameRegistry(left: RegistryEndpoint, right: RegistryEndpoint): boolean {
  return left.name === right.name;
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/**
 * Validates a repository name against the OCI distribution spec's grammar
 * (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/…)*`); on Docker Hub a one-part name
 * gets the `library/` namespace.
 *
 * @throws InputError naming `input` for a malformed name, or one that starts with a registry host (e.g. docker.io/nwodtuhs/exegol)
 */
export function parseRepository(endpoint: RegistryEndpoint, name: string, input: string): string {
  const trimmed = name.trim();
  if (!REPOSITORY_NAME.test(trimmed) || trimmed.length > 255)
    throw new InputError(input, `"${name.slice(0, 300)}" is not a repository name: lower-case letters, digits and separators, e.g. nwodtuhs/exegol`);
  const first = trimmed.split('/')[0]!;
  // Docker reads a first component holding a dot (or localhost) as a registry host (distribution/reference's grammar).
  if (trimmed.includes('/') && (first.includes('.') || first === 'localhost'))
    throw new InputError(
      input,
      `"${name}" starts with the registry ${first}: write the registry in registry (or source-registry, target-registry) and only the repository here`,
    );
  return endpoint.isDockerHub && !trimmed.includes('/') ? `library/${trimmed}` : trimmed;
}

/** Whether `tag` is a valid tag (OCI distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
