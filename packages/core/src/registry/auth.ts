import { jwtClaims } from '../util/jwt.js';

/** An authentication challenge from a WWW-Authenticate header (RFC 9110 §11.6.1). */
export interface Challenge {
  /** Lower case: `basic` or `bearer`. */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses a WWW-Authenticate header such as
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a:pull,push"`.
 *
 * @returns the first challenge, or undefined when the header is absent or empty
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header ? /^\s*([A-Za-z]+)\s*(.*)$/.exec(header) : null;
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g))
    params[key!.toLowerCase()] = (quoted ?? bare ?? '').replace(/\\(.)/g, '$1');
  return { scheme: match[1]!.toLowerCase(), params };
}

/** A scope of Docker's token spec: `repository:<name>:<actions>`. */
export function repositoryScope(repository: string, actions: readonly ('pull' | 'push')[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/**
 * The access a token grants, when it is a JWT with Docker's `access` claim
 * (Docker token authentication spec); undefined for an opaque token.
 */
export function grantedAccess(token: string): { type: string; name: string; actions: string[] }[] | undefined {
  const access = jwtClaims(token)?.['access'];
  return Array.isArray(access) ? (access as { type: string; name: string; actions: string[] }[]) : undefined;
}
