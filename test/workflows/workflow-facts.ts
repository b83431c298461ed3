import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { filterPattern } from '../../scripts/rehearse/engine/events.js';
import { ourActionName } from './action-inputs.js';

/** A step as GitHub's workflow syntax writes it. */
export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

/** A job: either steps on a runner, or a call of a reusable workflow (`uses:`). */
export interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  'runs-on'?: unknown;
  permissions?: Record<string, string> | string;
  environment?: string | { name?: string; url?: string };
  concurrency?: unknown;
  outputs?: Record<string, string>;
  strategy?: unknown;
  env?: Record<string, unknown>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | 'inherit';
}

interface WorkflowCallSpec {
  inputs?: Record<string, { required?: boolean; default?: unknown }>;
  secrets?: Record<string, { required?: boolean }>;
  outputs?: Record<string, unknown>;
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown> & { workflow_call?: WorkflowCallSpec | null };
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

/** One workflow file: its path relative to the repository, its text and its parsed form. */
export interface WorkflowFile {
  file: string;
  text: string;
  workflow: Workflow;
}

export const EXAMPLES_DIRECTORY = path.join(REPO_ROOT, 'workflows-examples');

/** Dependabot's configuration lives beside the workflows but is not one. */
export const isDependabotConfig = (file: string): boolean => path.basename(file) === 'dependabot.yml';

/** Every example workflow, relative to workflows-examples/, sorted. */
export function exampleWorkflowFiles(): string[] {
  return readdirSync(EXAMPLES_DIRECTORY, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file) && !isDependabotConfig(file))
    .sort();
}

/** Parses a workflow; `on` is a mapping whatever its written form (`on: push`, `on: [push, pull_request]`). */
export function parseWorkflow(text: string, file = 'workflow.yml'): WorkflowFile {
  const raw = parse(text) as Omit<Workflow, 'on'> & { on: unknown };
  let on: Workflow['on'];
  if (typeof raw.on === 'string') on = { [raw.on]: null };
  else if (Array.isArray(raw.on)) on = Object.fromEntries((raw.on as string[]).map((event) => [event, null]));
  else on = (raw.on ?? {}) as Workflow['on'];
  return { file, text, workflow: { ...raw, on, jobs: raw.jobs ?? {} } };
}

/** An example workflow, by its path relative to workflows-examples/. */
export function loadExample(relative: string): WorkflowFile {
  return parseWorkflow(readFileSync(path.join(EXAMPLES_DIRECTORY, relative), 'utf8'), `workflows-examples/${relative}`);
}

export const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

export const stepsUsing = (job: Job, action: string): Step[] => (job.steps ?? []).filter((step) => step.uses && ourActionName(step.uses) === action);

/** Every `run:` script of a job, joined. */
export const scriptsOf = (job: Job): string => (job.steps ?? []).map((step) => step.run ?? '').join('\n');

/** The text of a job's YAML value, for searches over every field (if, env, with, secrets, …). */
export const jobText = (job: Job): string => JSON.stringify(job);

/** The runner labels of a job, lower-cased; a reusable workflow call has none. */
export function runnerLabels(job: Job): string[] {
  const runsOn = job['runs-on'];
  if (typeof runsOn === 'string') return [runsOn.toLowerCase()];
  if (Array.isArray(runsOn)) return runsOn.map((label) => String(label).toLowerCase());
  return [];
}

/** Permissions as a mapping (`write-all`/`read-all` spelt out as one pseudo-scope `*`). */
export function permissionMap(permissions: Job['permissions']): Record<string, string> {
  if (permissions === undefined) return {};
  if (typeof permissions === 'string') return { '*': permissions.replace(/-all$/, '') };
  return permissions;
}

/** The reusable workflow a job calls (`./.github/workflows/<name>.yml`), resolved to the example of that name. */
export function calledExample(job: Job): WorkflowFile | undefined {
  const match = job.uses ? /^\.\/\.github\/workflows\/([\w.-]+\.ya?ml)$/.exec(job.uses) : null;
  if (!match) return undefined;
  const candidates = exampleWorkflowFiles().filter((file) => path.basename(file) === match[1]);
  return candidates.length === 1 ? loadExample(candidates[0]!) : undefined;
}

const GITHUB_TOKEN_SECRET = /secrets\.GITHUB_TOKEN\b/;

