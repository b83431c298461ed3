import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKLIST_MARKER } from '@exegol-release/core';
import {
  BASE_SHA,
  CI_RUN_ID,
  HEAD_SHA,
  OWNER,
  PR_NUMBER,
  RUN_ID,
  actionsJob,
  checkRun,
  eventFile,
  passingRelease,
  releasePullRequest,
  workflowRun,
} from '../fixtures/release-pr.js';
import { user } from '../stand-ins/github-api.js';
import { failuresOf, useStandIn } from './harness.js';

const { api, verify } = useStandIn();
const pr = () => api().state.pulls.get(PR_NUMBER)!;
const comments = () => api().state.comments.get(PR_NUMBER) ?? [];
const IMAGES = `${OWNER}/Exegol-images`;
/** The token of the harness: an installation token (ghs_), the GITHUB_TOKEN's kind. */
const TOKEN = 'ghs_standInToken123';

describe('finding 1: the pull request of another repository (the images pipeline runs in ThePorgs/Pipelines)', () => {
  let dispatch: string;
  beforeAll(async () => {
    // What Exegol-images sends: repository_dispatch preprod-base-pipeline, payload sha and image_version.
    dispatch = await eventFile({
      action: 'preprod-base-pipeline',
      client_payload: { sha: HEAD_SHA, image_version: '5.1.5', pull_request: PR_NUMBER },
      repository: { full_name: `${OWNER}/Pipelines` },
    });
  });
  const pipelines = () => ({ GITHUB_REPOSITORY: `${OWNER}/Pipelines`, GITHUB_EVENT_NAME: 'repository_dispatch', GITHUB_EVENT_PATH: dispatch });

  it.each([
    ['the number from client_payload.pull_request', String(PR_NUMBER)],
    ['the head commit from client_payload.sha', HEAD_SHA],
    ['toJSON of a pull request object', JSON.stringify({ number: PR_NUMBER, base: { repo: { full_name: IMAGES } } })],
    ['the pull request URL', `https://github.com/${IMAGES}/pull/${PR_NUMBER}`],
  ])('verifies Exegol-images #42 from ThePorgs/Pipelines, given %s', async (_, value) => {
    passingRelease(api(), IMAGES);
    const run = await verify({ repository: IMAGES, 'pull-request': value }, pipelines());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ ok: 'true', 'is-release': 'true', version: '5.1.5', 'pull-request': '42' });
    expect(api().requests.every((request) => !request.path.startsWith(`/repos/${OWNER}/Pipelines`))).toBe(true);
    // The workflow run's jobs are in ThePorgs/Pipelines: they are not checks of Exegol-images' commit.
    expect(api().requests.some((request) => request.path.includes('/actions/runs'))).toBe(false);
  });

  it('the repository a pull request URL names is enough', async () => {
    passingRelease(api(), IMAGES);
    const run = await verify({ 'pull-request': `https://github.com/${IMAGES}/pull/${PR_NUMBER}` }, pipelines());
    expect(run.code, run.stdout).toBe(0);
  });

  it('fails the branches rule when the head is in the workflow repository rather than Exegol-images', async () => {
    passingRelease(api(), IMAGES);
    api().repository(IMAGES).pulls.get(PR_NUMBER)!.head!.repo!.full_name = `${OWNER}/Pipelines`;
    const run = await verify({ repository: IMAGES, 'pull-request': '42' }, pipelines());
    expect(failuresOf(run)).toEqual([{ rule: 'branches', detail: `its head is in ${OWNER}/Pipelines, not ${IMAGES}` }]);
  });
});

