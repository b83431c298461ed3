import { existsSync } from 'node:fs';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { checkoutState, rejectPushes } from './helpers.js';

/** Issue 11, findings 3 and 4: inputs never reach git as options; every check before the first write; the checkout restored after a late failure. */

const BOTH = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

describe('inputs never reach git as options', () => {
  it('remote: --upload-pack=… is refused and runs nothing', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const marker = path.join(repository.root, 'ran');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true', remote: `--upload-pack=touch ${marker};` },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'remote' "--upload-pack=touch ${marker};" starts with "-": git would read it as an option`);
    expect(existsSync(marker)).toBe(false);
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('a remote that is neither a configured remote nor a URL (ext::) is refused', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const marker = path.join(repository.root, 'ran');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', push: 'true', remote: `ext::sh -c touch% ${marker}` },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'remote' "ext::sh -c touch% ${marker}" is neither a remote of this repository (origin) nor a URL`);
    expect(existsSync(marker)).toBe(false);
  });

  it.each(['--force', 'bad..name', '@{-1}'])('branch %s is refused before anything is written', async (branch) => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true', branch },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'branch'`);
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'for-each-ref', '--format=%(refname)')).toBe('refs/heads/dev\nrefs/heads/master');
  });
});

describe('every check before the first write; the checkout restored after a late failure', () => {
  it('a version file outside the repository is refused, and left as it was', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const outside = path.join(repository.root, 'outside.py');
    await writeFile(outside, '__version__ = "5.1.5b2"\n');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: `${CONSTANT_CONFIG}\n../outside.py`, bump: 'release', commit: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'files' lists ../outside.py, which is outside the working tree`);
    expect(await readFile(outside, 'utf8')).toBe('__version__ = "5.1.5b2"\n');
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('a version file that is a symbolic link out of the repository is refused, and its target left alone', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const outside = path.join(repository.root, 'elsewhere.py');
    await writeFile(outside, '__version__ = "5.1.5b2"\n');
    await rm(path.join(repository.work, CONSTANT_CONFIG));
    await symlink(outside, path.join(repository.work, CONSTANT_CONFIG));
    git(repository.work, 'commit', '--quiet', '-am', 'ConstantConfig.py as a link');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH, bump: 'release' } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`lists ${CONSTANT_CONFIG}, which is outside the working tree`);
    expect(run.errors[0]).toContain(`it resolves to ${outside} through a symbolic link`);
    expect(await readFile(outside, 'utf8')).toBe('__version__ = "5.1.5b2"\n');
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('a link inside the repository is followed: its target is written and committed', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await symlink(path.join('config', 'ConstantConfig.py'), path.join(repository.work, 'exegol', 'version.py'));
    git(repository.work, 'add', '.');
    git(repository.work, 'commit', '--quiet', '-m', 'a link to the version file');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: `exegol/version.py\n${TEST_FILE}`, bump: 'release', commit: 'true' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(git(repository.work, 'diff-tree', '--no-commit-id', '--name-only', '-r', 'HEAD').split('\n').sort()).toEqual([CONSTANT_CONFIG, TEST_FILE]);
    expect(git(repository.work, 'status', '--porcelain')).toBe('');
  });

  it('a git-ignored version file is refused, and left as it was', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await writeFile(path.join(repository.work, '.gitignore'), 'local_version.py\n');
    git(repository.work, 'add', '.gitignore');
    git(repository.work, 'commit', '--quiet', '-m', 'ignore local_version.py');
    await writeFile(path.join(repository.work, 'local_version.py'), '__version__ = "5.1.5b2"\n');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: `${CONSTANT_CONFIG}\nlocal_version.py`, bump: 'release', commit: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('local_version.py is ignored by git and not tracked');
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('an author name git refuses is refused before any file is written or staged', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', 'git-author-name': '.' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'git-author-name' "." <41898282+github-actions[bot]@users.noreply.github.com> is refused by git`);
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('unrelated edits in a version file are refused, not committed with the bump', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const file = path.join(repository.work, CONSTANT_CONFIG);
    await writeFile(file, `${await readFile(file, 'utf8')}DEBUG = True\n`);
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH, bump: 'release', commit: 'true' } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`${CONSTANT_CONFIG} has uncommitted changes (git status: M); commit or discard them first`);
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('a tag that cannot be written after the commit: the commit, index and files are restored', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await writeFile(path.join(repository.work, '.git', 'refs', 'tags', '5.1.5.lock'), '');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH, bump: 'release', commit: 'true', tag: 'true' } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('5.1.5.lock');
    expect(run.errors[0]).toContain('the checkout was restored as it was');
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('a push the remote rejects: the local commit and tag are undone, the files restored', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await rejectPushes(repository.remote, 'protected branch: releases go through pull requests');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('push of HEAD:refs/heads/dev, refs/tags/5.1.5 to origin failed; nothing was pushed (atomic push)');
    expect(run.errors[0]).toContain('protected branch: releases go through pull requests');
    expect(run.errors[0]).toContain('the checkout was restored as it was (undone: tag 5.1.5, the commit');
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'tag', '--list')).toBe('');
  });
});
