import { describe, expect, it } from 'vitest';
import { DRIVE_BY, FORK, HEAD_BRANCH, PR_NUMBER, commentEvent, commandComment, tip, useSyncWorld } from './fixtures.js';

const world = useSyncWorld();

/** Nothing reached the fork and no merge was asked of GitHub. */
function expectNothingChanged(before: string): void {
  expect(tip(world.repositories.fork, HEAD_BRANCH)).toBe(before);
  expect(world.endpoints.updates).toEqual([]);
}

describe('sync-pr-branch bundle: refusals reply why, change nothing, and do not fail the step', () => {
  it('refuses a commenter without write permission, before reading the pull request', async () => {
    const { fork } = await world.prepare({ commenter: DRIVE_BY });
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync');
    expect(run.code, run.stdout).toBe(0);
    expectNothingChanged(before);
    expect(run.outputs).toEqual({ result: 'refused', 'head-sha': '', 'previous-head-sha': '', 'upstream-branch': '' });
    expect(world.replies()[0]!.body).toContain(
      `⛔ \`/sync\`: \`${DRIVE_BY}\` holds read permission on ThePorgs/Exegol; \`/sync\` needs write or more. Nothing was changed.`,
    );
    expect(world.api.requests.some((request) => request.path === `/repos/ThePorgs/Exegol/pulls/${PR_NUMBER}`)).toBe(false);
    expect(world.endpoints.reactionLog).toEqual(['add eyes', 'remove eyes', 'add confused']);
    expect(run.warnings).toEqual([expect.stringContaining('holds read permission')]);
  });

  it('asks for maintain when permission: maintain, and a writer is refused', async () => {
    const { fork } = await world.prepare();
    const run = await world.sync('/sync', { permission: 'maintain' });
    expect(run.outputs['result']).toBe('refused');
    expect(world.replies()[0]!.body).toContain('`maintainer-bob` holds write permission on ThePorgs/Exegol; `/sync` needs maintain or more.');
    expectNothingChanged(tip(fork, HEAD_BRANCH));
  });

  it('refuses a fork whose author does not allow edits from maintainers (maintainer_can_modify false)', async () => {
    const { fork } = await world.prepare({ pullRequest: { maintainer_can_modify: false } });
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync master');
    expect(run.code, run.stdout).toBe(0);
    expectNothingChanged(before);
    expect(run.outputs).toEqual({ result: 'refused', 'head-sha': before, 'previous-head-sha': before, 'upstream-branch': 'master' });
    expect(world.replies()[0]!.body).toContain(
      `\`contributor\` does not allow edits from maintainers on \`${FORK}:${HEAD_BRANCH}\`, so no one but them can update it. Ask them to merge \`master\``,
    );
  });

  it.each([
    ['closed', { state: 'closed' }],
    ['merged', { state: 'closed', merged: true, merged_at: '2026-11-21T10:00:00Z' }],
  ] as const)('refuses a %s pull request', async (word, pullRequest) => {
    const { fork } = await world.prepare({ pullRequest });
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync');
    expect(run.code, run.stdout).toBe(0);
    expectNothingChanged(before);
    expect(run.outputs['result']).toBe('refused');
    expect(world.replies()[0]!.body).toContain(`\`/sync\`: pull request #${PR_NUMBER} is ${word}. Nothing was changed.`);
  });

  it.each([
    ['/synchronize', '`/synchronize`: unknown command.'],
    ['/sync dev master', '`/sync dev master`: takes at most one argument, the upstream branch.'],
    ['/sync ../../etc', '`/sync ../../etc`: names no valid branch.'],
  ])('answers an unknown command %s with the usage', async (body, answer) => {
    const { fork } = await world.prepare();
    const run = await world.sync(body);
    expect(run.code, run.stdout).toBe(0);
    expectNothingChanged(tip(fork, HEAD_BRANCH));
    expect(run.outputs['result']).toBe('refused');
    expect(world.replies()[0]!.body).toContain(`${answer} Usage: \`/sync [upstream branch]\`. Nothing was changed.`);
  });

  it('refuses an upstream branch the repository does not have', async () => {
    const { fork } = await world.prepare();
    const run = await world.sync('/sync release/9.9');
    expect(run.code, run.stdout).toBe(0);
    expectNothingChanged(tip(fork, HEAD_BRANCH));
    expect(world.replies()[0]!.body).toContain('ThePorgs/Exegol has no branch `release/9.9`. Nothing was changed.');
  });

  it('leaves alone a comment not addressed to it: no reaction, no reply', async () => {
    const { fork } = await world.prepare();
    const run = await world.sync('LGTM, thanks! /sync later');
    expect(run.code, run.stdout).toBe(0);
    expectNothingChanged(tip(fork, HEAD_BRANCH));
    expect(run.outputs['result']).toBe('refused');
    expect(world.replies()).toEqual([]);
    expect(world.endpoints.reactionLog).toEqual([]);
    expect(run.warnings).toEqual([]);
  });

  it('leaves alone a comment on an issue', async () => {
    await world.prepare();
    const run = await world.sync(undefined, {}, { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: await commentEvent(commandComment('/sync'), false) });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['result']).toBe('refused');
    expect(world.api.requests).toEqual([]);
  });
});

describe('sync-pr-branch bundle: untrusted text', () => {
  it('keeps a hostile head branch name inert in the reply, the recipe and the log', async () => {
    const hostile = 'x/@ThePorgs/core<img_src=x>$(id)`';
    const { fork } = await world.prepare({ conflict: true, headBranch: hostile });
    const before = tip(fork, hostile);
    const run = await world.sync('/sync\n::error::injected from the comment');
    expect(run.code).toBe(1);
    expect(tip(fork, hostile)).toBe(before);
    const body = world.replies()[0]!.body!;
    expect(body).toContain(`merging \`dev\` into \`\` ${hostile} \`\` conflicts in 1 file(s)`);
    expect(body).toContain(`git checkout 'x/@ThePorgs/core<img_src=x>$(id)\`'`);
    // Outside code spans and the fenced block, the name never appears.
    const prose = body.replace(/```sh\n[\s\S]*?\n```/, '').replace(/(`+)[^`][\s\S]*?\1/g, '');
    expect(prose).not.toContain('@ThePorgs');
    expect(prose).not.toContain('<img');
    expect(run.errors.at(-1)).toEqual(expect.stringMatching(/^sync-pr-branch failed: merging "dev" into "x\/@ThePorgs\/core<img_src=x>\$\(id\)`"/));
    expect(run.stdout).toMatch(/^::stop-commands::untrusted-[0-9a-f-]+\n\/sync\n::error::injected from the comment\n::untrusted-/m);
  });
});

describe('sync-pr-branch bundle: bad inputs fail before anything is written', () => {
  it.each([
    [{ permission: 'triage' }, 'input \'permission\' must be one of write, maintain, admin, got "triage"'],
    [{ 'upstream-branch': 'a..b' }, 'input \'upstream-branch\' is not a valid branch name: "a..b"'],
    [{ command: '/sync now' }, "input 'command' must be one word"],
    [{ repository: 'ThePorgs' }, "input 'repository' must be a repository as owner/name"],
    [{ 'github-token': '' }, "input 'github-token' is empty"],
  ])('%o', async (inputs, message) => {
    await world.prepare();
    const run = await world.sync('/sync', inputs);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(message);
    expect(world.api.requests).toEqual([]);
  });

  it('needs pull-request when no comment started the run', async () => {
    await world.prepare();
    const run = await world.sync(undefined);
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain("input 'pull-request' is needed: this workflow_dispatch event has no pull request");
    expect(world.api.requests).toEqual([]);
  });
});
