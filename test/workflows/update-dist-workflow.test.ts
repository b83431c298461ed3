// update-dist.yml: only Dependabot's same-repository pull requests, the dependencies' code built without a write
// token, and the push step, run for real against a bare remote, commits only actions/*/dist on the commit built.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planWorkflow, pullRequest, running, type PullRequestFields } from './example-events.js';
import { checkouts, ownWorkflow, runsDependencyCode, writeScopes } from './own-workflow-facts.js';
import { templateOf } from './workflow-facts.js';

const UPDATE = ownWorkflow('update-dist.yml');
const JOBS = Object.entries(UPDATE.workflow.jobs);

describe('update-dist.yml', () => {
  it("runs on pull requests, its first job only for Dependabot's pull requests from this repository's branches", async () => {
    const template = await templateOf(UPDATE.text, UPDATE.file);
    expect(Object.keys(template.events)).toEqual(['pull_request']);
    const REPOSITORY = 'OWNER/exegol-release-actions';
    const jobs = async (action: string, fields: PullRequestFields, changed = 'true') =>
      running(
        await planWorkflow(
          { file: UPDATE.file, template },
          REPOSITORY,
          pullRequest(REPOSITORY, action, { base: 'main', head: 'dependabot/npm_and_yarn/x', ...fields }),
          { outputs: { build: { changed } } },
        ),
      );
    const all = JOBS.map(([name]) => name).sort();
    for (const action of ['opened', 'synchronize', 'reopened']) expect(await jobs(action, { author: 'dependabot[bot]' }), action).toEqual(all);
    // Bundles already current: nothing to push.
    expect(await jobs('synchronize', { author: 'dependabot[bot]' }, 'false')).toEqual(['build']);
    // Someone else's pull request, someone else pushing to Dependabot's branch, Dependabot's name on a fork's branch.
    expect(await jobs('opened', {})).toEqual([]);
    expect(await jobs('synchronize', { author: 'dependabot[bot]', sender: 'someone' })).toEqual([]);
    expect(await jobs('opened', { author: 'dependabot[bot]', fork: true })).toEqual([]);
    for (const [name, job] of JOBS) if (name !== 'build') expect(job.needs, name).toBe('build');
  });

  it('installs and builds with a read-only token and no persisted credentials; the job that pushes runs no npm', () => {
    for (const [name, job] of JOBS) {
      if (runsDependencyCode(job)) {
        expect(writeScopes(UPDATE, job), name).toEqual([]);
        for (const step of checkouts(job)) expect(step.with?.['persist-credentials'], name).toBe(false);
      }
      if (writeScopes(UPDATE, job).length > 0) expect(runsDependencyCode(job), name).toBe(false);
    }
    expect(JOBS.some(([, job]) => runsDependencyCode(job))).toBe(true);
  });

  it("pushes with a GitHub App's token when one is configured, so that the pushed commit starts CI", () => {
    const push = UPDATE.workflow.jobs.push!;
    expect(push.steps?.some((step) => step.uses?.startsWith('actions/create-github-app-token@'))).toBe(true);
    expect(checkouts(push)[0]?.with?.token).toBe('${{ steps.app.outputs.token || github.token }}');
  });
});

const scratch = mkdtempSync(path.join(tmpdir(), 'update-dist-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();
const BRANCH = 'dependabot/npm_and_yarn/minor-and-patch-1a2b3c';

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A bare origin whose Dependabot branch holds one action with a stale bundle, a clone of it, and an artifact. */
function setUp(name: string, artifact: Record<string, string>) {
  const root = path.join(scratch, name);
  const origin = path.join(root, 'origin.git');
  const work = path.join(root, 'work');
  const built = path.join(root, 'built');
  git(scratch, 'init', '--quiet', '--bare', origin);
  git(scratch, 'init', '--quiet', `--initial-branch=${BRANCH}`, work);
  write(path.join(work, 'actions/bump-version/src/main.ts'), 'source\n');
  write(path.join(work, 'actions/bump-version/dist/index.js'), 'stale\n');
  git(work, 'add', '.');
  git(work, '-c', 'user.name=dependabot[bot]', '-c', 'user.email=d@example.org', 'commit', '--quiet', '-m', 'Bump something');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '--quiet', 'origin', BRANCH);
  for (const [file, text] of Object.entries(artifact)) write(path.join(built, file), text);
  mkdirSync(built, { recursive: true });
  return { origin, work, built, sha: git(work, 'rev-parse', 'HEAD') };
}

function runPushStep(where: { work: string; built: string }, builtSha: string) {
  const step = UPDATE.workflow.jobs.push?.steps?.find((candidate) => /git push/.test(candidate.run ?? ''));
  if (!step?.run) throw new Error('update-dist.yml has no step that pushes');
  expect(step.run).not.toContain('${{');
  const script = path.join(scratch, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(script, step.run);
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: where.work,
    env: { ...GIT_ENV, BUILT: where.built, BUILT_SHA: builtSha, BRANCH },
    encoding: 'utf8',
  });
}

describe("update-dist.yml's push step", () => {
  it('pushes one commit, on the commit built, changing only actions/*/dist', () => {
    const repo = setUp('fresh', { 'bump-version/dist/index.js': 'rebuilt\n', 'bump-version/dist/licenses.txt': 'MIT\n' });
    const run = runPushStep(repo, repo.sha);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    const head = git(repo.origin, 'rev-parse', BRANCH);
    expect(git(repo.origin, 'rev-parse', `${head}^`)).toBe(repo.sha);
    expect(git(repo.origin, 'diff', '--name-only', repo.sha, head).split('\n')).toEqual([
      'actions/bump-version/dist/index.js',
      'actions/bump-version/dist/licenses.txt',
    ]);
    expect(git(repo.origin, 'show', `${head}:actions/bump-version/dist/index.js`)).toBe('rebuilt');
  });

  it("refuses an artifact holding anything but an existing action's dist/, and pushes nothing", () => {
    for (const [name, artifact] of [
      ['beside-dist', { 'bump-version/dist/index.js': 'rebuilt\n', 'bump-version/src/main.ts': 'changed\n' }],
      ['unknown-action', { 'not-an-action/dist/index.js': 'x\n' }],
    ] as const) {
      const repo = setUp(name, artifact);
      const run = runPushStep(repo, repo.sha);
      expect(run.status, name).not.toBe(0);
      expect(run.stdout, name).toContain('is not one action');
      expect(git(repo.origin, 'rev-parse', BRANCH), name).toBe(repo.sha);
    }
  });

  it('pushes nothing when the branch moved since the build', () => {
    const repo = setUp('moved', { 'bump-version/dist/index.js': 'rebuilt\n' });
    const run = runPushStep(repo, '0'.repeat(40));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('moved since the build');
    expect(git(repo.origin, 'rev-parse', BRANCH)).toBe(repo.sha);
  });
});
