import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pushedTag, readRunnerContext, runUrl } from '@exegol-release/core/action';
import { currentRepository } from '@exegol-release/core/github';

describe('the runner context', () => {
  it('reads the variables the runner sets, once, with absolute paths', () => {
    const context = readRunnerContext({
      GITHUB_WORKSPACE: 'relative/ws',
      RUNNER_TEMP: '/runner/_temp',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REPOSITORY: 'ThePorgs/Exegol',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: 'https://ghes.example',
    });
    expect(context.workspace).toBe(path.resolve('relative/ws'));
    expect(context).toMatchObject({ runnerTemp: '/runner/_temp', runnerTempSet: true, eventName: 'push', repository: 'ThePorgs/Exegol' });
    expect(runUrl(context)).toBe('https://ghes.example/ThePorgs/Exegol/actions/runs/42');
    expect(currentRepository(context)).toEqual({ owner: 'ThePorgs', repo: 'Exegol' });
  });

  it('falls back to the working directory and the system temporary directory, and says RUNNER_TEMP was not set', () => {
    const context = readRunnerContext({ RUNNER_TEMP: '' });
    expect(context).toMatchObject({ workspace: process.cwd(), runnerTemp: tmpdir(), runnerTempSet: false, serverUrl: 'https://github.com' });
    expect(runUrl(context)).toBeUndefined();
    expect(() => currentRepository(context)).toThrow('GITHUB_REPOSITORY is "", not owner/name');
  });

  it('names the pushed tag only on a tag push', () => {
    expect(pushedTag(readRunnerContext({ GITHUB_REF: 'refs/tags/5.1.5', GITHUB_REF_NAME: '5.1.5' }))).toBe('5.1.5');
    expect(pushedTag(readRunnerContext({ GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '3.1.6' }))).toBe('3.1.6');
    expect(pushedTag(readRunnerContext({ GITHUB_REF: 'refs/heads/master', GITHUB_REF_NAME: 'master', GITHUB_REF_TYPE: 'branch' }))).toBe('');
  });
});
