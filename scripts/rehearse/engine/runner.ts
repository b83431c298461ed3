// The rehearsal's workflow runner: an event's matching workflows run as GitHub Actions runs them, from
// GitHub's own parse of the files (engine/workflows.ts) and with GitHub's own evaluator
// (engine/expressions.ts). Jobs in the order `needs` gives (file order among the ready ones), each
// job's `if:` under its needs' results, matrices expanded, reusable workflows called with their inputs,
// secrets and outputs, each step's `if:` under the steps before it, `env:` at each level, steps.*
// outputs, outcome and conclusion. Steps: this project's actions as their committed bundles, `run:`
// with `bash --noprofile --norc -eo pipefail {0}` as the runner does, other actions through the one
// table of stand-ins (engine/stand-ins.ts). Which workflows, jobs and steps run is decided only there.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { ReusableWorkflowJob, Step, WorkflowJob as TemplateJob, Job as TemplateRunJob } from '@actions/workflow-parser/model/workflow-template';
import { parse } from 'yaml';
import { parseCommandFile, REPO_ROOT, runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { ourActionName } from '../../../test/workflows/action-inputs.js';
import type { GitHub } from '../github.js';
import type { Log } from '../workflow.js';
import { asString, condition, evaluateToken, interpolate, type Contexts, type Status } from './expressions.js';
import { whyNot, type WebhookEvent } from './events.js';
import { findStandIn } from './stand-ins.js';
import { assertWebhookPayload } from './webhook-schemas.js';
import { calledWorkflowFile, loadWorkflow, repositoryWorkflows, stepToken, type LoadedWorkflow } from './workflows.js';

/** An error that stops the rehearsal (an action without a stand-in, an unknown input), not only the step. */
export class RehearsalStop extends Error {}

/** An action's post step, queued by its main step: what the log prints, its `post-if`, and what it runs (throws when it fails). */
interface PostStep {
  readonly title: string;
  readonly what: string;
  readonly if: string;
  readonly run: () => Promise<{ lines?: string[] }>;
}

export type Result = 'success' | 'failure' | 'skipped' | 'cancelled';

/** A job's end: its result and outputs (for `needs`), and, for the log and the expectations, where it was. */
export interface JobEnd {
  readonly result: Result;
  readonly outputs: Record<string, string>;
}

/** What one workflow run ended with: each job (reusable workflows' jobs as `caller / callee`) and its result. */
export interface WorkflowRunEnd {
  readonly workflow: LoadedWorkflow;
  readonly event: WebhookEvent;
  readonly jobs: Map<string, Result>;
  /** Each job's outputs, by the same key. */
  readonly outputs: Map<string, Record<string, string>>;
  /** Each step's outcome (`skipped` when its if: was false), as `<job key> › <step id, or step N>`; a matrix job's last combination. */
  readonly steps: Map<string, Result>;
  /** The directory holding the run's artifacts (upload-artifact's stand-in). */
  readonly artifacts: string;
  /** The step that failed first, for the message. */
  readonly failures: string[];
}

/** A repository the rehearsal hosts: its full name, and the directory of workflows-examples/ holding its workflows. */
export interface RehearsedRepository {
  readonly fullName: string;
  readonly workflows: string;
  readonly secrets: Record<string, string>;
  readonly vars?: Record<string, string>;
}

/** What the runner needs from the world around it. */
export interface RunnerWorld {
  readonly log: Log;
  readonly github: GitHub;
  /** gh and docker stand-ins, first on PATH. */
  readonly bin: string;
  /** A fresh runner directory for a job. */
  runner(): Promise<string>;
  /**
   * Environment every step gets to reach the stand-ins (the GitHub API for gh, the Docker Hub proxy),
   * given the job's `runs-on` labels (a self-hosted builder's job may reach a Docker engine).
   */
  readonly standInEnv: (labels: readonly string[]) => Record<string, string>;
  /** ACTIONS_ID_TOKEN_REQUEST_* for a job with id-token: write, given the claims of its OIDC token. */
  readonly idToken?: (claims: Record<string, string>) => Record<string, string>;
  /** Inputs of this project's actions that only a stand-in can answer (service URLs), by action. */
  readonly serviceInputs?: (action: string) => Record<string, string>;
  /** Environment of this project's actions that only a stand-in can answer (where github.com's git is served), by action. */
  readonly serviceEnv?: (action: string) => Record<string, string>;
  /** Workflows or jobs not run here (`file` or `file › job`), with the reason; their jobs are recorded as passed check runs. */
  readonly notRunHere?: Record<string, string>;
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };
const SCOPES = ['actions', 'checks', 'contents', 'deployments', 'id-token', 'issues', 'packages', 'pages', 'pull-requests', 'statuses'];

function permissionMap(permissions: string | Record<string, string> | undefined, defaults: Record<string, string>): Record<string, string> {
  if (permissions === undefined) return { ...defaults };
  if (typeof permissions === 'string') return Object.fromEntries(SCOPES.map((scope) => [scope, permissions.replace(/-all$/, '')]));
  return Object.fromEntries(SCOPES.map((scope) => [scope, permissions[scope] ?? 'none']));
}

/** Whichever is less of each scope (a called workflow's token holds at most its caller's permissions). */
function cap(permissions: Record<string, string>, ceiling: Record<string, string> | undefined): Record<string, string> {
  if (!ceiling) return permissions;
  return Object.fromEntries(
    Object.entries(permissions).map(([scope, level]) => [
      scope,
      (LEVEL[level] ?? 0) <= (LEVEL[ceiling[scope] ?? 'none'] ?? 0) ? level : (ceiling[scope] ?? 'none'),
    ]),
  );
}

/** The defaults of a repository whose workflow permissions are "read repository contents" (GitHub's default for new repositories). */
const DEFAULT_PERMISSIONS: Record<string, string> = { contents: 'read', packages: 'read' };

interface Frame {
  readonly workflow: LoadedWorkflow;
  /** The workflow the event started (a called workflow runs in its caller's run). */
  readonly top: LoadedWorkflow;
  readonly repository: RehearsedRepository;
  readonly event: WebhookEvent;
  readonly githubBase: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  readonly secrets: Record<string, string>;
  readonly ceiling?: Record<string, string>;
  /** `Caller job name / ` for a called workflow's jobs (their check runs' names). */
  readonly namePrefix: string;
  /** `caller-job › ` for the log. */
  readonly addressPrefix: string;
  readonly runId: string;
  readonly artifacts: string;
  readonly end: WorkflowRunEnd;
}

/**
 * The github context as the runner derives it from the event (docs.github.com "Contexts: github" and
 * "Events that trigger workflows", per event: GITHUB_SHA and GITHUB_REF).
 */
export function githubContext(repository: string, event: WebhookEvent, apiUrl: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a webhook payload, read as GitHub documents each event's
  const payload = event.payload as Record<string, any>;
  let ref: string;
  let sha: string;
  if (event.name === 'push') {
    ref = payload['ref'];
    sha = payload['after'];
  } else if (event.name.startsWith('pull_request')) {
    const pull = payload['pull_request'];
    ref = event.name === 'pull_request_target' ? `refs/heads/${pull.base.ref}` : `refs/pull/${pull.number}/merge`;
    sha = event.name === 'pull_request_target' ? pull.base.sha : (pull.merge_commit_sha ?? pull.head.sha);
  } else if (event.name === 'repository_dispatch') {
    // GITHUB_REF the default branch (the payload's `branch`), GITHUB_SHA its last commit.
    ref = `refs/heads/${payload['branch']}`;
    sha = event.sha ?? '';
  } else {
    ref = payload['ref'] ?? '';
    // workflow_dispatch: GITHUB_SHA is the last commit of the dispatched ref, which the payload does not carry.
    sha = event.sha ?? payload['sha'] ?? '';
  }
  const refName = ref.replace(/^refs\/(heads|tags)\//, '').replace(/^refs\/pull\/(\d+)\/merge$/, '$1/merge');
  return {
    event_name: event.name,
    event: payload,
    ref,
    ref_name: refName,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha,
    repository,
    repository_owner: repository.split('/')[0],
    actor: payload['sender']?.login ?? '',
    triggering_actor: payload['sender']?.login ?? '',
    head_ref: event.name.startsWith('pull_request') ? payload['pull_request'].head.ref : '',
    base_ref: event.name.startsWith('pull_request') ? payload['pull_request'].base.ref : '',
    server_url: 'https://github.com',
    api_url: apiUrl,
    run_attempt: '1',
    retention_days: '90',
  };
}

function matrixCombinations(strategy: unknown, where: string): Record<string, unknown>[] {
  const matrix = (strategy as { matrix?: Record<string, unknown> } | undefined)?.matrix;
  if (!matrix) return [{}];
  if (typeof matrix !== 'object') throw new Error(`${where}: strategy.matrix evaluated to ${JSON.stringify(matrix)}`);
  const { include, exclude, ...axes } = matrix as { include?: Record<string, unknown>[]; exclude?: Record<string, unknown>[] } & Record<string, unknown>;
  let combos: Record<string, unknown>[] = Object.keys(axes).length ? [{}] : [];
  for (const [key, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new Error(`${where}: matrix.${key} is not a list`);
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  const original = Object.keys(axes);
  combos = combos.filter(
    (combo) => !(exclude ?? []).some((entry) => Object.entries(entry).every(([key, value]) => JSON.stringify(combo[key]) === JSON.stringify(value))),
  );
  for (const entry of include ?? []) {
    const fits = combos.filter((combo) => original.every((key) => !(key in entry) || JSON.stringify(combo[key]) === JSON.stringify(entry[key])));
    if (fits.length && original.length) for (const combo of fits) Object.assign(combo, entry);
    else combos.push({ ...entry });
  }
  if (!combos.length) throw new Error(`${where}: the matrix has no combination`);
  return combos;
}

export class WorkflowRunner {
  private nextRun = 8_000_000_000;

  constructor(private readonly world: RunnerWorld) {}

  /** The rehearsal's log, for what the release prints between runs. */
  get log(): Log {
    return this.world.log;
  }

  /**
   * Every workflow of `repository` whose `on:` matches `event`, in file-name order, each run to its end.
   * Workflows that do not match are listed with the reason when `explain` is set.
   */
  async dispatch(repository: RehearsedRepository, event: WebhookEvent, title: string): Promise<WorkflowRunEnd[]> {
    const { log } = this.world;
    // Shaped as GitHub sends it (its webhook schemas), or the rehearsal stops before any workflow runs.
    try {
      assertWebhookPayload(event);
    } catch (error) {
      throw new RehearsalStop(`${title}: ${(error as Error).message}`);
    }
    const workflows = await repositoryWorkflows(repository.workflows);
    const started = workflows.filter((workflow) => whyNot(workflow.template, event, workflow.path) === undefined);
    log.line(
      `event ${event.name}${event.payload.action ? ` (${event.payload.action})` : ''}: ${title} → ${
        started.length
          ? started.map((workflow) => path.basename(workflow.file)).join(', ')
          : event.byGithubToken
            ? 'caused by the GITHUB_TOKEN: starts no workflow'
            : 'no workflow matches'
      }`,
    );
    const ends: WorkflowRunEnd[] = [];
    for (const workflow of started) ends.push(await this.run(repository, workflow, event));
    return ends;
  }

  /** Runs one workflow for `event`. */
  async run(repository: RehearsedRepository, workflow: LoadedWorkflow, event: WebhookEvent): Promise<WorkflowRunEnd> {
    const runId = String((this.nextRun += 1));
    const githubBase: Record<string, unknown> = {
      ...githubContext(repository.fullName, event, this.world.github.url),
      workflow: workflow.name,
      workflow_ref: '',
      run_id: runId,
      run_number: String(Number(runId) % 1000),
    };
    githubBase.workflow_ref = `${repository.fullName}/${workflow.path}@${String(githubBase.ref)}`;
    this.world.log.heading(
      `${path.basename(workflow.file)} (${workflow.name}) on ${event.name}${event.payload.action ? ` ${event.payload.action}` : ''}, run ${runId}`,
    );
    const artifacts = path.join(await this.world.runner(), 'artifacts');
    const end: WorkflowRunEnd = { workflow, event, jobs: new Map(), outputs: new Map(), steps: new Map(), artifacts, failures: [] };
    this.world.github.startWorkflowRun(repository.fullName, runId, workflow.path, checkSha({ event, githubBase }), event.name);
    await this.runJobs({
      workflow,
      top: workflow,
      repository,
      event,
      githubBase,
      // workflow_dispatch: the inputs context, typed as the workflow declares them.
      inputs: event.name === 'workflow_dispatch' ? { ...(event.inputs ?? {}) } : {},
      secrets: { ...repository.secrets },
      namePrefix: '',
      addressPrefix: '',
      runId,
      artifacts,
      end,
    });
    this.world.github.finishWorkflowRun(repository.fullName, runId, [...end.jobs.values()].includes('failure') ? 'failure' : 'success');
    return end;
  }

  /** The jobs of `frame.workflow`, in the order `needs` allows. @returns each job's end, by id */
  private async runJobs(frame: Frame): Promise<Map<string, JobEnd>> {
    const jobs = frame.workflow.template.jobs;
    const done = new Map<string, JobEnd>();
    while (done.size < jobs.length) {
      const ready = jobs.find((job) => !done.has(job.id.value) && (job.needs ?? []).every((need) => done.has(need.value)));
      if (!ready) throw new Error(`${frame.workflow.file}: the jobs' needs form a cycle`);
      done.set(ready.id.value, await this.runJob(frame, ready, done));
    }
    return done;
  }

  private async runJob(frame: Frame, job: TemplateJob, done: Map<string, JobEnd>): Promise<JobEnd> {
    const id = job.id.value;
    const where = `${path.basename(frame.workflow.file)} › ${frame.addressPrefix}${id}`;
    const needs = Object.fromEntries((job.needs ?? []).map((need) => [need.value, done.get(need.value)!]));
    const needResults = Object.values(needs).map((need) => need.result);
    const status: Status = {
      failed: needResults.some((result) => result === 'failure' || result === 'cancelled'),
      notSucceeded: needResults.some((result) => result !== 'success'),
      cancelled: false,
    };
    const contexts: Contexts = { github: frame.githubBase, needs, inputs: frame.inputs, vars: frame.repository.vars ?? {} };
    const runs = condition(job.if.expression, contexts, status, where);
    const record = (result: Result, name: string, outputs: Record<string, string> = {}): void => {
      frame.end.jobs.set(`${path.basename(frame.workflow.file)} › ${frame.addressPrefix}${id}`, result);
      frame.end.outputs.set(`${path.basename(frame.workflow.file)} › ${frame.addressPrefix}${id}`, outputs);
      if (result === 'skipped') this.world.log.line(`– ${where} (${name}): skipped, its if: is false (${job.if.expression})`);
    };
    const displayName = (matrix: Record<string, unknown>): string => {
      const named = job.name ? asString(evaluateToken(job.name, { ...contexts, matrix }, status, `${where} name`)) : id;
      const values = Object.values(matrix).filter((value) => typeof value !== 'object');
      return `${frame.namePrefix}${named}${!job.name && values.length ? ` (${values.map(asString).join(', ')})` : ''}`;
    };
    if (!runs) {
      record('skipped', displayName({}));
      return { result: 'skipped', outputs: {} };
    }
    const strategy = evaluateToken(job.strategy, { ...contexts, secrets: {} }, status, `${where} strategy`);
    const combos = matrixCombinations(strategy, where);
    let result: Result = 'success';
    let outputs: Record<string, string> = {};
    for (const matrix of combos) {
      const name = displayName(matrix);
      // A whole workflow, a job, or one leg of a job's matrix (`file › job (value, …)`, the matrix's scalar values).
      const leg = Object.values(matrix).filter((value) => typeof value !== 'object');
      const notRun =
        this.world.notRunHere?.[frame.workflow.file] ??
        this.world.notRunHere?.[`${frame.workflow.file} › ${id}`] ??
        (leg.length ? this.world.notRunHere?.[`${frame.workflow.file} › ${id} (${leg.map(asString).join(', ')})`] : undefined);
      let end: JobEnd;
      if (notRun) end = this.recordNotRun(frame, job, name, notRun);
      else if (job.type === 'reusableWorkflowJob') end = await this.callWorkflow(frame, job, { ...contexts, matrix, strategy: {} }, status, name);
      else end = await this.runStepsJob(frame, job, { ...contexts, matrix, strategy: {} }, name);
      if (end.result === 'failure') result = 'failure';
      outputs = { ...outputs, ...end.outputs };
    }
    record(result, displayName({}), outputs);
    return { result, outputs };
  }

  /** A workflow or job this machine cannot run: its jobs recorded as passed check runs, with the reason printed. */
  private recordNotRun(frame: Frame, job: TemplateJob, name: string, reason: string): JobEnd {
    const names: string[] = [];
    const collect = async (): Promise<void> => {};
    void collect;
    names.push(name);
    // A job of this run (listed by GET …/actions/runs/{run_id}/jobs, its check run on the commit), completed as passed.
    this.world.github.startJob(frame.repository.fullName, frame.runId, checkSha(frame), name, 'not run here')('success');
    this.world.log.line(`– ${name} (${path.basename(frame.workflow.file)} › ${job.id.value}): not run here (${reason}); recorded as a passed check run`);
    return { result: 'success', outputs: {} };
  }

  private async callWorkflow(frame: Frame, job: ReusableWorkflowJob, contexts: Contexts, status: Status, name: string): Promise<JobEnd> {
    const where = `${path.basename(frame.workflow.file)} › ${job.id.value}`;
    const callee = await loadWorkflow(calledWorkflowFile(frame.workflow.file, job.ref.value));
    const call = callee.template.events.workflow_call ?? {};
    const given = (evaluateToken(job['input-values'], contexts, status, `${where} with`) ?? {}) as Record<string, unknown>;
    const inputs: Record<string, unknown> = {};
    for (const [input, definition] of Object.entries(call.inputs ?? {})) {
      let value = input in given ? given[input] : definition.default;
      if (value === undefined && definition.required) throw new Error(`${where}: ${callee.file} requires input ${input}`);
      if (typeof value === 'object' && value !== null)
        value = evaluateToken(value as never, { github: frame.githubBase, inputs: {} }, status, `${callee.file} default of ${input}`);
      if (definition.type === 'boolean') value = value === true || value === 'true';
      else if ((definition.type as string) === 'number' && value !== undefined) value = Number(value);
      inputs[input] = value ?? (definition.type === 'boolean' ? false : '');
    }
    for (const input of Object.keys(given)) if (!(input in (call.inputs ?? {}))) throw new Error(`${where}: ${callee.file} has no input ${input}`);
    const secrets = job['inherit-secrets']
      ? { ...frame.secrets }
      : Object.fromEntries(
          Object.entries(
            (evaluateToken(job['secret-values'], { ...contexts, secrets: frame.secrets }, status, `${where} secrets`) ?? {}) as Record<string, unknown>,
          ).map(([key, value]) => [key, asString(value)]),
        );
    for (const [secret, definition] of Object.entries(call.secrets ?? {}))
      if (definition.required && !secrets[secret]) throw new Error(`${where}: ${callee.file} requires secret ${secret}`);
    const ceiling = cap(
      permissionMap(frame.workflow.raw.jobs[job.id.value]?.permissions ?? frame.workflow.raw.permissions, DEFAULT_PERMISSIONS),
      frame.ceiling,
    );
    const calleeEnds = await this.runJobs({
      ...frame,
      workflow: callee,
      inputs,
      secrets,
      ceiling,
      namePrefix: `${name} / `,
      addressPrefix: `${frame.addressPrefix}${job.id.value} › `,
    });
    const jobsContext = Object.fromEntries([...calleeEnds].map(([key, value]) => [key, value]));
    const declared = ((callee.raw.on as { workflow_call?: { outputs?: Record<string, { value?: string }> } } | undefined)?.workflow_call?.outputs ??
      {}) as Record<string, { value?: string }>;
    const outputs = Object.fromEntries(
      Object.entries(declared).map(([output, { value }]) => [
        output,
        interpolate(value ?? '', { github: frame.githubBase, jobs: jobsContext, inputs }, status, `${callee.file} output ${output}`),
      ]),
    );
    const failed = [...calleeEnds.values()].some((end) => end.result === 'failure');
    return { result: failed ? 'failure' : 'success', outputs };
  }

  private async runStepsJob(frame: Frame, job: TemplateRunJob, jobContexts: Contexts, name: string): Promise<JobEnd> {
    const { log, github } = this.world;
    const id = job.id.value;
    const file = path.basename(frame.workflow.file);
    const where = `${file} › ${id}`;
    const permissions = cap(permissionMap(frame.workflow.raw.jobs[id]?.permissions ?? frame.workflow.raw.permissions, DEFAULT_PERMISSIONS), frame.ceiling);
    const token = github.jobToken(permissions);
    const labels = asString(evaluateToken(job['runs-on'], jobContexts, { failed: false, cancelled: false }, `${where} runs-on`))
      .replace(/[[\]"\n]/g, ' ')
      .split(/[\s,]+/)
      .filter(Boolean);
    const runnerDirectory = await this.world.runner();
    const workspace = path.join(runnerDirectory, 'workspace');
    const temp = path.join(runnerDirectory, 'temp');
    await mkdir(workspace, { recursive: true });
    await mkdir(temp, { recursive: true });
    const runnerName = `GitHub Actions ${frame.runId.slice(-4)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const sha = String(frame.githubBase['sha']);
    const finish = github.startJob(frame.repository.fullName, frame.runId, checkSha(frame), name, runnerName);
    const githubContext = { ...frame.githubBase, job: id, token, workspace, action: '' };
    const status0: Status = { failed: false, cancelled: false, workspace };
    const base: Contexts = {
      ...jobContexts,
      github: githubContext,
      secrets: { ...frame.secrets, GITHUB_TOKEN: token },
      runner: { temp, os: 'Linux', arch: 'X64', name: runnerName },
    };
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries((evaluateToken(frame.workflow.template.env, base, status0, `${file} env`) ?? {}) as Record<string, unknown>))
      env[key] = asString(value);
    for (const [key, value] of Object.entries((evaluateToken(job.env, { ...base, env }, status0, `${where} env`) ?? {}) as Record<string, unknown>))
      env[key] = asString(value);
    const environmentName = job.environment
      ? asString((evaluateToken(job.environment, { ...base, env }, status0, `${where} environment`) as { name?: unknown } | string | null) ?? '')
      : '';
    const environment = environmentName.startsWith('{') ? String((JSON.parse(environmentName) as { name?: string }).name ?? '') : environmentName;
    const eventPath = path.join(temp, '..', 'event.json');
    await writeFile(eventPath, JSON.stringify(frame.event.payload, null, 2));
    const idTokenEnv =
      permissions['id-token'] === 'write' && this.world.idToken
        ? this.world.idToken({
            sub: `repo:${frame.repository.fullName}:${environment ? `environment:${environment}` : `ref:${String(frame.githubBase['ref'])}`}`,
            repository: frame.repository.fullName,
            repository_owner: frame.repository.fullName.split('/')[0]!,
            ref: String(frame.githubBase['ref']),
            ref_type: String(frame.githubBase['ref_type']),
            sha,
            environment,
            event_name: frame.event.name,
            workflow_ref: String(frame.githubBase['workflow_ref']),
            job_workflow_ref: `${frame.repository.fullName}/${frame.workflow.path}@${String(frame.githubBase['ref'])}`,
            job_workflow_sha: sha,
          })
        : {};
    const runnerEnv: Record<string, string> = {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: frame.repository.fullName,
      GITHUB_REPOSITORY_OWNER: frame.repository.fullName.split('/')[0]!,
      GITHUB_EVENT_NAME: frame.event.name,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REF: String(frame.githubBase['ref']),
      GITHUB_REF_NAME: String(frame.githubBase['ref_name']),
      GITHUB_REF_TYPE: String(frame.githubBase['ref_type']),
      GITHUB_SHA: sha,
      GITHUB_HEAD_REF: String(frame.githubBase['head_ref']),
      GITHUB_BASE_REF: String(frame.githubBase['base_ref']),
      GITHUB_ACTOR: String(frame.githubBase['actor']),
      GITHUB_WORKFLOW: frame.top.name,
      GITHUB_WORKFLOW_REF: String(frame.githubBase['workflow_ref']),
      GITHUB_RUN_ID: frame.runId,
      GITHUB_RUN_NUMBER: String(frame.githubBase['run_number']),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: id,
      GITHUB_WORKSPACE: workspace,
      RUNNER_NAME: runnerName,
      RUNNER_TEMP: temp,
      RUNNER_OS: 'Linux',
      ...this.world.standInEnv(labels),
      ...idTokenEnv,
    };
    const extraPath: string[] = [];
    const steps: Record<string, { outputs: Record<string, string>; outcome: Result; conclusion: Result }> = {};
    let failed = false;
    /** The post steps of the actions whose main step ran, run after the last step in reverse order (the runner's "Post" steps). */
    const posts: PostStep[] = [];
    for (const [index, step] of job.steps.entries()) {
      const explicitId = step.id.startsWith('__') ? undefined : step.id;
      const stepWhere = `${where}${explicitId ? ` › ${explicitId}` : ` › step ${index + 1}`}`;
      const stepKey = `${file} › ${frame.addressPrefix}${id} › ${explicitId ?? `step ${index + 1}`}`;
      const status: Status = { failed, cancelled: false, workspace };
      const contexts: Contexts = { ...base, env, steps, job: { status: failed ? 'failure' : 'success' } };
      const stepIf = (step as { if?: { expression: string } }).if?.expression ?? 'success()';
      const title = step.name
        ? asString(evaluateToken(step.name, contexts, status, `${stepWhere} name`))
        : 'uses' in step
          ? `Run ${step.uses.value}`
          : 'run' in step
            ? `Run ${String(step.run.toString()).split('\n')[0]}`
            : step.id;
      if (!condition(stepIf, contexts, status, stepWhere)) {
        log.line(`– ${title} (${stepWhere}): skipped, its if: is false`);
        frame.end.steps.set(stepKey, 'skipped');
        if (explicitId) steps[explicitId] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        continue;
      }
      const stepEnv = { ...env };
      if ('env' in step && step.env)
        for (const [key, value] of Object.entries((evaluateToken(step.env, contexts, status, `${stepWhere} env`) ?? {}) as Record<string, unknown>))
          stepEnv[key] = asString(value);
      const continueOnError =
        'continue-on-error' in step && step['continue-on-error'] !== undefined
          ? asString(
              typeof step['continue-on-error'] === 'boolean'
                ? step['continue-on-error']
                : evaluateToken(step['continue-on-error'], contexts, status, stepWhere),
            ) === 'true'
          : false;
      let outcome: { ok: boolean; outputs: Record<string, string> };
      try {
        if ('uses' in step)
          outcome = await this.usesStep(step, stepToken(frame.workflow, id, index, 'with'), {
            contexts,
            status,
            stepWhere,
            title,
            env: { ...runnerEnv, ...stepEnv },
            workspace,
            runnerDirectory,
            token,
            frame,
            extraPath,
            addEnv: (key, value) => (env[key] = value),
            // Queued as soon as the main step ran, whatever it ended with: post-if decides.
            addPost: (post) => posts.push(post),
          });
        else if ('run' in step)
          outcome = await this.runStep(step, stepToken(frame.workflow, id, index, 'working-directory'), {
            contexts,
            status,
            stepWhere,
            title,
            env: { ...runnerEnv, ...stepEnv },
            workspace,
            runnerDirectory,
            temp,
            extraPath,
            addEnv: (key, value) => (env[key] = value),
          });
        else throw new Error(`${stepWhere}: a step neither uses nor runs`);
      } catch (error) {
        // A stand-in or a step that failed: the step fails, as on GitHub; a rehearsal that cannot go on stops.
        if (error instanceof RehearsalStop) throw error;
        if (!/^step \d+ \(/.test((error as Error).message)) log.line(`      ${(error as Error).message}`);
        outcome = { ok: false, outputs: {} };
      }
      const stepOutcome: Result = outcome.ok ? 'success' : 'failure';
      frame.end.steps.set(stepKey, stepOutcome);
      if (!outcome.ok && !continueOnError) {
        failed = true;
        frame.end.failures.push(`${frame.workflow.file} › ${frame.addressPrefix}${id} › ${explicitId ?? `step ${index + 1}`} (${title}) failed`);
      }
      if (explicitId) steps[explicitId] = { outputs: outcome.outputs, outcome: stepOutcome, conclusion: continueOnError ? 'success' : stepOutcome };
    }
    for (const post of posts.reverse()) {
      const status: Status = { failed, cancelled: false, workspace };
      if (!condition(post.if, { ...base, env, steps, job: { status: failed ? 'failure' : 'success' } }, status, `${post.what} post-if`)) {
        log.line(`– ${post.title} (${post.what}): skipped, its post-if is false`);
        continue;
      }
      try {
        await log.step(post.title, post.what, async () => ({ value: undefined, lines: (await post.run()).lines ?? [] }));
      } catch (error) {
        // A failed post step fails the job, as on GitHub.
        log.line(`      ${(error as Error).message}`);
        failed = true;
        frame.end.failures.push(`${frame.workflow.file} › ${frame.addressPrefix}${id} › ${post.title} failed`);
      }
    }
    const finalContexts: Contexts = { ...base, env, steps };
    const outputs = Object.fromEntries(
      Object.entries((evaluateToken(job.outputs, finalContexts, { failed, cancelled: false }, `${where} outputs`) ?? {}) as Record<string, unknown>).map(
        ([key, value]) => [key, asString(value)],
      ),
    );
    finish(failed ? 'failure' : 'success');
    return { result: failed ? 'failure' : 'success', outputs };
  }

  private async usesStep(
    step: Step & { uses: { value: string } },
    withToken: TemplateToken | undefined,
    options: {
      contexts: Contexts;
      status: Status;
      stepWhere: string;
      title: string;
      env: Record<string, string>;
      workspace: string;
      runnerDirectory: string;
      token: string;
      frame: Frame;
      extraPath: string[];
      addEnv: (key: string, value: string) => void;
      addPost: (post: PostStep) => void;
    },
  ): Promise<{ ok: boolean; outputs: Record<string, string> }> {
    const uses = step.uses.value;
    const given = Object.fromEntries(
      Object.entries((evaluateToken(withToken, options.contexts, options.status, `${options.stepWhere} with`) ?? {}) as Record<string, unknown>).map(
        ([key, value]) => [key, asString(value)],
      ),
    );
    const action = ourActionName(uses);
    if (action) {
      const metadata = parse(await readFile(path.join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8')) as {
        inputs?: Record<string, { default?: string }>;
        runs?: { post?: string; 'post-if'?: string };
      };
      const inputs: Record<string, string> = {};
      for (const [name, input] of Object.entries(metadata.inputs ?? {}))
        if (typeof input.default === 'string' && input.default.includes('${{'))
          inputs[name] = interpolate(input.default, options.contexts, options.status, `${action} default of ${name}`);
      Object.assign(inputs, given);
      const services = this.world.serviceInputs?.(action) ?? {};
      const serviceEnv = this.world.serviceEnv?.(action) ?? {};
      const bundleOptions = {
        inputs: { ...inputs, ...services },
        env: { ...options.env, ...serviceEnv, PATH: [...options.extraPath, this.world.bin, process.env['PATH'] ?? ''].join(':') },
        workspace: options.workspace,
        runnerDirectory: options.runnerDirectory,
        timeoutSeconds: 300,
      };
      return this.world.log.step(options.title, `${action} · ${options.stepWhere}`, async () => {
        const run = await runBundle(action, bundleOptions);
        // runs.post: the same bundle again once the job's steps are done, with the state the main step saved (STATE_*).
        if (metadata.runs?.post)
          options.addPost({
            title: `Post ${options.title}`,
            what: `${action} post · ${options.stepWhere}`,
            if: metadata.runs['post-if'] ?? 'always()',
            run: async () => {
              const after = await runBundle(action, { ...bundleOptions, postState: run.state });
              const failure = after.errors.join(' | ') || after.stderr.trim().split('\n').slice(-3).join(' ');
              if (after.code !== 0) throw new Error(`${action}'s post step failed: ${failure}`);
              return { lines: after.warnings.map((warning) => `warning: ${warning}`) };
            },
          });
        const lines = [
          ...(Object.keys(services).length ? [`stand-ins: ${Object.keys(services).join(', ')}`] : []),
          ...outputLines(run.outputs),
          ...run.warnings.map((warning) => `warning: ${warning}`),
        ];
        const failure = run.errors.join(' | ') || run.stderr.trim().split('\n').slice(-3).join(' ') || run.stdout.trim().split('\n').slice(-3).join(' ');
        return {
          value: { ok: run.code === 0, outputs: run.outputs },
          lines: run.code === 0 ? lines : [...lines, ...failure.split('\n')],
          ok: run.code === 0,
          failure,
        };
      });
    }
    let found: ReturnType<typeof findStandIn>;
    try {
      found = findStandIn(uses, options.stepWhere);
    } catch (error) {
      throw new RehearsalStop((error as Error).message);
    }
    const { name, standIn } = found;
    return this.world.log.step(options.title, `stand-in for ${name} · ${options.stepWhere}`, async () => {
      const result = await standIn.run({
        with: given,
        workspace: options.workspace,
        runnerDirectory: options.runnerDirectory,
        token: options.token,
        github: { repository: options.frame.repository.fullName, sha: String(options.frame.githubBase['sha']), ref: String(options.frame.githubBase['ref']) },
        apiUrl: this.world.github.url,
        cloneUrl: (repository) => this.world.github.cloneUrl(repository),
        artifacts: options.frame.artifacts,
        addPath: (directory) => options.extraPath.unshift(directory),
        addEnv: options.addEnv,
        env: options.env,
      });
      if (result.post)
        options.addPost({ title: `Post ${options.title}`, what: `stand-in for ${name} post · ${options.stepWhere}`, if: 'always()', run: result.post });
      return { value: { ok: true, outputs: result.outputs ?? {} }, lines: [`instead: ${result.instead ?? standIn.instead}`, ...(result.lines ?? [])] };
    });
  }

  private async runStep(
    step: Step & { run: { toString(): string } },
    workingDirectoryToken: TemplateToken | undefined,
    options: {
      contexts: Contexts;
      status: Status;
      stepWhere: string;
      title: string;
      env: Record<string, string>;
      workspace: string;
      runnerDirectory: string;
      temp: string;
      extraPath: string[];
      addEnv: (key: string, value: string) => void;
    },
  ): Promise<{ ok: boolean; outputs: Record<string, string> }> {
    const runToken = (step as unknown as { run: never }).run;
    const script = asString(evaluateToken(runToken, options.contexts, options.status, `${options.stepWhere} run`));
    const workingDirectory = asString(evaluateToken(workingDirectoryToken, options.contexts, options.status, `${options.stepWhere} working-directory`) ?? '');
    const files = Object.fromEntries(['output', 'summary', 'env', 'path'].map((name) => [name, path.join(options.runnerDirectory, `run-${name}`)]));
    for (const file of Object.values(files)) await writeFile(file, '');
    const scriptFile = path.join(options.temp, `step-${Date.now()}.sh`);
    await writeFile(scriptFile, script);
    const cwd = path.resolve(options.workspace, workingDirectory);
    return this.world.log.step(options.title, `run · ${options.stepWhere}`, async () => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
        cwd,
        env: {
          HOME: process.env['HOME'] ?? '/root',
          ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
          ...options.env,
          PATH: [...options.extraPath, this.world.bin, process.env['PATH'] ?? ''].join(':'),
          GITHUB_OUTPUT: files['output']!,
          GITHUB_STEP_SUMMARY: files['summary']!,
          GITHUB_ENV: files['env']!,
          GITHUB_PATH: files['path']!,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? 1)));
      const outputs = parseCommandFile(await readFile(files['output']!, 'utf8'));
      for (const [key, value] of Object.entries(parseCommandFile(await readFile(files['env']!, 'utf8')))) options.addEnv(key, value);
      for (const line of (await readFile(files['path']!, 'utf8')).split('\n').filter(Boolean)) options.extraPath.unshift(line);
      // ::add-mask::<value> (workflow commands): the command is not printed, and the value is *** in the step's later lines.
      const masks = stdout.split('\n').flatMap((line) => /^::add-mask::(.+)$/.exec(line.trim())?.[1] ?? []);
      const printed = stdout
        .trim()
        .split('\n')
        .filter((line) => line && !line.trim().startsWith('::add-mask::'))
        .map((line) => `| ${masks.reduce((text, mask) => text.split(mask).join('***'), line)}`);
      const lines = [...printed, ...outputLines(outputs)];
      const failure = stderr.trim().split('\n').slice(-3).join(' ');
      return { value: { ok: code === 0, outputs }, lines: code === 0 ? lines : [...lines, ...stderr.trim().split('\n')], ok: code === 0, failure };
    });
  }
}

/** The commit a run's check runs go on: a pull request's head commit for its events (not the merge ref's commit), else GITHUB_SHA. */
function checkSha(frame: { event: WebhookEvent; githubBase: Record<string, unknown> }): string {
  const pull = frame.event.payload['pull_request'] as { head: { sha: string } } | undefined;
  return pull ? pull.head.sha : String(frame.githubBase['sha']);
}

function outputLines(outputs: Record<string, string>): string[] {
  return Object.entries(outputs).map(([name, value]) => {
    const flat = value.replace(/\s*\n\s*/g, ' ');
    return `${name.padEnd(18)} ${flat.length > 150 ? `${flat.slice(0, 147)}...` : flat}`;
  });
}
