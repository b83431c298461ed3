// What both rehearsed releases share: the temporary root, the log, GitHub, the gh stand-in on PATH, the
// runners' directories, and the checks each release ends with.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { git, gitOutcome } from '@exegol-release/testbed/fixtures/git.js';
import type { GitHub } from './github.js';
import type { HostedRepository } from './repositories.js';
import type { Log } from './workflow.js';

/** A fact about the end state, and whether it holds. */
export interface Check {
  readonly text: string;
  readonly ok: boolean;
}

export class World {
  /** Things to stop or remove at the end, the last added first. */
  readonly stoppers: (() => Promise<unknown>)[] = [];
  private runners = 0;

  constructor(
    readonly root: string,
    readonly log: Log,
    readonly github: GitHub,
    /** Holds `gh`, first on PATH in `run:` steps. */
    readonly bin: string,
    readonly images: HostedRepository,
    readonly resources: HostedRepository,
  ) {}

  /** Writes the gh stand-in (scripts/rehearse/gh.mjs, run by Node 24) into `bin`. */
  static async installGh(bin: string): Promise<void> {
    await mkdir(bin, { recursive: true });
    const gh = path.join(bin, 'gh');
    await writeFile(gh, `#!/bin/sh\nexec ${JSON.stringify(NODE24)} ${JSON.stringify(path.join(REPO_ROOT, 'scripts', 'rehearse', 'gh.mjs'))} "$@"\n`);
    await chmod(gh, 0o755);
  }

  /**
   * A new runner directory for one job (its workspace, RUNNER_TEMP and files inside). Short on purpose:
   * gpg-agent cannot start when its socket path, under bump-version's GNUPGHOME in RUNNER_TEMP, passes
   * the 107 bytes a Unix socket path may hold (see the report on bump-version).
   */
  async runner(): Promise<string> {
    this.runners += 1;
    const directory = path.join(this.root, 'r', String(this.runners).padStart(2, '0'));
    await mkdir(directory, { recursive: true });
    return directory;
  }

  /** The environment `run:` steps need to reach the stand-ins: the gh stand-in's API. */
  ghEnv(): Record<string, string> {
    return { REHEARSAL_GITHUB_API_URL: this.github.url };
  }
}

/** The message and type of a tag in a bare repository, and the commit it peels to. */
export function tagFacts(bare: string, tag: string): { type: string; message: string; commit: string; tagger: string } {
  return {
    type: git(bare, 'cat-file', '-t', `refs/tags/${tag}`),
    message: git(bare, 'for-each-ref', '--format=%(contents:subject)%0a%0a%(contents:body)', `refs/tags/${tag}`).trim(),
    commit: git(bare, 'rev-parse', `${tag}^{commit}`),
    tagger: git(bare, 'for-each-ref', '--format=%(taggername) %(taggeremail)', `refs/tags/${tag}`),
  };
}

/** `git verify-tag` in a bare repository with only the public key: an OpenPGP GNUPGHOME holding it, or an SSH allowed-signers file. */
export function verifyTag(bare: string, tag: string, key: { gnupgHome: string } | { allowedSigners: string }): { ok: boolean; output: string } {
  const outcome =
    'gnupgHome' in key
      ? gitOutcome(bare, { GNUPGHOME: key.gnupgHome }, '-c', 'gpg.program=gpg', 'verify-tag', '--', tag)
      : gitOutcome(bare, {}, '-c', `gpg.ssh.allowedSignersFile=${key.allowedSigners}`, 'verify-tag', '--', tag);
  return { ok: outcome.status === 0, output: `${outcome.stdout}${outcome.stderr}`.trim() };
}

/** The parents of a commit in a bare repository. */
export function parentsOf(bare: string, commit: string): string[] {
  return git(bare, 'rev-list', '--parents', '-n', '1', commit).split(' ').slice(1);
}

/** Whether `ancestor` is an ancestor of (or is) `descendant`. */
export function isAncestor(bare: string, ancestor: string, descendant: string): boolean {
  return gitOutcome(bare, {}, 'merge-base', '--is-ancestor', ancestor, descendant).status === 0;
}

/** A file's text at a commit of a bare repository. */
export function fileAt(bare: string, commit: string, file: string): string {
  return git(bare, 'show', `${commit}:${file}`);
}

/** Makes an ed25519 OpenPGP signing key in `home` (no passphrase), and a second GNUPGHOME holding only its public key. */
export async function makeOpenpgpKey(directory: string, uid: string): Promise<{ armored: string; gnupgHome: string; homes: string[] }> {
  const home = path.join(directory, 'gnupg-secret');
  const verifyHome = path.join(directory, 'gnupg-public');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await mkdir(verifyHome, { recursive: true, mode: 0o700 });
  const gpg = (gnupgHome: string, args: string[], input?: string): string =>
    execFileSync('gpg', ['--batch', '--homedir', gnupgHome, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  gpg(home, ['--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
  const armored = gpg(home, ['--pinentry-mode', 'loopback', '--passphrase', '', '--armor', '--export-secret-keys']);
  gpg(verifyHome, ['--import'], gpg(home, ['--armor', '--export']));
  return { armored, gnupgHome: verifyHome, homes: [home, verifyHome] };
}

/** Stops the gpg-agent (and any other daemon) gpg started for a GNUPGHOME. */
export function killGpgDaemons(home: string): void {
  try {
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
  } catch {
    // none running
  }
}

/** Makes an ed25519 SSH signing key, and an allowed-signers file naming `principal` with its public key. */
export async function makeSshKey(directory: string, principal: string): Promise<{ privateKey: string; allowedSigners: string }> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const keyFile = path.join(directory, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', principal, '-f', keyFile], { stdio: 'ignore' });
  const allowedSigners = path.join(directory, 'allowed_signers');
  const publicKey = (await readFile(`${keyFile}.pub`, 'utf8')).trim();
  await writeFile(allowedSigners, `${principal} namespaces="git" ${publicKey}\n`);
  return { privateKey: await readFile(keyFile, 'utf8'), allowedSigners };
}
