// The events the example tests evaluate conditions under (example-events.ts) are events GitHub could send:
// each builder checks its payload against GitHub's webhook schemas (@octokit/webhooks-schemas), as the
// rehearsal checks its own, so that no condition is judged under a payload GitHub would never deliver.
import { describe, expect, it } from 'vitest';
import { webhookProblem } from '../../scripts/rehearse/engine/webhook-schemas.js';
import { IMAGES, WRAPPER, pullRequest, pullRequestComment, push, repositoryDispatch, review, workflowDispatch } from './example-events.js';

describe("the example tests' events", () => {
  it.each([
    ['a tag pushed', () => push(WRAPPER, 'refs/tags/5.1.5')],
    ['a branch pushed by the GITHUB_TOKEN', () => push(IMAGES, 'refs/heads/dev', { byGithubToken: true })],
    ['a pull request opened', () => pullRequest(WRAPPER, 'opened')],
    ['a pull request opened from a fork', () => pullRequest(WRAPPER, 'opened', { fork: true })],
    ['a draft pull request opened', () => pullRequest(IMAGES, 'opened', { base: 'main', draft: true })],
    ['a pull request merged', () => pullRequest(IMAGES, 'closed', { base: 'main', merged: true })],
    ['a pull request closed unmerged', () => pullRequest(IMAGES, 'closed', { base: 'main' })],
    ['a pull request edited (its checklist ticked)', () => pullRequest(WRAPPER, 'edited')],
    ['a pull request edited', () => pullRequest(IMAGES, 'edited', { base: 'main' }, { title: { from: 'Release 3.1.5' } })],
    ['a pull request synchronized', () => pullRequest(IMAGES, 'synchronize', { base: 'main' })],
    ['an approval', () => review(IMAGES, { base: 'main' })],
    ['a change request', () => review(WRAPPER, { base: 'master' }, 'changes_requested')],
    ['a workflow dispatched', () => workflowDispatch(WRAPPER, 'prepare_release.yml', { bump: 'release' })],
    ['a repository dispatch', () => repositoryDispatch('ThePorgs/Pipelines', 'release-pipeline', { version: '3.1.6' })],
    ['a comment on a pull request from someone outside', () => pullRequestComment(WRAPPER, '/release')],
  ])('%s matches its webhook schema', (_, build) => {
    const event = build();
    expect(webhookProblem(event)).toBeUndefined();
  });

  it('refuses an event GitHub never sends, naming it', () => {
    expect(() => pullRequest(WRAPPER, 'released')).toThrow("event pull_request (released) is not shaped as GitHub sends it: GitHub's webhook schemas");
    expect(() => review(IMAGES, {}, 'merged')).toThrow(/pull_request_review \(submitted\) is not shaped as GitHub sends it: \/review\/state/);
  });
});