describe('finding 2: pull requests that are not release pull requests, and forks', () => {
  it('skips "Fix f-string typo for python 3.11": passes, is-release=false, one summary line, no comment, one request', async () => {
    pr().title = 'Fix f-string typo for python 3.11';
    const run = await verify({ comment: 'true' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ 'is-release': 'false', ok: 'false', failures: '[]', version: '', 'pull-request': '42' });
    expect(run.summary.trim().split('\n')).toHaveLength(1);
    expect(run.summary).toContain('is not a release pull request: its title does not start with &#34;Release&#34;');
    expect(comments()).toEqual([]);
    expect(api().count()).toBe(1);
  });

  it('fails it with on-non-release: fail', async () => {
    pr().title = 'Exegol v5';
    const run = await verify({ 'on-non-release': 'fail' });
    expect(run.code).toBe(1);
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['release', 'title']);
    expect(run.outputs['is-release']).toBe('false');
  });

  it('a custom release-title-prefix decides', async () => {
    pr().title = 'Release 5.1.5';
    const run = await verify({ 'release-title-prefix': 'Publish' });
    expect(run.code).toBe(0);
    expect(run.outputs['is-release']).toBe('false');
  });

  it('a fork: the 403 on the comment is a warning; outputs, summary and the verdict stay', async () => {
    api().tokens.set(TOKEN, { login: 'github-actions[bot]', installation: true, readOnly: true });
    pr().head!.repo = { ...pr().head!.repo, full_name: 'contributor/Exegol' };
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['branches']);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^verify-release-pr failed: 1 rule\(s\) failed: branches: /);
    expect(run.warnings.join('\n')).toMatch(
      /The checklist comment was not written: GitHub answered 403: Resource not accessible by integration.*pull_request_target/,
    );
    expect(run.summary).toContain('<tr><td>branches</td><td>failed</td>');
    expect(run.summary).toContain('Checklist comment not written');
    expect(run.outputs).toMatchObject({ 'is-release': 'true', ok: 'false' });
  });

  it('a read-only token on a release pull request that passes: the step passes with a warning', async () => {
    api().tokens.set(TOKEN, { login: 'github-actions[bot]', installation: true, readOnly: true });
    const run = await verify({ comment: 'true' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs['ok']).toBe('true');
    expect(run.warnings).toHaveLength(1);
  });
});

describe('finding 3: check runs of one name from another app or workflow', () => {
  const CIRCLECI = { id: 18001, slug: 'circleci-checks', name: 'CircleCI Checks' };

  it('a failing "test" of another workflow is not hidden by a newer passing "test"', async () => {
    const runs = api().state.checkRuns.get(HEAD_SHA)!;
    runs.push(checkRun('test', 'failure', { runId: CI_RUN_ID }), checkRun('test', 'success', { runId: '5555' }));
    api().state.workflowRuns.push(workflowRun('5555', '.github/workflows/nightly.yml'));
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'test [workflow .github/workflows/ci.yml] (failure) failed' }]);
  });

  it('a failing "test" of another app is not hidden by a newer passing one of GitHub Actions', async () => {
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('test', 'failure', { app: CIRCLECI }), checkRun('test', 'success'));
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'test [app circleci-checks] (failure) failed' }]);
  });

  it('within one workflow the newest decides: a re-run that passed, a later run of the same workflow that passed', async () => {
    const suite = api().state.checkRuns.get(HEAD_SHA)!;
    suite.push(checkRun('test', 'failure', { runId: CI_RUN_ID }), checkRun('test', 'success', { runId: CI_RUN_ID }));
    suite.push(checkRun('lint', 'failure', { runId: CI_RUN_ID }), checkRun('lint', 'success', { runId: '6666' }));
    api().state.workflowRuns.push(workflowRun('6666', '.github/workflows/ci.yml'));
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    // The workflow runs were read once, to tell the two runs of lint apart: 10 requests.
    expect(api().requests.filter((request) => request.path.endsWith('/actions/runs'))).toHaveLength(1);
  });
});

