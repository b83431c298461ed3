// The self-hosted jobs of the examples: an image is built, tested and pushed on the one Docker engine that holds it;
// registry credentials never go through a credential helper on a self-hosted runner; and the runners are checked
// (check-runners) before any self-hosted job is queued. Each rule is a function over a parsed workflow, checked on
// every example and, below, on the shapes it must refuse.
import { describe, expect, it } from 'vitest';
import { condition } from '../../scripts/rehearse/engine/expressions.js';
import { loadWorkflow } from '../../scripts/rehearse/engine/workflows.js';
import { IMAGES, push, repositoryDispatch, starts, whyNotStarted } from './example-events.js';
import {
  calledExample,
  exampleWorkflowFiles,
  loadExample,
  parseWorkflow,
  runnerLabels,
  runsAfter,
  stepsUsing,
  templateOf,
  type Job,
  type Step,
  type WorkflowFile,
} from './workflow-facts.js';

const FILES = exampleWorkflowFiles();

const isSelfHosted = (job: Job): boolean => runnerLabels(job).includes('self-hosted');

/** A command line of a script, continuation lines joined, comments left out. */
const commands = (script: string): string[] =>
  script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

/** Whether a step puts an image into the runner's engine: a build (docker build, buildx build, build-push-action) or a pull. */
function makesImage(step: Step): boolean {
  if (step.uses?.startsWith('docker/build-push-action@')) return step.with?.['load'] === true || step.with?.['push'] === true;
  return commands(step.run ?? '').some((line) => /\bdocker (?:image )?(?:build|pull)\b|\bdocker buildx build\b/.test(line));
}

/** The docker commands of a step that need a local image: run, push, tag, image rm / rmi. */
const IMAGE_USE = /\bdocker (?:run|push|tag|image rm|rmi|image push|image tag)\b/;

/**
 * One engine from build to push: a self-hosted job that runs, pushes, tags or removes an image must itself have built or
 * pulled it in an earlier step. Another job, even with the same labels, may be given another runner, whose engine does
 * not hold the image.
 *
 * @returns one message a problem, `<job>: …`
 */
function oneEngineProblems({ workflow }: WorkflowFile): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (!isSelfHosted(job)) continue;
    let made = false;
    for (const step of job.steps ?? []) {
      const use = commands(step.run ?? '').find((line) => IMAGE_USE.test(line));
      if (use && !made)
        problems.push(`${name}: "${use}" uses an image no earlier step of this job built or pulled: it is in the engine of the runner that built it`);
      made ||= makesImage(step);
    }
  }
  return problems;
}

/** Whether a step pushes to a registry. */
function pushes(step: Step): boolean {
  if (step.uses?.startsWith('docker/build-push-action@')) return step.with?.['push'] === true;
  return commands(step.run ?? '').some((line) => /\bdocker (?:image )?push\b|\bdocker manifest push\b|\bimagetools create\b/.test(line));
}

/** The DOCKER_CONFIG a step sets (env: or an export/assignment in its script), when it is a directory under RUNNER_TEMP. */
function jobLocalDockerConfig(step: Step): string | undefined {
  const fromEnv = typeof step.env?.['DOCKER_CONFIG'] === 'string' ? step.env['DOCKER_CONFIG'] : undefined;
  const fromScript = /(?:^|\s)(?:export\s+)?DOCKER_CONFIG="?([^"\s]+)"?/m.exec(step.run ?? '')?.[1];
  const value = fromEnv ?? fromScript;
  return value && /^(?:\$RUNNER_TEMP|\$\{RUNNER_TEMP\}|\$\{\{ runner\.temp \}\})\//.test(value) ? value : undefined;
}

/**
 * No credential helper on a self-hosted runner: a self-hosted job that pushes logs in with no docker/login-action and no
 * `docker login` (both store the password through the client's credential store: on macOS the login keychain, which a
 * service session cannot unlock; and `docker login` picks the platform's default store even in a new DOCKER_CONFIG
 * until it holds auths). Its pushes run with a DOCKER_CONFIG under RUNNER_TEMP, which an always() step removes.
 *
 * @returns one message a problem, `<job>: …`
 */
