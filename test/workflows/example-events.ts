// The example workflows under events, as GitHub decides them: webhook events shaped as GitHub sends them
// (docs.github.com, "Webhook events and payloads"), each workflow's `on:` matched by the rehearsal's engine
// (scripts/rehearse/engine/events.ts), and each job's `if:` evaluated by GitHub's own evaluator
// (@actions/expressions, through engine/expressions.ts) on the workflow as GitHub's parser converts it
// (@actions/workflow-parser, engine/workflows.ts), in the order `needs` gives. Nothing runs: a job that
// runs is taken to succeed with the outputs a test gives it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import { whyNot, type WebhookEvent } from '../../scripts/rehearse/engine/events.js';
import { condition, evaluateToken, type Contexts } from '../../scripts/rehearse/engine/expressions.js';
import { githubContext } from '../../scripts/rehearse/engine/runner.js';
import { calledWorkflowFile, loadWorkflow, type LoadedWorkflow } from '../../scripts/rehearse/engine/workflows.js';
import { EXAMPLES_DIRECTORY, exampleWorkflowFiles } from './workflow-facts.js';

export const WRAPPER = 'ThePorgs/Exegol';
export const IMAGES = 'ThePorgs/Exegol-images';

const SHA = (character: string): string => character.repeat(40);

function repositoryPayload(fullName: string, fork = false): Record<string, unknown> {
  const [owner, name] = fullName.split('/') as [string, string];
  return { id: fullName.length, name, full_name: fullName, private: false, fork, owner: { login: owner, type: 'Organization' }, default_branch: 'main' };
}

const sender = (login: string): Record<string, unknown> => ({ login, type: 'User' });

/** A push of `ref` (refs/heads/… or refs/tags/…) by `login` (GitHub's `push` payload). */
export function push(repository: string, ref: string, options: { login?: string; changedFiles?: string[]; byGithubToken?: boolean } = {}): WebhookEvent {
  return {
    name: 'push',
    byGithubToken: options.byGithubToken,
    changedFiles: options.changedFiles ?? ['README.md'],
    payload: {
      ref,
      before: SHA('0'),
      after: SHA('a'),
      created: true,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/${repository}/compare/${ref}`,
      commits: [],
      head_commit: null,
      repository: repositoryPayload(repository),
      pusher: { name: options.login ?? 'maintainer-alice' },
      sender: sender(options.login ?? 'maintainer-alice'),
    },
  };
}

/** What a pull request is: its title, base and head branches, state, and where its head lives. */
export interface PullRequestFields {
  readonly title?: string;
  readonly base?: string;
  readonly head?: string;
  readonly merged?: boolean;
  readonly draft?: boolean;
  /** Its head in a fork (`someone/<name>`), not in the repository itself. */
  readonly fork?: boolean;
  /** Who opened it (`pull_request.user.login`): maintainer-alice, or `someone` for a fork. */
  readonly author?: string;
  /** Who caused the event (`sender.login`, the `github.actor`): its author unless said otherwise. */
  readonly sender?: string;
}

const authorOf = (fields: PullRequestFields): string => fields.author ?? (fields.fork ? 'someone' : 'maintainer-alice');

function pullRequestPayload(repository: string, fields: PullRequestFields): Record<string, unknown> {
  const headRepository = fields.fork ? `someone/${repository.split('/')[1]}` : repository;
  const merged = fields.merged ?? false;
  return {
    number: 7,
    title: fields.title ?? 'Release 5.1.5',
    body: 'The release notes',
    state: merged ? 'closed' : 'open',
    draft: fields.draft ?? false,
    merged,
    merge_commit_sha: merged ? SHA('d') : null,
    user: sender(authorOf(fields)),
    base: { ref: fields.base ?? 'master', sha: SHA('b'), repo: repositoryPayload(repository) },
    head: { ref: fields.head ?? 'dev', sha: SHA('c'), repo: repositoryPayload(headRepository, fields.fork ?? false) },
  };
}

/**
 * A `pull_request` event of `action` (GitHub's payload); `changes` for `edited` (what was edited, e.g.
 * `{ title: { from: 'Old' } }`: GitHub sends only the fields that changed).
 */
export function pullRequest(repository: string, action: string, fields: PullRequestFields = {}, changes?: Record<string, { from: string }>): WebhookEvent {
  return {
    name: 'pull_request',
    changedFiles: ['README.md'],
    payload: {
      action,
      number: 7,
      pull_request: pullRequestPayload(repository, fields),
      ...(changes ? { changes } : {}),
      repository: repositoryPayload(repository),
      sender: sender(fields.sender ?? authorOf(fields)),
    },
  };
}

/** A `pull_request_review` event (`submitted`, review `state` approved by default) by another maintainer. */
export function review(repository: string, fields: PullRequestFields = {}, state = 'approved'): WebhookEvent {
  return {
    name: 'pull_request_review',
    payload: {
      action: 'submitted',
      review: { id: 1, state, commit_id: SHA('c'), user: sender('maintainer-bob') },
      pull_request: pullRequestPayload(repository, fields),
      repository: repositoryPayload(repository),
      sender: sender('maintainer-bob'),
    },
  };
}

/** A `workflow_dispatch` of `workflow` (its file name) on `ref`, with `inputs` (GitHub's payload). */
export function workflowDispatch(repository: string, workflow: string, inputs: Record<string, unknown> = {}, ref = 'refs/heads/dev'): WebhookEvent {
  return {
    name: 'workflow_dispatch',
    payload: { inputs, ref, workflow: `.github/workflows/${workflow}`, repository: repositoryPayload(repository), sender: sender('maintainer-alice') },
  };
}

/** A `repository_dispatch` of `type` (its payload's `action`) with `client_payload`, sent with a token. */
export function repositoryDispatch(repository: string, type: string, clientPayload: Record<string, unknown> = {}): WebhookEvent {
  return {
    name: 'repository_dispatch',
    payload: { action: type, branch: 'main', client_payload: clientPayload, repository: repositoryPayload(repository), sender: sender('exegol-bot') },
  };
}

/** An `issue_comment` event `created` with `body` on pull request 7 (an issue with `pull_request`), by `login`. */
export function pullRequestComment(repository: string, body: string, login = 'someone', association = 'NONE'): WebhookEvent {
  return {
    name: 'issue_comment',
    payload: {
      action: 'created',
      issue: { number: 7, title: 'Fix a typo', pull_request: { url: `https://api.github.com/repos/${repository}/pulls/7` } },
      comment: { id: 1, body, author_association: association, user: sender(login) },
      repository: repositoryPayload(repository),
      sender: sender(login),
    },
  };
}

