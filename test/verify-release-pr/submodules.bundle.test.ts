import { describe, expect, it } from 'vitest';
import { BASE_SHA, HEAD_SHA, OWNER, PR_NUMBER } from '@exegol-release/testbed/fixtures/release-pr.js';
import { failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();
const pr = () => api().state.pulls.get(PR_NUMBER)!;
const IMAGES = `${OWNER}/Exegol-images`;

describe('submodules: current', () => {
  const RESOURCES = `${OWNER}/Exegol-resources`;
  const IMAGES_MAIN = 'a'.repeat(40);
  const RESOURCES_MAIN = 'c'.repeat(40);
  const GITMODULES = [
    '[submodule "exegol-images"]',
    '\tpath = exegol-images',
    '\turl = https://github.com/ThePorgs/Exegol-images',
    '\tbranch = main',
    '[submodule "exegol-resources"]',
    '\tpath = exegol-resources',
    '\turl = git@github.com:ThePorgs/Exegol-resources.git',
    '\tbranch = main',
    '',
  ].join('\n');
  const arrange = (resourcesAt = RESOURCES_MAIN) => {
    api().state.files.get(HEAD_SHA)!.set('.gitmodules', GITMODULES);
    api().state.gitlinks.set(
      HEAD_SHA,
      new Map([
        ['exegol-images', IMAGES_MAIN],
        ['exegol-resources', resourcesAt],
      ]),
    );
    api().repository(IMAGES).branches.set('main', IMAGES_MAIN);
    api().repository(RESOURCES).branches.set('main', RESOURCES_MAIN);
  };

  it('passes when each gitlink is the head of the branch .gitmodules tracks, in 4 more requests', async () => {
    arrange();
    const run = await verify({ submodules: 'current', checks: 'none', 'required-approvals': '0' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('✓ submodules: exegol-images at the head of main (aaaaaaa); exegol-resources at the head of main (ccccccc)');
    expect(api().requests.map((request) => request.path)).toEqual(
      expect.arrayContaining([
        '/repos/ThePorgs/Exegol/contents/.gitmodules',
        `/repos/ThePorgs/Exegol/git/trees/${HEAD_SHA}`,
        `/repos/${IMAGES}/branches/main`,
        `/repos/${RESOURCES}/branches/main`,
      ]),
    );
    expect(api().count()).toBe(2 + 4);
  });

  it('fails on a submodule not moved to its branch head, naming the submodule, its commit and the head', async () => {
    arrange('d'.repeat(40));
    const run = await verify({ submodules: 'current' });
    expect(failuresOf(run)).toEqual([
      {
        rule: 'submodules',
        detail: `submodule exegol-resources (exegol-resources) is at dddddddddddd, not at the head of main in ${RESOURCES}, cccccccccccc: update it and commit`,
      },
    ]);
  });

  it.each([
    ['no .gitmodules', () => api().state.files.get(HEAD_SHA)!.delete('.gitmodules'), '.gitmodules does not exist at the head commit'],
    ['a branch that does not exist', () => api().repository(RESOURCES).branches.delete('main'), `branch main does not exist in ${RESOURCES}`],
    ['a gitlink missing', () => api().state.gitlinks.get(HEAD_SHA)!.delete('exegol-images'), 'submodule exegol-images has no gitlink at exegol-images'],
    [
      'a URL outside GitHub',
      () => api().state.files.get(HEAD_SHA)!.set('.gitmodules', GITMODULES.replace('git@github.com:', 'git@gitlab.com:')),
      'git@gitlab.com:ThePorgs/Exegol-resources.git is not a GitHub repository',
    ],
  ])('fails on %s', async (_, change, detail) => {
    arrange();
    change();
    const run = await verify({ submodules: 'current' });
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['submodules']);
    expect(failuresOf(run)[0]!.detail).toContain(detail);
  });
});

describe('state: merged, for the tag workflow', () => {
  const MERGE_SHA = 'e'.repeat(40);
  const merge = (parents: string[]) => {
    Object.assign(pr(), { state: 'closed', merged: true, merged_at: '2026-11-21T10:00:00Z', merge_commit_sha: MERGE_SHA });
    api().state.parents.set(MERGE_SHA, parents);
    api().state.tags.push('5.1.5');
  };

  it('finds the release pull request from the tagged merge commit and outputs its merge commit', async () => {
    merge([BASE_SHA, HEAD_SHA]);
    const run = await verify({ state: 'merged', 'pull-request': MERGE_SHA, checks: 'none' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'merge-commit-sha': MERGE_SHA, version: '5.1.5', ok: 'true', 'pull-request': '42' });
    expect(run.stdout).toContain('✓ merge-commit: eeeeeee merges the head commit 4f3e2a1');
  });

  it('fails a squashed release', async () => {
    merge([BASE_SHA]);
    const run = await verify({ state: 'merged', checks: 'none' });
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['merge-commit']);
    expect(failuresOf(run)[0]!.detail).toContain('squashed or rebased');
  });

  it('the pre-release gate still fails a merged pull request, and outputs its merge commit', async () => {
    merge([BASE_SHA, HEAD_SHA]);
    const run = await verify({ checks: 'none' });
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['open', 'not-tagged']);
    expect(run.outputs['merge-commit-sha']).toBe(MERGE_SHA);
  });

  it('state: merged fails an open pull request', async () => {
    const run = await verify({ state: 'merged' });
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['merged']);
  });
});
