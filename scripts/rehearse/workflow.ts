// How the rehearsal runs the example workflows' steps: each step is read from its file under
// workflows-examples/ (its `with:`, `env:` and `run:` as written), its `${{ … }}` expressions resolved
// from the job's context (an expression the context cannot answer stops the rehearsal, so a changed
// example is noticed), then run as the runner runs it: our actions as their committed bundles
// (packages/testbed/src/harness/run-bundle.ts), `run:` scripts with `bash --noprofile --norc -eo pipefail`, the job's
// GITHUB_TOKEN carrying exactly the job's `permissions:`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, parseCommandFile, runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { ourActionName } from '../../test/workflows/action-inputs.js';
import { EXAMPLES_DIRECTORY, parseWorkflow, type Job, type Step, type WorkflowFile } from '../../test/workflows/workflow-facts.js';

/**
 * An example workflow, by its path relative to workflows-examples/ (or to REHEARSAL_EXAMPLES, a copy of
 * it: test/rehearsal.test.ts rehearses changed examples that a real release would fail with).
 */
export function loadExample(relative: string): WorkflowFile {
  const directory = process.env['REHEARSAL_EXAMPLES'] || EXAMPLES_DIRECTORY;
  return parseWorkflow(readFileSync(path.join(directory, relative), 'utf8'), relative);
}

/** Expression text (inside `${{ }}`, trimmed) → its value in this job. */
export type Context = Record<string, string>;

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/**
 * Replaces every `${{ expression }}` of `text` by its value in `context`.
 * @throws Error naming `where` and the expression when the context has no value for it
 */
export function resolveExpressions(text: string, context: Context, where: string): string {
  return text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, expression: string) => {
    const value = context[expression.replace(/\s+/g, ' ')];
    if (value === undefined) throw new Error(`${where}: the rehearsal has no value for \${{ ${expression} }}: the example changed, update the rehearsal`);
    return value;
  });
}

/** A YAML scalar as the runner passes it to an input or the environment (true → "true"). */
const scalar = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** One step a rehearsal printed. */
export interface StepReport {
  readonly number: number;
  readonly title: string;
  readonly what: string;
  readonly seconds: number;
}

/** The rehearsal's log: numbered steps, notes, checks. */
export class Log {
  readonly steps: StepReport[] = [];

  heading(text: string): void {
    console.log(`\n${bold(text)}`);
  }

  line(text: string): void {
    console.log(`  ${text}`);
  }

  /** Runs `work` as the next numbered step; prints ✓ or ✗, what ran and its time, then the lines `work` returns. */
  async step<T>(title: string, what: string, work: () => Promise<{ value: T; lines?: string[]; ok?: boolean; failure?: string }>): Promise<T> {
    const number = this.steps.length + 1;
    const start = performance.now();
    let outcome: { value: T; lines?: string[]; ok?: boolean; failure?: string };
    try {
      outcome = await work();
    } catch (error) {
      console.log(`✗ ${bold(`${number}. ${title}`)} (${what})`);
      throw error;
    }
    const seconds = (performance.now() - start) / 1000;
    this.steps.push({ number, title, what, seconds });
    const ok = outcome.ok ?? true;
    console.log(`${ok ? '✓' : '✗'} ${bold(`${number}. ${title}`)} (${what}, ${seconds.toFixed(2)} s)`);
    for (const line of outcome.lines ?? []) console.log(`      ${line}`);
    if (!ok) throw new Error(`step ${number} (${what}) failed${outcome.failure ? `: ${outcome.failure}` : ''}`);
    return outcome.value;
  }

  /** A step of the real release that this machine cannot run, and what stands in for its result. */
  skipped(title: string, why: string): void {
    console.log(`– ${title}: ${why}`);
  }
}

function outputLines(outputs: Record<string, string>): string[] {
  return Object.entries(outputs).map(([name, value]) => {
    const flat = value.replace(/\s*\n\s*/g, ' ');
    return `${name.padEnd(18)} ${flat.length > 150 ? `${flat.slice(0, 147)}...` : flat}`;
  });
}

/** Permissions as a mapping; `read-all`/`write-all` spelt out for the scopes the examples use. */
function permissionMap(permissions: Job['permissions']): Record<string, string> {
  const scopes = ['actions', 'checks', 'contents', 'id-token', 'issues', 'pull-requests', 'statuses'];
  if (permissions === undefined) return {};
  if (typeof permissions === 'string') return Object.fromEntries(scopes.map((scope) => [scope, permissions.replace(/-all$/, '')]));
  return permissions;
}

const LEVEL: Record<string, number> = { none: 0, read: 1, write: 2 };

/** Where a job is, for the log: `file › job`. */
export interface JobAddress {
  /** Relative to workflows-examples/, e.g. wrapper/entrypoint_release.yml. */
  readonly file: string;
  readonly job: string;
}

