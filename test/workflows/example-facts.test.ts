import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { filterPattern } from '../../scripts/rehearse/engine/events.js';
import { condition, evaluateToken } from '../../scripts/rehearse/engine/expressions.js';
import { githubContext } from '../../scripts/rehearse/engine/runner.js';
import { loadWorkflow } from '../../scripts/rehearse/engine/workflows.js';
import {
  IMAGES,
  WRAPPER,
  plan,
  pullRequest,
  push,
  repositoryDispatch,
  review,
  running,
  starts,
  whyNotStarted,
  workflowDispatch,
  type PullRequestFields,
} from './example-events.js';
import {
  EXAMPLES_DIRECTORY,
  calledExample,
  exampleWorkflowFiles,
  idTokenProblems,
  jobText,
  latestReleaseProblems,
  loadExample,
  needsOf,
  parserProblems,
  parseWorkflow,
  permissionProblems,
  reusableCallProblems,
  runnerLabels,
  runsAfter,
  scriptsOf,
  stepsUsing,
  type Job,
  type Step,
} from './workflow-facts.js';
import { untrustedJobProblems } from './untrusted-jobs.js';

// Facts of Exegol's public repositories the examples must fit (../shared/exegol-release-facts.md, checked against the
// repositories' default branches): a maintainer copying an example gets a pipeline that works on the first run.
/** Exegol-images' Dockerfiles on main, at the repository root, by flavour. */
const IMAGES_DOCKERFILES: Record<string, string> = {
  full: 'Dockerfile',
  light: 'light.dockerfile',
  ad: 'ad.dockerfile',
  web: 'web.dockerfile',
  osint: 'osint.dockerfile',
};
const FLAVOURS = Object.keys(IMAGES_DOCKERFILES);

const FILES = exampleWorkflowFiles();

function job(file: string, name: string): Job {
  const found = loadExample(file).workflow.jobs[name];
  if (!found) throw new Error(`${file} has no job ${name}`);
  return found;
}

function onlyStep(steps: Step[], what: string): Step {
  expect(steps.length, what).toBe(1);
  return steps[0]!;
}

/** The `with:` of the single step of `job` that uses our `action`. */
const inputsOf = (file: string, jobName: string, action: string): Record<string, unknown> =>
  onlyStep(stepsUsing(job(file, jobName), action), `${file} ${jobName}: one ${action} step`).with ?? {};

