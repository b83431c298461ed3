import { describe, expect, it } from 'vitest';
import { HEAD_SHA, PR_NUMBER, checkRun, review } from '@exegol-release/testbed/fixtures/release-pr.js';
import { CHECKLIST_MARKER } from '@exegol-release/core/release-pr';
import { failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();

describe('verify-release-pr bundle: pagination', () => {
  it('reads every page of reviews: the latest review of a user is on page 2', async () => {
    const first = Array.from({ length: 120 }, (_, index) => review(`commenter-${index}`, 'COMMENTED'));
    api().state.reviews.set(PR_NUMBER, [review('maintainer-bob', 'APPROVED'), ...first, review('maintainer-bob', 'CHANGES_REQUESTED')]);
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'approvals', detail: '0 of 1 required approval(s); maintainer-bob requested changes' }]);
    expect(api().requests.filter((request) => request.path.endsWith('/reviews'))).toHaveLength(2);
  });

  it('reads every page of check runs: a failure on page 3 counts', async () => {
    const many = Array.from({ length: 230 }, (_, index) => checkRun(`build (${index})`, 'success'));
    many.push(checkRun('build (last)', 'timed_out'));
    api().state.checkRuns.set(HEAD_SHA, many);
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'build (last) [github-actions] (timed_out) failed' }]);
    expect(api().requests.filter((request) => request.path.endsWith('/check-runs'))).toHaveLength(3);
  });

  it('keeps the latest check run of each name', async () => {
    const old = { ...checkRun('pre-commit', 'failure'), id: 1 };
    api().state.checkRuns.get(HEAD_SHA)!.push(old);
    expect((await verify()).code).toBe(0);
  });
});

describe('verify-release-pr bundle: rate limits and server errors', () => {
  it('waits out a secondary rate limit (429, Retry-After) and goes on', async () => {
    api().faults.push({
      method: 'GET',
      path: /\/pulls\/42$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
      times: 1,
    });
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/GET .*\/pulls\/42 answered HTTP 429 \(secondary rate limit, retry-after 1s\); retrying/);
  });

  it('waits out a primary rate limit (403, x-ratelimit-remaining: 0) and goes on', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    api().faults.push({
      method: 'GET',
      path: /\/check-runs$/,
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'x-ratelimit-limit': '5000' },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      },
      times: 1,
    });
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/GET .*check-runs.* answered HTTP 403 \(primary rate limit, reset at .*\); retrying/);
  });

  it('retries 5xx answers', async () => {
    api().faults.push({ method: 'GET', path: /\/reviews$/, status: 502, body: { message: 'Server Error' }, times: 2 });
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(api().requests.filter((request) => request.path.endsWith('/reviews'))).toHaveLength(3);
  });

  it('fails clearly when the server keeps failing', async () => {
    api().faults.push({ method: 'GET', path: /\/git\/matching-refs\/tags$/, status: 500, body: { message: 'Server Error' }, times: 10 });
    const run = await verify();
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/^verify-release-pr failed: .*Server Error/);
  });
});

describe('verify-release-pr bundle: the checklist comment', () => {
  it('creates one comment, then updates it in place on the next runs', async () => {
    const first = await verify({ comment: 'true' });
    expect(first.code, first.stdout).toBe(0);
    const comments = () => api().state.comments.get(PR_NUMBER) ?? [];
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain(CHECKLIST_MARKER);
    expect(comments()[0]!.body).toContain('### Release checklist: ready');
    expect(first.summary).toContain('Checklist comment created');

    api().state.pulls.get(PR_NUMBER)!.draft = true;
    const second = await verify({ comment: 'true' });
    expect(second.code).toBe(1);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain('### Release checklist: not ready');
    expect(comments()[0]!.body).toContain('| ❌ | `not-draft` |');

    api()
      .state.comments.get(PR_NUMBER)!
      .unshift({ id: 1, body: 'Looks good!', user: { login: 'maintainer-bob' } });
    api().state.pulls.get(PR_NUMBER)!.comments = 2;
    await verify({ comment: 'true' });
    expect(comments()).toHaveLength(2);
    expect(comments().filter((comment) => comment.body?.startsWith(CHECKLIST_MARKER))).toHaveLength(1);
  });
});