/** What a job of an example workflow runs with. */
export interface JobSetup {
  readonly log: Log;
  /** The directory of this job's runner: its workspace, RUNNER_TEMP and the runner's files go inside. */
  readonly runnerDirectory: string;
  /** GITHUB_WORKSPACE, default `<runnerDirectory>/workspace`. */
  readonly workspace?: string;
  /** GITHUB_* variables and the like for every step. */
  readonly env: Record<string, string>;
  /** Values of the expressions the job's steps use (github.*, secrets.*, inputs.*, needs.*). */
  readonly context: Context;
  /** The job of the caller when this job is in a reusable workflow: its token holds at most the caller's permissions. */
  readonly caller?: JobAddress;
  /** Registers the job's GITHUB_TOKEN with its permissions; returns the token. */
  readonly issueToken: (permissions: Record<string, string>) => string;
  /** Directories put first on PATH for `run:` steps (the gh stand-in). */
  readonly path?: readonly string[];
  /** ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, given to the job only when its permissions hold `id-token: write`. */
  readonly idToken?: Record<string, string>;
}

/**
 * Runs one of our actions as its committed bundle, as a numbered step of the log: its outputs, its
 * warnings, and (failing) its errors are printed; a failure stops the rehearsal. `standIns` names the
 * inputs set for the stand-ins rather than taken from the example.
 */
export async function bundleStep(
  log: Log,
  title: string,
  what: string,
  action: string,
  options: {
    inputs: Record<string, string>;
    env: Record<string, string>;
    workspace: string;
    runnerDirectory: string;
    timeoutSeconds?: number;
    standIns?: string[];
  },
): Promise<BundleRun> {
  await mkdir(options.workspace, { recursive: true });
  return log.step(title, what, async () => {
    const run = await runBundle(action, {
      inputs: options.inputs,
      env: options.env,
      workspace: options.workspace,
      runnerDirectory: options.runnerDirectory,
      timeoutSeconds: options.timeoutSeconds ?? 180,
    });
    const lines = [
      ...(options.standIns?.length ? [`stand-ins: ${options.standIns.join(', ')}`] : []),
      ...outputLines(run.outputs),
      ...run.warnings.map((warning) => `warning: ${warning}`),
    ];
    const failure = run.errors.join(' | ') || run.stderr.trim().split('\n').slice(-3).join(' ') || run.stdout.trim().split('\n').slice(-3).join(' ');
    return { value: run, lines: run.code === 0 ? lines : [...lines, ...failure.split('\n')], ok: run.code === 0, failure };
  });
}

/** One job of an example workflow, run step by step. */
export class WorkflowJob {
  readonly job: Job;
  /** The workflow's own `env:`, under every job's. */
  private readonly workflowEnv: Record<string, unknown>;
  readonly context: Context;
  readonly workspace: string;
  readonly token: string;
  readonly permissions: Record<string, string>;
  private readonly temp: string;

  constructor(
    readonly address: JobAddress,
    private readonly setup: JobSetup,
  ) {
    const { workflow } = loadExample(address.file);
    const job = workflow.jobs[address.job];
    if (!job) throw new Error(`${address.file} has no job ${address.job}`);
    this.job = job;
    this.workflowEnv = workflow.env ?? {};
    this.permissions = permissionMap(job.permissions ?? workflow.permissions);
    if (setup.caller) {
      const caller = loadExample(setup.caller.file).workflow;
      const granted = permissionMap(caller.jobs[setup.caller.job]?.permissions ?? caller.permissions);
      for (const [scope, level] of Object.entries(this.permissions))
        if ((LEVEL[granted[scope] ?? 'none'] ?? 0) < (LEVEL[level] ?? 0)) this.permissions[scope] = granted[scope] ?? 'none';
    }
    this.token = setup.issueToken(this.permissions);
    this.workspace = setup.workspace ?? path.join(setup.runnerDirectory, 'workspace');
    this.temp = path.join(setup.runnerDirectory, 'temp');
    this.context = { 'github.token': this.token, 'secrets.GITHUB_TOKEN': this.token, 'runner.temp': this.temp, ...setup.context };
  }

  /** `file › job`, for the log. */
  where(step?: Step): string {
    return `${path.basename(this.address.file)} › ${this.address.job}${step?.id ? ` › ${step.id}` : ''}`;
  }

  /** The environment name the job deploys to (`environment:`), if any. */
  environment(): string | undefined {
    const environment = this.job.environment;
    return typeof environment === 'string' ? environment : environment?.name;
  }

  /** A step: by `id`, by the action it uses (the first such step, or `action#n` for the n-th), or by the start of its `name`. */
  step(selector: string): Step {
    const steps = this.job.steps ?? [];
    const [action, nth] = selector.split('#') as [string, string | undefined];
    const found =
      steps.find((step) => step.id === selector) ??
      steps.filter((step) => step.uses && (ourActionName(step.uses) === action || step.uses.split('@')[0] === action))[Number(nth ?? 1) - 1] ??
      steps.find((step) => step.name?.startsWith(selector));
    if (!found) throw new Error(`${this.address.file} › ${this.address.job} has no step "${selector}": the example changed, update the rehearsal`);
    return found;
  }

