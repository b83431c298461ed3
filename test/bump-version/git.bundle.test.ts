import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository, repositoryState } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { pushFromElsewhere } from './helpers.js';

const FILES = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

describe('bump-version bundle: commit, tag and push against a real bare repository', () => {
  it('commits only the version files, creates an annotated tag and pushes both', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await writeFile(path.join(repository.work, 'unrelated.txt'), 'left alone\n');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: FILES, bump: 'release', commit: 'true', tag: 'true', push: 'true', 'commit-message': 'Release {version} (from {previous})' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const sha = run.outputs['commit-sha']!;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(repository.remote, 'rev-parse', 'refs/heads/dev')).toBe(sha);
    expect(git(repository.remote, 'cat-file', '-t', 'refs/tags/5.1.5')).toBe('tag');
    expect(git(repository.remote, 'rev-parse', '5.1.5^{commit}')).toBe(sha);
    expect(git(repository.remote, 'log', '-1', '--format=%s|%an|%ae|%cn', sha)).toBe(
      'Release 5.1.5 (from 5.1.5b2)|github-actions[bot]|41898282+github-actions[bot]@users.noreply.github.com|github-actions[bot]',
    );
    expect(git(repository.remote, 'diff-tree', '--no-commit-id', '--name-only', '-r', sha).split('\n').sort()).toEqual([CONSTANT_CONFIG, TEST_FILE].sort());
    expect(git(repository.work, 'status', '--porcelain')).toBe('?? unrelated.txt');
    expect(git(repository.remote, 'rev-parse', 'refs/heads/master')).not.toBe(sha);
    expect(run.summary).toContain(`tag 5.1.5 on ${sha.slice(0, 12)}: annotated`);
  });

  it('refuses an existing tag before changing anything', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    git(repository.work, 'tag', '-a', '-m', 'old', '5.1.5');
    const before = await repositoryState(repository.work);
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: FILES, bump: 'release', commit: 'true', tag: 'true' } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/tag 5\.1\.5 already exists at [0-9a-f]{12}/);
    expect(await repositoryState(repository.work)).toBe(before);
  });

  it('refuses a tag that exists only on the remote before changing anything', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    git(repository.work, 'tag', '-a', '-m', 'elsewhere', '5.1.5');
    git(repository.work, 'push', '--quiet', 'origin', '5.1.5');
    git(repository.work, 'tag', '-d', '5.1.5');
    const before = await repositoryState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: FILES, bump: 'release', commit: 'true', tag: 'true', push: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('tag 5.1.5 already exists on origin');
    expect(await repositoryState(repository.work)).toBe(before);
  });

  it('re-run after a successful tag on the same commit keeps the tag and succeeds', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    git(repository.work, 'tag', '-a', '-m', 'Release 5.1.5', '5.1.5');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: FILES, version: '5.1.5', commit: 'true', tag: 'true', push: 'true' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('Tag 5.1.5 already points at HEAD: kept');
    expect(git(repository.remote, 'cat-file', '-t', 'refs/tags/5.1.5')).toBe('tag');
  });

  it('refuses a push that would not fast-forward, before changing anything', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await pushFromElsewhere(repository.root, repository.remote, 'dev');
    const before = await repositoryState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: FILES, bump: 'release', commit: 'true', tag: 'true', push: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/origin\/dev is at [0-9a-f]{12}, which this checkout does not contain: a push would not be a fast-forward/);
    expect(await repositoryState(repository.work)).toBe(before);
  });

  it('needs a branch to push from a detached HEAD', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    git(repository.work, 'checkout', '--quiet', '--detach');
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: FILES, bump: 'release', commit: 'true', push: 'true' } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'branch' is needed to push: HEAD is detached`);
  });

  it('pushes from a detached HEAD to the branch input', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    git(repository.work, 'checkout', '--quiet', '--detach');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: FILES, bump: 'release', commit: 'true', push: 'true', branch: 'dev' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(git(repository.remote, 'rev-parse', 'refs/heads/dev')).toBe(run.outputs['commit-sha']);
  });
});
