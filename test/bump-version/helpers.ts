import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { git, gitOutcome, type GitOutcome } from '@exegol-release/testbed/fixtures/git.js';
import { repositoryState } from '@exegol-release/testbed/fixtures/wrapper-repository.js';

/** Everything bump-version could change in a checkout: HEAD, refs, every file (ignored ones too), the index, and git status. */
export async function checkoutState(work: string): Promise<string> {
  return [await repositoryState(work), git(work, 'ls-files', '--stage'), git(work, 'status', '--porcelain', '--ignored')].join('\n--\n');
}

/** An OpenPGP key made for a test with gpg, and a GNUPGHOME that holds only its public key, to verify with. */
export interface OpenpgpTestKey {
  readonly armored: string;
  readonly fingerprint: string;
  readonly passphrase: string;
  /** A GNUPGHOME with the public key only. */
  readonly verifyHome: string;
}

/** An SSH key made for a test with ssh-keygen, and an allowed-signers file naming it. */
export interface SshTestKey {
  readonly privateKey: string;
  readonly passphrase: string;
  readonly allowedSigners: string;
}

function run(file: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(file, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Makes an ed25519 OpenPGP signing key with `gpg --batch --quick-gen-key` in a temporary GNUPGHOME (no passphrase unless given). */
export async function makeOpenpgpKey(email: string, passphrase = ''): Promise<OpenpgpTestKey> {
  const home = await mkdtemp(path.join(tmpdir(), 'gpg-test-'));
  const verifyHome = await mkdtemp(path.join(tmpdir(), 'gpg-verify-'));
  const env = { GNUPGHOME: home };
  const secret = ['--batch', '--pinentry-mode', 'loopback', '--passphrase', passphrase];
  run('gpg', [...secret, '--quick-gen-key', `Release Bot <${email}>`, 'ed25519', 'sign', 'never'], env);
  const fingerprint = /^fpr:(?:[^:]*:){8}([0-9A-F]+):/m.exec(run('gpg', ['--batch', '--with-colons', '--list-secret-keys'], env))![1]!;
  const armored = run('gpg', [...secret, '--armor', '--export-secret-keys', fingerprint], env);
  const publicKey = path.join(home, 'public.asc');
  run('gpg', ['--batch', '--armor', '--output', publicKey, '--export', fingerprint], env);
  run('gpg', ['--batch', '--import', publicKey], { GNUPGHOME: verifyHome });
  run('gpgconf', ['--kill', 'all'], env);
  return { armored, fingerprint, passphrase, verifyHome };
}

/** Makes an ed25519 SSH key with ssh-keygen, and an allowed-signers file for `email`. */
export async function makeSshKey(email: string, passphrase = ''): Promise<SshTestKey> {
  const directory = await mkdtemp(path.join(tmpdir(), 'ssh-test-'));
  const keyFile = path.join(directory, 'key');
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', email, '-f', keyFile]);
  const allowedSigners = path.join(directory, 'allowed_signers');
  await writeFile(allowedSigners, `${email} namespaces="git" ${(await readFile(`${keyFile}.pub`, 'utf8')).trim()}\n`);
  return { privateKey: await readFile(keyFile, 'utf8'), passphrase, allowedSigners };
}

/** `git verify-tag` (or verify-commit) with only the test key's public half: OpenPGP through GNUPGHOME, SSH through an allowed-signers file. */
export function verifyWith(work: string, key: OpenpgpTestKey | SshTestKey, command: 'verify-tag' | 'verify-commit', object: string): GitOutcome {
  if ('verifyHome' in key) return gitOutcome(work, { GNUPGHOME: key.verifyHome }, '-c', 'gpg.program=gpg', command, '--', object);
  return gitOutcome(work, {}, '-c', `gpg.ssh.allowedSignersFile=${key.allowedSigners}`, command, '--', object);
}

/** The lines of a run's output that could show a secret: everything but the `::add-mask::` commands that register it. */
export function visibleOutput(run: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, run.stderr, run.summary, JSON.stringify(run.outputs)].join('\n');
}

/** Makes a bare repository refuse every push with `message` (a pre-receive hook, as a branch protection would). */
export async function rejectPushes(bareRemote: string, message: string): Promise<void> {
  const hook = path.join(bareRemote, 'hooks', 'pre-receive');
  await mkdir(path.dirname(hook), { recursive: true });
  await writeFile(hook, `#!/bin/sh\necho "${message}" >&2\nexit 1\n`);
  await chmod(hook, 0o755);
}

/** Someone else pushes a commit to `branch` of the bare remote (from a clone of their own under `root`). */
export async function pushFromElsewhere(root: string, bareRemote: string, branch: string): Promise<void> {
  const other = await mkdtemp(path.join(root, 'other-'));
  git(root, 'clone', '--quiet', '--branch', branch, `file://${bareRemote}`, other);
  await writeFile(path.join(other, 'CHANGELOG.md'), 'someone else\n');
  git(other, 'add', '.');
  git(other, 'commit', '--quiet', '-m', 'concurrent change');
  git(other, 'push', '--quiet', 'origin', branch);
}

/**
 * Makes the bare remote list `directory` (every file below it) into `record` while a push is received
 * (a pre-receive hook: it runs while the pushing step waits for the push), and accept the push.
 * The record shows what the step had left on disk while its push was in flight.
 */
export async function recordDuringPush(bareRemote: string, directory: string, record: string): Promise<void> {
  const hook = path.join(bareRemote, 'hooks', 'pre-receive');
  await mkdir(path.dirname(hook), { recursive: true });
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  await writeFile(hook, `#!/bin/sh\ncat >/dev/null\nfind ${quote(directory)} -mindepth 1 > ${quote(record)}\nexit 0\n`);
  await chmod(hook, 0o755);
}
