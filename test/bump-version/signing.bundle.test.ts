import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { checkoutState, makeOpenpgpKey, makeSshKey, verifyWith, visibleOutput, type OpenpgpTestKey, type SshTestKey } from './helpers.js';

const BOTH = `${CONSTANT_CONFIG}\n${TEST_FILE}`;
const EMAIL = 'release-bot@example.invalid';
const RELEASE = { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true', 'tag-message': '{version}', 'git-author-email': EMAIL };

let openpgp: OpenpgpTestKey;
let ssh: SshTestKey;
let sshProtected: SshTestKey;

beforeAll(async () => {
  [openpgp, ssh, sshProtected] = await Promise.all([makeOpenpgpKey(EMAIL, 'correct horse'), makeSshKey(EMAIL), makeSshKey(EMAIL, 'battery staple')]);
});

/** An empty HOME for the step: anything the step wrote to the user's configuration (~/.gitconfig, ~/.gnupg, ~/.ssh) would show up in it. */
async function emptyHome(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'home-'));
}

describe('bump-version bundle: signed commits and tags, verified with git', () => {
  it('openpgp with a passphrase: the commit and the tag verify with the public key only; nothing is left in HOME or RUNNER_TEMP', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const home = await emptyHome();
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      env: { HOME: home },
      inputs: { ...RELEASE, sign: 'openpgp', 'signing-key': openpgp.armored, 'signing-key-passphrase': openpgp.passphrase },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const tag = verifyWith(repository.remote, openpgp, 'verify-tag', '5.1.5');
    expect(tag.status, tag.stderr).toBe(0);
    expect(tag.stderr).toContain(openpgp.fingerprint);
    expect(verifyWith(repository.remote, openpgp, 'verify-commit', run.outputs['commit-sha']!).status).toBe(0);
    expect(git(repository.remote, 'cat-file', 'tag', '5.1.5')).toMatch(/\n\n5\.1\.5\n-----BEGIN PGP SIGNATURE-----/);
    expect(run.stdout).toContain(`signed with OpenPGP key ${openpgp.fingerprint}, verified with git`);
    expect(await readdir(home)).toEqual([]);
    expect(await readdir(path.join(run.runnerDirectory, 'temp'))).toEqual([]);
    const keyLines = openpgp.armored.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
    for (const line of keyLines) expect(visibleOutput(run)).not.toContain(line);
    expect(run.masks).toContain(keyLines[0]);
    expect(visibleOutput(run)).not.toContain(openpgp.passphrase);
  });

  it('ssh without a passphrase: a signed annotated tag with the message X.Y.Z, as Exegol tags are', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { ...RELEASE, sign: 'ssh', 'signing-key': ssh.privateKey } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const tag = verifyWith(repository.remote, ssh, 'verify-tag', '5.1.5');
    expect(tag.status, tag.stderr).toBe(0);
    expect(tag.stderr).toContain(`Good "git" signature for ${EMAIL}`);
    expect(verifyWith(repository.remote, ssh, 'verify-commit', run.outputs['commit-sha']!).status).toBe(0);
    expect(git(repository.remote, 'cat-file', 'tag', '5.1.5')).toMatch(/\n\n5\.1\.5\n-----BEGIN SSH SIGNATURE-----/);
    // Another key does not verify it: the check above is a real one.
    expect(verifyWith(repository.remote, sshProtected, 'verify-tag', '5.1.5').status).not.toBe(0);
  });

  it('ssh with a passphrase', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { ...RELEASE, sign: 'ssh', 'signing-key': sshProtected.privateKey, 'signing-key-passphrase': sshProtected.passphrase },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(verifyWith(repository.remote, sshProtected, 'verify-tag', '5.1.5').status).toBe(0);
    expect(visibleOutput(run)).not.toContain(sshProtected.passphrase);
  });

  it.each([
    ['openpgp', () => openpgp.armored, 'wrong passphrase', 'signing-key-passphrase'],
    ['ssh', () => sshProtected.privateKey, 'wrong passphrase', 'signing-key-passphrase'],
    ['openpgp', () => 'not a key', '', 'signing-key'],
    ['ssh', () => openpgp.armored, '', 'signing-key'],
  ])('sign: %s with a key that cannot sign fails before any write, naming the input', async (sign, key, passphrase, input) => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { ...RELEASE, sign, 'signing-key': key(), 'signing-key-passphrase': passphrase },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input '${input}'`);
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'tag', '--list')).toBe('');
  });

  it('sign: none makes unsigned tags even when the user’s git config asks to sign everything', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const home = await emptyHome();
    await writeFile(
      path.join(home, '.gitconfig'),
      '[commit]\n\tgpgSign = true\n[tag]\n\tgpgSign = true\n[user]\n\tsigningKey = /nonexistent/key\n[gpg]\n\tformat = ssh\n',
    );
    const run = await runBundle('bump-version', { workspace: repository.work, env: { HOME: home }, inputs: { ...RELEASE } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(git(repository.remote, 'cat-file', 'tag', '5.1.5')).not.toContain('SIGNATURE');
  });
});
