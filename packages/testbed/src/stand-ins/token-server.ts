import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeServer, listenOnLoopback } from './loopback.js';

/** Who may do what: user → password and the actions allowed per repository (`*` for every repository). */
export type TokenUsers = Record<string, { password: string; access: Record<string, ('pull' | 'push')[]> }>;

/** A token server as Docker's token authentication spec describes it, issuing RS256 JWTs. */
export interface TokenServer {
  readonly url: string;
  readonly service: string;
  readonly issuer: string;
  /** The certificate the registry trusts (its config's rootcertbundle). */
  readonly certificateFile: string;
  /** Token requests received. */
  readonly requests: { scopes: string[]; account?: string; granted: boolean }[];
  stop(): Promise<void>;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** libtrust's key ID, which distribution 2.8 matches against a token's `kid`: the SHA-256 of the DER public key, first 240 bits, base32, in groups of four. */
function libtrustKeyId(publicKeyDer: Buffer): string {
  const bytes = createHash('sha256').update(publicKeyDer).digest().subarray(0, 30);
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let index = 0; index + 5 <= bits.length; index += 5) encoded += BASE32[parseInt(bits.slice(index, index + 5), 2)];
  return encoded.match(/.{4}/g)!.join(':');
}

const base64url = (value: object | Buffer): string => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

/** Starts a token server on 127.0.0.1 with a fresh RSA key and self-signed certificate (made by openssl). */
export async function startTokenServer(users: TokenUsers): Promise<TokenServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 'token-server-'));
  const keyFile = path.join(directory, 'key.pem');
  const certificateFile = path.join(directory, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certificateFile, '-subj', '/CN=test-token-issuer', '-days', '1'],
    { stdio: 'ignore' },
  );
  const privateKey = createPrivateKey(await readFile(keyFile));
  const kid = libtrustKeyId(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
  const service = 'test-registry';
  const issuer = 'test-issuer';
  const requests: TokenServer['requests'] = [];

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope');
    const header = request.headers.authorization ?? '';
    const [user, password] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString().split(':') : [];
    const account = user ? users[user] : undefined;
    if (header && (!account || account.password !== password)) {
      requests.push({ scopes, ...(user ? { account: user } : {}), granted: false });
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const allowed = account ? (account.access[name] ?? account.access['*'] ?? []) : [];
      const granted = actions.split(',').filter((action) => allowed.includes(action as 'pull' | 'push'));
      return granted.length ? [{ type, name, actions: granted }] : [];
    });
    requests.push({ scopes, ...(user ? { account: user } : {}), granted: true });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const unsigned = `${base64url({ typ: 'JWT', alg: 'RS256', kid })}.${base64url(claims)}`;
    const token = `${unsigned}.${base64url(sign('sha256', Buffer.from(unsigned), privateKey))}`;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    service,
    issuer,
    certificateFile,
    requests,
    stop: () => closeServer(server),
  };
}
