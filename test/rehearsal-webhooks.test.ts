// The events the rehearsal sends, checked against GitHub's webhook payload schemas
// (@octokit/webhooks-schemas): the pull requests of the GitHub stand-in, the repository, sender, review
// and push payloads the rehearsal builds (scripts/rehearse/engine/payloads.ts), and the stop before any
// workflow runs when a payload is not one GitHub sends.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import type { PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import { ALICE, BOB, GitHub } from '../scripts/rehearse/github.js';
import { createImages, type HostedRepository } from '../scripts/rehearse/repositories.js';
import type { WebhookEvent } from '../scripts/rehearse/engine/events.js';
import { pushPayload, repositoryPayload, senderPayload } from '../scripts/rehearse/engine/payloads.js';
import { Release } from '../scripts/rehearse/engine/release.js';
import { RehearsalStop, WorkflowRunner, type RunnerWorld } from '../scripts/rehearse/engine/runner.js';
import { webhookDefinition, webhookProblem } from '../scripts/rehearse/engine/webhook-schemas.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
let root: string;
let github: GitHub;
let images: HostedRepository;
let release: Release;
let number: number;
/** The pull request while open (a later test merges it). */
let open: PullRequest;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'rehearsal-webhooks-'));
  github = await new GitHub().start(root);
  images = await createImages(root);
  github.host(images);
  release = new Release(undefined as unknown as WorkflowRunner, { fullName: REPOSITORY, workflows: 'images', bare: images.bare, secrets: {} }, github);
  ({ number } = await github.request<{ number: number }>(ALICE, 'POST', `/repos/${REPOSITORY}/pulls`, {
    title: 'Release 3.1.6',
    head: 'dev',
    base: 'main',
    body: 'Release 3.1.6',
  }));
  open = structuredClone(github.pull(REPOSITORY, number));
}, 60_000);

afterAll(async () => {
  await github?.stop();
  await rm(root, { recursive: true, force: true });
});

const pull = (): PullRequest => structuredClone(github.pull(REPOSITORY, number));

describe("the rehearsal's events under GitHub's webhook schemas", () => {
  it('pull_request opened, edited and synchronize carry the stand-in’s pull request as GitHub sends it', () => {
    const opened = release.pullRequestEvent('opened', pull(), ALICE);
    expect(webhookDefinition(opened)).toBe('pull_request$opened');
    expect(webhookProblem(opened)).toBeUndefined();
    expect(webhookProblem(release.pullRequestEvent('edited', pull(), BOB, { changes: { body: { from: 'before' } } }))).toBeUndefined();
    const head = pull().head!.sha!;
    expect(webhookProblem(release.pullRequestEvent('synchronize', pull(), ALICE, { before: head, after: head }))).toBeUndefined();
  });

  it('pull_request_review submitted carries the review and the pull request as simple-pull-request; closed the merged pull request', async () => {
    const review = await github.request<{ state: string; commit_id: string }>(BOB, 'POST', `/repos/${REPOSITORY}/pulls/${number}/reviews`, {
      event: 'APPROVE',
    });
    const submitted = release.reviewEvent(pull(), BOB, review);
    expect(webhookDefinition(submitted)).toBe('pull_request_review$submitted');
    expect(webhookProblem(submitted)).toBeUndefined();
    const before = git(images.bare, 'rev-parse', 'main');
    await github.request(ALICE, 'PUT', `/repos/${REPOSITORY}/pulls/${number}/merge`, { merge_method: 'merge', sha: pull().head!.sha });
    expect(webhookProblem(release.pullRequestEvent('closed', pull(), ALICE))).toBeUndefined();
    // The push of the merge commit on main, a tag on it, and a new branch.
    const after = git(images.bare, 'rev-parse', 'main');
    const push = (ref: string, from: string, to: string): WebhookEvent => ({
      name: 'push',
      payload: pushPayload(images.bare, REPOSITORY, { ref, before: from, after: to, login: ALICE.login }),
    });
    const merged = push('refs/heads/main', before, after);
    expect(webhookProblem(merged)).toBeUndefined();
    expect((merged.payload['commits'] as unknown[]).length).toBeGreaterThan(0);
    expect((merged.payload['head_commit'] as { id: string }).id).toBe(after);
    git(images.bare, 'tag', '3.1.6', after);
    const tag = push('refs/tags/3.1.6', '0'.repeat(40), after);
    expect(webhookProblem(tag)).toBeUndefined();
    expect(tag.payload['base_ref']).toBe('refs/heads/main');
  });

  it('workflow_dispatch and repository_dispatch validate too: the validator takes any event the schemas know', () => {
    const common = { repository: repositoryPayload(REPOSITORY, 'main'), sender: senderPayload(ALICE.login) };
    expect(
      webhookProblem({
        name: 'workflow_dispatch',
        payload: { inputs: { version: '3.1.6' }, ref: 'refs/heads/dev', workflow: '.github/workflows/x.yml', ...common },
      }),
    ).toBeUndefined();
    expect(
      webhookProblem({
        name: 'repository_dispatch',
        payload: { action: 'release', branch: 'main', client_payload: {}, installation: { id: 1, node_id: 'MDIz' }, ...common },
      }),
    ).toBeUndefined();
    expect(webhookProblem({ name: 'no_such_event', payload: {} })).toMatch(/^no_such_event: GitHub's webhook schemas .* know no such event/);
  });

  it('names the event, the path and the message of the first error when a required field is dropped', () => {
    const opened = release.pullRequestEvent('opened', structuredClone(open), ALICE);
    delete (opened.payload['pull_request'] as { head: { repo: Record<string, unknown> } }).head.repo['node_id'];
    expect(webhookProblem(opened)).toBe("pull_request (opened): /pull_request/head/repo: should have required property 'node_id' [pull_request$opened]");
    const noSender = release.pullRequestEvent('opened', structuredClone(open), ALICE);
    delete noSender.payload['sender'];
    expect(webhookProblem(noSender)).toMatch(/^pull_request \(opened\): \(root\): should have required property 'sender'/);
    const noDiff = release.pullRequestEvent('opened', structuredClone(open), ALICE);
    delete (noDiff.payload['pull_request'] as Record<string, unknown>)['diff_url'];
    expect(webhookProblem(noDiff)).toMatch(/\/pull_request: should have required property 'diff_url'/);
    const push: WebhookEvent = {
      name: 'push',
      payload: pushPayload(images.bare, REPOSITORY, {
        ref: 'refs/heads/dev',
        before: '0'.repeat(40),
        after: git(images.bare, 'rev-parse', 'dev'),
        login: ALICE.login,
      }),
    };
    delete push.payload['head_commit'];
    expect(webhookProblem(push)).toMatch(/^push: \(root\): should have required property 'head_commit'/);
  });

  it('stops the rehearsal at the dispatch, before any workflow runs, naming the event and the error', async () => {
    const lines: string[] = [];
    const world = { log: { line: (text: string) => lines.push(text), heading: (text: string) => lines.push(text) } } as unknown as RunnerWorld;
    const event = release.pullRequestEvent('opened', structuredClone(open), ALICE);
    delete event.payload['repository'];
    const dispatched = new WorkflowRunner(world).dispatch({ fullName: REPOSITORY, workflows: 'images', secrets: {} }, event, '#1 opened');
    await expect(dispatched).rejects.toBeInstanceOf(RehearsalStop);
    await expect(dispatched).rejects.toThrow(
      "#1 opened: event pull_request (opened) is not shaped as GitHub sends it: (root): should have required property 'repository' [pull_request$opened]",
    );
    expect(lines).toEqual([]);
  });
});