async function credentialHelperProblems({ file, text, workflow }: WorkflowFile): Promise<string[]> {
  const problems: string[] = [];
  const template = await templateOf(text, file);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = job.steps ?? [];
    const parsed = template.jobs.find((candidate) => candidate.id.value === name);
    // A step runs whatever the steps before it did when its if:, as the runner wraps it, is true after a success and a failure.
    const runsAnyway = (index: number): boolean =>
      parsed?.type === 'job' &&
      [false, true].every((failed) =>
        condition(
          (parsed.steps[index] as { if?: { expression: string } } | undefined)?.if?.expression ?? 'success()',
          { github: {}, inputs: {}, env: {}, steps: {}, vars: {} },
          { failed, cancelled: false },
          `${name} › step ${index + 1}`,
        ),
      );
    if (!isSelfHosted(job) || !steps.some(pushes)) continue;
    if (steps.some((step) => step.uses?.startsWith('docker/login-action@')))
      problems.push(`${name}: docker/login-action on a self-hosted runner stores the password through the credential helper`);
    if (steps.some((step) => commands(step.run ?? '').some((line) => /\bdocker login\b/.test(line))))
      problems.push(`${name}: docker login on a self-hosted runner stores the password through the credential helper`);
    for (const [index, step] of steps.entries()) {
      if (!pushes(step)) continue;
      const config = jobLocalDockerConfig(step) ?? (typeof job.env?.['DOCKER_CONFIG'] === 'string' ? jobLocalDockerConfig({ env: job.env }) : undefined);
      if (!config) {
        problems.push(`${name}: step ${step.name ?? index + 1} pushes without a job-local DOCKER_CONFIG under RUNNER_TEMP`);
        continue;
      }
      const removed = steps.some(
        (later, at) => at > index && runsAnyway(at) && commands(later.run ?? '').some((line) => line.startsWith('rm -rf') && line.includes(config)),
      );
      if (!removed) problems.push(`${name}: no always() step after the push removes ${config}`);
    }
  }
  return problems;
}

/** Whether a job runs on a self-hosted runner, or calls a workflow with such a job. */
function reachesSelfHosted(job: Job, seen = new Set<string>()): boolean {
  if (isSelfHosted(job)) return true;
  const called = calledExample(job);
  if (!called || seen.has(called.file)) return false;
  seen.add(called.file);
  return Object.values(called.workflow.jobs).some((calledJob) => reachesSelfHosted(calledJob, seen));
}

/**
 * Runners first: in a workflow started by an event (not a reusable one), every job that is, or calls, a self-hosted job
 * runs after a job using check-runners.
 *
 * @returns one message a problem
 */
async function runnersFirstProblems({ file, text, workflow }: WorkflowFile): Promise<string[]> {
  if ((await templateOf(text, file)).events.workflow_call !== undefined) return [];
  const checks = Object.entries(workflow.jobs)
    .filter(([, job]) => stepsUsing(job, 'check-runners').length > 0)
    .map(([name]) => name);
  return Object.entries(workflow.jobs)
    .filter(([name, job]) => reachesSelfHosted(job) && !checks.some((check) => runsAfter(workflow, name, check)))
    .map(([name]) => `${name}: reaches a self-hosted runner without running after check-runners`);
}

