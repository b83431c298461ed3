// Every check comes before the first write: each refusal below leaves the repository's refs, the
// pull requests and GitHub's settings as they were, and names what to change.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_ONLY_TOKEN, SPAWN_PATTERN, WRAPPER, WRAPPER_FILES, createWorld, type World } from './fixtures.js';

const WRAPPER_INPUTS = {
  repository: WRAPPER,
  base: 'master',
  head: 'dev',
  bump: 'release',
  files: WRAPPER_FILES,
  patterns: SPAWN_PATTERN,
  submodules: 'update',
};

let world: World;
beforeEach(async () => {
  world = await createWorld();
}, 180_000);
afterEach(async () => {
  await world?.close();
});

/** What a write could change of the pull requests (the stand-in itself keeps their SHAs following the branches). */
function pullsState(): string {
  return JSON.stringify(
    [...world.api.state.pulls.values()].map((pr) => [
      pr.number,
      pr.state,
      pr.title,
      pr.body,
      pr.labels ?? [],
      pr.auto_merge ?? null,
      pr.requested_reviewers ?? [],
    ]),
  );
}

/** Runs with `inputs`, expects a failure matching `message`, and nothing written anywhere by that run. */
async function expectRefused(inputs: Record<string, string>, message: RegExp, token?: string): Promise<void> {
  const refs = world.refs(WRAPPER);
  const pulls = pullsState();
  const writes = world.writes().length;
  const run = await world.run({ ...WRAPPER_INPUTS, ...inputs }, token);
  expect(run.code, run.stdout).toBe(1);
  expect(run.errors.join('\n')).toMatch(message);
  expect(world.refs(WRAPPER)).toBe(refs);
  expect(pullsState()).toBe(pulls);
  expect(world.writes().slice(writes)).toEqual([]);
}

describe('open-release-pr refuses before any write', { timeout: 300_000 }, () => {
  it('a version going backwards', async () => {
    await expectRefused({ version: '5.1.4' }, /input 'version' 5\.1\.4 is lower than the current version 5\.1\.5b2/);
  });

  it('a version already tagged', async () => {
    await expectRefused({ version: '5.1.5b2', bump: 'patch' }, /version 5\.1\.5b2 is already tagged \(5\.1\.5b2\)/);
  });

  it('a second open release pull request, for another version', async () => {
    const first = await world.run({ ...WRAPPER_INPUTS, head: 'dev', bump: 'release' });
    expect(first.code, first.stdout).toBe(0);
    // Another branch, another version: GitHub would accept it; open-release-pr does not.
    await world.commit(WRAPPER, 'hotfix', { 'exegol/hotfix.py': 'FIX = 1\n' }, 'Hotfix branch', 'dev');
    await expectRefused(
      { head: 'hotfix', version: '5.1.6' },
      new RegExp(`release pull request #${first.outputs['pull-request']} \\(\\S+\\) is open into master for version 5\\.1\\.5`),
    );
  });

  it('a repository that does not allow merge commits, naming the setting', async () => {
    world.open.settings.set(WRAPPER, { allow_merge_commit: false, allow_squash_merge: true, allow_rebase_merge: true, allow_auto_merge: true });
    await expectRefused({}, /does not allow merge commits \(allow_merge_commit: false\): turn on "Allow merge commits"/);
  });

  it('a repository that does not allow auto-merge, naming the setting', async () => {
    world.open.settings.set(WRAPPER, { allow_merge_commit: true, allow_squash_merge: true, allow_rebase_merge: true, allow_auto_merge: false });
    await expectRefused({}, /does not allow auto-merge \(allow_auto_merge: false\): turn on "Allow auto-merge"/);
  });

  it('a token that cannot push head', async () => {
    await expectRefused(
      {},
      /the token cannot push to dev of ThePorgs\/Exegol \(a dry-run push of the version commit.*Permission to ThePorgs\/Exegol\.git denied/,
      READ_ONLY_TOKEN,
    );
  });

  it('a base or head branch that does not exist, naming the input', async () => {
    await expectRefused({ base: 'main' }, /input 'base' names branch main, which ThePorgs\/Exegol does not have/);
  });

  it('an open pull request from head into base that open-release-pr did not open', async () => {
    // A maintainer's own dev → master pull request ("Fix f-string typo"): not taken over.
    const pulls = world.api.state.pulls;
    pulls.set(42, {
      number: 42,
      state: 'open',
      title: 'Fix f-string typo',
      body: 'typo',
      head: { ref: 'dev', label: 'ThePorgs:dev', repo: { full_name: WRAPPER } },
      base: { ref: 'master', label: 'ThePorgs:master' },
    });
    await expectRefused({}, /pull request #42 from dev into master is open and was not opened by open-release-pr/);
  });
});
