import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TokenServer } from './token-server.js';

/** A running CNCF distribution registry (Debian's docker-registry), on 127.0.0.1. */
export interface TestRegistry {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** 127.0.0.1:<port> */
  readonly host: string;
  readonly storage: string;
  /** Its log (stderr), for debugging a failed test. */
  log(): string;
  stop(): Promise<void>;
}

/** How the registry authenticates. */
/** `realm`: the token realm the registry names in its challenge, when clients reach the token server under another name (Docker Hub's https://auth.docker.io/token). */
export type RegistryAuth = { mode: 'none' } | { mode: 'htpasswd'; users: Record<string, string> } | { mode: 'token'; tokenServer: TokenServer; realm?: string };

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${url}/v2/`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer at ${url}: ${log()}`);
}

/**
 * Starts Debian's docker-registry (distribution 2.8) with temporary storage
 * on an ephemeral port: without auth, with htpasswd Basic auth (bcrypt, made
 * by htpasswd from apache2-utils), or with Bearer tokens from `tokenServer`.
 */
export async function startRegistry(auth: RegistryAuth = { mode: 'none' }, storage?: string): Promise<TestRegistry> {
  const directory = await mkdtemp(path.join(tmpdir(), 'registry-'));
  const root = storage ?? path.join(directory, 'storage');
  const port = await freePort();
  let authConfig = '';
  if (auth.mode === 'htpasswd') {
    const file = path.join(directory, 'htpasswd');
    const lines = Object.entries(auth.users).map(([user, password]) => execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim());
    await writeFile(file, `${lines.join('\n')}\n`);
    authConfig = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${file}\n`;
  } else if (auth.mode === 'token') {
    authConfig = `auth:\n  token:\n    realm: ${auth.realm ?? `${auth.tokenServer.url}/token`}\n    service: ${auth.tokenServer.service}\n    issuer: ${auth.tokenServer.issuer}\n    rootcertbundle: ${auth.tokenServer.certificateFile}\n`;
  }
  const config = path.join(directory, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${root}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authConfig}`,
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child, () => log);
  return {
    url,
    host: `127.0.0.1:${port}`,
    storage: root,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
