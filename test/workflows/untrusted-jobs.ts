// Which jobs a pull request from a fork (or its author, by editing, reviewing or commenting) can start, decided as
// GitHub decides them: the workflow read by GitHub's parser (@actions/workflow-parser), the events shaped as GitHub
// sends them for a fork's pull request (test/workflows/example-events.ts), `on:` matched by the rehearsal's engine,
// and every job's `if:` evaluated by GitHub's evaluator (@actions/expressions) in `needs` order.
import type { WorkflowTemplate } from '@actions/workflow-parser';
import { whyNot, type WebhookEvent } from '../../scripts/rehearse/engine/events.js';
import { condition } from '../../scripts/rehearse/engine/expressions.js';
import { githubContext } from '../../scripts/rehearse/engine/runner.js';
import { pullRequest, pullRequestComment, review } from './example-events.js';
import { isPrivileged, permissionMap, stepsUsing, templateOf, type WorkflowFile } from './workflow-facts.js';

/** Triggers whose runs a pull request from a fork, or its author, can start. */
const UNTRUSTED_EVENTS = ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment', 'issue_comment', 'workflow_run'];
/** Triggers that run in the base repository with its secrets while handling a pull request's content. */
const PRIVILEGED_UNTRUSTED_EVENTS = ['pull_request_target', 'issue_comment', 'workflow_run'];

const REPOSITORY = 'ThePorgs/Exegol';

/**
 * The events of `name` a fork's pull request can cause, as GitHub sends them: each type the workflow takes (GitHub's
 * defaults without `types:`), into the first plain branch its filter names, titled as a release or not, merged or not.
 */
function forkEvents(name: string, config: { types?: string[]; branches?: string[] } | undefined): WebhookEvent[] {
  const base = config?.branches?.find((branch) => !/[*?+[!]/.test(branch)) ?? 'main';
  const fields = ['Release 5.1.5', 'Fix a typo'].flatMap((title) =>
    [false, true].map((merged) => ({ title, merged, base, head: 'patch-1', fork: true }) as const),
  );
  if (name === 'pull_request' || name === 'pull_request_target') {
    const types = config?.types ?? ['opened', 'synchronize', 'reopened'];
    return types.flatMap((type) =>
      fields
        .filter((pull) => type === 'closed' || !pull.merged)
        .map((pull) => ({ ...pullRequest(REPOSITORY, type, pull, type === 'edited' ? { title: { from: 'Draft' } } : undefined), name })),
    );
  }
  if (name === 'pull_request_review')
    return fields.filter((pull) => !pull.merged).flatMap((pull) => ['approved', 'commented'].map((state) => review(REPOSITORY, pull, state)));
  if (name === 'issue_comment') return ['/sync', 'Release 5.1.5'].map((body) => pullRequestComment(REPOSITORY, body));
  // pull_request_review_comment, workflow_run: the event's first type, from the fork's author.
  return [{ name, payload: { action: config?.types?.[0] ?? 'created', repository: { full_name: REPOSITORY }, sender: { login: 'someone' } } }];
}

/**
 * The jobs of `template` that can run on `event`: each job's `if:` evaluated in `needs` order, in every world the
 * fork's author may bring about: the jobs it needs that can run succeeded or failed, with their outputs empty or
 * `'true'` (the outputs a condition reads); the jobs that cannot run skipped, without outputs.
 */
function runnableJobs(template: WorkflowTemplate, event: WebhookEvent): Set<string> {
  const github = githubContext(REPOSITORY, event, 'https://api.github.com');
  const runnable = new Set<string>();
  const decided = new Set<string>();
  const jobs = template.jobs;
  while (decided.size < jobs.length) {
    const job = jobs.find((candidate) => !decided.has(candidate.id.value) && (candidate.needs ?? []).every((need) => decided.has(need.value)));
    if (!job) break;
    decided.add(job.id.value);
    const expression = job.if.expression;
    const needIds = (job.needs ?? []).map((need) => need.value);
    for (const result of ['success', 'failure'] as const)
      for (const filled of [false, true]) {
        const needs = Object.fromEntries(
          needIds.map((id) => {
            if (!runnable.has(id)) return [id, { result: 'skipped', outputs: {} }];
            const read = [...expression.matchAll(new RegExp(`needs\\.${id.replace(/[-]/g, '\\-')}\\.outputs\\.([\\w-]+)`, 'g'))].map((match) => match[1]!);
            return [id, { result, outputs: filled ? Object.fromEntries(read.map((output) => [output, 'true'])) : {} }];
          }),
        );
        const results = Object.values(needs).map((need) => need.result);
        const status = { failed: results.includes('failure'), notSucceeded: results.some((need) => need !== 'success'), cancelled: false };
        if (condition(expression, { github, needs, inputs: {}, vars: {} }, status, job.id.value)) runnable.add(job.id.value);
      }
  }
  return runnable;
}

/**
 * Checks that no job a pull request from a fork (or its author's edits, reviews and comments) can start holds a secret or
 * runs on a self-hosted runner: every such event is built and every job's `if:` evaluated with GitHub's evaluator
 * (a job using sync-pr-branch is exempt: the action refuses a commenter without the `permission` it is given). In
 * pull_request_target, issue_comment and workflow_run workflows, a job that checks out the pull request's head holds no
 * secret and no write permission at all.
 *
 * @returns one message a problem, `<job>: …`
 */
export async function untrustedJobProblems(file: WorkflowFile): Promise<string[]> {
  const { workflow, text } = file;
  const template = await templateOf(text, file.file);
  const events = Object.keys(template.events).filter((event) => UNTRUSTED_EVENTS.includes(event));
  if (!events.length) return [];
  const runnable = new Set<string>();
  for (const name of events)
    for (const event of forkEvents(name, template.events[name] as { types?: string[]; branches?: string[] } | undefined))
      if (whyNot(template, event) === undefined) for (const job of runnableJobs(template, event)) runnable.add(job);
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (runnable.has(name) && isPrivileged(job) && stepsUsing(job, 'sync-pr-branch').length === 0)
      problems.push(`${name}: holds a secret or a self-hosted runner, and a pull request from a fork can start it`);
    if (events.some((event) => PRIVILEGED_UNTRUSTED_EVENTS.includes(event))) {
      const checksOutHead = (job.steps ?? []).some(
        (step) => step.uses?.startsWith('actions/checkout@') && /pull_request\.head|head_ref|refs\/pull\//.test(JSON.stringify(step.with ?? {})),
      );
      const writes = Object.values(permissionMap(job.permissions)).includes('write');
      if (checksOutHead && (isPrivileged(job) || writes)) problems.push(`${name}: checks out the pull request's head with a secret or a write permission`);
    }
  }
  return problems;
}
