// open-release-pr on Exegol's wrapper: `dev` at 5.1.5b2 with both submodules behind the tip of
// `main`, one dispatch: the version commit on `dev` (beta made final, spawn.sh's letter dropped,
// submodules moved), the pull request `Release 5.1.5` into `master` with notes, submodule moves and
// checklist, set to merge itself; re-runs update the same pull request and never move `dev` back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import {
  CONSTANT_CONFIG,
  IMAGES,
  MAINTAINER,
  RESOURCES,
  SPAWN_PATTERN,
  SPAWN_SCRIPT,
  TEST_FILE,
  WRAPPER,
  WRAPPER_FILES,
  createWorld,
  type World,
} from './fixtures.js';

const WRAPPER_INPUTS = {
  repository: WRAPPER,
  base: 'master',
  head: 'dev',
  bump: 'release',
  files: WRAPPER_FILES,
  patterns: SPAWN_PATTERN,
  submodules: 'update',
  checklist: 'Exegol-docs pull request dev-wrapper → main ready\nREADME reviewed',
  labels: 'release',
  reviewers: MAINTAINER,
};

let world: World;
beforeEach(async () => {
  world = await createWorld();
}, 180_000);
afterEach(async () => {
  await world?.close();
});

describe('open-release-pr on the wrapper', { timeout: 300_000 }, () => {
  it('opens the release pull request with the version commit on head: the beta made final, spawn.sh and the submodules moved', async () => {
    const before = world.tip(WRAPPER, 'dev');
    const run = await world.run(WRAPPER_INPUTS);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ version: '5.1.5', 'previous-version': '5.1.5b2', created: 'true' });

    // The version commit: one commit on top of what dev was, pushed.
    const head = world.tip(WRAPPER, 'dev');
    expect(run.outputs['head-sha']).toBe(head);
    expect(git(world.bare(WRAPPER), 'rev-parse', `${head}^`)).toBe(before);
    expect(world.show(WRAPPER, 'dev', CONSTANT_CONFIG)).toContain('__version__ = "5.1.5"');
    expect(world.show(WRAPPER, 'dev', TEST_FILE)).toContain("assert __version__ == '5.1.5'");
    expect(world.show(WRAPPER, 'dev', SPAWN_SCRIPT)).toMatch(/^# Spawn Version:2$/m);
    expect(git(world.bare(WRAPPER), 'rev-parse', 'dev:exegol-images')).toBe(world.tip(IMAGES, 'main'));
    expect(git(world.bare(WRAPPER), 'rev-parse', 'dev:exegol-resources')).toBe(world.tip(RESOURCES, 'main'));
    expect(git(world.bare(WRAPPER), 'log', '-1', '--format=%s', 'dev')).toBe('Bump version to 5.1.5');

    // The pull request.
    const pr = world.api.state.pulls.get(Number(run.outputs['pull-request']))!;
    expect(pr).toMatchObject({ state: 'open', title: 'Release 5.1.5', draft: false, head: { ref: 'dev' }, base: { ref: 'master' } });
    expect(run.outputs['pull-request-url']).toBe(pr.html_url);
    const body = pr.body!;
    expect(body.split('\n')[0]).toBe('<!-- exegol-release-actions:open-release-pr version="5.1.5" -->');
    expect(body).toContain('<!-- open-release-pr:begin -->');
    expect(body).toContain('<!-- open-release-pr:end -->');
    expect(body).toContain('### Changes since 5.1.4');
    expect(body).toContain('Compose support');
    expect(body).toMatch(/`exegol-images` \(`main`\): `[0-9a-f]{12}` → `[0-9a-f]{12}`, 1 commit/);
    expect(body).toContain('AD tools');
    expect(body).toContain('- [ ] Exegol-docs pull request dev-wrapper → main ready\n- [ ] README reviewed');
    expect(pr.labels?.map((label) => label?.name)).toEqual(['release']);
    expect(pr.requested_reviewers?.map((reviewer) => reviewer?.login)).toEqual([MAINTAINER]);
    // Auto-merge with a merge commit, through GraphQL.
    expect(pr.auto_merge?.merge_method).toBe('merge');
    expect(world.open.mutations.map((mutation) => mutation.errors)).toEqual([[]]);
    expect(world.open.mutations[0]!.query).toMatch(/enablePullRequestAutoMerge\(input: \{ pullRequestId: \$pullRequestId, mergeMethod: MERGE \}\)/);
  });

  it('a re-run after a new commit on dev updates the same pull request, keeps the ticks and never moves dev back', async () => {
    const first = await world.run(WRAPPER_INPUTS);
    expect(first.code, first.stdout).toBe(0);
    const number = Number(first.outputs['pull-request']);
    const pr = world.api.state.pulls.get(number)!;
    // A maintainer ticks an item and writes below the written part.
    pr.body = pr.body!.replace('- [ ] README reviewed', '- [x] README reviewed') + '\nAll major changes: Compose support.\n';
    world.merged(WRAPPER, 'Faster image sync', await world.commit(WRAPPER, 'dev', { 'exegol/sync.py': 'FAST = True\n' }, 'Merge pull request #9'));
    const moved = world.tip(WRAPPER, 'dev');

    const second = await world.run(WRAPPER_INPUTS);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs).toMatchObject({ version: '5.1.5', 'previous-version': '5.1.5', created: 'false', 'pull-request': String(number) });
    // dev already holds 5.1.5: no version commit, dev where the maintainer left it.
    expect(world.tip(WRAPPER, 'dev')).toBe(moved);
    expect(second.outputs['head-sha']).toBe(moved);
    expect([...world.api.state.pulls.values()].filter((entry) => entry.state === 'open')).toHaveLength(1);
    const body = world.api.state.pulls.get(number)!.body!;
    expect(body).toContain('Faster image sync');
    expect(body).toContain('- [ ] Exegol-docs pull request dev-wrapper → main ready\n- [x] README reviewed');
    expect(body).toContain('All major changes: Compose support.');
    expect(world.open.mutations).toHaveLength(1);

    // Nothing changed since: the third run changes nothing.
    const writes = world.writes().length;
    const refs = world.refs(WRAPPER);
    const third = await world.run(WRAPPER_INPUTS);
    expect(third.code, third.stdout).toBe(0);
    expect(third.outputs['created']).toBe('false');
    expect(world.writes()).toHaveLength(writes);
    expect(world.refs(WRAPPER)).toBe(refs);
  });

  it('a dry run prints the diff and the description and writes nothing', async () => {
    const refs = world.refs(WRAPPER);
    const run = await world.run({ ...WRAPPER_INPUTS, 'dry-run': 'true' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ version: '5.1.5', created: 'true', 'pull-request': '' });
    expect(run.stdout).toContain('+__version__ = "5.1.5"');
    expect(run.stdout).toContain('+# Spawn Version:2');
    expect(run.stdout).toContain('<!-- open-release-pr:begin -->');
    expect(world.refs(WRAPPER)).toBe(refs);
    expect(world.writes()).toEqual([]);
  });

  it('refuses a submodules: check run while a submodule is behind, before any write', async () => {
    const refs = world.refs(WRAPPER);
    const run = await world.run({ ...WRAPPER_INPUTS, submodules: 'check' });
    expect(run.code).toBe(1);
    expect(run.errors.join('\n')).toMatch(/submodule "exegol-images" \(exegol-images\) is at [0-9a-f]{12}, not at the tip of main/);
    expect(world.refs(WRAPPER)).toBe(refs);
    expect(world.writes()).toEqual([]);
  });
});