describe("finding 4: this workflow run's other jobs are checks; only this job is left out", () => {
  it('a pending "tests" job of this run fails the checks rule', async () => {
    const tests = actionsJob('tests', null);
    api().state.jobs.get(RUN_ID)!.push(tests.job);
    api().state.checkRuns.get(HEAD_SHA)!.push(tests.checkRun);
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'tests (in_progress) is pending' }]);
  });

  it('wait-for-checks waits for it', async () => {
    const tests = actionsJob('tests', null);
    api().state.jobs.get(RUN_ID)!.push(tests.job);
    api().state.checkRuns.get(HEAD_SHA)!.push(tests.checkRun);
    setTimeout(() => {
      Object.assign(tests.job, { status: 'completed', conclusion: 'success' });
      Object.assign(tests.checkRun, { status: 'completed', conclusion: 'success' });
    }, 1500);
    const run = await verify({ 'wait-for-checks': '20s' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('Waiting 2s for pending checks: "tests"');
  });

  it('a queued job with no check run on the head commit counts too', async () => {
    api()
      .state.jobs.get(RUN_ID)!
      .push({ ...actionsJob('build (amd64)', null, { status: 'queued' }).job });
    const run = await verify();
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'build (amd64) (queued) is pending' }]);
  });

  it('this job is found by its runner even when its name is not GITHUB_JOB, and its earlier failed run is left out', async () => {
    const jobs = api().state.jobs.get(RUN_ID)!;
    jobs[0]!.name = 'Verify the release pull request';
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .find((run) => run.id === jobs[0]!.id)!.name = 'Verify the release pull request';
    // The same workflow ran before on this commit (before the approval): its verify job failed.
    api().state.workflowRuns.push(workflowRun('9876500000', '.github/workflows/pre-release.yml'));
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('Verify the release pull request', 'failure', { runId: '9876500000', id: 100 }));
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('✓ checks: 4 check(s) passed');
  });

  it('without actions: read, warns and finds this job by GITHUB_JOB', async () => {
    api().faults.push({
      method: 'GET',
      path: /\/actions\/runs\/\d+\/jobs$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
      times: 1,
    });
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.warnings[0]).toContain('Cannot read the jobs of this workflow run (HTTP 403; give the job `actions: read`)');
  });
});

describe('finding 5: the checklist comment is only ever one the token itself wrote', () => {
  const planted = () => ({
    id: 77,
    body: `${CHECKLIST_MARKER}\n### Release checklist: ready\n\nVerified by @mallory`,
    user: user('mallory'),
    html_url: `https://github.com/${OWNER}/Exegol/pull/42#issuecomment-77`,
  });

  it('leaves a comment planted with the marker by someone else, and writes its own', async () => {
    api().state.comments.set(PR_NUMBER, [planted()]);
    pr().comments = 1;
    pr().draft = true;
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    expect(comments()[0]).toMatchObject(planted());
    expect(comments()).toHaveLength(2);
    expect(comments()[1]!.user!.login).toBe('github-actions[bot]');
    expect(comments()[1]!.body).toContain('### Release checklist: not ready');
    // An installation token (ghs_) is asked GraphQL's viewer, never GET /user.
    expect(api().graphqlQueries).toEqual(['query { viewer { login } }']);
    expect(api().requests.some((request) => request.path === '/user')).toBe(false);

    pr().draft = false;
    pr().comments = 2;
    const again = await verify({ comment: 'true' });
    expect(again.code, again.stdout).toBe(0);
    expect(comments()).toHaveLength(2);
    expect(comments()[0]).toMatchObject(planted());
    expect(comments()[1]!.body).toContain('### Release checklist: ready');
  });

  it("a personal access token: GET /user's login; the GITHUB_TOKEN's checklist is someone else's", async () => {
    api().tokens.set('ghp_maintainerToken', { login: 'exegol-release-bot', installation: false });
    const bots = [
      { ...planted(), id: 78, user: user('github-actions[bot]', 41898282) },
      { ...planted(), id: 79, user: user('exegol-release-bot'), body: `${CHECKLIST_MARKER}\nold` },
    ];
    api().state.comments.set(PR_NUMBER, bots);
    pr().comments = 2;
    const run = await verify({ comment: 'true', 'github-token': 'ghp_maintainerToken' });
    expect(run.code, run.stdout).toBe(0);
    expect(comments().map((comment) => comment.body!.includes('Release checklist: ready'))).toEqual([true, true]);
    expect(comments()[0]!.body).toContain('Verified by @mallory');
    expect(comments()[1]!.body).not.toContain('old');
    expect(api().requests.filter((request) => request.path === '/user')).toHaveLength(1);
  });

  it('an app installation token without the ghs_ prefix: GET /user answers 403, GraphQL names <app-slug>[bot]', async () => {
    api().tokens.set('v1.0123456789abcdef', { login: 'exegol-release[bot]', installation: true });
    api().state.comments.set(PR_NUMBER, [{ ...planted(), id: 80, user: user('exegol-release[bot]'), body: `${CHECKLIST_MARKER}\nold` }]);
    pr().comments = 1;
    const run = await verify({ comment: 'true', 'github-token': 'v1.0123456789abcdef' });
    expect(run.code, run.stdout).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain('### Release checklist: ready');
    expect(api().requests.map((request) => `${request.method} ${request.path}`)).toEqual(expect.arrayContaining(['GET /user', 'POST /graphql']));
  });
});

