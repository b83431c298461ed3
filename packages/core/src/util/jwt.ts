/**
 * The claims of a JSON Web Token (RFC 7519 §7.2: the second base64url part,
 * a JSON object). The signature is not checked: the claims are read only to
 * explain a refusal or to see what a registry token grants.
 *
 * @returns the claims, or undefined when `token` is not a JWT whose payload is a JSON object
 */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
