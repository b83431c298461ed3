import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../packages/core/src/action/logger.js';
import { GitRepository, NO_SIGNING } from '../../packages/core/src/git/git.js';
import { prepareSigning } from '../../packages/core/src/git/signing.js';
import { openWorkspace, planTag, pushFailure, readTagMessageFile, resolveCommitRef, verifySignatures } from '../../packages/core/src/bump/git-steps.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { createWrapperRepository, writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { makeOpenpgpKey, makeSshKey, type OpenpgpTestKey, type SshTestKey } from '../bump-version/helpers.js';

const IDENTITY = { name: 'Release Bot', email: 'release-bot@example.invalid' };

/** A wrapper repository with `master` one commit ahead of its first commit, `dev` at the first; both pushed. */
async function twoCommits(): Promise<{ work: string; repository: GitRepository; first: string; second: string }> {
  const { work } = await createWrapperRepository({ version: '5.1.5' });
  const first = git(work, 'rev-parse', 'HEAD');
  git(work, 'checkout', '--quiet', 'master');
  await writeFiles(work, { 'README.md': '# Exegol 5.1.5\n' });
  git(work, 'commit', '--quiet', '-am', 'README');
  git(work, 'push', '--quiet', 'origin', 'refs/heads/master:refs/heads/master');
  return { work, repository: new GitRepository(work), first, second: git(work, 'rev-parse', 'HEAD') };
}

let sharedRepository: ReturnType<typeof twoCommits> | undefined;
/** One repository for the cases that only read it. */
const shared = () => (sharedRepository ??= twoCommits());

describe('resolveCommitRef: tag-ref names one commit, exactly', () => {
  it('HEAD, a branch, a remote-tracking branch, a full ref, a full SHA', async () => {
    const { repository, first, second } = await shared();
    expect(await resolveCommitRef(repository, 'tag-ref', 'HEAD', 'origin')).toEqual({ commit: second, ref: 'HEAD' });
    expect(await resolveCommitRef(repository, 'tag-ref', 'master', 'origin')).toEqual({ commit: second, ref: 'refs/heads/master' });
    expect(await resolveCommitRef(repository, 'tag-ref', 'origin/master', 'origin')).toEqual({ commit: second, ref: 'refs/remotes/origin/master' });
    expect(await resolveCommitRef(repository, 'tag-ref', 'dev', 'origin')).toEqual({ commit: first, ref: 'refs/heads/dev' });
    expect(await resolveCommitRef(repository, 'tag-ref', 'refs/heads/dev', 'origin')).toEqual({ commit: first, ref: 'refs/heads/dev' });
    expect(await resolveCommitRef(repository, 'tag-ref', first, 'origin')).toEqual({ commit: first, ref: first });
  });

  it('a tag named like a branch at another commit is ambiguous: refused, naming both; the full ref name picks one', async () => {
    const { work, repository, first, second } = await twoCommits();
    git(work, 'tag', 'master', first);
    await expect(resolveCommitRef(repository, 'tag-ref', 'master', 'origin')).rejects.toThrow(
      `input 'tag-ref' "master" is ambiguous: refs/heads/master is at ${second.slice(0, 12)}, refs/remotes/origin/master is at ${second.slice(0, 12)}, refs/tags/master is at ${first.slice(0, 12)}`,
    );
    expect((await resolveCommitRef(repository, 'tag-ref', 'refs/tags/master', 'origin')).commit).toBe(first);
    expect((await resolveCommitRef(repository, 'tag-ref', 'refs/heads/master', 'origin')).commit).toBe(second);
  });

  it('an annotated tag named like the branch at the same commit is no ambiguity', async () => {
    const { work, repository, second } = await twoCommits();
    git(work, 'tag', '--annotate', '--message', 'same', 'master', second);
    expect((await resolveCommitRef(repository, 'tag-ref', 'master', 'origin')).commit).toBe(second);
  });

  it('a local branch ahead of its remote-tracking branch is ambiguous', async () => {
    const { work, repository } = await twoCommits();
    await writeFiles(work, { 'README.md': 'local only\n' });
    git(work, 'commit', '--quiet', '-am', 'not pushed');
    await expect(resolveCommitRef(repository, 'tag-ref', 'master', 'origin')).rejects.toThrow('"master" is ambiguous');
  });

  it('a tag alone, through the remote named by `remote` only when it is configured', async () => {
    const { work, repository, first } = await twoCommits();
    git(work, 'tag', '5.1.5', first);
    expect(await resolveCommitRef(repository, 'tag-ref', '5.1.5', 'https://example.invalid/x.git')).toEqual({ commit: first, ref: 'refs/tags/5.1.5' });
  });

  it.each([
    ['master~1', 'is not a branch, remote-tracking branch, tag or full commit SHA'],
    ['master^{}', 'is not a branch'],
    ['@{u}', 'is not a branch'],
    ['refs/heads', 'is not a branch'],
    ['no-such-branch', 'names no commit in this repository'],
    ['0'.repeat(40), 'names no commit in this repository'],
    ['--output=/tmp/x', 'starts with "-"'],
  ])('refuses %j', async (name, message) => {
    const { repository } = await shared();
    await expect(resolveCommitRef(repository, 'tag-ref', name, 'origin')).rejects.toThrow(message);
  });

  it('refuses an abbreviated SHA, which rev-parse would take', async () => {
    const { work, repository } = await shared();
    const short = git(work, 'rev-parse', '--short=12', 'HEAD');
    await expect(resolveCommitRef(repository, 'tag-ref', short, 'origin')).rejects.toThrow(`"${short}" names no commit in this repository`);
  });
});

