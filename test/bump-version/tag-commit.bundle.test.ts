import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository, writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { checkoutState, pushFromElsewhere, makeOpenpgpKey, makeSshKey, verifyWith, type OpenpgpTestKey, type SshTestKey } from './helpers.js';

/**
 * `bump: none` with `tag: true`: tagging the release commit without a bump,
 * as the images release does (the merge commit `main` and `dev` point to,
 * the release pull request's description as the message) and as the
 * wrapper's maintainers do (a signed tag `X.Y.Z`, message `X.Y.Z`).
 */

const EMAIL = 'release-bot@example.invalid';
const DESCRIPTION = '## Major changes\n\n# Tools\n- {nmap} updated (#412)\n- `@everyone` <b>html</b> stays text\n';

let openpgp: OpenpgpTestKey;
let ssh: SshTestKey;
beforeAll(async () => {
  [openpgp, ssh] = await Promise.all([makeOpenpgpKey(EMAIL), makeSshKey(EMAIL)]);
});

/** An images-shaped repository: no version file; `dev` merged into `main` with a merge commit, `dev` fast-forwarded to it, both pushed. */
async function createImagesRepository(): Promise<{ work: string; remote: string; root: string; merge: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'images-'));
  const remote = path.join(root, 'origin.git');
  const work = path.join(root, 'work');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  await writeFiles(work, { Dockerfile: 'FROM debian\n', 'README.md': '# Exegol images\n' });
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'images');
  git(work, 'checkout', '--quiet', '-b', 'dev');
  await writeFiles(work, { 'sources/install/package_osint.sh': 'echo osint\n' });
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'osint tools');
  git(work, 'checkout', '--quiet', 'main');
  git(work, 'merge', '--quiet', '--no-ff', '-m', 'Merge pull request #300 from ThePorgs/dev', 'dev');
  git(work, 'checkout', '--quiet', 'dev');
  git(work, 'merge', '--quiet', '--ff-only', 'main');
  git(work, 'remote', 'add', 'origin', `file://${remote}`);
  git(work, 'push', '--quiet', 'origin', 'main', 'dev');
  git(work, 'checkout', '--quiet', 'main');
  return { work, remote, root, merge: git(work, 'rev-parse', 'HEAD') };
}

async function descriptionFile(root: string): Promise<string> {
  const file = path.join(root, 'release-pr-body.md');
  await writeFile(file, DESCRIPTION);
  return file;
}