describe('self-hosted jobs of the examples', () => {
  it.each(FILES)('%s: builds, tests and pushes an image in the job that holds it', (file) => {
    expect(oneEngineProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: stores no registry credentials through a credential helper on a self-hosted runner', async (file) => {
    expect(await credentialHelperProblems(loadExample(file))).toEqual([]);
  });

  it.each(FILES)('%s: checks the runners before queueing a self-hosted job', async (file) => {
    expect(await runnersFirstProblems(loadExample(file))).toEqual([]);
  });

  it('check the runners in the images pre-release, its pipelines form, the nightly and the fleet check', () => {
    for (const file of ['images/pre-release.yml', 'pipelines/pipelines-repository/preprod.yml', 'images/nightly.yml', 'images/runner-disk.yml']) {
      const { workflow } = loadExample(file);
      const runners = Object.values(workflow.jobs).flatMap((job) => stepsUsing(job, 'check-runners'));
      expect(runners, file).toHaveLength(1);
      expect(String(runners[0]!.with?.['require']), file).toMatch(/self-hosted, builder, AMD64\nself-hosted, builder, ARM64/);
    }
  });
});

describe('the images nightly', () => {
  it('builds, tests and pushes nightly per architecture with sub_build.yml after check-runners, and publishes nwodtuhs/exegol:nightly only', () => {
    for (const file of ['images/nightly.yml', 'pipelines/pipelines-repository/nightly.yml']) {
      const { workflow, text } = loadExample(file);
      expect(calledExample(workflow.jobs['build']!)?.file, file).toBe('workflows-examples/images/sub_build.yml');
      expect(runsAfter(workflow, 'build', 'runners'), file).toBe(true);
      expect(runsAfter(workflow, 'publish', 'build'), file).toBe(true);
      expect(String(workflow.env?.['NIGHTLY_IMAGES']).trim(), file).toBe('nightly exegol-images/Dockerfile');
      expect(workflow.env, file).toMatchObject({ TARGET: 'nwodtuhs/exegol', BUILDS: 'nwodtuhs/exegol-builds' });
      // The only tag written in production is the image's own name (nightly); no version, no preprod, no release tag.
      expect(text, file).not.toMatch(/exegol-preprod|VERSION\b[^\n]*\$TARGET|\$TARGET:\$IMAGE-|promote-images|bump-version/);
      expect(text, file).toMatch(/--tag "\$TARGET:\$IMAGE"/);
    }
  });

  it('is dispatched from Exegol-images as build-pipeline with the fields the pipelines repository reads', async () => {
    const dispatch = loadExample('pipelines/exegol-images/dispatch_nightly.yml');
    expect((await loadWorkflow('pipelines/exegol-images/dispatch_nightly.yml')).template.events.push).toEqual({ branches: ['dev'], 'paths-ignore': ['**.md'] });
    // Every push to dev but one that changes only Markdown.
    const pushed = (branch: string, files: string[]) => push(IMAGES, `refs/heads/${branch}`, { changedFiles: files });
    expect(await starts('pipelines/exegol-images/dispatch_nightly.yml', pushed('dev', ['sources/install/package_ad.sh', 'README.md']))).toBe(true);
    expect(await whyNotStarted('pipelines/exegol-images/dispatch_nightly.yml', pushed('dev', ['README.md', 'docs/x.md']))).toBe('paths filtered out');
    expect(await whyNotStarted('pipelines/exegol-images/dispatch_nightly.yml', pushed('main', ['Dockerfile']))).toBe('branch main filtered out');
    const sent = /event_type: "build-pipeline", client_payload: \{([^}]*)\}/
      .exec(dispatch.text)?.[1]
      ?.split(',')
      .map((field) => field.split(':')[0]!.trim());
    const nightly = loadExample('pipelines/pipelines-repository/nightly.yml');
    expect(((await loadWorkflow('pipelines/pipelines-repository/nightly.yml')).template.events.repository_dispatch as { types?: string[] }).types).toEqual([
      'build-pipeline',
    ]);
    expect(
      await starts('pipelines/pipelines-repository/nightly.yml', repositoryDispatch('ThePorgs/Pipelines', 'build-pipeline', { sha: 'c'.repeat(40) })),
    ).toBe(true);
    expect(await starts('pipelines/pipelines-repository/nightly.yml', repositoryDispatch('ThePorgs/Pipelines', 'release-pipeline'))).toBe(false);
    const read = [...new Set([...nightly.text.matchAll(/github\.event\.client_payload\.(\w+)/g)].map((match) => match[1]!))];
    for (const field of read) expect(sent).toContain(field);
  });
});

