// The rehearsal's engine on the example workflows, without running them: GitHub's parser reads every
// example, `on:` filters decide which events start which workflow, and job conditions are evaluated by
// GitHub's evaluator under events shaped as GitHub sends them.
import { describe, expect, it } from 'vitest';
import { condition, evaluate } from '../scripts/rehearse/engine/expressions.js';
import { filterPattern, passesFilter, whyNot, workflowDispatchEvent, type WebhookEvent } from '../scripts/rehearse/engine/events.js';
import { githubContext } from '../scripts/rehearse/engine/runner.js';
import { loadWorkflow, repositoryWorkflows } from '../scripts/rehearse/engine/workflows.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
const push = (ref: string, byGithubToken = false): WebhookEvent => ({
  name: 'push',
  byGithubToken,
  payload: { ref, after: 'a'.repeat(40) },
  changedFiles: ['README.md'],
});
const pullRequest = (action: string, fields: { title?: string; merged?: boolean; base?: string; fork?: boolean } = {}): WebhookEvent => ({
  name: 'pull_request',
  payload: {
    action,
    pull_request: {
      number: 7,
      title: fields.title ?? 'Release 3.1.6',
      merged: fields.merged ?? false,
      draft: false,
      base: { ref: fields.base ?? 'main', sha: 'b'.repeat(40) },
      head: { ref: 'dev', sha: 'c'.repeat(40), repo: { full_name: fields.fork ? 'someone/Exegol-images' : REPOSITORY } },
    },
  },
});

describe('GitHub filter patterns', () => {
  it('match as the cheat sheet says: * stops at /, ** does not, + repeats, . is itself', () => {
    expect(filterPattern('[0-9]+.[0-9]+.[0-9]+').test('5.1.5')).toBe(true);
    expect(filterPattern('[0-9]+.[0-9]+.[0-9]+').test('5.1.5b1')).toBe(false);
    expect(filterPattern('[0-9]+.[0-9]+.[0-9]+').test('5x1x5')).toBe(false);
    expect(filterPattern('*.*.*b*').test('3.1.7b1')).toBe(true);
    expect(filterPattern('release/*').test('release/a/b')).toBe(false);
    expect(filterPattern('release/**').test('release/a/b')).toBe(true);
    expect(passesFilter('main', ['**', '!main'], undefined)).toBe(false);
    expect(passesFilter('dev', undefined, ['dev', 'master'])).toBe(false);
  });
});

describe('the example workflows under GitHub’s parser', () => {
  it('every example of the wrapper and the images parses without errors', async () => {
    const files = [...(await repositoryWorkflows('wrapper')), ...(await repositoryWorkflows('images'))].map((workflow) => workflow.file);
    expect(files).toContain('images/release.yml');
    expect(files).toContain('wrapper/entrypoint_release.yml');
    expect(files).not.toContain('wrapper/dependabot.yml');
  });

  it('start on the events their on: names, and none on a push by the GITHUB_TOKEN', async () => {
    const release = await loadWorkflow('images/release.yml');
    expect(whyNot(release.template, push('refs/tags/3.1.6'))).toBeUndefined();
    expect(whyNot(release.template, push('refs/tags/3.1.7b1'))).toBeUndefined();
    expect(whyNot(release.template, push('refs/heads/main'))).toBe('a branch, and on.push filters tags only');
    expect(whyNot(release.template, push('refs/tags/3.1.6', true))).toBe('caused by the GITHUB_TOKEN: starts no workflow');
    expect(whyNot(release.template, pullRequest('closed'))).toBeUndefined();
    expect(whyNot(release.template, pullRequest('opened'))).toBe('types: closed (not opened)');
    expect(whyNot(release.template, pullRequest('closed', { base: 'dev' }))).toBe('base branch dev filtered out');
    const wrapperRelease = await loadWorkflow('wrapper/entrypoint_release.yml');
    expect(whyNot(wrapperRelease.template, push('refs/tags/5.1.5'))).toBeUndefined();
    expect(whyNot(wrapperRelease.template, push('refs/tags/5.1.6b1'))).toBe('tag 5.1.6b1 filtered out');
  });

  it("release.yml's tag job runs only for a merged release pull request from the repository itself", async () => {
    const { template } = await loadWorkflow('images/release.yml');
    const tag = template.jobs.find((job) => job.id.value === 'tag')!;
    const runs = (event: WebhookEvent): boolean =>
      condition(tag.if.expression, { github: githubContext(REPOSITORY, event, 'http://api') }, { failed: false, cancelled: false }, 'tag');
    expect(runs(pullRequest('closed', { merged: true }))).toBe(true);
    expect(runs(pullRequest('closed', { merged: false }))).toBe(false);
    expect(runs(pullRequest('closed', { merged: true, title: 'Fix the light image' }))).toBe(false);
    expect(runs(pullRequest('closed', { merged: true, fork: true }))).toBe(false);
    expect(runs(push('refs/tags/3.1.6'))).toBe(false);
  });

  it("release.yml's release job runs after a tag pushed by hand, or after the tag job made one, even when it was skipped", async () => {
    const { template } = await loadWorkflow('images/release.yml');
    const release = template.jobs.find((job) => job.id.value === 'release')!;
    const runs = (event: WebhookEvent, tag: { result: string; outputs: Record<string, string> }): boolean =>
      condition(
        release.if.expression,
        { github: githubContext(REPOSITORY, event, 'http://api'), needs: { tag } },
        { failed: tag.result === 'failure', notSucceeded: tag.result !== 'success', cancelled: false },
        'release',
      );
    expect(runs(push('refs/tags/3.1.7b1'), { result: 'skipped', outputs: {} })).toBe(true);
    expect(runs(pullRequest('closed', { merged: true }), { result: 'success', outputs: { tag: '3.1.6' } })).toBe(true);
    expect(runs(pullRequest('closed', { merged: true }), { result: 'success', outputs: { tag: '' } })).toBe(false);
  });

  it('evaluates as GitHub does: && and || return operands, fromJSON, contains, format', () => {
    const status = { failed: false, cancelled: false };
    expect(
      evaluate(
        "github.event_name == 'push' && github.ref_name || needs.tag.outputs.tag",
        { github: { event_name: 'push', ref_name: '3.1.7b1' }, needs: { tag: { outputs: {} } } },
        status,
        'x',
      ),
    ).toBe('3.1.7b1');
    expect(
      evaluate(
        "github.event_name == 'push' && github.ref_name || needs.tag.outputs.tag",
        { github: { event_name: 'pull_request' }, needs: { tag: { outputs: { tag: '3.1.6' } } } },
        status,
        'x',
      ),
    ).toBe('3.1.6');
    expect(evaluate('contains(fromJSON(\'["full","ad"]\'), \'ad\')', {}, status, 'x')).toBe(true);
    expect(evaluate("format('{0}-{1}', 'full', '3.1.6')", {}, status, 'x')).toBe('full-3.1.6');
    expect(() => evaluate('nosuch(1)', {}, status, 'where')).toThrow(/where: \$\{\{ nosuch\(1\) \}\}/);
  });
});