describe('bump-version bundle: bump: none tags the release commit', () => {
  it('images: a signed tag on the merge commit main and dev point to, the description as message, only the tag pushed', async () => {
    const repository = await createImagesRepository();
    const refsBefore = git(repository.remote, 'for-each-ref', '--format=%(refname) %(objectname)');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: {
        bump: 'none',
        files: '',
        version: '2.1.0',
        tag: 'true',
        'tag-ref': 'origin/main',
        'tag-message-file': await descriptionFile(repository.root),
        'require-branches': 'main, dev',
        push: 'true',
        sign: 'openpgp',
        'signing-key': openpgp.armored,
        'git-author-email': EMAIL,
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ version: '2.1.0', 'previous-version': '2.1.0', tag: '2.1.0', 'commit-sha': '', 'changed-files': '[]' });
    expect(run.outputs['tag-sha']).toBe(git(repository.remote, 'rev-parse', 'refs/tags/2.1.0'));
    expect(git(repository.remote, 'rev-parse', '2.1.0^{commit}')).toBe(repository.merge);
    const tagObject = git(repository.remote, 'cat-file', 'tag', '2.1.0');
    expect(tagObject).toContain(`\n\n${DESCRIPTION}-----BEGIN PGP SIGNATURE-----`);
    const verified = verifyWith(repository.remote, openpgp, 'verify-tag', '2.1.0');
    expect(verified.status, verified.stderr).toBe(0);
    expect(git(repository.remote, 'for-each-ref', '--format=%(refname) %(objectname)')).toBe(`${refsBefore}\nrefs/tags/2.1.0 ${run.outputs['tag-sha']}`);
    expect(run.summary).toContain('tag 2.1.0');
  });

  it('wrapper: checks the version files at the commit, signs with SSH, message X.Y.Z', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: {
        bump: 'none',
        files: `${CONSTANT_CONFIG}\n${TEST_FILE}`,
        tag: 'true',
        'tag-ref': 'master',
        'tag-message': '{version}',
        'require-branches': 'master',
        push: 'true',
        sign: 'ssh',
        'signing-key': ssh.privateKey,
        'git-author-email': EMAIL,
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(git(repository.remote, 'cat-file', 'tag', '5.1.5')).toMatch(/\n\n5\.1\.5\n-----BEGIN SSH SIGNATURE-----/);
    expect(verifyWith(repository.remote, ssh, 'verify-tag', '5.1.5').status).toBe(0);
    expect(git(repository.remote, 'rev-parse', '5.1.5^{commit}')).toBe(git(repository.remote, 'rev-parse', 'master'));
  });

  it('reads the version at tag-ref with git, not from the working tree', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    await writeFiles(repository.work, { [CONSTANT_CONFIG]: '__version__ = "5.1.6b1"\n' });
    git(repository.work, 'commit', '--quiet', '-am', 'Bump version to 5.1.6b1');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'none', files: CONSTANT_CONFIG, tag: 'true', 'tag-ref': 'master' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['tag']).toBe('5.1.5');
    expect(git(repository.work, 'rev-parse', '5.1.5^{commit}')).toBe(git(repository.work, 'rev-parse', 'master'));
  });

  it('a re-run finds the tag on the remote at the commit: success, nothing pushed', async () => {
    const repository = await createImagesRepository();
    const inputs = { bump: 'none', files: '', version: '2.1.0', tag: 'true', 'require-branches': 'main\ndev', push: 'true' };
    const first = await runBundle('bump-version', { workspace: repository.work, inputs });
    expect(first.code, first.stdout).toBe(0);
    const again = await runBundle('bump-version', { workspace: repository.work, inputs });
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('Tag 2.1.0 already points at the commit: kept');
    expect(again.stdout).not.toContain('Pushed');
    expect(again.outputs['tag-sha']).toBe(first.outputs['tag-sha']);
  });

  it('refuses when a required branch does not point to the commit, creating nothing', async () => {
    const repository = await createImagesRepository();
    await pushFromElsewhere(repository.root, repository.remote, 'dev');
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'none', files: '', version: '2.1.0', tag: 'true', 'require-branches': 'main, dev', push: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/require-branches: origin\/dev is at [0-9a-f]{12}, not at the commit to tag [0-9a-f]{12}/);
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'tag', '--list')).toBe('');
  });

  it.each([
    [{ version: '5.1.6' }, `input 'version' is 5.1.6, but ${CONSTANT_CONFIG} holds 5.1.5 at`],
    [{ 'tag-ref': '--output=/tmp/x' }, `input 'tag-ref' "--output=/tmp/x" starts with "-"`],
    [{ 'tag-ref': 'no-such-branch' }, `input 'tag-ref' "no-such-branch" names no commit`],
    [{ 'require-branches': 'bad..name' }, `input 'require-branches' "bad..name" is not a valid branch name`],
    [{ commit: 'true' }, `input 'commit' has nothing to commit with bump: none`],
    [{ files: '', version: '' }, `input 'version' is needed with bump: none when files lists no file`],
  ])('refuses %j before any write', async (inputs, message) => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'none', files: CONSTANT_CONFIG, tag: 'true', push: 'true', ...inputs },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(message);
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('dry-run checks everything and creates nothing', async () => {
    const repository = await createImagesRepository();
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'none', files: '', version: '2.1.0', tag: 'true', 'require-branches': 'main dev', push: 'true', 'dry-run': 'true' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['tag']).toBe('2.1.0');
    expect(run.outputs['tag-sha']).toBeUndefined();
    expect(run.stdout).toContain('Would create annotated tag 2.1.0');
    expect(await checkoutState(repository.work)).toBe(before);
    expect(git(repository.remote, 'tag', '--list')).toBe('');
  });
});
