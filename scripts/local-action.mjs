// Runs an action from its TypeScript sources under GitHub's local runner for JavaScript actions,
// @github/local-action, as its README says: `local-action run <action dir> src/main.ts <dotenv>`,
// with `--post <post entry>` when the action has a post step, so that state flows from main to
// post as on a runner.
//
//   npm run local-action -- <action> [dotenv file] [--no-post]
//
// The dotenv file holds the inputs (INPUT_<NAME> with the name's hyphens kept, e.g.
// INPUT_MIN-FREE=1GB) and any GITHUB_* variable the action needs; inputs left out take their
// action.yml default. Unless the file sets them, GITHUB_STEP_SUMMARY, RUNNER_TEMP and
// GITHUB_WORKSPACE point into a new temporary directory, and the job summary is printed at the end.
//
// local-action stubs @actions/core (inputs with action.yml defaults, outputs shown in a table,
// secrets masked, state, summary) when it runs from the repository root, where @actions/core is a
// direct dependency, and it needs tsx on PATH: node_modules/.bin comes first. The runner's own
// variables (GITHUB_*, INPUT_*, STATE_*, RUNNER_*, ACTIONS_*) are not passed on, so that a run
// inside a workflow neither reads that job's inputs nor writes its summary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const noPost = args.includes('--no-post');
const [action, envArgument] = args.filter((argument) => !argument.startsWith('--'));
const actions = readdirSync(path.join(root, 'actions')).filter((name) => existsSync(path.join(root, 'actions', name, 'action.yml')));

if (!action || !actions.includes(action)) {
  console.error(`usage: npm run local-action -- <action> [dotenv file] [--no-post]\nactions: ${actions.join(', ')}`);
  process.exit(2);
}

const scratch = mkdtempSync(path.join(tmpdir(), `local-action-${action}-`));
const envFile = envArgument ? path.resolve(envArgument) : path.join(scratch, '.env');
if (!envArgument) writeFileSync(envFile, '');
if (!existsSync(envFile)) {
  console.error(`no dotenv file at ${envFile}`);
  process.exit(2);
}
const dotenvKeys = new Set([...readFileSync(envFile, 'utf8').matchAll(/^\s*(?:export\s+)?([^#=\s]+)\s*=/gm)].map((match) => match[1]));

const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(GITHUB_|INPUT_|STATE_|RUNNER_|ACTIONS_)/.test(key)));
env.PATH = `${path.join(root, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`;
const defaults = {
  GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md'),
  RUNNER_TEMP: path.join(scratch, 'temp'),
  GITHUB_WORKSPACE: path.join(scratch, 'workspace'),
};
for (const [key, value] of Object.entries(defaults)) {
  if (dotenvKeys.has(key)) continue;
  env[key] = value;
  if (key === 'GITHUB_STEP_SUMMARY') writeFileSync(value, '');
  else mkdirSync(value, { recursive: true });
}

const command = ['run', `actions/${action}`, 'src/main.ts', envFile];
// local-action resolves --post against the current directory, not the action's.
const post = `actions/${action}/src/post.ts`;
if (!noPost && existsSync(path.join(root, post))) command.push('--post', post);
const result = spawnSync(path.join(root, 'node_modules', '.bin', 'local-action'), command, { cwd: root, env, stdio: 'inherit' });
if (result.error) {
  console.error(`could not start local-action: ${result.error.message} (run npm ci first)`);
  process.exit(1);
}

if (!dotenvKeys.has('GITHUB_STEP_SUMMARY')) {
  const summary = readFileSync(defaults.GITHUB_STEP_SUMMARY, 'utf8');
  console.log(`\nJob summary (${defaults.GITHUB_STEP_SUMMARY}):\n${summary || '(empty)'}`);
}
process.exit(result.status ?? 1);