/** Whether a job holds a secret, or runs where untrusted code must never run (a self-hosted runner). */
export function isPrivileged(job: Job, seen = new Set<string>()): boolean {
  const text = jobText(job).replace(new RegExp(GITHUB_TOKEN_SECRET.source, 'g'), '');
  if (/secrets\.[A-Za-z_]/.test(text) || job.secrets === 'inherit') return true;
  if (runnerLabels(job).includes('self-hosted')) return true;
  const called = calledExample(job);
  if (called && !seen.has(called.file)) {
    seen.add(called.file);
    return Object.values(called.workflow.jobs).some((calledJob) => isPrivileged(calledJob, seen));
  }
  return false;
}

/** What justifies each write permission a job may be granted. */
const WRITE_USES: Record<string, (job: Job) => boolean> = {
  contents: (job) =>
    /\bgit push\b|\bgh release (create|upload|edit)\b/.test(scriptsOf(job)) ||
    stepsUsing(job, 'publish-github-release').length > 0 ||
    stepsUsing(job, 'sync-pr-branch').length > 0 ||
    stepsUsing(job, 'bump-version').some((step) => String(step.with?.['push']) === 'true') ||
    (job.steps ?? []).some((step) => step.uses?.startsWith('peter-evans/create-pull-request@')),
  'pull-requests': (job) =>
    stepsUsing(job, 'verify-release-pr').some((step) => String(step.with?.['comment']) === 'true') ||
    /\bgh pr (create|edit|comment|merge)\b/.test(scriptsOf(job)) ||
    stepsUsing(job, 'sync-pr-branch').length > 0 ||
    (job.steps ?? []).some((step) => step.uses?.startsWith('peter-evans/create-pull-request@')),
  issues: (job) => /\bgh (issue|pr) comment\b/.test(scriptsOf(job)) || stepsUsing(job, 'sync-pr-branch').length > 0,
  'id-token': (job) => stepsUsing(job, 'publish-pypi-sdist').some((step) => String(step.with?.['dry-run']) !== 'true'),
  deployments: (job) => (job.steps ?? []).some((step) => step.uses?.startsWith('cloudflare/wrangler-action@') && step.with?.['gitHubToken'] !== undefined),
};

/**
 * Least privilege: the workflow grants `contents: read` or nothing; a job is granted a write permission only when it
 * does what needs it (a push, a release, a comment, a publication), or calls a reusable workflow whose jobs ask for it.
 *
 * @returns one message a problem
 */
export function permissionProblems({ workflow }: WorkflowFile): string[] {
  const problems: string[] = [];
  const top = permissionMap(workflow.permissions);
  if (workflow.permissions === undefined) problems.push('workflow: no top-level permissions');
  for (const [scope, level] of Object.entries(top))
    if (!(scope === 'contents' && level === 'read')) problems.push(`workflow: grants ${scope}: ${level} to every job (only contents: read, or none)`);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    for (const [scope, level] of Object.entries(permissionMap(job.permissions))) {
      if (level !== 'write') continue;
      const called = calledExample(job);
      const justified = called
        ? Object.values(called.workflow.jobs).some((calledJob) => permissionMap(calledJob.permissions)[scope] === 'write')
        : (WRITE_USES[scope]?.(job) ?? false);
      if (!justified) problems.push(`${name}: granted ${scope}: write without using it`);
    }
  }
  return problems;
}

/**
 * PyPA's advice for trusted publishing: `id-token: write` only in the job that publishes, which builds nothing and runs no
 * project code (no checkout, no `run:` step); the distributions come from a build job as an artifact.
 *
 * @returns one message a problem
 */
export function idTokenProblems({ workflow }: WorkflowFile): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (permissionMap(job.permissions)['id-token'] !== 'write' && permissionMap(job.permissions)['*'] !== 'write') continue;
    if (!WRITE_USES['id-token']!(job)) problems.push(`${name}: id-token: write in a job that publishes nothing`);
    if ((job.steps ?? []).some((step) => step.run !== undefined || step.uses?.startsWith('actions/checkout@')))
      problems.push(`${name}: id-token: write in a job that checks out or runs code`);
  }
  return problems;
}

/** `needs` name jobs of the same workflow, without cycles. */
export function needsProblems({ workflow }: WorkflowFile): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs))
    for (const need of needsOf(job)) if (!(need in workflow.jobs)) problems.push(`${name}: needs ${need}, which is not a job`);
  const visiting = new Set<string>();
  const visit = (name: string): boolean => {
    if (visiting.has(name)) return false;
    visiting.add(name);
    const ok = needsOf(workflow.jobs[name] ?? {}).every(visit);
    visiting.delete(name);
    return ok;
  };
  for (const name of Object.keys(workflow.jobs)) if (!visit(name)) problems.push(`${name}: its needs form a cycle`);
  return problems;
}