describe('finding 6: text from a pull request, a check or a file does nothing', () => {
  const markdown = new MarkdownIt({ html: true, linkify: true });
  const HOSTILE_TITLE = 'Release 5.1.5 <!-- cc @ThePorgs/maintainers ![x](https://evil.example/x.png)\n::error::pwned by the title';
  const HOSTILE_CHECK = 'lint @octocat [click](https://evil.example) <img src=x>\n::add-mask::pwned\r::warning::pwned by a check';

  it('renders the comment inert and keeps every row after a hostile <!--', async () => {
    pr().title = HOSTILE_TITLE;
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun(HOSTILE_CHECK, 'failure'));
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    const body = comments()[0]!.body!;
    // The marker is the only HTML comment: the raw first line.
    expect(body.startsWith(`${CHECKLIST_MARKER}\n`)).toBe(true);
    const html = markdown.render(body.slice(CHECKLIST_MARKER.length));
    expect(html).not.toMatch(/<!--|<a |<img|<script/);
    // Mentions sit in code spans only, where GitHub links no one.
    expect(html.replace(/<code>[\s\S]*?<\/code>/g, '')).not.toMatch(/@\w/);
    // Every rule is a row (and the header): nothing after the title hid the checks row.
    expect(html.match(/<tr>/g)).toHaveLength(1 + 13);
    expect(html).toMatch(/❌<\/td>\s*<td><code>checks<\/code><\/td>/);
  });

  it('writes no workflow command from a title or a check name into the log', async () => {
    pr().title = HOSTILE_TITLE;
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun(HOSTILE_CHECK, 'failure'));
    const run = await verify();
    expect(run.code).toBe(1);
    const commands = run.stdout.split(/\r?\n|\r/).filter((line) => line.startsWith('::'));
    // Ours only: the token's mask, the error's stack for debugging, the error.
    expect(commands.filter((line) => !/^::(?:add-mask|debug|error)::/.test(line))).toEqual([]);
    expect(run.masks).toEqual([TOKEN]);
    expect(run.warnings).toEqual([]);
    expect(run.errors).toHaveLength(1);
    expect(run.stdout).toContain('\\n:\u200d:error:\u200d:pwned by the title');
  });
});

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

describe('the event payload may be stale; the API is read', () => {
  it('uses the title from the API, not the event', async () => {
    const stale = await eventFile({ action: 'edited', number: PR_NUMBER, pull_request: releasePullRequest({ title: 'WIP' }) });
    const run = await verify({}, { GITHUB_EVENT_PATH: stale });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('Release pull request #42 &#34;Release 5.1.5&#34;: ready');
  });
});
