import { describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import {
  CONSTANT_CONFIG,
  TEST_FILE,
  createWrapperRepository,
  repositoryState,
  type WrapperShape,
} from '@exegol-release/testbed/fixtures/wrapper-repository.js';

/** Runs the bundle on a fresh wrapper repository and checks that it failed and changed nothing. */
async function expectRefused(shape: WrapperShape, inputs: Record<string, string>): Promise<string> {
  const repository = await createWrapperRepository(shape);
  const before = await repositoryState(repository.work);
  const run = await runBundle('bump-version', { workspace: repository.work, inputs });
  expect(run.code).toBe(1);
  expect(run.errors).toHaveLength(1);
  expect(run.errors[0]).toMatch(/^bump-version failed: /);
  expect(await repositoryState(repository.work)).toBe(before);
  expect(run.outputs).toEqual({});
  return run.errors[0]!;
}

const BOTH = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

describe('bump-version bundle: bad input ends with a clear error and no file changed', () => {
  it('a missing file, named', async () => {
    expect(await expectRefused({ version: '5.1.5b2' }, { files: `${CONSTANT_CONFIG}\ntests/test_exegol.py`, bump: 'release' })).toContain(
      'version file tests/test_exegol.py does not exist',
    );
  });

  it('a file where the expression does not match, named', async () => {
    expect(await expectRefused({ version: '5.1.5b2' }, { files: `${CONSTANT_CONFIG}\nREADME.md`, bump: 'release' })).toContain(
      'version file README.md: the expression',
    );
  });

  it('an invalid explicit version, naming the input', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, version: '5.2.x' })).toContain(`input 'version' "5.2.x" is not a PEP 440 version`);
  });

  it('an invalid version in the first file, naming the file and line', async () => {
    expect(await expectRefused({ version: 'five' }, { files: BOTH, bump: 'patch' })).toContain(
      `version file ${CONSTANT_CONFIG}:4 holds "five", which is not a PEP 440 version`,
    );
  });

  it('an expression without a version group, naming the input', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: `${CONSTANT_CONFIG}: __version__ = "(.*)"`, bump: 'patch' })).toContain(
      `input 'files' has an expression without a named group (?<version>…) for ${CONSTANT_CONFIG}`,
    );
  });

  it('an expression that does not compile, naming the input', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: `${CONSTANT_CONFIG}: (?<version>[`, bump: 'patch' })).toContain(
      `input 'files' has an expression that does not compile`,
    );
  });

  it('the stale test version under on-mismatch: fail, naming both files', async () => {
    const error = await expectRefused({ version: '5.1.4', testVersion: '4.3.7' }, { files: BOTH, bump: 'patch', 'pre-label': 'b' });
    expect(error).toContain(`${TEST_FILE}:5 holds 4.3.7, but ${CONSTANT_CONFIG} holds 5.1.4`);
    expect(error).toContain('on-mismatch: overwrite');
  });

  it('a release of a version that is already final', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, bump: 'release' })).toContain('5.1.4 is already a final release');
  });

  it('an unknown bump, pre-label or on-mismatch', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, bump: 'huge' })).toContain(`input 'bump' must be one of release, pre, patch, minor, major`);
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, 'pre-label': 'beta' })).toContain(`input 'pre-label' must be one of a, b, rc`);
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, 'on-mismatch': 'ignore' })).toContain(`input 'on-mismatch'`);
  });

  it('a version lower than the current one', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, version: '5.1.3' })).toContain('5.1.3 is lower than the current version 5.1.4');
  });

  it('a commit message with an unknown placeholder', async () => {
    expect(await expectRefused({ version: '5.1.4' }, { files: BOTH, 'commit-message': 'Release {tag}', commit: 'true' })).toContain(
      `input 'commit-message' has an unknown placeholder {tag}`,
    );
  });
});