describe('planTag and the other git steps', () => {
  it('creates an absent tag; keeps an annotated one at the commit; refuses one elsewhere or lightweight', async () => {
    const { work, repository, first, second } = await twoCommits();
    expect(await planTag(repository, '5.1.5', second, undefined, NO_SIGNING)).toEqual({ name: '5.1.5', commit: second, create: true, onRemote: false });
    git(work, 'tag', '--annotate', '--message', '5.1.5', '5.1.5', second);
    const kept = await planTag(repository, '5.1.5', second, undefined, NO_SIGNING);
    expect(kept).toMatchObject({ create: false, existingObject: git(work, 'rev-parse', 'refs/tags/5.1.5') });
    await expect(planTag(repository, '5.1.5', first, undefined, NO_SIGNING)).rejects.toThrow(`tag 5.1.5 already exists at ${second.slice(0, 12)}`);
    git(work, 'tag', 'light', second);
    await expect(planTag(repository, 'light', second, undefined, NO_SIGNING)).rejects.toThrow('is a lightweight tag');
  });

  it('refuses a tag already on the remote at another commit, and one on the remote before a commit still to make', async () => {
    const { repository, first, second } = await twoCommits();
    const checked = { remote: 'origin', url: 'file:///x', display: 'origin' };
    const refs = new Map([
      ['refs/tags/5.1.5', 'f'.repeat(40)],
      ['refs/tags/5.1.5^{}', first],
    ]);
    await expect(planTag(repository, '5.1.5', second, { checked, refs }, NO_SIGNING)).rejects.toThrow(
      `tag 5.1.5 already exists on origin at ${first.slice(0, 12)}, not at ${second.slice(0, 12)}`,
    );
    await expect(planTag(repository, '5.1.5', undefined, { checked, refs }, NO_SIGNING)).rejects.toThrow('already exists on origin; fetch it');
    expect(await planTag(repository, '5.1.5', first, { checked, refs }, NO_SIGNING)).toMatchObject({ create: false, onRemote: true });
  });

  it('openWorkspace needs a working tree only when git is needed', async () => {
    const plain = await mkdtemp(path.join(tmpdir(), 'not-git-'));
    expect(await openWorkspace(plain)).toEqual({ root: plain });
    await expect(openWorkspace(plain, 'commit')).rejects.toThrow(`input 'commit' needs a git working tree`);
  });

  it('readTagMessageFile: the text as it is; missing or empty refused', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'message-'));
    await writeFile(path.join(directory, 'notes.md'), '## {version}\n- x\n');
    expect(await readTagMessageFile('notes.md', directory)).toBe('## {version}\n- x\n');
    await writeFile(path.join(directory, 'empty.md'), ' \n');
    await expect(readTagMessageFile('empty.md', directory)).rejects.toThrow(`input 'tag-message-file' empty.md is empty`);
    await expect(readTagMessageFile('missing.md', directory)).rejects.toThrow(`input 'tag-message-file' cannot be read`);
  });

  it('pushFailure tells a rejected non-fast-forward, and redacts credentials', () => {
    const remote = { remote: 'https://bot:tok3n@example.invalid/x.git', url: '', display: 'https://***@example.invalid/x.git' };
    const error = pushFailure(remote, ['HEAD:refs/heads/dev'], ' ! [rejected] dev -> dev (fetch first) https://bot:tok3n@example.invalid');
    expect(error.message).toContain('was rejected as a non-fast-forward');
    expect(error.message).not.toContain('tok3n');
  });
});

