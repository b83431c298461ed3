import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparePythonVersions } from '@exegol-release/core/versions';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { checkoutState } from './helpers.js';

/** Issue 11, findings 1 and 2: versions never move backwards, whatever the size of their numbers (real repositories, through the bundle). */

const BOTH = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

describe('no bump moves a version backwards', () => {
  it.each([
    ['5.1.4.post1.dev2', 'release', '5.1.4.post1'],
    ['5.1.4b2.post1.dev1', 'pre', '5.1.4b3'],
    ['6.0.0.post1.dev2', 'major', '7.0.0'],
    ['5.1.5.post1.dev0', 'release', '5.1.5.post1'],
    ['5.1.5.post1.dev0', 'pre', '5.1.6b1'],
  ])('%s with bump %s gives %s, which is higher', async (from, bump, to) => {
    const repository = await createWrapperRepository({ version: from });
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH, bump } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['version']).toBe(to);
    expect(comparePythonVersions(run.outputs['version']!, run.outputs['previous-version']!)).toBeGreaterThan(0);
    expect(await readFile(path.join(repository.work, CONSTANT_CONFIG), 'utf8')).toContain(`__version__ = "${to}"`);
  });
});

describe('integers above 2^53 keep every digit', () => {
  it('writes a 20-digit dev number exactly, and sees that it is higher', async () => {
    const repository = await createWrapperRepository({ version: '1.0.dev20240101120000123456' });
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH, version: '1.0.dev20240101120000123457' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'previous-version': '1.0.dev20240101120000123456', version: '1.0.dev20240101120000123457' });
    expect(await readFile(path.join(repository.work, CONSTANT_CONFIG), 'utf8')).toContain('__version__ = "1.0.dev20240101120000123457"');
  });

  it('refuses a version lower only beyond 2^53', async () => {
    const repository = await createWrapperRepository({ version: '1.0.dev20240101120000123457' });
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', { workspace: repository.work, inputs: { files: BOTH, version: '1.0.dev20240101120000123456' } });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('1.0.dev20240101120000123456 is lower than the current version 1.0.dev20240101120000123457');
    expect(await checkoutState(repository.work)).toBe(before);
  });
});
