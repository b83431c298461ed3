import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import {
  CONSTANT_CONFIG,
  SPAWN_SCRIPT,
  TEST_FILE,
  createWrapperRepository,
  repositoryState,
  type WrapperShape,
} from '@exegol-release/testbed/fixtures/wrapper-repository.js';

const BOTH_FILES = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

async function bump(shape: WrapperShape, inputs: Record<string, string>) {
  const repository = await createWrapperRepository(shape);
  const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH_FILES, ...inputs } });
  const read = (file: string) => readFile(path.join(repository.work, file), 'utf8');
  return { run, repository, read };
}

describe('bump-version bundle: the Exegol transitions', () => {
  it('release: 5.1.5b2 → 5.1.5 in the code and the tests, spawn.sh untouched', async () => {
    const { run, read } = await bump({ version: '5.1.5b2', spawnVersion: '2' }, { bump: 'release' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'previous-version': '5.1.5b2', version: '5.1.5', 'is-prerelease': 'false', 'commit-sha': '' });
    expect(JSON.parse(run.outputs['changed-files']!)).toEqual([CONSTANT_CONFIG, TEST_FILE]);
    expect(await read(CONSTANT_CONFIG)).toContain('__version__ = "5.1.5"\n');
    expect(await read(CONSTANT_CONFIG)).toContain('    version: str = __version__\n');
    expect(await read(TEST_FILE)).toContain("assert __version__ == '5.1.5'\n");
    expect(await read(SPAWN_SCRIPT)).toContain('# Spawn Version:2\n');
    expect(run.summary).toContain('5.1.5b2 → 5.1.5');
  });

  it('after a release, patch with pre-label b: 5.1.4 → 5.1.5b1', async () => {
    const { run, read } = await bump({ version: '5.1.4' }, { bump: 'patch', 'pre-label': 'b' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'previous-version': '5.1.4', version: '5.1.5b1', 'is-prerelease': 'true' });
    expect(await read(CONSTANT_CONFIG)).toContain('__version__ = "5.1.5b1"');
    expect(await read(TEST_FILE)).toContain("'5.1.5b1'");
  });

  it('pre: 5.1.5b1 → 5.1.5b2', async () => {
    const { run, read } = await bump({ version: '5.1.5b1' }, { bump: 'pre' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['version']).toBe('5.1.5b2');
    expect(await read(CONSTANT_CONFIG)).toContain('"5.1.5b2"');
  });

  it('an explicit version 5.2.0-beta.1 is written 5.2.0b1 and overrides bump', async () => {
    const { run, read } = await bump({ version: '5.1.4' }, { bump: 'major', version: '5.2.0-beta.1' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['version']).toBe('5.2.0b1');
    expect(await read(CONSTANT_CONFIG)).toContain('__version__ = "5.2.0b1"');
    expect(await read(TEST_FILE)).toContain("== '5.2.0b1'");
  });

  it('finds the older class attribute form `    version: str = "4.3.7"`', async () => {
    const { run, read } = await bump({ version: '4.3.8b1', classAttribute: true }, { bump: 'release' });
    expect(run.code, run.stdout).toBe(0);
    expect(await read(CONSTANT_CONFIG)).toContain('    version: str = "4.3.8"\n');
    expect(run.outputs['previous-version']).toBe('4.3.8b1');
  });

  it('follows a custom expression for another file', async () => {
    const repository = await createWrapperRepository({ version: '5.1.4' });
    await writeFile(path.join(repository.work, 'pyproject.toml'), '[project]\nname = "Exegol"\ndynamic = ["version"]\n# release: 5.1.4\n');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { bump: 'minor', files: `${CONSTANT_CONFIG}\npyproject.toml: ^# release: (?<version>\\S+)$` },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await readFile(path.join(repository.work, 'pyproject.toml'), 'utf8')).toContain('# release: 5.2.0\n');
  });

  it('dry-run prints the unified diff and writes nothing', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    const before = await repositoryState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH_FILES, bump: 'release', 'dry-run': 'true', commit: 'true', tag: 'true' },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`--- a/${CONSTANT_CONFIG}\n+++ b/${CONSTANT_CONFIG}`);
    expect(run.stdout).toContain('-__version__ = "5.1.5b2"\n+__version__ = "5.1.5"');
    expect(run.stdout).toContain("+    assert __version__ == '5.1.5'");
    expect(run.outputs['version']).toBe('5.1.5');
    expect(run.summary).toContain('dry run');
    expect(await repositoryState(repository.work)).toBe(before);
  });

  it('re-running on a tree already at the target version writes nothing and succeeds', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5' });
    const before = await repositoryState(repository.work);
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH_FILES, version: '5.1.5', commit: 'true' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'previous-version': '5.1.5', version: '5.1.5', 'changed-files': '[]', 'commit-sha': '' });
    expect(run.stdout).toContain('Every file already holds 5.1.5');
    expect(await repositoryState(repository.work)).toBe(before);
  });

  it('overwrites the stale version in the tests with on-mismatch: overwrite, and warns', async () => {
    const { run, read } = await bump({ version: '5.1.4', testVersion: '4.3.7' }, { bump: 'patch', 'pre-label': 'b', 'on-mismatch': 'overwrite' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.warnings.join('\n')).toContain(`${TEST_FILE}:5 holds 4.3.7, but ${CONSTANT_CONFIG} holds 5.1.4`);
    expect(await read(TEST_FILE)).toContain("== '5.1.5b1'");
  });
});