/** Lines of a multi-line input, trimmed, without blanks. */
const lines = (value: unknown): string[] =>
  String(value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The build arguments passed to docker/build-push-action, as name → value. */
function buildArgs(buildJob: Job): Record<string, string> {
  const step = onlyStep(
    (buildJob.steps ?? []).filter((candidate) => candidate.uses?.startsWith('docker/build-push-action@')),
    'one docker/build-push-action step',
  );
  return Object.fromEntries(lines(step.with?.['build-args']).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('every example workflow', () => {
  it('lists the four pipelines and the pipelines-repository form', () => {
    for (const folder of ['wrapper', 'images', 'pipelines/exegol-images', 'pipelines/pipelines-repository', 'docs', 'resources'])
      expect(
        FILES.some((file) => file.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
  });

  it.each(FILES)('%s: grants contents: read or nothing to the workflow, and each write permission only to a job that uses it', (file) => {
    expect(permissionProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: holds id-token: write only in a publishing job that runs no project code', (file) => {
    expect(idTokenProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: gives no secret and no self-hosted runner to a job a fork pull request can start', async (file) => {
    expect(await untrustedJobProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: GitHub\u2019s parser accepts it: needs only jobs that exist, without cycles', async (file) => {
    const { text } = loadExample(file);
    expect(await parserProblems(text, file)).toEqual([]);
  });

  it.each(FILES)('%s: calls reusable examples with their inputs, secrets and outputs', async (file) => {
    expect(await reusableCallProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: marks no beta GitHub release latest', async (file) => {
    expect(await latestReleaseProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: names the PyPI token secrets as the README does (PYPI_API_TOKEN, TEST_PYPI_API_TOKEN)', (file) => {
    const names = new Set([...loadExample(file).text.matchAll(/\b[A-Z_]*PYPI[A-Z_]*\b/g)].map((match) => match[0]));
    for (const name of names) expect(['PYPI_API_TOKEN', 'TEST_PYPI_API_TOKEN'], `${file}: ${name}`).toContain(name);
  });

  it('are all described in workflows-examples/README.md', () => {
    const readme = readFileSync(path.join(EXAMPLES_DIRECTORY, 'README.md'), 'utf8');
    for (const file of [...FILES, 'wrapper/dependabot.yml']) expect(readme, file).toContain(`\`${path.basename(file)}\``);
    expect(readme).toContain('PYPI_API_TOKEN');
    expect(readme).toContain('TEST_PYPI_API_TOKEN');
    expect(readme).not.toMatch(/\bPYPI_TOKEN\b|\bTEST_PYPI_TOKEN\b/);
  });
});

describe('wrapper (ThePorgs/Exegol)', () => {
  it('keeps the workflow names PyPI and TestPyPI trusted publishers are bound to, and the real ones beside them', () => {
    for (const name of ['entrypoint_release.yml', 'entrypoint_nightly.yml', 'entrypoint_prerelease.yml', 'entrypoint_pull_request.yml', 'sub_testing.yml'])
      expect(existsSync(path.join(EXAMPLES_DIRECTORY, 'wrapper', name)), name).toBe(true);
    for (const old of ['release.yml', 'ci.yml', 'pre-release.yml']) expect(existsSync(path.join(EXAMPLES_DIRECTORY, 'wrapper', old)), old).toBe(false);
  });

  const RELEASE = 'wrapper/entrypoint_release.yml';
  /** The pull request `Release 5.1.5` dev → master, closed (merged unless said otherwise). */
  const closedRelease = (fields: PullRequestFields = {}) => pullRequest(WRAPPER, 'closed', { title: 'Release 5.1.5', base: 'master', merged: true, ...fields });
  const TAGGED = { outputs: { tag: { tag: '5.1.5', sha: 'd'.repeat(40) } } };
  /** Every job of entrypoint_release.yml that a release runs after its tag (sub_testing.yml's jobs as `test › …`). */
  const CHAIN = ['build', 'docs', 'github-release', 'next-beta', 'publish', 'test', 'test › build-n-install', 'test › testing'];

  it('releases on final X.Y.Z tags only', async () => {
    for (const tag of ['5.1.4', '5.1.5', '10.0.12']) expect(await starts(RELEASE, push(WRAPPER, `refs/tags/${tag}`)), tag).toBe(true);
    for (const tag of ['5.1.5b1', 'v5.1.5', '5.1'])
      expect(await whyNotStarted(RELEASE, push(WRAPPER, `refs/tags/${tag}`)), tag).toBe(`tag ${tag} filtered out`);
    expect(await starts(RELEASE, push(WRAPPER, 'refs/heads/master'))).toBe(false);
  });

  it("entrypoint_release.yml's tag job runs only for a merged release pull request from the same repository into master", async () => {
    expect(running(await plan(RELEASE, WRAPPER, closedRelease(), TAGGED))).toEqual([...CHAIN, 'tag'].sort());
    for (const [what, event] of [
      ['closed without merging', closedRelease({ merged: false })],
      ['from a fork', closedRelease({ fork: true })],
      ['not a release (a hotfix)', closedRelease({ title: 'Fix the update of images', head: 'fix-update' })],
    ] as const) {
      const planned = await plan(RELEASE, WRAPPER, event, TAGGED);
      expect(planned.notStarted, what).toBeUndefined();
      expect(running(planned), what).toEqual([]);
    }
    expect((await plan(RELEASE, WRAPPER, closedRelease({ base: 'dev' }))).notStarted).toBe('base branch dev filtered out');
    expect((await plan(RELEASE, WRAPPER, pullRequest(WRAPPER, 'opened', { base: 'master' }))).notStarted).toMatch(/^types: closed/);
    // verify-release-pr in the tag job finds it is no release pull request: no tag, so nothing is built or published.
    expect(running(await plan(RELEASE, WRAPPER, closedRelease(), { outputs: { tag: { tag: '', sha: '' } } }))).toEqual(['tag']);
  });

  it('a tag pushed by hand is checked by its own job, then runs the same chain on its commit; a failed check stops it', async () => {
    const handPushed = { tag: '5.1.5', sha: 'e'.repeat(40) };
    const tagPush = push(WRAPPER, 'refs/tags/5.1.5');
    const planned = await plan(RELEASE, WRAPPER, tagPush, { outputs: { 'hand-pushed-tag': handPushed } });
    expect(running(planned)).toEqual([...CHAIN, 'hand-pushed-tag'].sort());
    expect(planned.inputs['test']).toEqual({ ref: handPushed.sha });
    expect(running(await plan(RELEASE, WRAPPER, tagPush, { results: { 'hand-pushed-tag': 'failure' } }))).toEqual(['hand-pushed-tag']);
    // The merged pull request's run tests the merge commit the tag job tagged.
    expect((await plan(RELEASE, WRAPPER, closedRelease(), TAGGED)).inputs['test']).toEqual({ ref: TAGGED.outputs.tag.sha });
  });

  it('tests, then builds the sdist and the wheel with submodules in one job, then publishes in another, environment release', () => {
    const { workflow } = loadExample('wrapper/entrypoint_release.yml');
    expect(workflow.jobs['test']?.uses).toBe('./.github/workflows/sub_testing.yml');
    const build = job('wrapper/entrypoint_release.yml', 'build');
    const publish = job('wrapper/entrypoint_release.yml', 'publish');
    expect(needsOf(build)).toContain('test');
    expect(needsOf(publish)).toContain('build');
    const checkout = (build.steps ?? []).find((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.['submodules']).toBe(true);
    expect(scriptsOf(build)).toMatch(/python -m build\s*$/m);
    expect(scriptsOf(build)).not.toMatch(/--sdist/);
    expect(publish.environment).toMatchObject({ name: 'release' });
    expect(publish.permissions).toEqual({ 'id-token': 'write' });
    const inputs = inputsOf('wrapper/entrypoint_release.yml', 'publish', 'publish-pypi-sdist');
    expect(inputs['test-repository-url']).toBe('https://test.pypi.org/legacy/');
    expect(inputs['repository-url']).toBeUndefined();
    expect(inputs['dry-run']).toBeUndefined();
    expect(inputs['build']).toBe(false);
    expect(inputs['wheels']).toBe(true);
    expect(inputs['password']).toBeUndefined();
  });

  it('after the release, fast-forwards dev and moves it to the next beta', () => {
    const { workflow } = loadExample('wrapper/entrypoint_release.yml');
    expect(runsAfter(workflow, 'next-beta', 'publish')).toBe(true);
    expect(scriptsOf(job('wrapper/entrypoint_release.yml', 'next-beta'))).toMatch(/git merge --ff-only/);
    expect(inputsOf('wrapper/entrypoint_release.yml', 'next-beta', 'bump-version')).toMatchObject({
      bump: 'patch',
      'pre-label': 'b',
      push: true,
      branch: 'dev',
    });
  });

  it('publishes a nightly of every push to dev to TestPyPI only, environment nightly, each with its own version', async () => {
    const { workflow } = loadExample('wrapper/entrypoint_nightly.yml');
    const nightly = 'wrapper/entrypoint_nightly.yml';
    expect(running(await plan(nightly, WRAPPER, push(WRAPPER, 'refs/heads/dev')))).toEqual([
      'build',
      'publish',
      'test',
      'test › build-n-install',
      'test › testing',
    ]);
    expect(await whyNotStarted(nightly, push(WRAPPER, 'refs/heads/master'))).toBe('branch master filtered out');
    expect(await whyNotStarted(nightly, push(WRAPPER, 'refs/tags/5.1.5'))).toBe('a tag, and on.push filters branches only');
    expect(await whyNotStarted(nightly, pullRequest(WRAPPER, 'opened', { base: 'dev', head: 'feature' }))).toBe('on: has no pull_request');
    expect(Object.keys((await loadWorkflow(nightly)).template.events)).toEqual(['push']);
    const publish = job('wrapper/entrypoint_nightly.yml', 'publish');
    expect(publish.environment).toMatchObject({ name: 'nightly' });
    expect(runsAfter(workflow, 'publish', 'test')).toBe(true);
    const inputs = inputsOf('wrapper/entrypoint_nightly.yml', 'publish', 'publish-pypi-sdist');
    expect(inputs['repository-url']).toBe('https://test.pypi.org/legacy/');
    expect(inputs['test-repository-url']).toBeUndefined();
    expect(jobText(job('wrapper/entrypoint_nightly.yml', 'build'))).toMatch(/\.dev\$\{\{ github\.run_number \}\}/);
  });

  it('checks a release pull request to master: final version in ConstantConfig.py, digits-only spawn.sh, current submodules; skips the rest', async () => {
    const prerelease = 'wrapper/entrypoint_prerelease.yml';
    // The release pull request (head dev): the gate on every change, edit and review; the tests already ran on dev.
    const release = (action: string, fields: PullRequestFields = {}) => pullRequest(WRAPPER, action, { base: 'master', ...fields });
    for (const action of ['opened', 'edited', 'synchronize', 'ready_for_review'])
      expect(running(await plan(prerelease, WRAPPER, release(action))), action).toEqual(['verify']);
    expect(running(await plan(prerelease, WRAPPER, review(WRAPPER, { base: 'master' })))).toEqual(['verify']);
    expect(running(await plan(prerelease, WRAPPER, release('opened', { draft: true })))).toEqual([]);
    expect(running(await plan(prerelease, WRAPPER, release('opened', { fork: true, head: 'patch-1' })))).toEqual([
      'test',
      'test › build-n-install',
      'test › testing',
    ]);
    // A hotfix pull request into master is tested; an edit of its title or description is not.
    expect(running(await plan(prerelease, WRAPPER, release('opened', { head: 'hotfix', title: 'Fix the update' })))).toEqual([
      'test',
      'test › build-n-install',
      'test › testing',
      'verify',
    ]);
    expect(running(await plan(prerelease, WRAPPER, release('edited', { head: 'hotfix', title: 'Fix the update' })))).toEqual(['verify']);
    expect(await whyNotStarted(prerelease, release('opened', { base: 'dev', head: 'feature' }))).toBe('base branch dev filtered out');
    expect(await whyNotStarted(prerelease, release('closed'))).toMatch(/^types: /);
    const inputs = inputsOf('wrapper/entrypoint_prerelease.yml', 'verify', 'verify-release-pr');
    expect(inputs).toMatchObject({ base: 'master', head: 'dev', 'on-non-release': 'skip', submodules: 'current' });
    expect(lines(inputs['version-files'])).toEqual(['exegol/config/ConstantConfig.py']);
    expect(lines(inputs['file-patterns'])).toEqual(['exegol/utils/imgsync/spawn.sh: ^# Spawn Version:[0-9]+$']);
    const title = new RegExp(String(inputs['title-pattern']));
    expect(title.exec('Release 5.1.5')?.groups?.['version']).toBe('5.1.5');
    expect(title.test('Release 5.1.5b1')).toBe(false);
  });

  it('type-checks ./exegol/ and ./exegol.py for Python 3.9 to 3.14 on Linux, Windows and macOS from one Linux runner, runs pre-commit, and not pytest', async () => {
    const { workflow, text } = loadExample('wrapper/sub_testing.yml');
    expect(Object.keys((await loadWorkflow('wrapper/sub_testing.yml')).template.events)).toEqual(['workflow_call']);
    for (const event of [push(WRAPPER, 'refs/heads/dev'), pullRequest(WRAPPER, 'opened'), workflowDispatch(WRAPPER, 'sub_testing.yml')])
      expect(await starts('wrapper/sub_testing.yml', event), event.name).toBe(false);
    for (const [name, testJob] of Object.entries(workflow.jobs)) expect(runnerLabels(testJob), name).toEqual(['ubuntu-latest']);
    const script = scriptsOf(job('wrapper/sub_testing.yml', 'testing'));
    expect(script).toMatch(/mypy \.\/exegol\/ /);
    expect(script).toMatch(/mypy \.\/exegol\.py /);
    expect(script).toMatch(/for version in 3\.9 3\.10 3\.11 3\.12 3\.13 3\.14;/);
    expect(script).toMatch(/for platform in linux win32 darwin;/);
    expect(script).toMatch(/for target in \.\/exegol\/ \.\/exegol\.py;/);
    expect(script).toMatch(/--python-version "\$version" --platform "\$platform"/);
    expect(script).toMatch(/--ignore-missing-imports --check-untyped-defs/);
    expect(script).toMatch(/pre-commit run --all-files/);
    expect(Object.values(workflow.jobs).map(scriptsOf).join('\n')).not.toMatch(/pytest/);
    expect(text).toMatch(/tests\.test_exegol/);
  });

  it('keeps the submodules at their branch tip with Dependabot (gitsubmodule, into dev), and the pinned actions (github-actions)', () => {
    const config = parse(readFileSync(path.join(EXAMPLES_DIRECTORY, 'wrapper', 'dependabot.yml'), 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; directory: string; 'target-branch': string }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates).toEqual([
      expect.objectContaining({ 'package-ecosystem': 'gitsubmodule', directory: '/', 'target-branch': 'dev' }),
      expect.objectContaining({ 'package-ecosystem': 'github-actions', directory: '/' }),
    ]);
  });
});

describe('images (ThePorgs/Exegol-images)', () => {
  /** The pull request `Release 3.1.6` dev → main, closed (merged unless said otherwise). */
  const closedRelease = (fields: PullRequestFields = {}) => pullRequest(IMAGES, 'closed', { title: 'Release 3.1.6', base: 'main', merged: true, ...fields });
  const TAGGED = { outputs: { tag: { tag: '3.1.6' } } };
  /** What promotes: release.yml's release job (sub_release.yml), dispatch_release.yml's dispatch to the pipelines repository. */
  const PROMOTION: Record<string, string[]> = {
    'images/release.yml': ['release', 'release › docs', 'release › github-release', 'release › promote'],
    'pipelines/exegol-images/dispatch_release.yml': ['trigger-private-pipeline'],
  };

  it('releases on X.Y.Z and X.Y.ZbN tags, and on a merged release pull request', async () => {
    for (const file of ['images/release.yml', 'pipelines/exegol-images/dispatch_release.yml']) {
      const { template } = await loadWorkflow(file);
      // Exegol-images' triggers today.
      expect(template.events.push, file).toEqual({ tags: ['*.*.*', '*.*.*b*'] });
      for (const tag of ['3.1.8', '3.1.8b1', '2.0.0b5']) expect(await starts(file, push(IMAGES, `refs/tags/${tag}`)), `${file} ${tag}`).toBe(true);
      expect(await whyNotStarted(file, push(IMAGES, 'refs/heads/main')), file).toBe('a branch, and on.push filters tags only');
      expect(template.events.pull_request, file).toEqual({ branches: ['main'], types: ['closed'] });
      expect(await whyNotStarted(file, closedRelease({ base: 'dev' })), file).toBe('base branch dev filtered out');
      expect(await whyNotStarted(file, pullRequest(IMAGES, 'opened', { base: 'main', title: 'Release 3.1.6' })), file).toBe('types: closed (not opened)');
      const tag = template.jobs.find((candidate) => candidate.id.value === 'tag');
      expect(tag?.type === 'reusableWorkflowJob' && tag.ref.value, file).toBe('./.github/workflows/sub_tag.yml');
      expect(running(await plan(file, IMAGES, closedRelease(), TAGGED)), file).toEqual(['tag', 'tag › tag', ...PROMOTION[file]!].sort());
    }
  });

  it("release.yml's promote runs on a tag push of a final version and of a beta, with the tag as the version", async () => {
    for (const version of ['3.1.6', '3.1.7b1']) {
      const planned = await plan('images/release.yml', IMAGES, push(IMAGES, `refs/tags/${version}`));
      expect(running(planned), version).toEqual(PROMOTION['images/release.yml']);
      expect(planned.inputs['release'], version).toEqual({ version, repository: IMAGES });
      expect(running(await plan('pipelines/exegol-images/dispatch_release.yml', IMAGES, push(IMAGES, `refs/tags/${version}`))), version).toEqual([
        'trigger-private-pipeline',
      ]);
    }
    // A merged release pull request: the version is the tag the tag job pushed (its push starts no workflow).
    expect((await plan('images/release.yml', IMAGES, closedRelease(), TAGGED)).inputs['release']).toEqual({ version: '3.1.6', repository: IMAGES });
  });

  it('a non-release pull request merged into main, one from a fork, or one closed unmerged starts no promotion', async () => {
    for (const file of Object.keys(PROMOTION))
      for (const [what, event] of [
        ['not a release', closedRelease({ title: 'Fix the light image', head: 'fix-light' })],
        ['from a fork', closedRelease({ fork: true })],
        ['closed unmerged', closedRelease({ merged: false })],
      ] as const) {
        const planned = await plan(file, IMAGES, event, TAGGED);
        expect(planned.notStarted, `${file}: ${what}`).toBeUndefined();
        expect(running(planned), `${file}: ${what}`).toEqual([]);
      }
    // The tag job ran and found no release pull request (verify-release-pr's on-non-release: skip): no tag, no promotion.
    for (const file of Object.keys(PROMOTION))
      expect(running(await plan(file, IMAGES, closedRelease(), { outputs: { tag: { tag: '' } } })), file).toEqual(['tag', 'tag › tag']);
  });

  it("a maintainer's dispatch of prepare_release.yml starts the release, in the wrapper and the images; nothing else does", async () => {
    for (const [file, repository, bump] of [
      ['wrapper/prepare_release.yml', WRAPPER, 'release'],
      ['images/prepare_release.yml', IMAGES, 'patch'],
    ] as const) {
      expect(Object.keys((await loadWorkflow(file)).template.events), file).toEqual(['workflow_dispatch']);
      expect(running(await plan(file, repository, workflowDispatch(repository, 'prepare_release.yml', { bump }))), file).toEqual(['prepare']);
      expect(await whyNotStarted(file, push(repository, 'refs/heads/dev')), file).toBe('on: has no push');
    }
  });

  it('tags the merge commit once main and dev point to it, dev fast-forwarded first, with the description as message', async () => {
    const tagJob = job('images/sub_tag.yml', 'tag');
    const steps = tagJob.steps ?? [];
    const verifyIndex = steps.findIndex((step) => step.uses?.includes('/verify-release-pr@'));
    const forwardIndex = steps.findIndex((step) => /refs\/heads\/dev/.test(step.run ?? ''));
    const tagIndex = steps.findIndex((step) => step.uses?.includes('/bump-version@'));
    expect(verifyIndex).toBeGreaterThanOrEqual(0);
    expect(verifyIndex).toBeLessThan(forwardIndex);
    expect(forwardIndex).toBeLessThan(tagIndex);
    const inputs = steps[tagIndex]!.with ?? {};
    expect(inputs).toMatchObject({ bump: 'none', tag: true, push: true, 'tag-ref': '${{ steps.release.outputs.merge-commit-sha }}' });
    expect(lines(inputs['require-branches'])).toEqual(['main', 'dev']);
    expect(inputs['tag-message-file']).toBeTruthy();
    expect(jobText(tagJob)).toMatch(/github\.event\.pull_request\.body/);
    // Under the merged pull request's event: dev forwarded, the message written and the tag made only for a release
    // pull request (verify-release-pr's is-release), and the message is the pull request's description.
    const parsed = (await loadWorkflow('images/sub_tag.yml')).template.jobs.find((candidate) => candidate.id.value === 'tag');
    if (parsed?.type !== 'job') throw new Error('sub_tag.yml: no steps job tag');
    const messageIndex = steps.findIndex((step) => step.name?.startsWith('Write the tag message'));
    const contexts = (isRelease: string) => ({
      github: githubContext(IMAGES, closedRelease(), 'https://api.github.com'),
      inputs: {},
      env: {},
      steps: { release: { outputs: { 'is-release': isRelease }, outcome: 'success', conclusion: 'success' } },
    });
    for (const index of [forwardIndex, messageIndex, tagIndex])
      for (const isRelease of ['true', 'false'])
        expect(
          condition(parsed.steps[index]!.if?.expression ?? 'success()', contexts(isRelease), { failed: false, cancelled: false }, `step ${index + 1}`),
          `step ${index + 1}, is-release ${isRelease}`,
        ).toBe(isRelease === 'true');
    const message = parsed.steps[messageIndex]!;
    expect('env' in message && evaluateToken(message.env, contexts('true'), { failed: false, cancelled: false }, 'message env')).toEqual({
      BODY: (closedRelease().payload['pull_request'] as { body: string }).body,
    });
  });

  it('promotes every flavour and base, deletes the preprod tags, and releases "Exegol images X.Y.Z", a beta not latest', () => {
    const promote = job('images/sub_release.yml', 'promote');
    const promotions = stepsUsing(promote, 'promote-images-preprod-to-prod').map((step) => step.with ?? {});
    expect(promotions.map((inputs) => [inputs['source-repository'], inputs['target-repository'], lines(inputs['flavours'])])).toEqual([
      ['nwodtuhs/exegol-preprod', 'nwodtuhs/exegol', FLAVOURS],
      ['nwodtuhs/exegol-misc-preprod', 'nwodtuhs/exegol-misc', ['base']],
    ]);
    for (const inputs of promotions) expect(inputs['delete-source-tags']).toBe(true);
    // publish-github-release's prerelease and latest (auto): a beta is a pre-release, never the latest.
    const release = inputsOf('images/sub_release.yml', 'github-release', 'publish-github-release');
    expect(release).toMatchObject({ name: 'Exegol images {version}', tag: '${{ inputs.version }}' });
    expect(release['prerelease']).toBeUndefined();
    expect(release['latest']).toBeUndefined();
    expect(runsAfter(loadExample('images/sub_release.yml').workflow, 'github-release', 'promote')).toBe(true);
  });

  it('builds from the real Dockerfiles with TAG=<flavour>, VERSION, BUILD_DATE, BASE_IMAGE_REGISTRY and BASE_IMAGE_NAME', () => {
    for (const file of ['images/pre-release.yml', 'pipelines/pipelines-repository/preprod.yml']) {
      const entries = lines(loadExample(file).workflow.env?.['DOCKERFILES']).map((line) => line.split(/\s+/));
      expect(entries[0]?.[0], `${file}: base first`).toBe('base');
      for (const [flavour, dockerfile] of Object.entries(IMAGES_DOCKERFILES))
        expect(entries, `${file}: ${flavour}`).toContainEqual([flavour, `exegol-images/${dockerfile}`]);
    }
    expect(buildArgs(job('images/sub_build.yml', 'build'))).toEqual({
      TAG: '${{ inputs.image }}',
      VERSION: '${{ inputs.version }}',
      BUILD_DATE: '${{ steps.date.outputs.build-date }}',
      BASE_IMAGE_REGISTRY: 'nwodtuhs/exegol-misc-preprod',
      BASE_IMAGE_NAME: '${{ inputs.base-image-name }}',
    });
    expect(job('images/sub_image.yml', 'build').with?.['base-image-name']).toBe('base-${{ inputs.version }}');
    expect(loadExample('images/sub_build.yml').workflow.env?.['IMAGE']).toBe(
      'nwodtuhs/exegol-builds:${{ inputs.image }}-${{ inputs.version }}-${{ inputs.arch }}',
    );
  });

  it('builds, tests, then pushes each image and architecture in one job on a builder of its architecture, then indexes preprod and deletes the per-arch builds', () => {
    const { workflow } = loadExample('images/sub_build.yml');
    expect(Object.keys(workflow.jobs)).toEqual(['build']);
    const build = job('images/sub_build.yml', 'build');
    expect(runnerLabels(build)).toEqual(['self-hosted', 'builder', '${{ inputs.arch }}']);
    const steps = build.steps ?? [];
    const at = (test: (step: Step) => boolean): number => steps.findIndex(test);
    const disk = at((step) => stepsUsing({ steps: [step] }, 'check-runner-disk').length > 0);
    const built = at((step) => step.uses?.startsWith('docker/build-push-action@') === true);
    const tested = at((step) => /run_unit_tests\.py/.test(step.run ?? ''));
    const pushed = at((step) => /docker push "\$IMAGE"/.test(step.run ?? ''));
    expect([disk, built, tested, pushed].every((index) => index >= 0)).toBe(true);
    expect(disk < built && built < tested && tested < pushed).toBe(true);
    expect(steps[built]!.with?.['load']).toBe(true);
    expect(steps.some((step) => step.with?.['push'] === true)).toBe(false);
    const index = job('images/sub_image.yml', 'index');
    expect(needsOf(index)).toEqual(['build']);
    expect(scriptsOf(index)).toMatch(/imagetools create/);
    expect(scriptsOf(index)).toMatch(/--request DELETE[^\n]*\\\n[^\n]*hub\.docker\.com\/v2\/repositories\/\$BUILDS\/tags\/\$IMAGE-\$VERSION-\$arch\//);
  });

  it('builds base first, skips what is already in preprod, and exports the tools lists to Exegol-docs', () => {
    const { workflow } = loadExample('images/sub_preprod.yml');
    expect(runsAfter(workflow, 'flavours', 'base')).toBe(true);
    expect(runsAfter(workflow, 'base', 'plan')).toBe(true);
    expect(runsAfter(workflow, 'export-tools', 'flavours')).toBe(true);
    const plan = scriptsOf(job('images/sub_preprod.yml', 'plan'));
    expect(plan).toMatch(/in_preprod "\$PREPROD:\$image-\$VERSION"/);
    expect(plan).toMatch(/in_preprod "\$MISC_PREPROD:base-\$VERSION"/);
    expect(workflow.env).toMatchObject({ PREPROD: 'nwodtuhs/exegol-preprod', MISC_PREPROD: 'nwodtuhs/exegol-misc-preprod' });
    const exportJob = job('images/sub_preprod.yml', 'export-tools');
    const docs = (exportJob.steps ?? []).find((step) => step.with?.['repository'] === 'ThePorgs/Exegol-docs');
    expect(docs?.with?.['ssh-key']).toBe('${{ secrets.EXEGOL_DOCS_SSH_DEPLOY_KEY }}');
    expect(scriptsOf(exportJob)).toMatch(/tools=docs\/src\/public\/installed_tools/);
    expect(scriptsOf(exportJob)).toMatch(/releases_\$arch\.csv/);
  });

  it('starts the builds without waiting for an approval, and no edit or review restarts them; approval comes after the checks', async () => {
    const preRelease = 'images/pre-release.yml';
    const release = (action: string, changes?: Record<string, { from: string }>) =>
      pullRequest(IMAGES, action, { base: 'main', title: 'Release 3.1.6' }, changes);
    // What to build: no base image (the root Dockerfiles build in one step), every flavour.
    const IS_RELEASE = {
      outputs: {
        'release-pr': { 'is-release': 'true' },
        'preprod › plan': { 'base-dockerfile': '', flavours: '[{"image":"full","dockerfile":"exegol-images/Dockerfile"}]' },
      },
    };
    const builds = [
      'preprod',
      'preprod › export-tools',
      'preprod › flavours',
      'preprod › flavours › build',
      'preprod › flavours › build › build',
      'preprod › flavours › index',
      'preprod › plan',
      'release-pr',
      'runners',
    ];
    const { template } = await loadWorkflow(preRelease);
    expect(Object.keys(template.events)).toEqual(['pull_request']);
    expect(template.concurrency).toBeUndefined();
    expect(await whyNotStarted(preRelease, review(IMAGES, { base: 'main', title: 'Release 3.1.6' }))).toBe('on: has no pull_request_review');
    for (const action of ['opened', 'synchronize', 'reopened', 'ready_for_review'])
      expect(running(await plan(preRelease, IMAGES, release(action), IS_RELEASE)), action).toEqual(builds);
    // A renamed pull request may have become a release pull request; an edit of its description restarts nothing.
    expect(running(await plan(preRelease, IMAGES, release('edited', { title: { from: 'Fix the light image' } }), IS_RELEASE))).toEqual(builds);
    expect(running(await plan(preRelease, IMAGES, release('edited', { body: { from: 'Draft notes' } }), IS_RELEASE))).toEqual([]);
    // Not a release pull request: verify-release-pr says so and nothing is built.
    expect(running(await plan(preRelease, IMAGES, release('opened'), { outputs: { 'release-pr': { 'is-release': 'false' } } }))).toEqual(['release-pr']);
    const gate = inputsOf('images/pre-release.yml', 'release-pr', 'verify-release-pr');
    expect(gate).toMatchObject({ 'required-approvals': 0, checks: 'none', 'on-non-release': 'skip' });
    // New commits cancel the running builds; an edit queues behind them.
    const preprod = template.jobs.find((candidate) => candidate.id.value === 'preprod')!;
    const concurrency = (event: ReturnType<typeof release>) =>
      evaluateToken(
        preprod.concurrency,
        { github: githubContext(IMAGES, event, 'https://api.github.com') },
        { failed: false, cancelled: false },
        'preprod concurrency',
      );
    expect(concurrency(release('synchronize'))).toEqual({ group: 'images-pre-release-7', 'cancel-in-progress': true });
    expect(concurrency(release('edited', { title: { from: 'Fix' } }))).toEqual({ group: 'images-pre-release-7', 'cancel-in-progress': false });
    expect(job('images/pre-release.yml', 'preprod').concurrency).toEqual({
      group: 'images-pre-release-${{ github.event.pull_request.number }}',
      'cancel-in-progress': "${{ github.event.action == 'synchronize' }}",
    });
    expect(Object.keys((await loadWorkflow('images/verify-release-pr.yml')).template.events)).toEqual(['pull_request', 'pull_request_review']);
    expect(running(await plan('images/verify-release-pr.yml', IMAGES, review(IMAGES, { base: 'main', title: 'Release 3.1.6' })))).toEqual(['verify']);
    const verify = inputsOf('images/verify-release-pr.yml', 'verify', 'verify-release-pr');
    expect(verify['required-approvals']).toBeGreaterThanOrEqual(1);
    expect(verify['checks']).toBeUndefined();
    expect(verify['on-non-release']).toBe('skip');
  });

  it('skips non-release pull requests and forks instead of failing them', async () => {
    for (const [file, jobName, repository, base] of [
      ['images/pre-release.yml', 'release-pr', IMAGES, 'main'],
      ['images/verify-release-pr.yml', 'verify', IMAGES, 'main'],
      ['pipelines/exegol-images/dispatch_preprod_base.yml', 'trigger-private-pipeline', IMAGES, 'main'],
      ['wrapper/entrypoint_prerelease.yml', 'verify', WRAPPER, 'master'],
    ] as const) {
      const jobs = async (fields: PullRequestFields) =>
        (await plan(file, repository, pullRequest(repository, 'opened', { base, title: 'Release 3.1.6', ...fields }))).jobs;
      expect((await jobs({}))[jobName], file).toBe('run');
      expect((await jobs({ fork: true, head: 'patch-1' }))[jobName], `${file}: a fork`).toBe('skipped');
      expect(inputsOf(file, jobName, 'verify-release-pr')['on-non-release'], file).toBe('skip');
    }
    // The dispatch to the pipelines repository is not even started for a pull request whose title is not a release's.
    expect(
      (await plan('pipelines/exegol-images/dispatch_preprod_base.yml', IMAGES, pullRequest(IMAGES, 'opened', { base: 'main', title: 'Fix the light image' })))
        .jobs,
    ).toEqual({ 'trigger-private-pipeline': 'skipped' });
  });
});

describe('pipelines repository form (repository_dispatch)', () => {
  /** The client_payload fields a dispatching script sends (built by jq), by event type. */
  function dispatched(file: string): Record<string, string[]> {
    const sent: Record<string, string[]> = {};
    for (const dispatchJob of Object.values(loadExample(file).workflow.jobs)) {
      const script = scriptsOf(dispatchJob);
      if (!/gh api --method POST repos\/ThePorgs\/Pipelines\/dispatches --input -/.test(script)) continue;
      expect(script, `${file}: the payload is written by jq`).toMatch(/jq -n /);
      expect(dispatchJob.steps?.some((step) => step.env?.['GH_TOKEN'] === '${{ secrets.PIPELINE_PAT }}')).toBe(true);
      const match = /event_type: "([\w-]+)", client_payload: \{([^}]*)\}/.exec(script);
      expect(match, `${file}: event_type and client_payload`).not.toBeNull();
      sent[match![1]!] = match![2]!.split(',').map((field) => field.split(':')[0]!.trim());
    }
    return sent;
  }
  /** The client_payload fields a dispatched workflow reads, and its event types (as GitHub's parser reads its on:). */
  async function received(file: string): Promise<{ types: string[] | undefined; fields: string[] }> {
    const { text } = loadExample(file);
    return {
      types: ((await loadWorkflow(file)).template.events.repository_dispatch as { types?: string[] } | undefined)?.types,
      fields: [...new Set([...text.matchAll(/github\.event\.client_payload\.([\w]+)/g)].map((match) => match[1]!))].sort(),
    };
  }

  it('sends preprod-base-pipeline with sha and image_version only, and release-pipeline with the version only, as Exegol-images does', () => {
    expect(dispatched('pipelines/exegol-images/dispatch_preprod_base.yml')).toEqual({ 'preprod-base-pipeline': ['sha', 'image_version'] });
    expect(dispatched('pipelines/exegol-images/dispatch_release.yml')).toEqual({ 'release-pipeline': ['version'] });
  });

  it('receives exactly those event types and reads only fields that are sent', async () => {
    expect(await received('pipelines/pipelines-repository/preprod.yml')).toEqual({
      types: ['preprod-base-pipeline'],
      fields: ['image_version', 'sha'],
    });
    // `tag`: what Exegol-images' main still sends.
    expect(await received('pipelines/pipelines-repository/release.yml')).toEqual({ types: ['release-pipeline'], fields: ['tag', 'version'] });
    const PIPELINES = 'ThePorgs/Pipelines';
    const preprod = repositoryDispatch(PIPELINES, 'preprod-base-pipeline', { sha: 'c'.repeat(40), image_version: '3.1.6' });
    const release = repositoryDispatch(PIPELINES, 'release-pipeline', { version: '3.1.6' });
    expect(await starts('pipelines/pipelines-repository/preprod.yml', preprod)).toBe(true);
    expect(await whyNotStarted('pipelines/pipelines-repository/preprod.yml', release)).toBe('types: preprod-base-pipeline (not release-pipeline)');
    expect(await whyNotStarted('pipelines/pipelines-repository/release.yml', preprod)).toBe('types: release-pipeline (not preprod-base-pipeline)');
    const released = await plan('pipelines/pipelines-repository/release.yml', PIPELINES, release, { outputs: { tag: { tag: '3.1.6' } } });
    expect(running(released)).toEqual(['release', 'release › docs', 'release › github-release', 'release › promote', 'tag']);
  });

  it('verifies the pull request of the other repository, and builds and releases with the images examples', () => {
    const inputs = inputsOf('pipelines/pipelines-repository/preprod.yml', 'release-pr', 'verify-release-pr');
    expect(inputs['repository']).toBe('ThePorgs/Exegol-images');
    expect(inputs['pull-request']).toBe('${{ steps.pull-request.outputs.number }}');
    expect(calledExample(job('pipelines/pipelines-repository/preprod.yml', 'preprod'))?.file).toBe('workflows-examples/images/sub_preprod.yml');
    expect(job('pipelines/pipelines-repository/preprod.yml', 'preprod').with?.['ref']).toBe('${{ needs.release-pr.outputs.head }}');
    const release = job('pipelines/pipelines-repository/release.yml', 'release');
    expect(calledExample(release)?.file).toBe('workflows-examples/images/sub_release.yml');
    expect(release.secrets).toMatchObject({ RELEASE_TOKEN: '${{ secrets.PIPELINE_PAT }}' });
  });
});

describe('docs (ThePorgs/Exegol-docs)', () => {
  it('builds VitePress on every push and pull request, and deploys pushes to Cloudflare Pages from a job of its own', async () => {
    const { text } = loadExample('docs/entrypoint_release.yml');
    const DOCS = 'ThePorgs/Exegol-docs';
    const docs = 'docs/entrypoint_release.yml';
    expect(Object.keys((await loadWorkflow(docs)).template.events).sort()).toEqual(['pull_request', 'push']);
    for (const branch of ['main', 'dev', 'dev-wrapper'])
      expect(running(await plan(docs, DOCS, push(DOCS, `refs/heads/${branch}`))), branch).toEqual(['build', 'deploy']);
    // A pull request (from a fork too) and a tag are built, never deployed.
    expect(running(await plan(docs, DOCS, pullRequest(DOCS, 'opened', { base: 'main', head: 'dev', title: 'Docs' })))).toEqual(['build']);
    expect(running(await plan(docs, DOCS, pullRequest(DOCS, 'synchronize', { base: 'main', head: 'patch-1', fork: true })))).toEqual(['build']);
    expect(running(await plan(docs, DOCS, push(DOCS, 'refs/tags/v1')))).toEqual(['build']);
    expect(scriptsOf(job('docs/entrypoint_release.yml', 'build'))).toMatch(/npm install && npm run docs:build/);
    expect(text).not.toMatch(/sphinx|make html|requirements\.txt/i);
    const deploy = job('docs/entrypoint_release.yml', 'deploy');
    const wrangler = (deploy.steps ?? []).find((step) => step.uses?.startsWith('cloudflare/wrangler-action@'));
    expect(wrangler?.with).toMatchObject({ apiToken: '${{ secrets.CLOUDFLARE_API_TOKEN }}', accountId: '${{ secrets.CLOUDFLARE_ACCOUNT_ID }}' });
    expect(String(wrangler?.with?.['command'])).toMatch(/^pages deploy docs\/\.vitepress\/dist --project-name=exegol-docs /);
    expect(jobText(job('docs/entrypoint_release.yml', 'build'))).not.toMatch(/secrets\./);
  });

  it('merges main into dev, dev-wrapper and dev-images when a pull request is merged into main', async () => {
    const DOCS = 'ThePorgs/Exegol-docs';
    const automerger = 'docs/automerger.yml';
    expect((await loadWorkflow(automerger)).template.events).toEqual({ pull_request: { branches: ['main'], types: ['closed'] } });
    expect(running(await plan(automerger, DOCS, pullRequest(DOCS, 'closed', { base: 'main', head: 'dev-wrapper', merged: true })))).toEqual(['merge']);
    expect(running(await plan(automerger, DOCS, pullRequest(DOCS, 'closed', { base: 'main', head: 'dev-wrapper', merged: false })))).toEqual([]);
    expect(await whyNotStarted(automerger, pullRequest(DOCS, 'closed', { base: 'dev', head: 'feature', merged: true }))).toBe('base branch dev filtered out');
    expect(await whyNotStarted(automerger, push(DOCS, 'refs/heads/main'))).toBe('on: has no push');
    expect((job('docs/automerger.yml', 'merge').strategy as { matrix: { branch: string[] } }).matrix.branch).toEqual(['dev', 'dev-wrapper', 'dev-images']);
  });
});

describe('resources (ThePorgs/Exegol-resources)', () => {
  it('monthly and on demand, runs ./update-resources.sh and opens "Resources update <dd-Mon-yy>" from update/<epoch>, labelled bot', async () => {
    const RESOURCES = 'ThePorgs/Exegol-resources';
    const file = 'resources/update_resources.yml';
    expect((await loadWorkflow(file)).template.events).toEqual({ schedule: [{ cron: '0 15 1 * *' }], workflow_dispatch: {} });
    expect(running(await plan(file, RESOURCES, workflowDispatch(RESOURCES, 'update_resources.yml', {}, 'refs/heads/main')))).toEqual(['update']);
    expect(await whyNotStarted(file, push(RESOURCES, 'refs/heads/main'))).toBe('on: has no push');
    const update = job('resources/update_resources.yml', 'update');
    expect(scriptsOf(update)).toMatch(/^\.\/update-resources\.sh$/m);
    expect(scriptsOf(update)).toMatch(/branch=update\/\$\(date \+%s\)/);
    expect(scriptsOf(update)).toMatch(/date=\$\(date \+%d-%b-%y\)/);
    const pullRequest = (update.steps ?? []).find((step) => step.uses?.startsWith('peter-evans/create-pull-request@'));
    expect(pullRequest?.with).toMatchObject({
      base: 'main',
      branch: '${{ steps.names.outputs.branch }}',
      title: 'Resources update ${{ steps.names.outputs.date }}',
      labels: 'bot',
    });
  });

  it('exports resources_list.csv to Exegol-docs with the deploy key', () => {
    const exportJob = job('resources/export_list_to_doc.yml', 'export_resources');
    const docs = (exportJob.steps ?? []).find((step) => step.with?.['repository'] === 'ThePorgs/Exegol-docs');
    expect(docs?.with?.['ssh-key']).toBe('${{ secrets.EXEGOL_DOCS_SSH_DEPLOY_KEY }}');
    expect(exportJob.env?.['TARGET']).toBe('docs/src/public/exegol_resources/resources_list.csv');
  });
});

describe('the fact checks themselves', () => {
  const workflow = (body: string) => parseWorkflow(body);

  it("GitHub's filter patterns (the rehearsal's, which these facts use): + repeats, . is literal, * stops at /", () => {
    const final = filterPattern('[0-9]+.[0-9]+.[0-9]+');
    expect(['5.1.4', '10.20.30'].map((tag) => final.test(tag))).toEqual([true, true]);
    expect(['5.1.5b1', '5x1x4', 'v5.1.4'].map((tag) => final.test(tag))).toEqual([false, false, false]);
    expect(filterPattern('*.*.*b*').test('3.1.8b1')).toBe(true);
    expect(filterPattern('*').test('a/b')).toBe(false);
  });

  it('refuses write-all, and a write permission the job does not use', () => {
    expect(permissionProblems(workflow('on: push\npermissions: write-all\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n'))).toEqual([
      'workflow: grants *: write to every job (only contents: read, or none)',
    ]);
    expect(
      permissionProblems(
        workflow(
          'on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n      - run: make\n',
        ),
      ),
    ).toEqual(['j: granted contents: write without using it']);
  });

  it('refuses id-token: write in a job that builds', () => {
    const text =
      'on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - uses: actions/checkout@v4\n      - run: python -m build\n      - uses: OWNER/exegol-release-actions/actions/publish-pypi-sdist@v1\n';
    expect(idTokenProblems(workflow(text))).toEqual(['j: id-token: write in a job that checks out or runs code']);
  });

  it('refuses a secret in a pull_request job open to forks, also through always(), and accepts the fork guard', async () => {
    const open = 'on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.X }}\n';
    expect(await untrustedJobProblems(workflow(open))).toEqual(['a: holds a secret or a self-hosted runner, and a pull request from a fork can start it']);
    const guarded = `on: pull_request\njobs:\n  g:\n    if: github.event.pull_request.head.repo.full_name == github.repository\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n  a:\n    needs: g\n    IF\n    runs-on: [self-hosted, builder]\n    steps:\n      - run: true\n`;
    expect(await untrustedJobProblems(workflow(guarded.replace('IF', 'if: true')))).toEqual([]);
    expect(await untrustedJobProblems(workflow(guarded.replace('IF', 'if: always()')))).toHaveLength(1);
    expect(await untrustedJobProblems(workflow(guarded.replace('IF', "if: always() && needs.g.result == 'success'")))).toEqual([]);
    // A guard GitHub's evaluator sees through, which a pattern over the text would have taken for one.
    expect(
      await untrustedJobProblems(
        workflow(guarded.replace('needs: g\n    IF', 'if: github.event.pull_request.head.repo.full_name == github.repository || true')),
      ),
    ).toHaveLength(1);
    // Gated by the output of a job a fork's pull request runs: its author may set that output.
    const gatedByOutput = `on: pull_request\njobs:\n  p:\n    runs-on: ubuntu-latest\n    outputs:\n      go: \${{ steps.s.outputs.go }}\n    steps:\n      - id: s\n        run: true\n  a:\n    needs: p\n    if: needs.p.outputs.go == 'true'\n    runs-on: [self-hosted, builder]\n    steps:\n      - run: true\n`;
    expect(await untrustedJobProblems(workflow(gatedByOutput))).toHaveLength(1);
    // Pushes only: a pull request never reaches it.
    expect(await untrustedJobProblems(workflow(open.replace('  a:\n', "  a:\n    if: github.event_name == 'push'\n")))).toEqual([]);
  });

  it("refuses a release marked latest on a trigger that matches betas (the old images release's shape, with betas)", async () => {
    const text = `on:\n  push:\n    tags: ['*.*.*']\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh release create "$TAG" --latest\n`;
    expect(await latestReleaseProblems(workflow(text))).toEqual(['r: marks the GitHub release latest, though its version may be a beta']);
    // Final tags only: no beta can reach it.
    expect(await latestReleaseProblems(workflow(text.replace("'*.*.*'", "'[0-9]+.[0-9]+.[0-9]+'")))).toEqual([]);
  });

  it('refuses a reusable workflow call with an unknown input or a missing secret', async () => {
    const text = 'on: push\njobs:\n  c:\n    uses: ./.github/workflows/sub_release.yml\n    with:\n      version: 1.0.0\n      repo: x\n';
    expect(await reusableCallProblems(workflow(text))).toEqual([
      'c: workflows-examples/images/sub_release.yml has no input "repo"',
      'c: workflows-examples/images/sub_release.yml needs input "repository"',
      'c: workflows-examples/images/sub_release.yml needs secret "DOCKER_USERNAME"',
      'c: workflows-examples/images/sub_release.yml needs secret "DOCKER_PASSWORD"',
    ]);
  });

  it('finds jobs ordered through needs; GitHub\u2019s parser refuses a cycle and an unknown job', async () => {
    const { workflow: chain } = workflow('on: push\njobs:\n  a:\n    runs-on: x\n  b:\n    needs: a\n    runs-on: x\n  c:\n    needs: [b]\n    runs-on: x\n');
    expect([runsAfter(chain, 'c', 'a'), runsAfter(chain, 'a', 'c')]).toEqual([true, false]);
    const job = (name: string, needs: string) => `  ${name}:\n    needs: ${needs}\n    runs-on: x\n    steps:\n      - run: 'true'\n`;
    const root = '  r:\n    runs-on: x\n    steps:\n      - run: true\n';
    expect(await parserProblems(`on: push\njobs:\n${root}${job('a', 'b')}${job('b', 'a')}`)).toEqual([
      "workflow.yml (Line: 8, Col: 12): Job 'a' depends on job 'b' which creates a cycle in the dependency graph.",
      "workflow.yml (Line: 13, Col: 12): Job 'b' depends on job 'a' which creates a cycle in the dependency graph.",
    ]);
    expect(await parserProblems(`on: push\njobs:\n${root}${job('a', 'z')}`)).toEqual(["workflow.yml (Line: 8, Col: 12): Job 'a' depends on unknown job 'z'."]);
  });
});
