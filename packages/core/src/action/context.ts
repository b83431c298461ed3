import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * What the runner tells a step about where and why it runs: the variables GitHub's runner sets
 * for every step (https://docs.github.com/en/actions/reference/variables-reference#default-environment-variables),
 * read once, in one place. Every action reads these through readRunnerContext, never through
 * `process.env` directly, so that a test can hand an action a context of its own.
 */
export interface RunnerContext {
  /** GITHUB_WORKSPACE, absolute; the working directory when the variable is unset (a local run). */
  workspace: string;
  /** RUNNER_TEMP, emptied by the runner after each job; the system's temporary directory when unset. */
  runnerTemp: string;
  /** Whether RUNNER_TEMP was set: a cleanup guard protects it only when the runner named it. */
  runnerTempSet: boolean;
  /** RUNNER_TOOL_CACHE, when set. */
  toolCache?: string;
  /** HOME, when set. */
  home?: string;
  /**
   * The runner's file command files, when set (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV,
   * GITHUB_PATH, GITHUB_STEP_SUMMARY): what a step writes its outputs and summary to.
   */
  fileCommands: string[];
  /** RUNNER_NAME, when set (a self-hosted runner's own name). */
  runnerName?: string;
  /** GITHUB_EVENT_NAME, e.g. `pull_request`, `issue_comment`; empty when unset. */
  eventName: string;
  /** GITHUB_EVENT_PATH: the webhook payload the runner saved, when set. */
  eventPath?: string;
  /** GITHUB_REPOSITORY, `owner/name`, when set. */
  repository?: string;
  /** GITHUB_REF (`refs/heads/…`, `refs/tags/…`, `refs/pull/N/merge`), when set. */
  ref?: string;
  /** GITHUB_REF_NAME, when set. */
  refName?: string;
  /** GITHUB_REF_TYPE, `branch` or `tag`, when set. */
  refType?: string;
  /** GITHUB_RUN_ID, when set. */
  runId?: string;
  /** GITHUB_JOB (the job's id in the workflow), when set. */
  job?: string;
  /** GITHUB_API_URL, when set (GitHub Enterprise Server, or a stand-in); the client's default otherwise. */
  apiUrl?: string;
  /** GITHUB_SERVER_URL; https://github.com when unset. */
  serverUrl: string;
}

/** The variables naming the runner's file command files. */
export const FILE_COMMAND_VARIABLES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'] as const;

const set = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/**
 * The runner's context from an environment (default: this process's).
 * @param env the variables, as `process.env` holds them
 * @returns the context; reads nothing else, throws nothing
 */
export function readRunnerContext(env: NodeJS.ProcessEnv = process.env): RunnerContext {
  const runnerTemp = set(env['RUNNER_TEMP']);
  const optional = {
    toolCache: set(env['RUNNER_TOOL_CACHE']),
    home: set(env['HOME']),
    runnerName: set(env['RUNNER_NAME']),
    eventPath: set(env['GITHUB_EVENT_PATH']),
    repository: set(env['GITHUB_REPOSITORY']),
    ref: set(env['GITHUB_REF']),
    refName: set(env['GITHUB_REF_NAME']),
    refType: set(env['GITHUB_REF_TYPE']),
    runId: set(env['GITHUB_RUN_ID']),
    job: set(env['GITHUB_JOB']),
    apiUrl: set(env['GITHUB_API_URL']),
  };
  return {
    workspace: path.resolve(set(env['GITHUB_WORKSPACE']) ?? process.cwd()),
    runnerTemp: runnerTemp ?? tmpdir(),
    runnerTempSet: runnerTemp !== undefined,
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    fileCommands: FILE_COMMAND_VARIABLES.map((name) => set(env[name])).filter((file): file is string => file !== undefined),
    serverUrl: set(env['GITHUB_SERVER_URL']) ?? 'https://github.com',
    ...(Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) as Partial<RunnerContext>),
  };
}

/** The URL of the workflow run (`<server>/<owner>/<name>/actions/runs/<id>`), when the context names both. */
export function runUrl(context: RunnerContext): string | undefined {
  return context.runId && context.repository ? `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}` : undefined;
}

/** The pushed tag's name when the workflow runs on a tag push (GITHUB_REF `refs/tags/…`), else empty. */
export function pushedTag(context: RunnerContext): string {
  return context.refType === 'tag' || context.ref?.startsWith('refs/tags/') ? (context.refName ?? '') : '';
}
