import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { runCommand } from '../util/command.js';
import { NO_SIGNING, type GitIdentity, type SigningConfig } from './git.js';

/** How commits and tags are signed: not at all, with an OpenPGP key (gpg), or with an SSH key (ssh-keygen -Y sign). */
export const SIGNING_FORMATS = ['none', 'openpgp', 'ssh'] as const;
export type SigningFormat = (typeof SIGNING_FORMATS)[number];

/** The signing inputs: a format, and for openpgp or ssh the private key (a secret) and its passphrase. */
export interface SigningRequest {
  readonly format: SigningFormat;
  /** An ASCII-armored OpenPGP private key (or its base64), or an OpenSSH private key. */
  readonly key: string;
  readonly passphrase: string;
}

/** Signing set up for one step: the git configuration, what the key is, and how to remove it all. */
export interface GitSigning extends SigningConfig {
  readonly format: SigningFormat;
  /** The key as the log may show it: an OpenPGP fingerprint, or an SSH public key's SHA256 fingerprint. */
  readonly keyDescription: string;
  /**
   * Removes the temporary directory (GNUPGHOME, or the SSH key) and stops the gpg-agent started
   * there. Idempotent: callers dispose as soon as the last signature is verified (before a push),
   * and again when the step ends.
   */
  dispose(): Promise<void>;
}

const NONE: GitSigning = { ...NO_SIGNING, format: 'none', keyDescription: '', dispose: async () => {} };

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Masks the key as a whole and line by line (the runner matches masks within a line). */
function maskKey(key: string, logger: Logger): void {
  logger.mask(key);
  for (const line of key.split(/\r?\n/)) if (line.trim().length >= 8 && !line.startsWith('-----')) logger.mask(line.trim());
}

async function privateDirectory(parent: string): Promise<string> {
  const directory = await mkdtemp(path.join(parent, 'bump-version-signing-'));
  await chmod(directory, 0o700);
  return directory;
}

async function writePrivate(file: string, content: string | Buffer): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
}

/** The OpenPGP key's bytes: armored text as is, else base64 of an armored or binary key. */
function openpgpKeyBytes(key: string): Buffer {
  if (key.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return Buffer.from(`${key.trim()}\n`, 'utf8');
  const compact = key.replace(/\s+/g, '');
  if (compact !== '' && /^[A-Za-z0-9+/]+=*$/.test(compact)) {
    const bytes = Buffer.from(compact, 'base64');
    if (bytes.toString('utf8').includes('-----BEGIN PGP PRIVATE KEY BLOCK-----') || (bytes[0] !== undefined && (bytes[0] & 0x80) !== 0)) return bytes;
  }
  throw new InputError('signing-key', 'is not an OpenPGP private key: give the ASCII-armored key (-----BEGIN PGP PRIVATE KEY BLOCK-----) or its base64');
}

/** Runs `body` once, however often the returned function is called: disposal is idempotent. */
function once(body: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= body());
}

/** The primary secret keys (`sec` records) of `gpg --with-colons --list-secret-keys`, with their fingerprints (gpg's DETAILS, "Field 10"). */
function primarySecretKeys(listing: string): string[] {
  const fingerprints: string[] = [];
  let primary = false;
  for (const line of listing.split('\n')) {
    const type = line.split(':')[0];
    if (type === 'sec') primary = true;
    else if (type === 'fpr' && primary) {
      fingerprints.push(line.split(':')[9] ?? '');
      primary = false;
    } else if (type !== 'fpr') primary = primary && type !== 'ssb';
  }
  return fingerprints;
}

/**
 * OpenPGP: imports the key into a new GNUPGHOME of its own (gpg.conf with batch and loopback
 * pinentry; its agent is stopped at the end), refuses a key file holding more than one primary
 * secret key, then signs a test text with the passphrase given on gpg's standard input
 * (`--passphrase-fd 0`): that proves the key and passphrase, and leaves the passphrase in the
 * agent's cache (gpg-agent.conf: cache lifetimes of a day) for git's signatures. The armored key is
 * deleted as soon as gpg has imported it; the passphrase is never written to a file. Git gets
 * gpg.format=openpgp, gpg.program=gpg and user.signingkey=<fingerprint>.
 */
