// Every action runs from its sources under GitHub's local runner for JavaScript actions,
// @github/local-action (through scripts/local-action.mjs, as `npm run local-action` runs it), with a
// dotenv file of inputs: its outputs are shown, action.yml defaults fill the inputs the file leaves
// out, and secrets are masked. Each action gets inputs that make it succeed here without network,
// against the same stand-ins as the bundle tests; one more run shows a secret that reaches an error
// message printed as ****. A run takes several seconds (npm exec, npm ls, tsx).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { buildImage, pushImage } from '@exegol-release/testbed/fixtures/images.js';
import { buildSdistOf, demoProjectFiles, writeProject } from '@exegol-release/testbed/fixtures/python-projects.js';
import { OWNER, PR_NUMBER, REPO, RUN_ID, passingRelease, pullRequestEvent } from '@exegol-release/testbed/fixtures/release-pr.js';
import { CONSTANT_CONFIG, writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { GitHubApiStandIn } from '@exegol-release/testbed/stand-ins/github-api.js';
import { closeServer, listenOnLoopback } from '@exegol-release/testbed/stand-ins/loopback.js';
import { PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';
import { serveSyncEndpoints, type SyncEndpoints } from '@exegol-release/testbed/stand-ins/github-api-sync.js';
import { runner, serveRunnerEndpoints } from '@exegol-release/testbed/stand-ins/github-api-runners.js';
import { DISTRIBUTIONS, WRITER, useReleaseWorld } from './publish-github-release/harness.js';
import { IMAGES, TOKEN as OPEN_RELEASE_TOKEN, createWorld, type World } from './open-release-pr/fixtures.js';
import { HEAD_BRANCH, PR_NUMBER as SYNC_PR_NUMBER, commandComment, commentEvent, createRepositories, syncPullRequest, tip } from './sync-pr-branch/fixtures.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');

/** What one local-action run printed, with the outputs it showed and the job summary it wrote. */
interface LocalRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The names in local-action's "Action Outputs" table. */
  shown: string[];
  /** Output values, from the stub's `::set-output name=<name>::<value>` lines. */
  outputs: Record<string, string>;
  summary: string;
}

/** The runner's and the caller's variables are not passed on: only what the dotenv file says. */
const HOST_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(GITHUB_|INPUT_|STATE_|RUNNER_|ACTIONS_|NODE_OPTIONS$|FORCE_COLOR$|VITEST)/.test(key)),
);

/** Writes a dotenv file: values double-quoted, where dotenv turns \n into a line break. */
function dotenv(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([key, value]) => {
      if (/["\\]/.test(value)) throw new Error(`dotenv value of ${key} holds a quote or a backslash: ${value}`);
      return `${key}="${value.replace(/\n/g, '\\n')}"`;
    })
    .join('\n');
}

/** Runs `npm run local-action -- <action> <dotenv>`'s script, main then post as on a runner. */
async function localAction(action: string, variables: Record<string, string>): Promise<LocalRun> {
  const directory = await mkdtemp(path.join(tmpdir(), `local-action-test-${action}-`));
  const summaryFile = path.join(directory, 'summary.md');
  const envFile = path.join(directory, '.env');
  await writeFile(summaryFile, '');
  await writeFile(envFile, dotenv({ GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: directory, GITHUB_WORKSPACE: directory, ...variables }));
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'local-action.mjs'), action, envFile], {
    cwd: REPO_ROOT,
    env: { ...HOST_ENV, FORCE_COLOR: '0', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? 1)));
  const table = stdout.split(/^\s*Action Outputs\s*$/m)[1] ?? '';
  return {
    code,
    stdout,
    stderr,
    shown: [...table.matchAll(/^│ \d+\s+│ '([^']*)'\s+│/gm)].map((match) => match[1]!),
    outputs: Object.fromEntries([...stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)].map((match) => [match[1]!, match[2]!])),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

/** The secret appears nowhere: not in the log, the outputs or the job summary. */
function expectNowhere(run: LocalRun, secret: string): void {
  expect(run.stdout).not.toContain(secret);
  expect(run.stderr).not.toContain(secret);
  expect(run.summary).not.toContain(secret);
}