/** Why `file` does not start on `event`, or undefined when it starts (engine/events.ts's whyNot). */
export async function whyNotStarted(file: string, event: WebhookEvent): Promise<string | undefined> {
  return whyNot((await loadWorkflow(file)).template, event);
}

/** Whether `file`'s `on:` starts it on `event`. */
export const starts = async (file: string, event: WebhookEvent): Promise<boolean> => (await whyNotStarted(file, event)) === undefined;

/** How a job ends in a plan: `run` (taken to succeed) or `skipped` (its if: false). */
export type Planned = 'run' | 'skipped';

/** A workflow's jobs under an event: each job (a called workflow's as `caller › job`) and the inputs each call passes. */
export interface Plan {
  /** Why the workflow does not start, or undefined. */
  readonly notStarted?: string;
  readonly jobs: Record<string, Planned>;
  /** The inputs each reusable workflow call (`caller`, or `caller › job`) passes, evaluated. */
  readonly inputs: Record<string, Record<string, unknown>>;
}

/** What the jobs that run are taken to end with: outputs by job (`job` or `caller › job`), a result other than success. */
export interface Assumed {
  readonly outputs?: Record<string, Record<string, string>>;
  readonly results?: Record<string, 'success' | 'failure'>;
  /** Repository variables (`vars`). */
  readonly vars?: Record<string, string>;
}

/**
 * The example a `uses: ./.github/workflows/<name>` stands for: beside the caller, or else the one example of
 * that name (the pipelines repository calls the images' reusable workflows, copied into it).
 */
function calledFile(callerFile: string, reference: string): string {
  const beside = calledWorkflowFile(callerFile, reference);
  if (existsSync(path.join(EXAMPLES_DIRECTORY, beside))) return beside;
  const named = exampleWorkflowFiles().filter((file) => path.basename(file) === path.basename(beside));
  if (named.length !== 1) throw new Error(`${callerFile}: uses: ${reference}: ${named.length} examples of that name`);
  return named[0]!;
}

