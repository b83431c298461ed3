/** A token for git over HTTPS, and the one server it may be sent to. */
export interface GitCredentials {
  /** The server's URL (GITHUB_SERVER_URL, e.g. https://github.com): only URLs under its origin get the token. */
  readonly serverUrl: string;
  readonly token: string;
}

/**
 * The `Authorization` header git sends for `credentials`: HTTP Basic with the user `x-access-token`
 * and the token as password, as actions/checkout sends it; GitHub accepts any user name with a token.
 */
export function basicAuthorization(token: string): string {
  return `basic ${Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')}`;
}

/**
 * The environment of every git command of a sync: no system or global configuration (no
 * credential helper, no filter or merge driver a runner set up), no hooks (`core.hooksPath`
 * /dev/null), no prompt, Git LFS files left as pointers; and the token as an
 * `http.<origin>/.extraheader` given through GIT_CONFIG_COUNT/KEY/VALUE (git 2.31 or later):
 * it is in no URL, no argument and no file, and git sends it only to URLs under the server's
 * origin (git-config(1), `http.<url>.*`).
 */
export function gitEnvironment(credentials?: GitCredentials): Record<string, string> {
  const config: [string, string][] = [
    ['core.hooksPath', '/dev/null'],
    ['credential.helper', ''],
  ];
  if (credentials?.token) {
    const origin = new URL(credentials.serverUrl).origin;
    config.push([`http.${origin}/.extraheader`, `AUTHORIZATION: ${basicAuthorization(credentials.token)}`]);
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

/** `text` with the token, and the header made of it, replaced by `***`: for git's messages in errors and replies. */
export function redactCredentials(text: string, credentials?: GitCredentials): string {
  if (!credentials?.token) return text;
  const secrets = [basicAuthorization(credentials.token).slice('basic '.length), credentials.token];
  return secrets.reduce((redacted, secret) => redacted.split(secret).join('***'), text);
}
