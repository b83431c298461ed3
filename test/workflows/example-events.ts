// The example workflows under events, as GitHub decides them: webhook events shaped as GitHub sends them
// (docs.github.com, "Webhook events and payloads"), each workflow's `on:` matched by the rehearsal's engine
// (scripts/rehearse/engine/events.ts), and each job's `if:` evaluated by GitHub's own evaluator
// (@actions/expressions, through engine/expressions.ts) on the workflow as GitHub's parser converts it
// (@actions/workflow-parser, engine/workflows.ts), in the order `needs` gives. Nothing runs: a job that
// runs is taken to succeed with the outputs a test gives it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { WorkflowJob } from '@actions/workflow-parser/model/workflow-template';
import type { PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import { whyNot, type WebhookEvent } from '../../scripts/rehearse/engine/events.js';
import * as enginePayloads from '../../scripts/rehearse/engine/payloads.js';
import { reviewPayload, senderPayload, simplePullRequest } from '../../scripts/rehearse/engine/payloads.js';
import { assertWebhookPayload } from '../../scripts/rehearse/engine/webhook-schemas.js';
import { condition, evaluateToken, type Contexts } from '../../scripts/rehearse/engine/expressions.js';
import { githubContext } from '../../scripts/rehearse/engine/runner.js';
import { calledWorkflowFile, loadWorkflow, type LoadedWorkflow } from '../../scripts/rehearse/engine/workflows.js';
import { EXAMPLES_DIRECTORY, exampleWorkflowFiles } from './workflow-facts.js';

export const WRAPPER = 'ThePorgs/Exegol';
export const IMAGES = 'ThePorgs/Exegol-images';

const SHA = (character: string): string => character.repeat(40);

/** GitHub's published example payloads (@octokit/webhooks-examples), by event. */
const EXAMPLES = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

/** A copy of the first published example of `event` (with `action`), the base a payload below changes. */
function example(event: string, action?: string): Record<string, unknown> {
  const found = EXAMPLES.find((entry) => entry.name === event)?.examples.find((payload) => action === undefined || payload['action'] === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}${action ? ` (${action})` : ''} example`);
  return structuredClone(found);
}

/**
 * The event, once its payload is checked against GitHub's webhook schemas (engine/webhook-schemas.ts, as the
 * rehearsal checks its own): a test can only evaluate conditions under a payload GitHub could send.
 * @throws naming the event and the first schema error
 */
function checked(event: WebhookEvent): WebhookEvent {
  assertWebhookPayload(event);
  return event;
}

/** A repository of these examples (default branch main), or its fork owned by `someone`. */
function repositoryPayload(fullName: string, fork = false): Record<string, unknown> {
  const repository = enginePayloads.repositoryPayload(fullName, 'main');
  return fork ? { ...repository, fork: true, owner: senderPayload(fullName.split('/')[0]!) } : repository;
}

const sender = (login: string): Record<string, unknown> => senderPayload(login);

/** A push of `ref` (refs/heads/… or refs/tags/…) by `login` (GitHub's `push` payload). */
export function push(repository: string, ref: string, options: { login?: string; changedFiles?: string[]; byGithubToken?: boolean } = {}): WebhookEvent {
  const login = options.login ?? 'maintainer-alice';
  return checked({
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
      compare: `https://github.com/${repository}/compare/${ref.replace(/^refs\/(heads|tags)\//, '')}`,
      commits: [],
      head_commit: null,
      repository: repositoryPayload(repository),
      pusher: { name: login, email: `${login}@users.noreply.github.com` },
      sender: sender(login),
    },
  });
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

