import type { GitIdentity } from './git.js';

/** A token for git over HTTPS, and the one server it may be sent to. */
export interface GitCredentials {
  /** The server's URL (GITHUB_SERVER_URL, e.g. https://github.com): only URLs under its origin get the token. */
  readonly serverUrl: string;
  readonly token: string;
}

/**
 * The `Authorization` header value git sends for a token: HTTP Basic (RFC 7617) with the user
 * `x-access-token` and the token as password, as actions/checkout sends it; GitHub accepts any
 * user name with a token.
 */
export function gitTokenAuthorization(token: string): string {
  return `basic ${Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')}`;
}

/**
 * The environment of every git command the actions run (bump-version's and sync-pr-branch's alike),
 * added to the process's own:
 * - no system or global configuration (`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_GLOBAL=/dev/null`): no
 *   credential helper, filter, merge driver or alias a runner set up reaches the command;
 * - no hooks (`core.hooksPath=/dev/null`), no credential helper (`credential.helper=` resets the
 *   list, the repository's own included), no prompt (`GIT_TERMINAL_PROMPT=0`, empty askpass);
 * - no redirect followed (`http.followRedirects=false`, git-config(1)): a token, given here or by
 *   the repository's own configuration (actions/checkout's extraheader), is never sent to the host
 *   a server redirects to;
 * - `credentials`, when given: the token as an `http.<origin>/.extraheader`, in no URL, argument or
 *   file, sent only to URLs under the server's origin (git-config(1), `http.<url>.*`);
 * - Git LFS files left as pointers (`GIT_LFS_SKIP_SMUDGE=1`).
 * The settings travel as `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_<n>`/`GIT_CONFIG_VALUE_<n>` (git 2.31
 * or later; command-line scope, above the repository's configuration).
 */
export function gitEnvironment(credentials?: GitCredentials): Record<string, string> {
  const config: [string, string][] = [
    ['core.hooksPath', '/dev/null'],
    ['credential.helper', ''],
    ['http.followRedirects', 'false'],
  ];
  if (credentials?.token) {
    const origin = new URL(credentials.serverUrl).origin;
    config.push([`http.${origin}/.extraheader`, `AUTHORIZATION: ${gitTokenAuthorization(credentials.token)}`]);
  }
  const environment: Record<string, string> = {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_LFS_SKIP_SMUDGE: '1',
    GIT_CONFIG_COUNT: String(config.length),
  };
  config.forEach(([key, value], index) => {
    environment[`GIT_CONFIG_KEY_${index}`] = key;
    environment[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return environment;
}

/** The author and committer (and tagger) variables of git-commit-tree(1) for `identity`. */
export function identityEnvironment(identity: GitIdentity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}
