// open-release-pr on Exegol-images: no version file, so the next version comes from the tags
// (`patch` after the highest final tag, `pre` the next bN), and the notes range follows PEP 440.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { IMAGES, createWorld, type World } from './fixtures.js';

const IMAGES_INPUTS = { repository: IMAGES, base: 'main', head: 'dev', files: '', checklist: 'Pre-release images built and tested' };

let world: World;
beforeEach(async () => {
  world = await createWorld();
}, 180_000);
afterEach(async () => {
  await world?.close();
});

/** Merges the open release pull request as GitHub's auto-merge would, and tags the merge commit. */
function mergeAndTag(number: number, tag: string): void {
  const bare = world.bare(IMAGES);
  const pr = world.api.repository(IMAGES).pulls.get(number)!;
  const merge = git(bare, 'commit-tree', `${pr.head!.sha}^{tree}`, '-p', world.tip(IMAGES, 'main'), '-p', pr.head!.sha!, '-m', `Merge pull request #${number}`);
  git(bare, 'update-ref', 'refs/heads/main', merge);
  git(bare, 'update-ref', 'refs/heads/dev', merge);
  git(bare, 'tag', tag, merge);
  Object.assign(pr, { state: 'closed', merged: true, merge_commit_sha: merge });
}

describe('open-release-pr on the images', { timeout: 300_000 }, () => {
  it('takes the next version from the tags: patch after the highest final tag, no version commit', async () => {
    const dev = world.tip(IMAGES, 'dev');
    const run = await world.run({ ...IMAGES_INPUTS, bump: 'patch' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ version: '3.1.6', 'previous-version': '3.1.5', created: 'true', 'head-sha': dev });
    expect(world.tip(IMAGES, 'dev')).toBe(dev);
    const pr = world.api.repository(IMAGES).pulls.get(Number(run.outputs['pull-request']))!;
    expect(pr.title).toBe('Release 3.1.6');
    expect(pr.body).toContain('### Changes since 3.1.5');
    expect(pr.body).toContain('Add the web flavour tools');
    expect(pr.body).toContain('Fix the OSINT install');
    expect(pr.body).toContain('- [ ] Pre-release images built and tested');
  });

  it('takes pre as the next bN from the tags', async () => {
    git(world.bare(IMAGES), 'tag', '3.1.6b1', world.tip(IMAGES, 'dev') + '~1');
    const run = await world.run({ ...IMAGES_INPUTS, bump: 'pre' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ version: '3.1.6b2', 'previous-version': '3.1.6b1' });
  });

  it("starts a beta's notes at the previous tag and a final's at the previous final, not at its betas", async () => {
    git(world.bare(IMAGES), 'tag', '3.1.6', world.tip(IMAGES, 'main'));
    const beta = await world.run({ ...IMAGES_INPUTS, bump: 'pre' });
    expect(beta.code, beta.stdout + beta.stderr).toBe(0);
    expect(beta.outputs['version']).toBe('3.1.7b1');
    const betaBody = world.api.repository(IMAGES).pulls.get(Number(beta.outputs['pull-request']))!.body!;
    expect(betaBody).toContain('### Changes since 3.1.6');
    expect(betaBody).toContain('Add the web flavour tools');

    // 3.1.7b1 is released; a pull request is merged after it; then the final.
    mergeAndTag(Number(beta.outputs['pull-request']), '3.1.7b1');
    world.merged(
      IMAGES,
      'Add the cloud tools',
      await world.commit(IMAGES, 'dev', { 'sources/install/package_cloud.sh': 'install_cloud\n' }, 'Merge pull request #7'),
    );
    const final = await world.run({ ...IMAGES_INPUTS, bump: 'patch' });
    expect(final.code, final.stdout + final.stderr).toBe(0);
    expect(final.outputs['version']).toBe('3.1.7');
    const finalBody = world.api.repository(IMAGES).pulls.get(Number(final.outputs['pull-request']))!.body!;
    expect(finalBody).toContain('### Changes since 3.1.6');
    // Everything since 3.1.6: what the beta held too, and what came after it.
    expect(finalBody).toContain('Add the web flavour tools');
    expect(finalBody).toContain('Add the cloud tools');
  });

  it("reaches the description inert: a merged pull request's title with HTML, a team mention and a workflow command", async () => {
    const hostile = '<img src=x onerror=alert(1)> ping @ThePorgs/maintainers\n::set-output name=version::6.6.6 <!--';
    world.merged(IMAGES, hostile, await world.commit(IMAGES, 'dev', { 'hostile.txt': 'x\n' }, 'Merge pull request #8'));
    const run = await world.run({ ...IMAGES_INPUTS, bump: 'patch' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const body = world.api.repository(IMAGES).pulls.get(Number(run.outputs['pull-request']))!.body!;
    const part = body.slice(body.indexOf('<!-- open-release-pr:begin -->') + 30, body.indexOf('<!-- open-release-pr:end -->'));
    expect(part).toContain('img src');
    expect(part).not.toMatch(/<img|<!--(?! open-release-pr)|@ThePorgs|^::/m);
    expect(part).not.toMatch(/(?<!\\)@\w/);
    // Nothing in the log runs as a workflow command.
    expect(run.stdout).not.toMatch(/^::set-output/m);
    expect(run.outputs['version']).toBe('3.1.6');
  });
});