async function prepareOpenpgp(request: SigningRequest, directory: string): Promise<GitSigning> {
  const home = path.join(directory, 'gnupg');
  const env = { GNUPGHOME: home };
  const dispose = once(async () => {
    await runCommand('gpgconf', ['--kill', 'all'], { env });
    await rm(directory, { recursive: true, force: true });
  });
  try {
    await mkdir(home, { mode: 0o700 });
    await writeFile(path.join(home, 'gpg.conf'), 'batch\nno-tty\npinentry-mode loopback\n');
    // The agent re-protects the imported key in this private, short-lived GNUPGHOME: the lowest s2k count
    // (RFC 4880 §3.7.1.3) spares a slow key derivation at every signature. The passphrase lives only in the
    // agent's memory once the test signature has unlocked the key (gpg-agent(1): default-cache-ttl, max-cache-ttl).
    await writeFile(path.join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\ns2k-count 65536\ndefault-cache-ttl 86400\nmax-cache-ttl 86400\n');
    const keyFile = path.join(directory, 'key');
    await writePrivate(keyFile, openpgpKeyBytes(request.key));
    let imported;
    try {
      imported = await runCommand('gpg', ['--import', keyFile], { env });
    } finally {
      await rm(keyFile, { force: true });
    }
    if (imported.code !== 0) throw new InputError('signing-key', `could not be imported by gpg: ${lastLine(imported.stderr)}`);
    const listing = await runCommand('gpg', ['--with-colons', '--list-secret-keys'], { env });
    const primaries = primarySecretKeys(listing.stdout);
    if (primaries.length === 0) throw new InputError('signing-key', 'holds no OpenPGP secret key');
    if (primaries.length > 1)
      throw new InputError(
        'signing-key',
        `holds ${primaries.length} OpenPGP secret keys (${primaries.join(', ')}): give exactly one, so that the key that signs is the one meant`,
      );
    const fingerprint = primaries[0]!;
    const testFile = path.join(directory, 'test');
    await writeFile(testFile, 'bump-version signing test\n');
    const signed = await runCommand('gpg', ['--passphrase-fd', '0', '--local-user', fingerprint, '--detach-sign', '--output', '-', testFile], {
      env,
      input: Buffer.from(`${request.passphrase}\n`, 'utf8'),
    });
    if (signed.code !== 0) {
      const input = /passphrase/i.test(signed.stderr) ? 'signing-key-passphrase' : 'signing-key';
      throw new InputError(input, `does not let gpg sign with key ${fingerprint}: ${lastLine(signed.stderr)}`);
    }
    return {
      format: 'openpgp',
      sign: true,
      config: ['gpg.format=openpgp', 'gpg.program=gpg', `user.signingKey=${fingerprint}`],
      env,
      keyDescription: `OpenPGP key ${fingerprint}`,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * SSH: writes the key (mode 0600), decrypts it with the passphrase (given to
 * ssh-keygen through an SSH_ASKPASS script; the passphrase file is deleted right after), derives the public key, signs a test text (ssh-keygen -Y sign),
 * and writes an allowed-signers file with the public key for the identity's
 * email, so that git verify-tag and verify-commit can check what was signed.
 */
async function prepareSsh(request: SigningRequest, directory: string, identity: GitIdentity): Promise<GitSigning> {
  if (!/-----BEGIN (?:OPENSSH |RSA |EC |DSA )?PRIVATE KEY-----/.test(request.key))
    throw new InputError('signing-key', 'is not an SSH private key: give the private key file (-----BEGIN OPENSSH PRIVATE KEY-----)');
  const env = { SSH_ASKPASS: path.join(directory, 'askpass'), SSH_ASKPASS_REQUIRE: 'force', DISPLAY: process.env['DISPLAY'] ?? ':0' };
  const dispose = once(() => rm(directory, { recursive: true, force: true }));
  try {
    const keyFile = path.join(directory, 'key');
    await writePrivate(keyFile, `${request.key.trim()}\n`);
    const passphraseFile = path.join(directory, 'passphrase');
    await writePrivate(passphraseFile, request.passphrase);
    await writeFile(env.SSH_ASKPASS, request.passphrase ? `#!/bin/sh\ncat ${shellQuote(passphraseFile)}\n` : '#!/bin/sh\nexit 1\n', { mode: 0o700 });
    try {
      if (request.passphrase) {
        // Decrypted once (the passphrase through SSH_ASKPASS), in place in this private directory, removed
        // before the push: every later signature skips the key derivation, and the passphrase file goes at once.
        const decrypted = await runCommand('ssh-keygen', ['-p', '-q', '-N', '', '-f', keyFile], { env });
        if (decrypted.code !== 0) throw new InputError('signing-key-passphrase', `does not open the SSH key: ${lastLine(decrypted.stderr)}`);
      }
    } finally {
      await rm(passphraseFile, { force: true });
      await writeFile(env.SSH_ASKPASS, '#!/bin/sh\nexit 1\n', { mode: 0o700 });
    }
    const publicKey = await runCommand('ssh-keygen', ['-y', '-f', keyFile], { env });
    if (publicKey.code !== 0) {
      const input = /passphrase|incorrect/i.test(publicKey.stderr) ? 'signing-key-passphrase' : 'signing-key';
      throw new InputError(input, `does not open the SSH key: ${lastLine(publicKey.stderr)}`);
    }
    const testFile = path.join(directory, 'test');
    await writeFile(testFile, 'bump-version signing test\n');
    const signed = await runCommand('ssh-keygen', ['-Y', 'sign', '-n', 'git', '-f', keyFile, testFile], { env });
    if (signed.code !== 0) throw new InputError('signing-key', `does not let ssh-keygen sign: ${lastLine(signed.stderr)}`);
    const fingerprint = await runCommand('ssh-keygen', ['-l', '-f', '-'], { input: Buffer.from(publicKey.stdout) });
    const principal = /^[^\s,"*?!]+$/.test(identity.email) ? identity.email : 'bump-version';
    const allowedSigners = path.join(directory, 'allowed_signers');
    await writeFile(allowedSigners, `${principal} namespaces="git" ${publicKey.stdout.trim()}\n`);
    return {
      format: 'ssh',
      sign: true,
      config: ['gpg.format=ssh', 'gpg.ssh.program=ssh-keygen', `user.signingKey=${keyFile}`, `gpg.ssh.allowedSignersFile=${allowedSigners}`],
      env,
      keyDescription: `SSH key ${fingerprint.stdout.split(' ')[1] ?? ''}`.trim(),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('[GNUPG:]'))
      .pop() ?? ''
  );
}

/**
 * Sets up signing for this step only: nothing is written to the user's git
 * or gpg configuration; the key lives in a private temporary directory under
 * `temporaryDirectory` until {@link GitSigning.dispose}. The key and the
 * passphrase are masked first. A test signature proves the key works before
 * the caller writes anything. No secret file outlives its use: an OpenPGP key
 * file is deleted as soon as gpg has imported it (its passphrase never reaches
 * a file), an SSH passphrase file as soon as the key is decrypted; the rest
 * goes with `dispose`, which callers run once the signatures are verified.
 *
 * @throws InputError naming signing-key or signing-key-passphrase
 */
export async function prepareSigning(request: SigningRequest, identity: GitIdentity, temporaryDirectory: string, logger: Logger): Promise<GitSigning> {
  if (request.format === 'none') return NONE;
  maskKey(request.key, logger);
  logger.mask(request.passphrase);
  if (request.key.trim() === '') throw new InputError('signing-key', `is required with sign: ${request.format}`);
  const directory = await privateDirectory(temporaryDirectory);
  return request.format === 'openpgp' ? prepareOpenpgp(request, directory) : prepareSsh(request, directory, identity);
}
