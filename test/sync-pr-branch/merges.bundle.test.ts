import { describe, expect, it } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import {
  COMMENT_ID,
  DRIVE_BY,
  FORK,
  HEAD_BRANCH,
  PR_NUMBER,
  TOKEN,
  UPSTREAM,
  commandComment,
  commitTo,
  fileAt,
  parents,
  tip,
  useSyncWorld,
} from './fixtures.js';

const world = useSyncWorld();

describe('sync-pr-branch bundle: the base branch, through update-branch', () => {
  it('merges dev into the fork branch, reacts 👀 then 👍, replies old → new, and is safe to re-run', async () => {
    const { fork, upstream } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    const dev = tip(upstream, 'dev');

    const run = await world.sync('/sync');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const after = tip(fork, HEAD_BRANCH);
    expect(parents(fork, after)).toEqual([before, dev]);
    expect(fileAt(fork, after, 'exegol/config/ConstantConfig.py')).toBe('__version__ = "5.1.5b1"');
    expect(run.outputs).toEqual({ result: 'updated', 'head-sha': after, 'previous-head-sha': before, 'upstream-branch': 'dev' });
    expect(world.endpoints.updates).toEqual([{ expectedHeadSha: before, status: 202, message: 'Updating pull request branch.' }]);
    expect(world.endpoints.reactionLog).toEqual(['add eyes', 'remove eyes', 'add +1']);
    const [reply, ...more] = world.replies();
    expect(more).toEqual([]);
    expect(reply!.body).toContain(
      `✅ \`/sync\`: merged \`dev\` into \`${HEAD_BRANCH}\` through GitHub's update-branch: ${before.slice(0, 7)} → ${after.slice(0, 7)}.`,
    );
    expect(reply!.body).toMatch(new RegExp(`^<!-- exegol-release-actions:sync-pr-branch:comment-${COMMENT_ID} -->\\n`));
    expect(run.summary).toContain('sync-pr-branch: updated');
    expect(run.stdout.replace(`::add-mask::${TOKEN}\n`, '') + run.stderr + run.summary).not.toContain(TOKEN);
    expect(run.masks).toContain(TOKEN);

    // Re-run of the same comment: nothing merged again, the reply edited in place.
    const again = await world.sync('/sync');
    expect(again.code, again.stdout).toBe(0);
    expect(tip(fork, HEAD_BRANCH)).toBe(after);
    expect(again.outputs).toMatchObject({ result: 'up-to-date', 'head-sha': after, 'previous-head-sha': after });
    expect(world.endpoints.updates.at(-1)).toEqual({ expectedHeadSha: after, status: 422, message: 'There are no new commits on the base branch.' });
    expect(world.replies()).toHaveLength(1);
    expect(world.replies()[0]!.body).toContain(`\`${HEAD_BRANCH}\` already contains \`dev\` (head ${after.slice(0, 7)}): nothing to merge.`);
    expect(world.endpoints.reactions.get(COMMENT_ID)!.map((reaction) => reaction.content)).toEqual(['+1']);
  });

  it('never edits a comment someone else started with its marker: it replies in a comment of its own', async () => {
    await world.prepare();
    const decoy = {
      ...commandComment('x', DRIVE_BY),
      id: 555,
      body: `<!-- exegol-release-actions:sync-pr-branch:comment-${COMMENT_ID} -->\n![pwned](https://evil.example/x.png)`,
    };
    world.api.state.comments.set(PR_NUMBER, [decoy]);
    const run = await world.sync('/sync');
    expect(run.code, run.stdout).toBe(0);
    const replies = world.replies();
    expect(replies.find((comment) => comment.id === 555)!.body).toBe(decoy.body);
    expect(replies.filter((comment) => comment.id !== 555)).toHaveLength(1);
    expect(replies.find((comment) => comment.id !== 555)!.body).toContain('merged `dev`');
  });

  it('never pushes a conflict: replies with the paths and the maintainers\u2019 recipe filled in, reacts 😕 and fails', async () => {
    const { fork, root } = await world.prepare({ conflict: true });
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync');
    expect(run.code).toBe(1);
    expect(tip(fork, HEAD_BRANCH)).toBe(before);
    expect(run.outputs).toMatchObject({ result: 'conflict', 'head-sha': before, 'previous-head-sha': before, 'upstream-branch': 'dev' });
    expect(world.endpoints.updates).toEqual([{ expectedHeadSha: before, status: 422, message: 'merge conflict between base and head' }]);
    expect(run.errors[0]).toMatch(
      /^sync-pr-branch failed: merging "dev" into "feature\/compose-support" conflicts in 1 file\(s\); nothing was pushed\..*README\.md/,
    );
    expect(world.endpoints.reactionLog).toEqual(['add eyes', 'remove eyes', 'add confused']);
    const body = world.replies()[0]!.body!;
    expect(body).toContain('Conflicting files:\n\n- `README.md`\n');
    expect(body).toContain(
      [
        '```sh',
        `git clone file://${root}/${FORK}.git`,
        'cd Exegol',
        `git remote add upstream file://${root}/${UPSTREAM}.git`,
        'git fetch upstream',
        `git checkout ${HEAD_BRANCH}`,
        'git merge --no-edit upstream/dev',
        '# resolve the conflicts, then: git add <files> && git commit --no-edit',
        `git push origin ${HEAD_BRANCH}`,
        '```',
      ].join('\n'),
    );
  });

  it('refuses a head that moved after it was read: update-branch answers 422 and nothing is merged over the new commit', async () => {
    const { fork } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    let pushed = '';
    world.api.routes.unshift(async (context) => {
      if (context.method === 'PUT' && context.route.endsWith('/update-branch') && !pushed)
        pushed = await commitTo(fork, HEAD_BRANCH, { 'docs/compose.md': '# Compose\n' }, 'Compose docs');
      return false;
    });
    const run = await world.sync('/sync');
    expect(run.code, run.stdout).toBe(0);
    expect(world.endpoints.updates).toEqual([{ expectedHeadSha: before, status: 422, message: "expected head sha didn't match current head ref." }]);
    expect(tip(fork, HEAD_BRANCH)).toBe(pushed);
    expect(run.outputs).toMatchObject({ result: 'refused', 'head-sha': pushed, 'previous-head-sha': before });
    expect(world.replies()[0]!.body).toContain(
      `the head of \`${HEAD_BRANCH}\` moved from ${before.slice(0, 7)} to ${pushed.slice(0, 7)} while this ran, so nothing was pushed over it. Run \`/sync\` again`,
    );
    expect(run.warnings[0]).toContain('moved from');
    expect(world.endpoints.reactionLog.at(-1)).toBe('add confused');
  });
});

