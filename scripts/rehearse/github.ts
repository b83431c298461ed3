// GitHub for the rehearsal: the REST stand-in (packages/testbed/src/stand-ins/github-api.ts) serving ThePorgs'
// repositories from their bare git repositories (packages/testbed/src/stand-ins/github-api-release.ts), the
// maintainers' accounts, the GITHUB_TOKEN of each job with that job's permissions, and what GitHub
// Actions records of the runs the rehearsal does not run (check runs of the tests and builds).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actionsJob, checkRun, workflowRun } from '@exegol-release/testbed/fixtures/release-pr.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn, mayWrite, pushRefusals, type PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import { startPublicGitRemote, type GitHttpRemote } from '@exegol-release/testbed/stand-ins/git-http.js';
import { freshRequest } from '@exegol-release/testbed/stand-ins/fresh-request.js';
import { serveReleaseEndpoints, type Release, type ReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-release.js';
import { serveOpenReleaseEndpoints, type OpenReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-open-release.js';
import { serveRunnerEndpoints, type RunnerEndpoints } from '@exegol-release/testbed/stand-ins/github-api-runners.js';
import { serveAppEndpoints, type AppEndpoints, type GitHubApp } from '@exegol-release/testbed/stand-ins/github-api-apps.js';
import { serveAutoMerge, type AutoMerge } from '@exegol-release/testbed/stand-ins/github-api-auto-merge.js';
import { releaseChecklist, RELEASE_DESCRIPTION_BEGIN, RELEASE_DESCRIPTION_END } from '@exegol-release/core/release-pr';
import type { HostedRepository } from './repositories.js';
import type { Log } from './workflow.js';
import type { WebhookEvent } from './engine/events.js';

/** A maintainer: their login, role in the repositories, and a personal access token. */
export interface Maintainer {
  readonly login: string;
  readonly token: string;
}

export const ALICE: Maintainer = { login: 'maintainer-alice', token: 'github_pat_alice' };
export const BOB: Maintainer = { login: 'maintainer-bob', token: 'github_pat_bob' };

export class GitHub {
  readonly api = new GitHubApiStandIn('ThePorgs', 'Exegol');
  readonly endpoints: ReleaseEndpoints;
  /** The self-hosted runners GET …/actions/runners lists, by repository and organization. */
  readonly runners: RunnerEndpoints;
  /** open-release-pr's endpoints (pull requests listed, opened, edited, labelled; auto-merge), and each repository's merge settings. */
  readonly openRelease: OpenReleaseEndpoints;
  /** GitHub Apps and their installation tokens (actions/create-github-app-token's endpoints). */
  readonly apps: AppEndpoints;
  /** Branch protection of the rehearsed repositories, and auto-merge. */
  readonly autoMerge: AutoMerge;
  private releaseApp?: GitHubApp;
  private remote?: GitHttpRemote;
  private nextToken = 0;
  private nextRun = 7_000_000_000;

  constructor() {
    this.endpoints = serveReleaseEndpoints(this.api);
    this.runners = serveRunnerEndpoints(this.api);
    this.openRelease = serveOpenReleaseEndpoints(this.api, this.endpoints, (fullName) => this.cloneUrl(fullName));
    this.apps = serveAppEndpoints(this.api);
    this.autoMerge = serveAutoMerge(this.api, this.endpoints);
    this.api.tokens.set(ALICE.token, { login: ALICE.login, installation: false });
    this.api.tokens.set(BOB.token, { login: BOB.login, installation: false });
  }

  get url(): string {
    return this.api.url;
  }

  /** Starts the REST API, and git over HTTP for the bare repositories under `<root>/github.com`. */
  async start(root: string): Promise<this> {
    await this.api.start();
    this.remote = await startPublicGitRemote(path.join(root, 'github.com'), (password, repository) => {
      // A revoked token (create-github-app-token's post step) authenticates nothing, over git as over the API.
      const identity = this.api.revokedTokens.has(password) ? undefined : this.api.tokens.get(password);
      const state = this.api.repositories.get(repository);
      // A GITHUB_TOKEN never holds the workflows permission; a maintainer's token does. Protected branches refuse who they restrict.
      return identity
        ? {
            login: identity.login,
            mayPush: mayWrite(identity, ['contents']),
            mayChangeWorkflows: !identity.permissions || identity.permissions['workflows'] === 'write',
            refusedRefs: state ? pushRefusals(state, identity.login) : [],
          }
        : undefined;
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.remote?.close();
    await this.api.stop();
  }

  /**
   * ThePorgs' release App (vars.RELEASE_APP_ID, secrets.RELEASE_APP_PRIVATE_KEY), registered once and
   * installed on ThePorgs for the wrapper and the images with the permissions workflows-examples/README.md
   * says to grant: Contents and Pull requests, read and write (Metadata read, always).
   */
  releaseAppOf(): GitHubApp {
    this.releaseApp ??= this.apps.register({
      id: 1_234_567,
      slug: 'exegol-release',
      name: 'Exegol release',
      account: 'ThePorgs',
      repositories: ['ThePorgs/Exegol', 'ThePorgs/Exegol-images'],
      permissions: { contents: 'write', pull_requests: 'write' },
    });
    return this.releaseApp;
  }

  /**
   * The environment that makes git reach github.com's repositories on the git stand-in, for an action
   * that clones through the API's clone_url and fetches submodules by their github.com URLs
   * (open-release-pr): GITHUB_SERVER_URL the stand-in's origin (where the action sends its token), and,
   * through GIT_CONFIG_PARAMETERS (git's own way of passing `-c` to its children, which the action's git
   * environment keeps), url.<stand-in>/<owner>/<name>.git.insteadOf for https://github.com/<owner>/<name>
   * with and without `.git`, for each hosted repository.
   */
  githubGitEnv(): Record<string, string> {
    const base = this.remote!.base;
    const parameters = [...this.endpoints.bare.keys()].flatMap((fullName) =>
      [`https://github.com/${fullName}.git`, `https://github.com/${fullName}`].map((url) => `'url.${base}/${fullName}.git.insteadOf=${url}'`),
    );
    return { GITHUB_SERVER_URL: base, GIT_CONFIG_PARAMETERS: parameters.join(' ') };
  }

  /** The clone URL of a hosted repository, as https://github.com/<owner>/<name>.git is. */
  cloneUrl(fullName: string): string {
    return `${this.remote!.base}/${fullName}.git`;
  }

  /**
   * Clones a hosted repository into `directory` on `ref`, as actions/checkout does with fetch-depth 0;
   * with `token`, git keeps it as the AUTHORIZATION header for this host (checkout's
   * persist-credentials), so that pushes are made, and allowed or refused, as that token.
   */
  async checkout(fullName: string, directory: string, options: { ref: string; token?: string }): Promise<string> {
    await mkdir(path.dirname(directory), { recursive: true });
    await gitAsync(path.dirname(directory), 'clone', '--quiet', '--branch', options.ref, this.cloneUrl(fullName), directory);
    if (options.token)
      await gitAsync(
        directory,
        'config',
        '--local',
        `http.${this.remote!.base}/.extraheader`,
        `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${options.token}`).toString('base64')}`,
      );
    return directory;
  }

  /** Serves a hosted repository: alice is an admin, bob a maintainer. */
  host(repository: HostedRepository): void {
    const state = this.api.repository(repository.fullName);
    state.defaultBranch = repository.defaultBranch;
    state.permissions.set(ALICE.login, 'admin');
    state.permissions.set(BOB.login, 'maintain');
    this.endpoints.bare.set(repository.fullName, repository.bare);
    this.endpoints.sync(repository.fullName);
  }

  /** A job's GITHUB_TOKEN: GitHub Actions' installation token holding exactly `permissions`. */
  jobToken(permissions: Record<string, string>): string {
    this.nextToken += 1;
    const token = `ghs_rehearsal${String(this.nextToken).padStart(4, '0')}`;
    this.api.tokens.set(token, { ...GITHUB_ACTIONS_BOT, permissions });
    return token;
  }

  /**
   * A fine-grained personal access token of `who` holding exactly `permissions` (GitHub's names:
   * `administration`, `contents`, `pull-requests`…), as a maintainer makes one for a repository secret.
   */
  personalToken(who: Maintainer, name: string, permissions: Record<string, string>): string {
    const token = `github_pat_${who.login.replace(/\W/g, '_')}_${name}`;
    this.api.tokens.set(token, { login: who.login, installation: false, permissions });
    return token;
  }

  /** A REST request as a maintainer makes it (the web interface's requests, through the API). @throws Error on a non-2xx answer */
  async request<T>(who: Maintainer, method: string, route: string, body?: unknown): Promise<T> {
    // A connection of its own: the stand-in runs in this process (see freshRequest).
    const response = await freshRequest(`${this.url}${route}`, {
      method,
      headers: { authorization: `token ${who.token}`, accept: 'application/vnd.github+json' },
      ...(body ? { body } : {}),
    });
    const text = response.text;
    if (response.status < 200 || response.status > 299) throw new Error(`${method} ${route} as ${who.login}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  pull(repository: string, number: number): PullRequest {
    this.endpoints.sync(repository);
    return this.api.repository(repository).pulls.get(number)!;
  }

  releases(repository: string): Release[] {
    return this.endpoints.releases.get(repository) ?? [];
  }

  /**
   * Records a finished workflow run of `workflowPath` on `sha` whose jobs passed, as GitHub Actions
   * leaves it: a workflow run, and a check run a job in the run's check suite.
   */
  passedRun(repository: string, workflowPath: string, sha: string, jobs: readonly string[], event = 'push'): void {
    const state = this.api.repository(repository);
    const runId = String((this.nextRun += 1));
    state.workflowRuns.push({ ...workflowRun(runId, workflowPath, event), head_sha: sha, status: 'completed', conclusion: 'success' });
    state.checkRuns.set(sha, [...(state.checkRuns.get(sha) ?? []), ...jobs.map((name) => ({ ...checkRun(name, 'success', { runId }), head_sha: sha }))]);
  }

  /** Starts workflow run `runId` of `workflowPath` on `sha` (in progress), as GitHub Actions lists it while it runs. */
  startWorkflowRun(repository: string, runId: string, workflowPath: string, sha: string, event: string): void {
    const state = this.api.repository(repository);
    state.workflowRuns.push({ ...workflowRun(runId, workflowPath, event), head_sha: sha });
  }

  /** Completes workflow run `runId` with `conclusion`. */
  finishWorkflowRun(repository: string, runId: string, conclusion: 'success' | 'failure'): void {
    const run = this.api.repository(repository).workflowRuns.find((entry) => String(entry.id) === runId);
    if (run) Object.assign(run, { status: 'completed', conclusion });
  }

  /**
   * Starts job `jobName` of run `runId` on runner `runner`: the job and its check run on `sha`, in
   * progress, as GitHub Actions shows them while it runs. @returns a function that completes both
   */
  startJob(repository: string, runId: string, sha: string, jobName: string, runner: string): (conclusion: 'success' | 'failure') => void {
    const state = this.api.repository(repository);
    const { job, checkRun: run } = actionsJob(jobName, null, { runId, runner });
    const entry = { ...job, head_sha: sha };
    const check = { ...run, head_sha: sha };
    state.jobs.set(runId, [...(state.jobs.get(runId) ?? []), entry]);
    state.checkRuns.set(sha, [...(state.checkRuns.get(sha) ?? []), check]);
    return (conclusion) => {
      const completed = { status: 'completed' as const, conclusion, completed_at: new Date().toISOString() };
      Object.assign(entry, completed);
      Object.assign(check, completed);
    };
  }

  /**
   * Starts the workflow run a job of the rehearsal runs in: the run (in progress), this job in it on
   * runner `runner`, and its check run on `sha`, as GitHub Actions shows them while the job runs.
   * @returns GITHUB_RUN_ID
   */
  startRun(repository: string, workflowPath: string, sha: string, jobName: string, runner: string, event: string): string {
    const state = this.api.repository(repository);
    const runId = String((this.nextRun += 1));
    const { job, checkRun: run } = actionsJob(jobName, null, { runId, runner });
    state.workflowRuns.push({ ...workflowRun(runId, workflowPath, event), head_sha: sha });
    state.jobs.set(runId, [{ ...job, head_sha: sha }]);
    state.checkRuns.set(sha, [...(state.checkRuns.get(sha) ?? []), { ...run, head_sha: sha }]);
    return runId;
  }
}

/** A pull request as the stand-in answers it, the fields the rehearsal reads. */
export interface OpenedPullRequest {
  readonly number: number;
  readonly html_url: string;
  readonly head: { readonly sha: string };
}

/** The maintainers' part of a release pull request on GitHub, each a numbered step of the log: alice opens and merges it, bob approves it. */
export class Maintainers {
  constructor(
    private readonly github: GitHub,
    private readonly log: Log,
    private readonly repository: string,
  ) {}

  /** Alice opens the release pull request dev → `base`, titled `title`, with `body` as its description. */
  open(title: string, base: string, body: string): Promise<OpenedPullRequest> {
    return this.log.step(`Release pull request dev → ${base} "${title}"`, `POST /pulls · ${ALICE.login}`, async () => {
      const created = await this.github.request<OpenedPullRequest>(ALICE, 'POST', `/repos/${this.repository}/pulls`, { title, head: 'dev', base, body });
      return { value: created, lines: [`#${created.number} ${created.html_url}, head ${created.head.sha.slice(0, 7)}`] };
    });
  }

  /**
   * Alice's "Run workflow" of `workflowFile` (e.g. wrapper/prepare_release.yml) on `ref` with `inputs`
   * (POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches, as the web interface sends
   * it): the workflow_dispatch event, its inputs checked against the workflow's declaration.
   */
  dispatch(
    release: { dispatchEvent: (file: string, ref: string, inputs: Record<string, string>, sender: Maintainer) => Promise<WebhookEvent> },
    workflowFile: string,
    ref: string,
    inputs: Record<string, string>,
  ): Promise<WebhookEvent> {
    return this.log.step(`Run workflow ${path.basename(workflowFile)} on ${ref}`, `workflow_dispatch · ${ALICE.login}`, async () => {
      const event = await release.dispatchEvent(workflowFile, ref, inputs, ALICE);
      const given = Object.entries(event.payload['inputs'] as Record<string, string>).map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
      return { value: event, lines: [`inputs ${given.join(', ') || '(none)'}; ${ref} at ${String(event.sha).slice(0, 7)}`] };
    });
  }

  /**
   * Bob's ticks, as he reviews: every unticked task item in the part of the description open-release-pr
   * wrote (between its markers) ticked, through PATCH /repos/{owner}/{repo}/pulls/{n} (pulls/update) as
   * the web interface does when a box is ticked. Nothing when the description has no such part or every
   * item is ticked. @returns the description before, or undefined
   */
  async tick(number: number): Promise<{ from: string } | undefined> {
    const body = this.github.pull(this.repository, number).body ?? '';
    const items = releaseChecklist(body).items;
    if (!items.some((item) => !item.ticked)) return undefined;
    const begin = body.indexOf(RELEASE_DESCRIPTION_BEGIN);
    const end = body.indexOf(RELEASE_DESCRIPTION_END, begin);
    const part = body.slice(begin, end).replace(/^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ \t]\]/gm, '$1[x]');
    const ticked = `${body.slice(0, begin)}${part}${body.slice(end)}`;
    return this.log.step('Release checklist ticked', `PATCH /pulls/{n} · ${BOB.login}`, async () => {
      await this.github.request(BOB, 'PATCH', `/repos/${this.repository}/pulls/${number}`, { body: ticked });
      return { value: { from: body }, lines: items.filter((item) => !item.ticked).map((item) => `[x] ${item.text}`) };
    });
  }

  /** Bob approves the pull request's head commit. */
  approve(number: number, title: string): Promise<unknown> {
    return this.log.step(title, `POST /pulls/{n}/reviews · ${BOB.login}`, async () => {
      const review = await this.github.request<{ state: string; commit_id: string }>(BOB, 'POST', `/repos/${this.repository}/pulls/${number}/reviews`, {
        event: 'APPROVE',
      });
      return { value: review, lines: [`${review.state} ${review.commit_id.slice(0, 7)}`] };
    });
  }

  /** Alice merges it with a merge commit, as long as `head` is still its head. @returns the merge commit */
  merge(number: number, head: string, base: string): Promise<string> {
    return this.log.step('Merged with a merge commit', `PUT /pulls/{n}/merge · ${ALICE.login}`, async () => {
      const merged = await this.github.request<{ sha: string; message: string }>(ALICE, 'PUT', `/repos/${this.repository}/pulls/${number}/merge`, {
        merge_method: 'merge',
        sha: head,
      });
      return { value: merged.sha, lines: [`${merged.message}: ${merged.sha.slice(0, 7)} on ${base}`] };
    });
  }
}

/**
 * Runs git without blocking this process (the git remote and the API it talks to run in it), with a
 * fixed identity and no user or system configuration, as packages/testbed/src/fixtures/git.ts does. @returns stdout, trimmed
 */
export async function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Maintainer Alice',
      GIT_AUTHOR_EMAIL: 'alice@exegol.invalid',
      GIT_COMMITTER_NAME: 'Maintainer Alice',
      GIT_COMMITTER_EMAIL: 'alice@exegol.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
    },
  });
  return stdout.trim();
}

/** Writes an event payload (GITHUB_EVENT_PATH) into `directory`. */
export async function eventFile(directory: string, name: string, payload: unknown): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = path.join(directory, `${name}.json`);
  await writeFile(file, JSON.stringify(payload, null, 2));
  return file;
}