/** Pull request 7 of `repository`: GitHub's example pull request with these fields; closed (merged or not) when `closed` or merged. */
function pullRequestPayload(repository: string, fields: PullRequestFields, closed = false): Record<string, unknown> {
  const published = example('pull_request', 'opened')['pull_request'] as Record<string, Record<string, unknown>>;
  const headRepository = fields.fork ? `someone/${repository.split('/')[1]}` : repository;
  const merged = fields.merged ?? false;
  const at = '2026-12-01T10:00:00Z';
  const api = `https://api.github.com/repos/${repository}`;
  const html = `https://github.com/${repository}/pull/7`;
  const side = (fullName: string, ref: string, sha: string, fork: boolean): Record<string, unknown> => ({
    label: `${fullName.split('/')[0]}:${ref}`,
    ref,
    sha,
    user: sender(fullName.split('/')[0]!),
    repo: repositoryPayload(fullName, fork),
  });
  return {
    ...published,
    url: `${api}/pulls/7`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/7`,
    commits_url: `${api}/pulls/7/commits`,
    review_comments_url: `${api}/pulls/7/comments`,
    comments_url: `${api}/issues/7/comments`,
    statuses_url: `${api}/statuses/${SHA('c')}`,
    number: 7,
    title: fields.title ?? 'Release 5.1.5',
    body: 'The release notes',
    state: merged || closed ? 'closed' : 'open',
    draft: fields.draft ?? false,
    merged,
    mergeable: merged ? null : true,
    merge_commit_sha: merged ? SHA('d') : null,
    merged_at: merged ? at : null,
    closed_at: merged || closed ? at : null,
    merged_by: merged ? sender('maintainer-bob') : null,
    // Fields the published example predates, which the schemas require.
    auto_merge: null,
    active_lock_reason: null,
    user: sender(authorOf(fields)),
    base: side(repository, fields.base ?? 'master', SHA('b'), false),
    head: side(headRepository, fields.head ?? 'dev', SHA('c'), fields.fork ?? false),
  };
}

/**
 * A `pull_request` event of `action` (GitHub's payload; `closed` closes it, merged or not); `changes` for
 * `edited` (what was edited, e.g. `{ title: { from: 'Old' } }`: GitHub sends only the fields that changed;
 * by default the body, as ticking a checklist edits it).
 */
export function pullRequest(repository: string, action: string, fields: PullRequestFields = {}, changes?: Record<string, { from: string }>): WebhookEvent {
  return checked({
    name: 'pull_request',
    changedFiles: ['README.md'],
    payload: {
      action,
      number: 7,
      pull_request: pullRequestPayload(repository, fields, action === 'closed'),
      ...(action === 'edited' ? { changes: changes ?? { body: { from: 'The release notes, checklist unticked' } } } : changes ? { changes } : {}),
      ...(action === 'synchronize' ? { before: SHA('e'), after: SHA('c') } : {}),
      repository: repositoryPayload(repository),
      sender: sender(fields.sender ?? authorOf(fields)),
    },
  });
}

/** A `pull_request_review` event (`submitted`, review `state` approved by default) by another maintainer. */
export function review(repository: string, fields: PullRequestFields = {}, state = 'approved'): WebhookEvent {
  const pull = pullRequestPayload(repository, fields) as PullRequest;
  return checked({
    name: 'pull_request_review',
    payload: {
      action: 'submitted',
      review: reviewPayload({ id: 1, state, commit_id: SHA('c'), author_association: 'MEMBER' }, pull, 'maintainer-bob'),
      pull_request: simplePullRequest(pull),
      repository: repositoryPayload(repository),
      sender: sender('maintainer-bob'),
    },
  });
}

/** A `workflow_dispatch` of `workflow` (its file name) on `ref`, with `inputs` (GitHub's payload). */
export function workflowDispatch(repository: string, workflow: string, inputs: Record<string, unknown> = {}, ref = 'refs/heads/dev'): WebhookEvent {
  return checked({
    name: 'workflow_dispatch',
    payload: { inputs, ref, workflow: `.github/workflows/${workflow}`, repository: repositoryPayload(repository), sender: sender('maintainer-alice') },
  });
}

/** A `repository_dispatch` of `type` (its payload's `action`) with `client_payload`, sent with a token. */
export function repositoryDispatch(repository: string, type: string, clientPayload: Record<string, unknown> = {}): WebhookEvent {
  return checked({
    name: 'repository_dispatch',
    payload: {
      action: type,
      branch: 'main',
      client_payload: clientPayload,
      repository: repositoryPayload(repository),
      sender: sender('exegol-bot'),
      installation: { id: 12345671, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMTIzNDU2NzE=' },
    },
  });
}

/** The `reactions` rollup of an issue or a comment nobody reacted to. */
const noReactions = (url: string): Record<string, unknown> => ({
  url,
  total_count: 0,
  '+1': 0,
  '-1': 0,
  laugh: 0,
  hooray: 0,
  confused: 0,
  heart: 0,
  rocket: 0,
  eyes: 0,
});

/** An `issue_comment` event `created` with `body` on pull request 7 (an issue with `pull_request`), by `login`. */
export function pullRequestComment(repository: string, body: string, login = 'someone', association = 'NONE'): WebhookEvent {
  const published = example('issue_comment', 'created') as Record<string, Record<string, unknown>>;
  const api = `https://api.github.com/repos/${repository}`;
  const html = `https://github.com/${repository}/pull/7`;
  return checked({
    name: 'issue_comment',
    payload: {
      action: 'created',
      issue: {
        ...published['issue'],
        url: `${api}/issues/7`,
        html_url: html,
        number: 7,
        title: 'Fix a typo',
        user: sender(login),
        // Fields the published example predates, which the schemas require.
        labels: [],
        active_lock_reason: null,
        reactions: noReactions(`${api}/issues/7/reactions`),
        pull_request: { url: `${api}/pulls/7`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: null },
      },
      comment: {
        ...published['comment'],
        id: 1,
        body,
        author_association: association,
        user: sender(login),
        issue_url: `${api}/issues/7`,
        performed_via_github_app: null,
        reactions: noReactions(`${api}/issues/comments/1/reactions`),
      },
      repository: repositoryPayload(repository),
      sender: sender(login),
    },
  });
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
