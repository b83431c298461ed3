import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { startGitHttpRemote, type GitHttpRemote } from '@exegol-release/testbed/stand-ins/git-http.js';
import { checkoutState, rejectPushes, visibleOutput } from './helpers.js';

/** Credentials in remote URLs, against a real smart-HTTP remote (git http-backend behind Basic authentication). */

const BOTH = `${CONSTANT_CONFIG}\n${TEST_FILE}`;

describe('credentials in a remote URL never reach the log, the summary, the outputs or an error', () => {
  const TOKEN = 'ghs_Secr3tTokenValue0123456789';
  let remote: GitHttpRemote | undefined;
  afterEach(async () => {
    await remote?.close();
    remote = undefined;
  });

  it('pushes over HTTP with the token in the remote URL, and shows it nowhere', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    remote = await startGitHttpRemote(repository.root, 'release-bot', TOKEN);
    const url = `${remote.base.replace('http://', `http://release-bot:${TOKEN}@`)}/origin.git`;
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true', remote: url },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(git(repository.remote, 'rev-parse', 'refs/heads/dev')).toBe(run.outputs['commit-sha']);
    expect(git(repository.remote, 'rev-parse', 'refs/tags/5.1.5')).toBe(run.outputs['tag-sha']);
    expect(run.stdout).toContain(`to http://***@127.0.0.1:`);
    expect(visibleOutput(run)).not.toContain(TOKEN);
    expect(run.masks).toContain(TOKEN);
  });

  it('a refused credential fails before any write, with the URL redacted in the error', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    remote = await startGitHttpRemote(repository.root, 'release-bot', TOKEN);
    const wrong = `${TOKEN}-revoked`;
    const before = await checkoutState(repository.work);
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: {
        files: BOTH,
        bump: 'release',
        commit: 'true',
        push: 'true',
        remote: `${remote.base.replace('http://', `http://release-bot:${wrong}@`)}/origin.git`,
      },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/^bump-version failed: cannot read http:\/\/\*\*\*@127\.0\.0\.1:\d+\/origin\.git \(git ls-remote\)/);
    expect(visibleOutput(run)).not.toContain(TOKEN);
    expect(remote.refused()).toBeGreaterThan(0);
    expect(await checkoutState(repository.work)).toBe(before);
  });

  it('a configured remote whose URL holds the token: a rejected push is reported without it', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    remote = await startGitHttpRemote(repository.root, 'release-bot', TOKEN);
    git(repository.work, 'remote', 'set-url', 'origin', `${remote.base.replace('http://', `http://release-bot:${TOKEN}@`)}/origin.git`);
    await rejectPushes(repository.remote, 'refused by policy');
    const run = await runBundle('bump-version', {
      workspace: repository.work,
      inputs: { files: BOTH, bump: 'release', commit: 'true', tag: 'true', push: 'true' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('refused by policy');
    expect(visibleOutput(run)).not.toContain(TOKEN);
    expect(run.masks).toContain(TOKEN);
  });
});