describe('prepareSigning: no secret file outlives its use', () => {
  let openpgp: OpenpgpTestKey;
  let other: OpenpgpTestKey;
  let ssh: SshTestKey;
  beforeAll(async () => {
    [openpgp, other, ssh] = await Promise.all([
      makeOpenpgpKey(IDENTITY.email, 'correct horse'),
      makeOpenpgpKey('other@example.invalid'),
      makeSshKey(IDENTITY.email, 'staple'),
    ]);
  });

  /** Every file below `directory`, relative to it. */
  async function filesBelow(directory: string): Promise<string[]> {
    return (await readdir(directory, { recursive: true })).map(String).sort();
  }

  it('openpgp: the key file is gone once imported, the passphrase never written; git still signs; dispose removes all, twice', async () => {
    const temporary = await mkdtemp(path.join(tmpdir(), 'runner-temp-'));
    const logger = memoryLogger();
    const signing = await prepareSigning({ format: 'openpgp', key: openpgp.armored, passphrase: openpgp.passphrase }, IDENTITY, temporary, logger);
    try {
      const files = await filesBelow(temporary);
      expect(files.some((file) => /(^|\/)(key|passphrase)$/.test(file))).toBe(false);
      expect(files.some((file) => file.endsWith('gnupg/gpg.conf'))).toBe(true);
      expect(logger.masked).toContain(openpgp.passphrase);
      const { work } = await createWrapperRepository({ version: '5.1.5' });
      const repository = new GitRepository(work);
      const head = git(work, 'rev-parse', 'HEAD');
      await repository.createAnnotatedTag('5.1.5', head, '5.1.5', IDENTITY, signing);
      await verifySignatures(repository, signing, undefined, '5.1.5');
      expect(git(work, 'cat-file', 'tag', '5.1.5')).toContain('-----BEGIN PGP SIGNATURE-----');
    } finally {
      await signing.dispose();
      await signing.dispose();
    }
    expect(await readdir(temporary)).toEqual([]);
  });

  it('openpgp: a key file holding two primary secret keys is refused, naming signing-key and both, and nothing is left', async () => {
    const temporary = await mkdtemp(path.join(tmpdir(), 'runner-temp-'));
    const both = `${openpgp.armored}\n${other.armored}`;
    await expect(prepareSigning({ format: 'openpgp', key: both, passphrase: openpgp.passphrase }, IDENTITY, temporary, memoryLogger())).rejects.toThrow(
      `input 'signing-key' holds 2 OpenPGP secret keys (${openpgp.fingerprint}, ${other.fingerprint})`,
    );
    expect(await readdir(temporary)).toEqual([]);
  });

  it('openpgp: a wrong passphrase names signing-key-passphrase', async () => {
    const temporary = await mkdtemp(path.join(tmpdir(), 'runner-temp-'));
    await expect(prepareSigning({ format: 'openpgp', key: openpgp.armored, passphrase: 'wrong' }, IDENTITY, temporary, memoryLogger())).rejects.toThrow(
      `input 'signing-key-passphrase'`,
    );
    expect(await readdir(temporary)).toEqual([]);
  });

  it('ssh: the passphrase file is gone once the key is decrypted; dispose removes the key', async () => {
    const temporary = await mkdtemp(path.join(tmpdir(), 'runner-temp-'));
    const signing = await prepareSigning({ format: 'ssh', key: ssh.privateKey, passphrase: ssh.passphrase }, IDENTITY, temporary, memoryLogger());
    const [directory] = await readdir(temporary);
    expect(existsSync(path.join(temporary, directory!, 'passphrase'))).toBe(false);
    expect(existsSync(path.join(temporary, directory!, 'key'))).toBe(true);
    await signing.dispose();
    expect(await readdir(temporary)).toEqual([]);
  });
});