describe('the self-hosted rules themselves', () => {
  /** The shape of sub_build.yml before the rules: build, test and push in three jobs, docker/login-action on the builders. */
  const THREE_JOBS = `
on: { workflow_call: {} }
jobs:
  build:
    runs-on: [self-hosted, builder, amd64]
    steps:
      - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772
        with: { username: u, password: p }
      - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83
        with: { load: true, tags: x }
  test:
    needs: build
    runs-on: [self-hosted, tester, amd64]
    steps:
      - run: docker run --rm "$IMAGE" true
  push:
    needs: test
    runs-on: [self-hosted, builder, amd64]
    steps:
      - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772
        with: { username: u, password: p }
      - run: docker push "$IMAGE"
`;

  it('refuses a test and a push in other jobs than the build', () => {
    expect(oneEngineProblems(parseWorkflow(THREE_JOBS))).toEqual([
      'test: "docker run --rm "$IMAGE" true" uses an image no earlier step of this job built or pulled: it is in the engine of the runner that built it',
      'push: "docker push "$IMAGE"" uses an image no earlier step of this job built or pulled: it is in the engine of the runner that built it',
    ]);
  });

  it('refuses docker/login-action on a self-hosted runner that pushes, and a push without a job-local DOCKER_CONFIG', async () => {
    expect(await credentialHelperProblems(parseWorkflow(THREE_JOBS))).toEqual([
      'push: docker/login-action on a self-hosted runner stores the password through the credential helper',
      'push: step 2 pushes without a job-local DOCKER_CONFIG under RUNNER_TEMP',
    ]);
  });

  const oneJob = (push: string, cleanup: string) =>
    parseWorkflow(`
on: { workflow_call: {} }
jobs:
  build:
    runs-on: [self-hosted, builder, amd64]
    steps:
      - run: docker build -t "$IMAGE" .
      - run: docker run --rm "$IMAGE" true
      - run: |
${push
  .split('\n')
  .map((line) => `          ${line}`)
  .join('\n')}
${cleanup}
`);

  it('accepts one job pushing with a job-local DOCKER_CONFIG removed in an always() step', async () => {
    const good = oneJob('export DOCKER_CONFIG="$RUNNER_TEMP/push"\ndocker push "$IMAGE"', '      - if: always()\n        run: rm -rf "$RUNNER_TEMP/push"');
    expect(oneEngineProblems(good)).toEqual([]);
    expect(await credentialHelperProblems(good)).toEqual([]);
  });

  it('refuses docker login even in a job-local DOCKER_CONFIG, and a DOCKER_CONFIG left behind', async () => {
    const login = oneJob(
      'export DOCKER_CONFIG="$RUNNER_TEMP/push"\necho "$P" | docker login -u u --password-stdin\ndocker push "$IMAGE"',
      '      - if: always()\n        run: rm -rf "$RUNNER_TEMP/push"',
    );
    expect(await credentialHelperProblems(login)).toEqual(['build: docker login on a self-hosted runner stores the password through the credential helper']);
    const left = oneJob('export DOCKER_CONFIG="$RUNNER_TEMP/push"\ndocker push "$IMAGE"', '      - run: rm -rf "$RUNNER_TEMP/push"');
    expect(await credentialHelperProblems(left)).toEqual(['build: no always() step after the push removes $RUNNER_TEMP/push']);
    // A condition that names always() but is false after a failure, and failure() alone (false after a success), leave it.
    const notAfterFailure = oneJob(
      'export DOCKER_CONFIG="$RUNNER_TEMP/push"\ndocker push "$IMAGE"',
      '      - if: always() && !failure()\n        run: rm -rf "$RUNNER_TEMP/push"',
    );
    expect(await credentialHelperProblems(notAfterFailure)).toEqual(['build: no always() step after the push removes $RUNNER_TEMP/push']);
    const onlyAfterFailure = oneJob(
      'export DOCKER_CONFIG="$RUNNER_TEMP/push"\ndocker push "$IMAGE"',
      '      - if: failure()\n        run: rm -rf "$RUNNER_TEMP/push"',
    );
    expect(await credentialHelperProblems(onlyAfterFailure)).toEqual(['build: no always() step after the push removes $RUNNER_TEMP/push']);
  });

  it('refuses a self-hosted job that does not run after check-runners', async () => {
    const workflow = (needs: string) =>
      parseWorkflow(`
on: push
jobs:
  runners:
    runs-on: ubuntu-latest
    steps:
      - uses: OWNER/exegol-release-actions/actions/check-runners@v1
        with: { github-token: t, require: self-hosted }
  build:
    ${needs}
    runs-on: [self-hosted, builder, amd64]
    steps:
      - run: 'true'
`);
    expect(await runnersFirstProblems(workflow(''))).toEqual(['build: reaches a self-hosted runner without running after check-runners']);
    expect(await runnersFirstProblems(workflow('needs: runners'))).toEqual([]);
    // A reusable workflow: its caller checks the runners.
    expect(await runnersFirstProblems(parseWorkflow(workflow('').text.replace('on: push', 'on: { workflow_call: {} }')))).toEqual([]);
  });
});