interface JobEnd {
  result: string;
  outputs: Record<string, string>;
}

/** A workflow as GitHub's parser converts it, and where it is (relative to workflows-examples/, for the workflows it calls). */
export type ParsedWorkflow = Pick<LoadedWorkflow, 'file' | 'template'> & { readonly name?: string };

async function planJobs(
  workflow: ParsedWorkflow,
  github: Record<string, unknown>,
  inputs: Record<string, unknown>,
  prefix: string,
  assumed: Assumed,
  plan: { jobs: Record<string, Planned>; inputs: Record<string, Record<string, unknown>> },
): Promise<Map<string, JobEnd>> {
  const jobs: WorkflowJob[] = workflow.template.jobs;
  const done = new Map<string, JobEnd>();
  while (done.size < jobs.length) {
    const job = jobs.find((candidate) => !done.has(candidate.id.value) && (candidate.needs ?? []).every((need) => done.has(need.value)));
    if (!job) throw new Error(`${workflow.file}: the jobs' needs form a cycle`);
    const key = `${prefix}${job.id.value}`;
    const needs = Object.fromEntries((job.needs ?? []).map((need) => [need.value, done.get(need.value)!]));
    const results = Object.values(needs).map((need) => need.result);
    const status = {
      failed: results.some((result) => result === 'failure' || result === 'cancelled'),
      notSucceeded: results.some((result) => result !== 'success'),
      cancelled: false,
    };
    const contexts: Contexts = { github, needs, inputs, vars: assumed.vars ?? {} };
    if (!condition(job.if.expression, contexts, status, `${workflow.file} › ${key}`)) {
      plan.jobs[key] = 'skipped';
      done.set(job.id.value, { result: 'skipped', outputs: {} });
      continue;
    }
    plan.jobs[key] = 'run';
    let outputs = assumed.outputs?.[key] ?? {};
    if (job.type === 'reusableWorkflowJob') {
      const callee = await loadWorkflow(calledFile(workflow.file, job.ref.value));
      // A matrix job's inputs are read once, for no combination (matrix values null).
      const given = (evaluateToken(job['input-values'], { ...contexts, matrix: {}, strategy: {} }, status, `${workflow.file} › ${key} with`) ?? {}) as Record<
        string,
        unknown
      >;
      const calleeInputs: Record<string, unknown> = {};
      for (const [input, definition] of Object.entries(callee.template.events.workflow_call?.inputs ?? {}))
        calleeInputs[input] = input in given ? given[input] : typeof definition.default === 'object' ? undefined : definition.default;
      plan.inputs[key] = calleeInputs;
      await planJobs(callee, github, calleeInputs, `${key} › `, assumed, plan);
      outputs = assumed.outputs?.[key] ?? outputs;
    }
    done.set(job.id.value, { result: assumed.results?.[key] ?? 'success', outputs });
  }
  return done;
}

/**
 * Which jobs of example `file` run on `event` in `repository`, each `if:` under its needs' results and
 * outputs (a job that runs succeeds with `assumed.outputs[job]`, or ends with `assumed.results[job]`),
 * reusable workflows called with their evaluated inputs, as GitHub's runner decides them.
 */
export async function plan(file: string, repository: string, event: WebhookEvent, assumed: Assumed = {}): Promise<Plan> {
  return planWorkflow(await loadWorkflow(file), repository, event, assumed);
}

/** {@link plan} for a workflow already parsed (one of this repository's own, or a workflow written in a test). */
export async function planWorkflow(workflow: ParsedWorkflow, repository: string, event: WebhookEvent, assumed: Assumed = {}): Promise<Plan> {
  const notStarted = whyNot(workflow.template, event);
  const result = { jobs: {} as Record<string, Planned>, inputs: {} as Record<string, Record<string, unknown>> };
  if (notStarted !== undefined) return { notStarted, ...result };
  const github = { ...githubContext(repository, event, 'https://api.github.com'), workflow: workflow.name ?? workflow.file, run_number: '42', run_id: '4242' };
  await planJobs(workflow, github, {}, '', assumed, result);
  return result;
}

/** The jobs of a plan that run, sorted. */
export const running = (planned: Plan): string[] =>
  Object.entries(planned.jobs)
    .filter(([, end]) => end === 'run')
    .map(([job]) => job)
    .sort();