describe.concurrent('actions under @github/local-action', { timeout: 180_000 }, () => {
  it('bump-version: dry run of a release on a temporary repository; files takes its default', async () => {
    const repository = await mkdtemp(path.join(tmpdir(), 'local-action-wrapper-'));
    await writeFiles(repository, { [CONSTANT_CONFIG]: '__version__ = "5.1.5b2"\n' });
    git(repository, 'init', '--quiet', '--initial-branch', 'dev');
    git(repository, 'add', '.');
    git(repository, 'commit', '--quiet', '--message', 'wrapper');

    const run = await localAction('bump-version', { 'INPUT_WORKING-DIRECTORY': repository, INPUT_BUMP: 'release', 'INPUT_DRY-RUN': 'true' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.shown).toEqual(['previous-version', 'version', 'is-prerelease', 'changed-files', 'commit-sha']);
    expect(run.outputs).toMatchObject({ 'previous-version': '5.1.5b2', version: '5.1.5', 'is-prerelease': 'false' });
    // `files` was not in the dotenv file: its action.yml default names the file that changed.
    expect(JSON.parse(run.outputs['changed-files']!)).toEqual([CONSTANT_CONFIG]);
    expect(await readFile(path.join(repository, CONSTANT_CONFIG), 'utf8')).toBe('__version__ = "5.1.5b2"\n');
    expect(run.summary).toContain('bump-version (dry run): 5.1.5b2 → 5.1.5');
  });

  it('check-runner-disk: main then post; min-free takes its default of 100GB', async () => {
    const run = await localAction('check-runner-disk', { INPUT_FAIL: 'false' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.shown).toEqual(['ok', 'free-bytes', 'freed-bytes', 'report']);
    expect(run.outputs['freed-bytes']).toBe('0');
    const report = JSON.parse(run.outputs['report']!) as { targetBytes: number; verdict: string }[];
    expect(report.map((filesystem) => filesystem.targetBytes)).toEqual(report.map(() => 100e9));
    expect(run.outputs['ok']).toBe(String(report.every((filesystem) => filesystem.verdict === 'ok')));
    // The post step ran in the same process and read the state main saved.
    expect(run.stdout).toMatch(/^::info::\/.*: this job consumed /m);
    expect(run.summary).toContain('check-runner-disk: disk consumed by this job');
  });

  describe('open-release-pr', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld();
    }, 180_000);
    afterAll(async () => world?.close());

    it('opens the images release pull request, the version from the tags; base, head, title and notes take their defaults; the token is masked', async () => {
      const run = await localAction('open-release-pr', {
        GITHUB_API_URL: world.api.url,
        GITHUB_SERVER_URL: world.remote.base,
        GITHUB_REPOSITORY: IMAGES,
        'INPUT_GITHUB-TOKEN': OPEN_RELEASE_TOKEN,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual(['version', 'previous-version', 'pull-request', 'pull-request-url', 'head-sha', 'created']);
      expect(run.outputs).toMatchObject({ version: '3.1.6', 'previous-version': '3.1.5', created: 'true' });
      const pr = world.api.repository(IMAGES).pulls.get(Number(run.outputs['pull-request']))!;
      expect(pr).toMatchObject({ title: 'Release 3.1.6', base: { ref: 'main' }, head: { ref: 'dev' } });
      expect(run.summary).toContain('open-release-pr: 3.1.5 → 3.1.6');
      expectNowhere(run, OPEN_RELEASE_TOKEN);
    });
  });

  describe('promote-images-preprod-to-prod', () => {
    const PASSWORD = 'local-action-registry-Passw0rd';
    let registry: TestRegistry;
    beforeAll(async () => {
      registry = await startRegistry({ mode: 'htpasswd', users: { maintainer: PASSWORD } });
      const image = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [4096] });
      const authorization = `Basic ${Buffer.from(`maintainer:${PASSWORD}`).toString('base64')}`;
      await pushImage(registry.url, 'nwodtuhs/exegol-preprod', ['full', 'full-1.0.0'], image, async () => ({ authorization }));
    });
    afterAll(async () => registry?.stop());

    it('plans a promotion with a username and password (dry run); tags takes its default; the password is masked', async () => {
      const run = await localAction('promote-images-preprod-to-prod', {
        INPUT_REGISTRY: registry.url,
        'INPUT_SOURCE-REPOSITORY': 'nwodtuhs/exegol-preprod',
        'INPUT_TARGET-REPOSITORY': 'nwodtuhs/exegol',
        INPUT_FLAVOURS: 'full',
        INPUT_VERSION: '1.0.0',
        INPUT_USERNAME: 'maintainer',
        INPUT_PASSWORD: PASSWORD,
        'INPUT_DRY-RUN': 'true',
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual(['promoted', 'digests']);
      // `tags` was left out: its default, {flavour} and {flavour}-{version}, gives both tags.
      expect(Object.keys(JSON.parse(run.outputs['digests']!) as object)).toEqual(['full', 'full-1.0.0']);
      expect(run.summary).toContain('dry run: nothing written');
      expectNowhere(run, PASSWORD);
    });
  });

  describe('publish-pypi-sdist', () => {
    const TOKEN = 'pypi-local-action-token-AgEIcHlwaS5vcmc';
    let index: PackageIndexStandIn;
    let project: string;
    beforeAll(async () => {
      index = await new PackageIndexStandIn('pypi').start();
      index.tokens.add(TOKEN);
      project = await writeProject(demoProjectFiles('1.2.3'));
      await buildSdistOf(project);
    });
    afterAll(async () => index?.stop());

    it('uploads a built sdist with a token; packages-dir takes its default; the token is masked', async () => {
      const run = await localAction('publish-pypi-sdist', {
        'INPUT_WORKING-DIRECTORY': project,
        INPUT_BUILD: 'false',
        'INPUT_CHECK-INSTALL': 'false',
        'INPUT_EXPECTED-VERSION': '1.2.3',
        'INPUT_REPOSITORY-URL': `${index.url}/legacy/`,
        INPUT_PASSWORD: TOKEN,
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual(expect.arrayContaining(['sdist', 'filename', 'name', 'version', 'sha256', 'uploaded-to']));
      expect(run.outputs['version']).toBe('1.2.3');
      // `packages-dir` was left out: its default, dist, is where the sdist was built.
      expect(index.files.get(run.outputs['filename']!)?.sha256).toBe(run.outputs['sha256']);
      expectNowhere(run, TOKEN);
    });
  });

  describe('check-runners', () => {
    const TOKEN = 'github_pat_localActionRunners789';
    let api: GitHubApiStandIn;
    beforeAll(async () => {
      api = await new GitHubApiStandIn('ThePorgs', 'Pipelines').start();
      api.tokens.set(TOKEN, { login: 'maintainer', installation: false, permissions: { administration: 'read' } });
      serveRunnerEndpoints(api).repositories.set('ThePorgs/Pipelines', [
        runner('builder-amd-1', { custom: ['builder', 'AMD64'] }),
        runner('builder-arm-1', { custom: ['builder'], arch: 'ARM64', os: 'macOS', busy: true }),
      ]);
    });
    afterAll(async () => api?.stop());

    it('checks the repository of GITHUB_REPOSITORY; wait and fail take their defaults; the token is masked', async () => {
      const run = await localAction('check-runners', {
        GITHUB_API_URL: api.url,
        GITHUB_REPOSITORY: 'ThePorgs/Pipelines',
        'INPUT_GITHUB-TOKEN': TOKEN,
        INPUT_REQUIRE: 'self-hosted, builder, amd64\nself-hosted, builder, arm64',
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual(['ok', 'report']);
      expect(run.outputs['ok']).toBe('true');
      expect(JSON.parse(run.outputs['report']!)).toMatchObject([{ idle: ['builder-amd-1'] }, { busy: ['builder-arm-1'] }]);
      expect(run.summary).toContain('check-runners: self-hosted, builder, arm64 (at least 1 online): ok');
      expectNowhere(run, TOKEN);
    });
  });

  describe('publish-github-release', () => {
    const world = useReleaseWorld();

    it('creates the release of a tag with its file; name, notes, prerelease and latest take their defaults; the token is masked', async () => {
      const { api, endpoints, repository, workspace } = world();
      const name = repository();
      const run = await localAction('publish-github-release', {
        GITHUB_API_URL: api.url,
        GITHUB_REPOSITORY: name,
        GITHUB_WORKSPACE: await workspace(DISTRIBUTIONS),
        'INPUT_GITHUB-TOKEN': WRITER,
        INPUT_TAG: '5.1.5',
        INPUT_FILES: 'dist/*.whl',
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual(['release-id', 'url', 'created', 'assets']);
      expect(run.outputs).toMatchObject({ created: 'true' });
      expect(endpoints.releases.get(name)![0]).toMatchObject({ name: '5.1.5', prerelease: false, draft: false });
      expect(endpoints.latest(name)?.tag_name).toBe('5.1.5');
      expect(run.summary).toContain('exegol-5.1.5-py3-none-any.whl');
      expectNowhere(run, WRITER);
    });
  });

  describe('sync-pr-branch', () => {
    const TOKEN = 'ghs_localActionSyncToken321';
    let api: GitHubApiStandIn;
    let endpoints: SyncEndpoints;
    let fork: string;
    let eventPath: string;
    beforeAll(async () => {
      const repositories = await createRepositories();
      fork = repositories.fork;
      api = await new GitHubApiStandIn('ThePorgs', 'Exegol').start();
      endpoints = serveSyncEndpoints(api);
      endpoints.bare.set('ThePorgs/Exegol', repositories.upstream);
      endpoints.bare.set('contributor/Exegol', repositories.fork);
      api.state.pulls.set(
        SYNC_PR_NUMBER,
        syncPullRequest((fullName) => `file://${path.join(repositories.root, `${fullName}.git`)}`),
      );
      api.state.permissions.set('maintainer-bob', 'write');
      const comment = commandComment('/sync');
      api.state.comments.set(SYNC_PR_NUMBER, [comment]);
      eventPath = await commentEvent(comment);
    });
    afterAll(async () => api?.stop());

    it('merges the base branch into a fork branch from a /sync comment; command and permission take their defaults; the token is masked', async () => {
      const before = tip(fork, HEAD_BRANCH);
      const run = await localAction('sync-pr-branch', {
        GITHUB_API_URL: api.url,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_EVENT_NAME: 'issue_comment',
        GITHUB_REPOSITORY: 'ThePorgs/Exegol',
        GITHUB_RUN_ID: RUN_ID,
        'INPUT_GITHUB-TOKEN': TOKEN,
      });
      await endpoints.settled();
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual(['result', 'head-sha', 'previous-head-sha', 'upstream-branch']);
      const after = tip(fork, HEAD_BRANCH);
      expect(after).not.toBe(before);
      // The comment said /sync and nothing else: `command` (/sync) and `permission` (write) came from action.yml.
      expect(run.outputs).toMatchObject({ result: 'updated', 'head-sha': after, 'previous-head-sha': before, 'upstream-branch': 'dev' });
      expect(endpoints.reactionLog).toEqual(['add eyes', 'remove eyes', 'add +1']);
      expect(run.summary).toContain('sync-pr-branch: updated');
      expectNowhere(run, TOKEN);
    });
  });

  describe('verify-release-pr', () => {
    const TOKEN = 'ghs_localActionToken456';
    let api: GitHubApiStandIn;
    let eventPath: string;
    /** Answers every request as GitHub answers a bad token, quoting the token it got. */
    let echo: Server;
    let echoUrl: string;
    beforeAll(async () => {
      api = await new GitHubApiStandIn(OWNER, REPO).start();
      passingRelease(api);
      eventPath = await pullRequestEvent();
      echo = createServer((request, response) => {
        response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
        response.end(
          JSON.stringify({
            message: `Bad credentials: ${request.headers.authorization ?? ''}`,
            documentation_url: 'https://docs.github.com/rest',
            status: '401',
          }),
        );
      });
      echoUrl = await listenOnLoopback(echo);
    });
    afterAll(async () => {
      await api?.stop();
      await closeServer(echo);
    });
    const context = (apiUrl: string) => ({
      GITHUB_API_URL: apiUrl,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_JOB: 'verify',
      GITHUB_RUN_ID: RUN_ID,
      'INPUT_GITHUB-TOKEN': TOKEN,
      'INPUT_VERSION-FILES': CONSTANT_CONFIG,
    });

    it('passes a release pull request; title-pattern and the rules take their defaults; the token is masked', async () => {
      const run = await localAction('verify-release-pr', context(api.url));
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.shown).toEqual([
        'is-release',
        'pull-request',
        'version',
        'tag',
        'is-prerelease',
        'previous-release',
        'merge-commit-sha',
        'ok',
        'failures',
        'companion-pull-request-number',
        'companion-pull-request-url',
      ]);
      // The version comes from the title through the default title-pattern; approvals by the default (1).
      expect(run.outputs).toMatchObject({ version: '5.1.5', tag: '5.1.5', 'is-prerelease': 'false', ok: 'true' });
      expect(run.summary).toContain(`Release pull request #${PR_NUMBER}`);
      expectNowhere(run, TOKEN);
    });

    it('fails cleanly when the API refuses the token, printing it as **** where the error quotes it', async () => {
      const run = await localAction('verify-release-pr', context(echoUrl));
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^::error::verify-release-pr failed: .*Bad credentials: token \*\*\*\*/m);
      expect(run.stdout).toMatch(/No outputs were set!|Action Outputs/);
      expectNowhere(run, TOKEN);
    });
  });
});