describe('sync-pr-branch bundle: the base branch, with git when GitHub will not', () => {
  it('merges with git when update-branch is refused (403) and pushes to the fork', async () => {
    const { fork, upstream } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    world.api.faults.push({
      method: 'PUT',
      path: /\/update-branch$/,
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch' },
      times: 1,
    });
    const run = await world.sync('/sync');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const after = tip(fork, HEAD_BRANCH);
    expect(parents(fork, after)).toEqual([before, tip(upstream, 'dev')]);
    expect(git(fork, 'log', '-1', '--format=%s', after)).toBe(`Merge remote-tracking branch 'upstream/dev' into ${HEAD_BRANCH}`);
    expect(run.stdout).toContain('GitHub did not update the branch (HTTP 403: Resource not accessible by integration): merging with git');
    expect(run.outputs).toMatchObject({ result: 'updated', 'head-sha': after, 'upstream-branch': 'dev' });
  });
});

describe('sync-pr-branch bundle: another branch, with git', () => {
  it('merges master into the fork branch with git merge --no-edit and pushes it; a re-run finds it up to date', async () => {
    const { fork, upstream } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    const master = tip(upstream, 'master');
    const run = await world.sync('/sync master');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const after = tip(fork, HEAD_BRANCH);
    expect(parents(fork, after)).toEqual([before, master]);
    expect(git(fork, 'log', '-1', '--format=%s|%an|%cn', after)).toBe(
      `Merge remote-tracking branch 'upstream/master' into ${HEAD_BRANCH}|github-actions[bot]|github-actions[bot]`,
    );
    expect(run.outputs).toEqual({ result: 'updated', 'head-sha': after, 'previous-head-sha': before, 'upstream-branch': 'master' });
    expect(world.endpoints.updates).toEqual([]);
    expect(world.replies()[0]!.body).toContain(
      `merged \`master\` into \`${HEAD_BRANCH}\` with git, pushed to \`${FORK}\`: ${before.slice(0, 7)} → ${after.slice(0, 7)}.`,
    );
    expect(run.summary).toContain('git merge --no-edit');

    const again = await world.sync('/sync master');
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs).toMatchObject({ result: 'up-to-date', 'head-sha': after });
    expect(tip(fork, HEAD_BRANCH)).toBe(after);
    expect(world.replies()).toHaveLength(1);
  });

  it('refuses a head that moved between the read and the fetch: nothing is pushed', async () => {
    const { fork } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    let pushed = '';
    world.api.routes.push(async (context) => {
      if (context.method === 'GET' && context.route === `/pulls/${PR_NUMBER}` && !pushed)
        pushed = await commitTo(fork, HEAD_BRANCH, { 'docs/compose.md': '# Compose\n' }, 'Compose docs');
      return false;
    });
    const run = await world.sync('/sync master');
    expect(run.code, run.stdout).toBe(0);
    expect(tip(fork, HEAD_BRANCH)).toBe(pushed);
    expect(run.outputs).toMatchObject({ result: 'refused', 'head-sha': pushed, 'previous-head-sha': before });
    expect(world.replies()[0]!.body).toContain(`moved from ${before.slice(0, 7)} to ${pushed.slice(0, 7)}`);
  });

  it('updates a branch of the repository itself without maintainer_can_modify, which concerns forks only', async () => {
    const { upstream } = await world.prepare();
    const before = await commitTo(upstream, 'fix/typo', { 'README.md': '# Exegol\n\nA community-driven hacking environment!\n' }, 'Typo', 'master');
    const pr = world.api.state.pulls.get(PR_NUMBER)!;
    pr.maintainer_can_modify = false;
    pr.head = { ...pr.head, ref: 'fix/typo', repo: pr.base!.repo };
    const run = await world.sync('/sync');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const after = tip(upstream, 'fix/typo');
    expect(parents(upstream, after)).toEqual([before, tip(upstream, 'dev')]);
    expect(run.outputs).toMatchObject({ result: 'updated', 'head-sha': after });
  });

  it('runs from inputs without a comment (workflow_dispatch): no reaction, one reply keyed by the run', async () => {
    const { fork, upstream } = await world.prepare();
    const run = await world.sync(undefined, { 'pull-request': String(PR_NUMBER), 'upstream-branch': 'master' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(parents(fork, tip(fork, HEAD_BRANCH))[1]).toBe(tip(upstream, 'master'));
    expect(world.endpoints.reactionLog).toEqual([]);
    expect(world.replies()[0]!.body).toMatch(/^<!-- exegol-release-actions:sync-pr-branch:run-424242 -->\n✅ `\/sync`: merged `master`/);
  });
});