describe('workflow_dispatch, as GitHub sends it', () => {
  const dispatch = async (file: string, inputs: Record<string, string>) => {
    const workflow = await loadWorkflow(file);
    return workflowDispatchEvent(workflow.template.events['workflow_dispatch'] as Parameters<typeof workflowDispatchEvent>[0], {
      workflowPath: workflow.path,
      ref: 'refs/heads/master',
      sha: 'd'.repeat(40),
      inputs,
      repository: { full_name: 'ThePorgs/Exegol' },
      sender: { login: 'maintainer-alice' },
    });
  };

  it('types the inputs context as declared (booleans as booleans) and keeps github.event.inputs as strings, defaults filled', async () => {
    const event = await dispatch('wrapper/prepare_release.yml', { bump: 'release' });
    expect(event.payload).toMatchObject({
      inputs: { bump: 'release', version: '', 'dry-run': 'false' },
      ref: 'refs/heads/master',
      workflow: '.github/workflows/prepare_release.yml',
      sender: { login: 'maintainer-alice' },
    });
    expect(event.inputs).toEqual({ bump: 'release', version: '', 'dry-run': false });
    const status = { failed: false, cancelled: false };
    const contexts = { inputs: event.inputs!, github: githubContext('ThePorgs/Exegol', event, 'http://api') };
    expect(evaluate('inputs.dry-run', contexts, status, 'x')).toBe(false);
    expect(evaluate('github.event.inputs.dry-run', contexts, status, 'x')).toBe('false');
    expect(condition("github.event.inputs.dry-run == 'false' && !inputs.dry-run", contexts, status, 'x')).toBe(true);
    expect(contexts.github).toMatchObject({
      event_name: 'workflow_dispatch',
      ref: 'refs/heads/master',
      ref_name: 'master',
      sha: 'd'.repeat(40),
      actor: 'maintainer-alice',
    });
    expect((await dispatch('wrapper/prepare_release.yml', { 'dry-run': 'true' })).inputs!['dry-run']).toBe(true);
  });

  it('refuses what GitHub answers 422: an undeclared input, a choice outside its options, a boolean that is not one', async () => {
    await expect(dispatch('wrapper/prepare_release.yml', { tag: '5.1.5' })).rejects.toThrow(/Unexpected inputs provided: \["tag"\]/);
    await expect(dispatch('wrapper/prepare_release.yml', { bump: 'final' })).rejects.toThrow(/'final' for input 'bump' not in the list of allowed values/);
    await expect(dispatch('images/prepare_release.yml', { 'dry-run': 'yes' })).rejects.toThrow(/'yes' for input 'dry-run' is not a valid boolean/);
    await expect(dispatch('wrapper/entrypoint_release.yml', {})).rejects.toThrow(/has no workflow_dispatch/);
  });

  it('starts only the workflow it was dispatched to, even when another also has on: workflow_dispatch, and even from a GITHUB_TOKEN', async () => {
    const event = await dispatch('images/prepare_release.yml', {});
    const prepare = await loadWorkflow('images/prepare_release.yml');
    const nightly = await loadWorkflow('images/nightly.yml');
    expect(whyNot(prepare.template, event, prepare.path)).toBeUndefined();
    expect(whyNot(nightly.template, event, nightly.path)).toBe('dispatched to .github/workflows/prepare_release.yml');
    expect(whyNot(prepare.template, { ...event, byGithubToken: true }, prepare.path)).toBeUndefined();
  });
});
