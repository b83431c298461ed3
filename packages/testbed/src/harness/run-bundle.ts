import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isStale, readStamp, staleMessage } from '../../../../scripts/bundle-stamp.mjs';

/** The repository's root. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');

/** Node 24, as GitHub's runner runs `using: node24` actions: the `node` devDependency's binary. */
export const NODE24 = path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');

/** What one bundle run left behind, parsed as the runner parses it. */
export interface BundleRun {
  /** The process exit code. */
  code: number;
  stdout: string;
  stderr: string;
  /** Outputs from GITHUB_OUTPUT (`name<<delimiter` blocks and `name=value` lines). */
  outputs: Record<string, string>;
  /** State from GITHUB_STATE, as the runner passes it to the post step (STATE_<name>). */
  state: Record<string, string>;
  /** The job summary markdown written to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The messages of `::error::` workflow commands. */
  errors: string[];
  /** The messages of `::warning::` workflow commands. */
  warnings: string[];
  /** Values masked by `::add-mask::`. */
  masks: string[];
  /** The directory holding GITHUB_OUTPUT and the other files; RUNNER_TEMP is inside it. */
  runnerDirectory: string;
  /** Milliseconds from spawning Node to the process's exit: the step's own wall time, without this harness's file setup. */
  wallMilliseconds: number;
}

/** How to run a bundle. */
export interface BundleOptions {
  /** Inputs by their YAML names; each becomes INPUT_<NAME> with hyphens kept, as the runner sets it. Inputs not given take action.yml's default. */
  inputs?: Record<string, string>;
  /** Extra environment (GITHUB_EVENT_PATH, GITHUB_API_URL, …); undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE and the working directory. Default: a new temporary directory. */
  workspace?: string;
  /** The runner's directory for this job (files and RUNNER_TEMP); reuse it to run the post step. */
  runnerDirectory?: string;
  /** Run `runs.post` instead of `runs.main`, with STATE_* from this state. */
  postState?: Record<string, string>;
  /** Which file of dist/ to run. Default index.js. */
  entry?: string;
  /** Seconds before the run is killed. Default 120. */
  timeoutSeconds?: number;
}

/**
 * The defaults of an action's inputs, from its action.yml, as the runner
 * passes them when a workflow does not set the input. Defaults holding an
 * expression (`${{ … }}`) are left out: the runner would evaluate them.
 */
export async function inputDefaults(action: string): Promise<Record<string, string>> {
  const metadata = parse(await readFile(path.join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: string }> };
  return Object.fromEntries(
    Object.entries(metadata.inputs ?? {})
      .filter(([, input]) => typeof input.default === 'string' && !input.default.includes('${{'))
      .map(([name, input]) => [name, input.default!]),
  );
}

/** Parses a GITHUB_OUTPUT or GITHUB_STATE file: `name<<DELIMITER` heredoc blocks and `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      for (index += 1; index < lines.length && lines[index] !== delimiter; index += 1) body.push(lines[index]!);
      values[name!] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

function commandMessages(stdout: string, command: string): string[] {
  const unescape = (text: string): string => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`::${command}`))
    .map((line) => unescape(line.slice(line.indexOf('::', 2) + 2)));
}

/** The base environment of a job step: the host's PATH and HOME only, like a clean runner. */
function baseEnvironment(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SSL_CERT_FILE'];
  return Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]!]));
}

/**
 * Refuses, naming the action, a bundle built from other sources than those under root now (its
 * dist/sources.sha256 differs: scripts/bundle-stamp.mjs), so that no test runs a stale bundle.
 * `npm test` rebuilds stale bundles before any test (packages/testbed/src/harness/global-setup.ts). The
 * sources are hashed again at every run, unless {@link checkBundlesOnce} found this stamp fresh.
 */
export function assertFreshBundle(action: string, root: string = REPO_ROOT): void {
  const checked = checkedStamps.get(`${root}\0${action}`);
  if (checked !== undefined && readStamp(root, action) === checked) return;
  if (isStale(root, action)) throw new Error(staleMessage(action));
}

/** Stamps found fresh by {@link checkBundlesOnce}, by `<root>\0<action>`. */
const checkedStamps = new Map<string, string>();

