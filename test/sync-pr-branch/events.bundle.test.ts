// Which events the action acts on: an issue_comment `created` (the comment is the command, its
// author's permission checked), and the documented events without a comment. Every other event,
// and every event carrying a comment the action does not read, is refused before any request.
import { describe, expect, it } from 'vitest';
import { user } from '@exegol-release/testbed/stand-ins/github-api.js';
import { DRIVE_BY, FORK, HEAD_BRANCH, MAINTAINER, PR_NUMBER, UPSTREAM, commandComment, commentEvent, eventFile, tip, useSyncWorld } from './fixtures.js';

const world = useSyncWorld();

/** The pull_request object of a webhook payload, as much of it as the action could read. */
const pullRequestPayload = { number: PR_NUMBER, state: 'open', head: { ref: HEAD_BRANCH, repo: { full_name: FORK } }, base: { ref: 'dev' } };

/** A `/sync` review comment (on a line of the diff) by `login`: GitHub's pull_request_review_comment `created` payload. */
function reviewCommentPayload(login: string): unknown {
  return {
    action: 'created',
    comment: {
      id: 31337,
      pull_request_review_id: 4242,
      path: 'README.md',
      body: '/sync',
      user: user(login),
      created_at: '2026-11-20T10:00:00Z',
      author_association: 'NONE',
    },
    pull_request: pullRequestPayload,
    repository: { full_name: UPSTREAM },
    sender: user(login),
  };
}

describe('sync-pr-branch bundle: events', () => {
  it('refuses a /sync review comment by a reader: the comment is not one it reads, so nothing is merged and no request is made', async () => {
    const { fork } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync(
      undefined,
      {},
      { GITHUB_EVENT_NAME: 'pull_request_review_comment', GITHUB_EVENT_PATH: await eventFile(reviewCommentPayload(DRIVE_BY)) },
    );
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toMatch(/^sync-pr-branch failed: refusing the pull_request_review_comment event: sync-pr-branch runs on issue_comment, /);
    expect(tip(fork, HEAD_BRANCH)).toBe(before);
    expect(world.endpoints.updates).toEqual([]);
    expect(world.api.requests).toEqual([]);
  });

  it.each([
    ['pull_request_review', { action: 'submitted', review: { id: 1, body: '/sync', user: user(DRIVE_BY) }, pull_request: pullRequestPayload }],
    ['commit_comment', { action: 'created', comment: { id: 1, body: '/sync', user: user(DRIVE_BY) } }],
    ['discussion_comment', { action: 'created', comment: { id: 1, body: '/sync', user: user(DRIVE_BY) } }],
    ['push', { ref: 'refs/heads/dev' }],
  ])('refuses a %s event, which it does not document', async (eventName, payload) => {
    const { fork } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync(
      undefined,
      { 'pull-request': String(PR_NUMBER) },
      { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: await eventFile(payload) },
    );
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toContain(`refusing the ${eventName} event`);
    expect(tip(fork, HEAD_BRANCH)).toBe(before);
    expect(world.api.requests).toEqual([]);
  });

  it('refuses a documented event without a comment whose payload carries one', async () => {
    await world.prepare();
    const payload = { action: 'opened', pull_request: pullRequestPayload, comment: { id: 1, body: '/sync', user: user(DRIVE_BY) } };
    const run = await world.sync(undefined, {}, { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: await eventFile(payload) });
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toContain('refusing the pull_request_target event: its payload carries a comment the action does not read');
    expect(world.api.requests).toEqual([]);
  });

  it('refuses an issue_comment event without the fields of a comment', async () => {
    await world.prepare();
    const payload = { action: 'created', issue: { number: PR_NUMBER, pull_request: {} }, comment: { id: 'x', body: '/sync' } };
    const run = await world.sync(undefined, {}, { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: await eventFile(payload) });
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toContain("the issue_comment event's payload lacks a valid comment.id, comment.user.login");
    expect(world.api.requests).toEqual([]);
  });

  it.each(['edited', 'deleted'])('does nothing for an issue_comment %s: only a new comment is a command', async (action) => {
    const { fork } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    const comment = commandComment('/sync', MAINTAINER);
    world.api.state.comments.set(PR_NUMBER, [comment]);
    const run = await world.sync(undefined, {}, { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: await commentEvent(comment, true, action) });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['result']).toBe('refused');
    expect(run.stdout).toContain(`Nothing to do: the comment was ${action}: only a new comment (action created) is a command`);
    expect(tip(fork, HEAD_BRANCH)).toBe(before);
    expect(world.endpoints.updates).toEqual([]);
    expect(world.api.requests).toEqual([]);
    expect(world.replies()).toEqual([]);
  });

  it('still syncs from a pull_request_target event, the pull request read from its payload', async () => {
    const { fork } = await world.prepare();
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync(
      undefined,
      {},
      { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: await eventFile({ action: 'labeled', pull_request: pullRequestPayload }) },
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['result']).toBe('updated');
    expect(tip(fork, HEAD_BRANCH)).not.toBe(before);
  });
});
