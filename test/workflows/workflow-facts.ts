// Workflows as the facts read them. What GitHub decides (which events start a workflow, which jobs run, whether
// `needs` hold) is read through GitHub's own parser (@actions/workflow-parser: its WorkflowTemplate) and evaluated
// (example-events.ts); the raw YAML is read only for what that model does not carry: permissions, a step's `with:`,
// the scripts, a called workflow's outputs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { convertWorkflowTemplate, isMapping, NoOperationTraceWriter, parseWorkflow as parseWithGitHub, type WorkflowTemplate } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { parse } from 'yaml';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { whyNot } from '../../scripts/rehearse/engine/events.js';
import { ourActionName } from './action-inputs.js';

/**
 * A step of the raw YAML, for what GitHub's converted model leaves out (`with:`) and for searches over its text.
 * Its `if:` is text: a fact about when it runs evaluates the condition instead (example-events.ts).
 */
export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

/**
 * A job of the raw YAML: steps on a runner, or a call of a reusable workflow (`uses:`). Its `if:` is not here: when a
 * job runs is evaluated on the parser's model (example-events.ts).
 */
export interface Job {
  name?: string;
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

/** A workflow's raw YAML, without its triggers: `on:` is read by GitHub's parser (WorkflowTemplate's `events`). */
export interface Workflow {
  name?: string;
  permissions?: Record<string, string> | string;
  concurrency?: unknown;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

/** One workflow file: its path relative to the repository, its text and its raw YAML. */
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

/** A workflow's raw YAML (its triggers are read by GitHub's parser: {@link templateOf}). */
export function parseWorkflow(text: string, file = 'workflow.yml'): WorkflowFile {
  const raw = parse(text) as Partial<Workflow>;
  return { file, text, workflow: { ...raw, jobs: raw.jobs ?? {} } };
}

const templates = new Map<string, Promise<WorkflowTemplate>>();

/** What GitHub's parser reports for a workflow's text (parseWorkflow, then convertWorkflowTemplate), one message an error. */
export async function parserProblems(text: string, file = 'workflow.yml'): Promise<string[]> {
  const parsed = parseWithGitHub({ name: file, content: text }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (errors.length || !parsed.value) return errors.length ? errors : [`${file}: no workflow`];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((error) => error.Message);
}

/**
 * A workflow's text as GitHub's parser converts it (parseWorkflow, then convertWorkflowTemplate): its triggers
 * (`events`), jobs, `needs`, conditions (`if`, already wrapped as the runner wraps them) and reusable workflow calls.
 * @throws Error naming `file` and the parser's errors
 */
export function templateOf(text: string, file = 'workflow.yml'): Promise<WorkflowTemplate> {
  const key = `${file}\0${text}`;
  let template = templates.get(key);
  if (!template) {
    template = (async () => {
      const parsed = parseWithGitHub({ name: file, content: text }, new NoOperationTraceWriter());
      const errors = parsed.context.errors.getErrors();
      if (errors.length || !parsed.value) throw new Error(`${file}: GitHub's parser refuses it: ${errors.map((error) => error.message).join('; ')}`);
      const converted = await convertWorkflowTemplate(parsed.context, parsed.value);
      if (converted.errors?.length) throw new Error(`${file}: GitHub's parser refuses it: ${converted.errors.map((error) => error.Message).join('; ')}`);
      return converted;
    })();
    templates.set(key, template);
  }
  return template;
}

/** The keys of a mapping token (a job's `with:` or `secrets:` as the parser read them); none for anything else. */
function mappingKeys(token: TemplateToken | undefined): string[] {
  if (!token || !isMapping(token)) return [];
  const keys: string[] = [];
  for (let index = 0; index < token.count; index += 1) keys.push(token.get(index).key.toString());
  return keys;
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
export function calledExample(job: Pick<Job, 'uses'>): WorkflowFile | undefined {
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

/** Whether `job` runs after `before`, through its `needs` (directly or not). */
export function runsAfter(workflow: Workflow, job: string, before: string): boolean {
  const seen = new Set<string>();
  const walk = (name: string): boolean =>
    needsOf(workflow.jobs[name] ?? {}).some((need) => need === before || (!seen.has(need) && (seen.add(need), walk(need))));
  return walk(job);
}

/**
 * Calls of reusable workflows, as GitHub's parser reads caller and callee: the called file is an example with a
 * workflow_call trigger, every `with:` is one of its inputs and every required input without a default is given, every
 * secret passed is declared and every required one passed (or inherited), and each `needs.<job>.outputs.<name>` read
 * from a calling job is one of the called workflow's outputs (its raw YAML: the parser's model leaves outputs out).
 *
 * @returns one message a problem
 */
export async function reusableCallProblems({ file, text }: WorkflowFile): Promise<string[]> {
  const problems: string[] = [];
  for (const job of (await templateOf(text, file)).jobs) {
    if (job.type !== 'reusableWorkflowJob' || !job.ref.value.startsWith('./')) continue;
    const name = job.id.value;
    const called = calledExample({ uses: job.ref.value });
    if (!called) {
      problems.push(`${name}: calls ${job.ref.value}, and no example of that name exists`);
      continue;
    }
    const spec = (await templateOf(called.text, called.file)).events.workflow_call;
    if (spec === undefined) {
      problems.push(`${name}: calls ${called.file}, which has no workflow_call trigger`);
      continue;
    }
    const inputs = spec.inputs ?? {};
    const secrets = spec.secrets ?? {};
    const given = mappingKeys(job['input-values']);
    for (const key of given) if (!(key in inputs)) problems.push(`${name}: ${called.file} has no input "${key}"`);
    for (const [input, declared] of Object.entries(inputs))
      if (declared.required && declared.default === undefined && !given.includes(input)) problems.push(`${name}: ${called.file} needs input "${input}"`);
    const passed = job['inherit-secrets'] ? Object.keys(secrets) : mappingKeys(job['secret-values']);
    for (const secret of passed) if (!(secret in secrets)) problems.push(`${name}: ${called.file} declares no secret "${secret}"`);
    for (const [secret, declared] of Object.entries(secrets))
      if (declared.required && !passed.includes(secret)) problems.push(`${name}: ${called.file} needs secret "${secret}"`);
    const raw = parse(called.text) as { on?: { workflow_call?: { outputs?: Record<string, unknown> } | null } };
    const outputs = Object.keys(raw.on?.workflow_call?.outputs ?? {});
    for (const match of text.matchAll(new RegExp(`needs\\.${name}\\.outputs\\.([\\w-]+)`, 'g')))
      if (!outputs.includes(match[1]!)) problems.push(`reads needs.${name}.outputs.${match[1]}, which ${called.file} does not declare`);
  }
  return problems;
}

/** Whether a push of the tag `5.1.5b1` (a beta) starts the workflow, as the rehearsal matches `on:`. */
const betaTagStarts = (template: WorkflowTemplate): boolean => whyNot(template, { name: 'push', payload: { ref: 'refs/tags/5.1.5b1' } }) === undefined;

/**
 * A GitHub release marked latest (`gh release create … --latest`) only where the version cannot be a beta: the workflow's
 * tag filters match no `X.Y.ZbN`, or the script chooses `--prerelease --latest=false` for a version holding a `b`.
 *
 * @returns one message a problem
 */
export async function latestReleaseProblems({ file, text, workflow }: WorkflowFile): Promise<string[]> {
  const problems: string[] = [];
  const template = await templateOf(text, file);
  // A beta may be released: a beta tag starts it, or another event than a push does (a dispatch, a merged pull request).
  const betaPossible = betaTagStarts(template) || Object.keys(template.events).some((event) => event !== 'push');
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const script = scriptsOf(job);
    const latestInput = stepsUsing(job, 'publish-github-release').some((step) => String(step.with?.['latest']) === 'true');
    if (latestInput) {
      // publish-github-release's latest: auto never makes a pre-release latest; true on a possible beta would.
      if (betaPossible) problems.push(`${name}: marks the GitHub release latest, though its version may be a beta`);
      continue;
    }
    if (!/\bgh release create\b/.test(script) || !/--latest\b(?!=false)/.test(script)) continue;
    const betaAware = /\*b\*/.test(script) && /--latest=false/.test(script) && /--prerelease/.test(script);
    if (betaPossible && !betaAware) problems.push(`${name}: marks the GitHub release latest, though its version may be a beta`);
  }
  return problems;
}
