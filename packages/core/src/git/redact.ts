import { gitTokenAuthorization, type GitCredentials } from './environment.js';

/**
 * Credentials in URLs (RFC 3986 §3.2.1 userinfo: `https://user:token@host/…`,
 * `https://token@host/…`). Git prints remote URLs in its messages, and a
 * remote input or a configured remote may carry a token: every text that
 * leaves an action (log, summary, output, error) goes through
 * {@link redactCredentials}, and the credentials themselves are masked.
 */

// A scheme, `://`, then a userinfo: anything up to an `@` without a slash, `?`, `#` or white space before it.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]+)@/gi;

/** The secret part of a userinfo: its password; on HTTP(S) the user name too (`https://TOKEN@host`); none for `ssh://git@host`. */
function secretOf(scheme: string, userinfo: string): string | undefined {
  const colon = userinfo.indexOf(':');
  if (colon !== -1) return userinfo.slice(colon + 1);
  return /^https?:\/\/$/i.test(scheme) ? userinfo : undefined;
}

/**
 * `text` (git's messages, our own errors) with every credential written `***`: each URL userinfo
 * that holds a secret (`https://***@github.com/…`), and, when `credentials` are given, the token
 * and the Base64 of the Basic header made of it ({@link gitTokenAuthorization}). The one redaction of
 * the git steps of every action.
 */
export function redactCredentials(text: string, credentials?: GitCredentials): string {
  const redacted = text.replace(USERINFO, (whole, scheme: string, userinfo: string) => (secretOf(scheme, userinfo) !== undefined ? `${scheme}***@` : whole));
  if (!credentials?.token) return redacted;
  const secrets = [gitTokenAuthorization(credentials.token).slice('basic '.length), credentials.token];
  return secrets.reduce((result, secret) => result.split(secret).join('***'), redacted);
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The secrets in the URLs of `text`, to mask: each userinfo that holds a
 * secret, and the secret alone, both as written and percent-decoded. Values
 * shorter than 4 characters are left out: masking them would hide common
 * words in the log, and {@link redactCredentials} removes them from our own text.
 */
export function credentialsIn(text: string): string[] {
  const secrets = new Set<string>();
  for (const match of text.matchAll(USERINFO)) {
    const [, scheme, userinfo] = match as unknown as [string, string, string];
    const secret = secretOf(scheme, userinfo);
    if (secret === undefined) continue;
    for (const value of [userinfo, secret, decoded(userinfo), decoded(secret)]) if (value.length >= 4) secrets.add(value);
  }
  return [...secrets];
}