/**
 * Checks every action's bundle under root against its sources, once, in a child process, so that the
 * import scan's TypeScript (about 100 MB) stays out of this process and out of every process it forks.
 * Until this process ends, {@link assertFreshBundle} then accepts a bundle whose dist/sources.sha256
 * still holds the stamp found fresh, without hashing its sources again: for a long-lived caller that
 * runs many bundles (the rehearsal), which thereby does not see sources edited after this call.
 * @throws naming every stale action and the command that rebuilds it, or when the check cannot run
 */
export function checkBundlesOnce(root: string = REPO_ROOT): void {
  const stamp = new URL('../../../../scripts/bundle-stamp.mjs', import.meta.url).href;
  const script = `import { isStale, listActions, readStamp } from ${JSON.stringify(stamp)};
const root = process.argv[1];
console.log(JSON.stringify(listActions(root).map((action) => ({ action, stamp: readStamp(root, action) ?? null, stale: isStale(root, action) }))));`;
  const result = spawnSync(NODE24, ['--input-type=module', '--eval', script, root], { encoding: 'utf8', maxBuffer: 1024 * 1024 });
  if (result.status !== 0) throw new Error(`checking the bundles' stamps failed: ${(result.stderr || String(result.error ?? '')).trim()}`);
  const actions = JSON.parse(result.stdout) as { action: string; stamp: string | null; stale: boolean }[];
  const stale = actions.filter((entry) => entry.stale || entry.stamp === null);
  if (stale.length) throw new Error(stale.map((entry) => staleMessage(entry.action)).join('\n'));
  for (const { action, stamp: fresh } of actions) checkedStamps.set(`${root}\0${action}`, fresh!);
}

/**
 * Runs `actions/<action>/dist/index.js` the way GitHub's runner does: under
 * Node 24, with INPUT_* variables, pre-created GITHUB_OUTPUT, GITHUB_STATE,
 * GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE and
 * RUNNER_TEMP set, and the workspace as the working directory.
 */
export async function runBundle(action: string, options: BundleOptions = {}): Promise<BundleRun> {
  assertFreshBundle(action);
  const runnerDirectory = options.runnerDirectory ?? (await mkdtemp(path.join(tmpdir(), `runner-${action}-`)));
  const workspace = options.workspace ?? path.join(runnerDirectory, 'workspace');
  const runnerTemp = path.join(runnerDirectory, 'temp');
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  const files = Object.fromEntries(
    ['output', 'state', 'env', 'path', 'summary'].map((name) => [name, path.join(runnerDirectory, `${options.postState ? 'post-' : ''}${name}`)]),
  );
  for (const file of Object.values(files)) await writeFile(file, '');

  const env: Record<string, string | undefined> = {
    ...baseEnvironment(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files['output'],
    GITHUB_STATE: files['state'],
    GITHUB_ENV: files['env'],
    GITHUB_PATH: files['path'],
    GITHUB_STEP_SUMMARY: files['summary'],
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTION: action,
    GITHUB_REPOSITORY: 'ThePorgs/Exegol',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    // Retry delays a hundredth of their real length: no test waits for real back-off.
    RELEASE_ACTIONS_RETRY_DELAY_SCALE: '0.01',
    // Node's on-disk compile cache: each bundle is compiled once for the whole suite, not once a run.
    NODE_COMPILE_CACHE: path.join(REPO_ROOT, 'node_modules', '.cache', 'node-compile-cache'),
  };
  const inputs = { ...(await inputDefaults(action)), ...options.inputs };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.postState ?? {})) env[`STATE_${name}`] = value;
  Object.assign(env, options.env);
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  const bundle = path.join(REPO_ROOT, 'actions', action, 'dist', options.entry ?? 'index.js');
  if (!existsSync(bundle)) throw new Error(`no bundle at ${bundle}: run npm run build`);
  const spawned = performance.now();
  const child = spawn(NODE24, [bundle], { cwd: workspace, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), (options.timeoutSeconds ?? 120) * 1000);
  const code = await new Promise<number>((resolve) => child.on('close', (status, signal) => resolve(status ?? (signal ? 128 : 1))));
  const wallMilliseconds = performance.now() - spawned;
  clearTimeout(timer);

  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(await readFile(files['output']!, 'utf8')),
    state: parseCommandFile(await readFile(files['state']!, 'utf8')),
    summary: await readFile(files['summary']!, 'utf8'),
    errors: commandMessages(stdout, 'error'),
    warnings: commandMessages(stdout, 'warning'),
    masks: commandMessages(stdout, 'add-mask'),
    runnerDirectory,
    wallMilliseconds,
  };
}