/** Whether `job` runs after `before`, through its `needs` (directly or not). */
export function runsAfter(workflow: Workflow, job: string, before: string): boolean {
  const seen = new Set<string>();
  const walk = (name: string): boolean =>
    needsOf(workflow.jobs[name] ?? {}).some((need) => need === before || (!seen.has(need) && (seen.add(need), walk(need))));
  return walk(job);
}

/**
 * Calls of reusable workflows: the called file is an example, every `with:` is one of its inputs and every required input
 * is given, every secret passed is declared and every required one passed, and each `needs.<job>.outputs.<name>` read
 * from a calling job is one of the called workflow's outputs.
 *
 * @returns one message a problem
 */
export function reusableCallProblems({ workflow, text }: WorkflowFile): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (!job.uses?.startsWith('./')) continue;
    const called = calledExample(job);
    if (!called) {
      problems.push(`${name}: calls ${job.uses}, and no example of that name exists`);
      continue;
    }
    const spec = called.workflow.on.workflow_call;
    if (spec === undefined) {
      problems.push(`${name}: calls ${called.file}, which has no workflow_call trigger`);
      continue;
    }
    const inputs = spec?.inputs ?? {};
    const secrets = spec?.secrets ?? {};
    for (const key of Object.keys(job.with ?? {})) if (!(key in inputs)) problems.push(`${name}: ${called.file} has no input "${key}"`);
    for (const [input, declared] of Object.entries(inputs))
      if (declared.required && declared.default === undefined && !(input in (job.with ?? {}))) problems.push(`${name}: ${called.file} needs input "${input}"`);
    const passed = job.secrets === 'inherit' ? Object.keys(secrets) : Object.keys(job.secrets ?? {});
    for (const secret of passed) if (!(secret in secrets)) problems.push(`${name}: ${called.file} declares no secret "${secret}"`);
    for (const [secret, declared] of Object.entries(secrets))
      if (declared.required && !passed.includes(secret)) problems.push(`${name}: ${called.file} needs secret "${secret}"`);
    const outputs = Object.keys(spec?.outputs ?? {});
    for (const match of text.matchAll(new RegExp(`needs\\.${name}\\.outputs\\.([\\w-]+)`, 'g')))
      if (!outputs.includes(match[1]!)) problems.push(`reads needs.${name}.outputs.${match[1]}, which ${called.file} does not declare`);
  }
  return problems;
}

/** Whether one of a workflow's tag filters matches the tag name (GitHub's filter patterns, as the rehearsal matches them). */
function tagTriggers(workflow: Workflow, tag: string): boolean {
  const push = workflow.on['push'] as { tags?: string[] } | null | undefined;
  return (push?.tags ?? []).some((pattern) => filterPattern(pattern).test(tag));
}

/**
 * A GitHub release marked latest (`gh release create … --latest`) only where the version cannot be a beta: the workflow's
 * tag filters match no `X.Y.ZbN`, or the script chooses `--prerelease --latest=false` for a version holding a `b`.
 *
 * @returns one message a problem
 */
export function latestReleaseProblems({ workflow }: WorkflowFile): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const script = scriptsOf(job);
    const latestInput = stepsUsing(job, 'publish-github-release').some((step) => String(step.with?.['latest']) === 'true');
    if (latestInput) {
      // publish-github-release's latest: auto never makes a pre-release latest; true on a possible beta would.
      const betaPossible = !('push' in workflow.on) || tagTriggers(workflow, '5.1.5b1') || Object.keys(workflow.on).some((event) => event !== 'push');
      if (betaPossible) problems.push(`${name}: marks the GitHub release latest, though its version may be a beta`);
      continue;
    }
    if (!/\bgh release create\b/.test(script) || !/--latest\b(?!=false)/.test(script)) continue;
    const betaAware = /\*b\*/.test(script) && /--latest=false/.test(script) && /--prerelease/.test(script);
    const betaPossible = !('push' in workflow.on) || tagTriggers(workflow, '5.1.5b1') || Object.keys(workflow.on).some((event) => event !== 'push');
    if (betaPossible && !betaAware) problems.push(`${name}: marks the GitHub release latest, though its version may be a beta`);
  }
  return problems;
}
