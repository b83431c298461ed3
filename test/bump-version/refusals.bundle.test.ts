import { existsSync } from 'node:fs';
import { link, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository, writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { checkoutState, makeOpenpgpKey, makeSshKey, recordDuringPush, verifyWith, type OpenpgpTestKey, type SshTestKey } from './helpers.js';

const BOTH = `${CONSTANT_CONFIG}\n${TEST_FILE}`;
const EMAIL = 'release-bot@example.invalid';
const RELEASE = { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true', 'git-author-email': EMAIL };

let openpgp: OpenpgpTestKey;
let other: OpenpgpTestKey;
let ssh: SshTestKey;
beforeAll(async () => {
  [openpgp, other, ssh] = await Promise.all([makeOpenpgpKey(EMAIL, 'correct horse'), makeOpenpgpKey('someone@example.invalid'), makeSshKey(EMAIL, 'staple')]);
});

/** A wrapper repository at 5.1.5 whose `master` moved one commit on, with a tag `master` left on the older commit. */
async function repositoryWithTagNamedMaster(): Promise<{ work: string; remote: string; old: string; head: string }> {
  const repository = await createWrapperRepository({ version: '5.1.5' });
  git(repository.work, 'checkout', '--quiet', 'master');
  const old = git(repository.work, 'rev-parse', 'HEAD');
  git(repository.work, 'tag', '--annotate', '--message', 'a tag named like the branch', 'master', old);
  await writeFiles(repository.work, { 'README.md': '# Exegol\n\nRelease notes.\n' });
  git(repository.work, 'commit', '--quiet', '-am', 'README for 5.1.5');
  git(repository.work, 'push', '--quiet', 'origin', 'refs/heads/master:refs/heads/master');
  return { ...repository, old, head: git(repository.work, 'rev-parse', 'refs/heads/master') };
}

describe('bump-version bundle: tag-ref is resolved explicitly', () => {
  it('refuses a tag-ref that names both a branch and a tag at other commits, naming the candidates', async () => {
    const repository = await repositoryWithTagNamedMaster();
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'none', files: CONSTANT_CONFIG, tag: 'true', 'tag-ref': 'master', push: 'true' },
    });
    expect(run.code, run.stdout).toBe(1);
    expect(run.errors[0]).toContain(`input 'tag-ref' "master" is ambiguous: refs/heads/master is at ${repository.head.slice(0, 12)}`);
    expect(run.errors[0]).toContain(`refs/tags/master is at ${repository.old.slice(0, 12)}`);
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'tag', '--list')).toBe('');
  });

  it('a full ref name picks the branch: the tag lands on the branch’s commit', async () => {
    const repository = await repositoryWithTagNamedMaster();
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'none', files: CONSTANT_CONFIG, tag: 'true', 'tag-ref': 'refs/heads/master', 'require-branches': 'master', push: 'true' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(git(repository.remote, 'rev-parse', '5.1.5^{commit}')).toBe(repository.head);
  });

  it.each(['HEAD~0', 'master^{}', 'an abbreviated SHA'])('refuses %s: a release tag goes on a commit named exactly', async (given) => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    const ref = given === 'an abbreviated SHA' ? git(repository.work, 'rev-parse', '--short=10', 'HEAD') : given;
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { bump: 'none', files: CONSTANT_CONFIG, tag: 'true', 'tag-ref': ref } });
    expect(run.code, run.stdout).toBe(1);
    expect(run.errors[0]).toMatch(/input 'tag-ref' "[^"]+" (is not a branch, remote-tracking branch, tag or full commit SHA|names no commit)/);
    expect(git(repository.work, 'tag', '--list')).toBe('');
  });
});

describe('bump-version bundle: no signing secret is on disk while the push is in flight', () => {
  it.each([
    ['openpgp', () => ({ sign: 'openpgp', 'signing-key': openpgp.armored, 'signing-key-passphrase': openpgp.passphrase }), () => openpgp],
    ['ssh', () => ({ sign: 'ssh', 'signing-key': ssh.privateKey, 'signing-key-passphrase': ssh.passphrase }), () => ssh],
  ] as const)('%s: RUNNER_TEMP is empty when the remote receives the push', async (_format, signing, key) => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const runnerDirectory = await mkdtemp(path.join(tmpdir(), 'runner-bump-version-'));
    const record = path.join(repository.root, 'runner-temp-during-push');
    await recordDuringPush(repository.remote, path.join(runnerDirectory, 'temp'), record);
    const run = await runBundle('bump-version', { workspace: repository.work, runnerDirectory, inputs: { ...RELEASE, ...signing() } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(existsSync(record)).toBe(true);
    expect(await readFile(record, 'utf8')).toBe('');
    expect(verifyWith(repository.remote, key(), 'verify-tag', '5.1.5').status).toBe(0);
  });

  it('tagging an existing commit: RUNNER_TEMP is empty when the remote receives the tag', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    const runnerDirectory = await mkdtemp(path.join(tmpdir(), 'runner-bump-version-'));
    const record = path.join(repository.root, 'runner-temp-during-push');
    await recordDuringPush(repository.remote, path.join(runnerDirectory, 'temp'), record);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      runnerDirectory,
      inputs: {
        bump: 'none',
        files: CONSTANT_CONFIG,
        tag: 'true',
        push: 'true',
        sign: 'openpgp',
        'signing-key': openpgp.armored,
        'signing-key-passphrase': openpgp.passphrase,
        'git-author-email': EMAIL,
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await readFile(record, 'utf8')).toBe('');
  });
});

describe('bump-version bundle: one signing key, one file', () => {
  it('refuses a signing-key holding two OpenPGP secret keys, before any write', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { ...RELEASE, sign: 'openpgp', 'signing-key': `${other.armored}\n${openpgp.armored}`, 'signing-key-passphrase': openpgp.passphrase },
    });
    expect(run.code, run.stdout).toBe(1);
    expect(run.errors[0]).toContain(`input 'signing-key' holds 2 OpenPGP secret keys`);
    expect(run.errors[0]).toContain(other.fingerprint);
    expect(run.errors[0]).toContain(openpgp.fingerprint);
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'tag', '--list')).toBe('');
  });

  it('refuses the same version file listed twice through a hard link, before any write', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await link(path.join(repository.work, CONSTANT_CONFIG), path.join(repository.work, 'exegol', 'version.py'));
    git(repository.work, 'add', '.');
    git(repository.work, 'commit', '--quiet', '-m', 'a second name of the version file');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: `${CONSTANT_CONFIG}\nexegol/version.py: ^__version__ = "(?<version>[^"]+)"`, bump: 'release', commit: 'true', tag: 'true' },
    });
    expect(run.code, run.stdout).toBe(1);
    expect(run.errors[0]).toContain(`input 'files' lists ${CONSTANT_CONFIG} and exegol/version.py, which are the same file (one inode, hard-linked)`);
    expect(await checkoutState(repository.work)).toBe(before);
  });
});
