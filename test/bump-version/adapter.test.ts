// bump-version's adapter on its sources: the inputs and the runner context it turns into a request.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readRunnerContext } from '@exegol-release/core/action';
import { readRequest } from '../../actions/bump-version/src/main.js';

/** Sets the step's inputs as the runner does (INPUT_<NAME>, hyphens kept). */
const inputs = (values: Record<string, string>): void => {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
};
const context = readRunnerContext({ GITHUB_WORKSPACE: '/runner/work/Exegol/Exegol', RUNNER_TEMP: '/runner/_temp' });

afterEach(() => vi.unstubAllEnvs());

describe("bump-version's adapter", () => {
  it('resolves the working directory in the workspace and takes RUNNER_TEMP from the context', () => {
    inputs({ bump: 'patch', files: 'exegol/config/ConstantConfig.py', 'working-directory': 'wrapper' });
    const request = readRequest(context);
    expect(request.directory).toBe(path.join('/runner/work/Exegol/Exegol', 'wrapper'));
    expect(request.temporaryDirectory).toBe('/runner/_temp');
    expect(request.target).toEqual({ kind: 'bump', bump: 'patch' });
    expect(request.remote).toBe('origin');
  });

  it('an explicit version wins over bump; bump: none with no files tags without version files', () => {
    inputs({ bump: 'minor', version: '5.1.5', files: 'a.py' });
    expect(readRequest(context).target).toMatchObject({ kind: 'version' });
    vi.unstubAllEnvs();
    inputs({ bump: 'none', version: '3.1.6', files: '' });
    const request = readRequest(context);
    expect(request.target).toMatchObject({ kind: 'none' });
    expect(request.files).toEqual([]);
  });

  it('refuses a version that is not PEP 440, naming the input', () => {
    inputs({ version: '5..1', files: 'a.py' });
    expect(() => readRequest(context)).toThrow(/version/);
    vi.unstubAllEnvs();
    inputs({ bump: 'sideways', files: 'a.py' });
    expect(() => readRequest(context)).toThrow(/bump/);
  });

  it('reads require-branches one a line or separated by commas and spaces', () => {
    inputs({ bump: 'none', files: '', 'require-branches': 'main, dev\nrelease' });
    expect(readRequest(context).requireBranches).toEqual(['main', 'dev', 'release']);
  });
});