  private stepEnv(step: Step): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...this.workflowEnv, ...this.job.env, ...step.env }))
      env[key] = resolveExpressions(scalar(value), this.context, `${this.where(step)} env ${key}`);
    return env;
  }

  private remember(step: Step, outputs: Record<string, string>): void {
    if (step.id) for (const [name, value] of Object.entries(outputs)) this.context[`steps.${step.id}.outputs.${name}`] = value;
  }

  /**
   * Runs a step that uses one of our actions as its committed bundle, with its `with:` as written
   * (expressions resolved; action.yml defaults that are expressions, such as `${{ github.token }}`,
   * resolved too) and `overrides` for what only a stand-in can give (service URLs, the Python here).
   */
  async uses(
    selector: string,
    title: string,
    options: { overrides?: Record<string, string>; env?: Record<string, string>; timeoutSeconds?: number } = {},
  ): Promise<BundleRun> {
    const step = this.step(selector);
    const action = ourActionName(step.uses ?? '');
    if (!action) throw new Error(`${this.where(step)}: ${step.uses} is not one of this repository's actions`);
    const metadata = parse(await readFile(path.join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: string }> };
    const inputs: Record<string, string> = {};
    for (const [name, input] of Object.entries(metadata.inputs ?? {}))
      if (typeof input.default === 'string' && input.default.includes('${{'))
        inputs[name] = resolveExpressions(input.default, this.context, `${action} default of ${name}`);
    for (const [name, value] of Object.entries(step.with ?? {}))
      inputs[name] = resolveExpressions(scalar(value), this.context, `${this.where(step)} with ${name}`);
    const run = await bundleStep(this.setup.log, title, `${action} · ${this.where(step)}`, action, {
      inputs: { ...inputs, ...options.overrides },
      env: { ...this.setup.env, ...this.idTokenEnv(), ...this.stepEnv(step), ...options.env },
      workspace: this.workspace,
      runnerDirectory: this.setup.runnerDirectory,
      timeoutSeconds: options.timeoutSeconds ?? 180,
      standIns: Object.keys(options.overrides ?? {}),
    });
    this.remember(step, run.outputs);
    return run;
  }

  /** The OIDC token request variables, which the runner gives only to a job with `id-token: write`. */
  private idTokenEnv(): Record<string, string> {
    return this.permissions['id-token'] === 'write' ? (this.setup.idToken ?? {}) : {};
  }

  /**
   * Runs a `run:` step with bash as the runner does (`bash --noprofile --norc -eo pipefail`), its
   * expressions resolved, its `env:`, and GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP. `instead`
   * replaces a script this machine cannot run as written (saying why); `cwd` is relative to the workspace.
   */
  async run(
    selector: string,
    title: string,
    options: { instead?: { script: string; why: string }; cwd?: string } = {},
  ): Promise<{ outputs: Record<string, string>; stdout: string }> {
    const step = this.step(selector);
    if (step.run === undefined) throw new Error(`${this.where(step)} is not a run: step`);
    const script = options.instead?.script ?? resolveExpressions(step.run, this.context, `${this.where(step)} run`);
    const env = this.stepEnv(step);
    await mkdir(this.workspace, { recursive: true });
    await mkdir(this.temp, { recursive: true });
    const files = Object.fromEntries(['output', 'summary', 'env', 'path'].map((name) => [name, path.join(this.setup.runnerDirectory, `run-${name}`)]));
    for (const file of Object.values(files)) await writeFile(file, '');
    const scriptFile = path.join(this.temp, `step-${Date.now()}.sh`);
    await writeFile(scriptFile, script);
    return this.setup.log.step(title, `run · ${this.where(step)}`, async () => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
        cwd: path.join(this.workspace, options.cwd ?? ''),
        env: {
          PATH: [...(this.setup.path ?? []), process.env['PATH'] ?? ''].join(':'),
          HOME: process.env['HOME'] ?? '/root',
          ...(process.env['TMPDIR'] ? { TMPDIR: process.env['TMPDIR'] } : {}),
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: this.workspace,
          RUNNER_TEMP: this.temp,
          GITHUB_OUTPUT: files['output']!,
          GITHUB_STEP_SUMMARY: files['summary']!,
          GITHUB_ENV: files['env']!,
          GITHUB_PATH: files['path']!,
          ...this.setup.env,
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? 1)));
      const outputs = parseCommandFile(await readFile(files['output']!, 'utf8'));
      this.remember(step, outputs);
      const printed = stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => `| ${line}`);
      const lines = [...(options.instead ? [`instead of the example's script: ${options.instead.why}`] : []), ...printed, ...outputLines(outputs)];
      const failure = stderr.trim().split('\n').slice(-3).join(' ');
      return { value: { outputs, stdout }, lines: code === 0 ? lines : [...lines, ...stderr.trim().split('\n')], ok: code === 0, failure };
    });
  }
}