describe('verify-release-pr bundle: waiting for checks', () => {
  it('waits for a pending check that then passes', async () => {
    const pending = checkRun('build (amd64)', null);
    api().state.checkRuns.get(HEAD_SHA)!.push(pending);
    // It passes once the action has been answered that it is pending (not at a set time: a slow start would miss it).
    const passOnceSeen = setInterval(() => {
      if (!api().requests.some((request) => request.path.endsWith('/check-runs') && request.status === 200)) return;
      clearInterval(passOnceSeen);
      Object.assign(pending, { status: 'completed', conclusion: 'success' });
    }, 20);
    const run = await verify({ 'wait-for-checks': '20s' });
    clearInterval(passOnceSeen);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('Waiting 2s for pending checks: "build (amd64)"');
  });

  it('fails when the check is still pending at the end of the wait', async () => {
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun('build (arm64)', null));
    const run = await verify({ 'wait-for-checks': '2s' });
    expect(run.code).toBe(1);
    expect(failuresOf(run)[0]!.detail).toContain('build (arm64) [github-actions] (in_progress) is pending');
  });
});

describe('verify-release-pr bundle: bad input ends with a clear error', () => {
  it.each([
    [{ 'title-pattern': '^Release (?<version>[' }, `input 'title-pattern' does not compile`],
    [{ 'title-pattern': '^Release (.+)$' }, `input 'title-pattern' has no named group (?<version>…)`],
    [{ 'github-token': '' }, `input 'github-token' is empty`],
    [{ 'pull-request': '4242' }, 'pull request #4242 does not exist in ThePorgs/Exegol'],
    [{ 'pull-request': 'latest' }, `input 'pull-request' must be a pull request number, #number, URL`],
    [{ 'pull-request': '0' }, `input 'pull-request' must be a pull request number from 1`],
    [{ 'pull-request': 'Object' }, `input 'pull-request' is "Object": the expression gave an object; pass toJSON(…) of it`],
    [{ repository: 'ThePorgs' }, `input 'repository' must be a repository as owner/name`],
    [
      { repository: 'ThePorgs/Exegol-images' },
      `input 'pull-request' is needed: the event's pull request is one of ThePorgs/Exegol, not of ThePorgs/Exegol-images`,
    ],
    [{ 'pull-request': 'https://github.com/someone/else/pull/3', repository: 'ThePorgs/Exegol' }, `input 'pull-request' names a pull request of someone/else`],
    [{ 'on-non-release': 'warn' }, `input 'on-non-release' must be one of skip, fail`],
    [{ submodules: 'latest' }, `input 'submodules' must be one of current`],
    [{ 'pull-request': 'b'.repeat(40) }, `no pull request of ThePorgs/Exegol has commit ${'b'.repeat(40)} as its head or merge commit`],
    [{ 'approver-permission': 'read' }, `input 'approver-permission' must be one of write, maintain, admin`],
    [{ 'file-patterns': 'exegol/utils/imgsync/spawn.sh' }, `input 'file-patterns' needs an expression for exegol/utils/imgsync/spawn.sh`],
    [{ 'version-files': 'a.py: (?<v>.*)' }, `input 'version-files' has an expression without a named group`],
    [{ 'wait-for-checks': 'a while' }, `input 'wait-for-checks'`],
  ])('%j', async (inputs, message) => {
    const run = await verify(inputs as Record<string, string>);
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(api().state.comments.get(PR_NUMBER) ?? []).toEqual([]);
  });

  it('a push event without a pull-request input', async () => {
    const run = await verify({}, { GITHUB_EVENT_PATH: undefined, GITHUB_EVENT_NAME: 'push' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'pull-request' is needed: this push event has no pull request`);
  });
});
