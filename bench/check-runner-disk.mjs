// Benchmark: the check-runner-disk bundle (a check that needs no cleanup), run as the runner
// runs it under Node 24, against `node -e 0` on the same machine. Runs both alternately and
// prints the ratio of their medians, measured in this one run. Goal: at most 1.5.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules', 'node', 'bin', 'node');
const bundle = path.join(root, 'actions', 'check-runner-disk', 'dist', 'index.js');
const runs = Number(process.env.BENCH_RUNS ?? 30);
const directory = mkdtempSync(path.join(tmpdir(), 'bench-disk-'));
const files = Object.fromEntries(['output', 'state', 'summary'].map((name) => [name, path.join(directory, name)]));
for (const file of Object.values(files)) writeFileSync(file, '');
const env = {
  PATH: process.env.PATH,
  GITHUB_OUTPUT: files.output,
  GITHUB_STATE: files.state,
  GITHUB_STEP_SUMMARY: files.summary,
  GITHUB_WORKSPACE: directory,
  RUNNER_TEMP: directory,
  'INPUT_MIN-FREE': '1MB',
  INPUT_FAIL: 'true',
};

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(node, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = [];
const check = [];
timeOnce(['-e', '0']);
timeOnce([bundle]);
for (let index = 0; index < runs; index += 1) {
  baseline.push(timeOnce(['-e', '0']));
  check.push(timeOnce([bundle]));
}
const ratio = median(check) / median(baseline);
console.log(`node -e 0:               median ${median(baseline).toFixed(1)} ms over ${runs} runs`);
console.log(`check-runner-disk check: median ${median(check).toFixed(1)} ms over ${runs} runs`);
console.log(`ratio: ${ratio.toFixed(2)}× (goal: at most 1.5×) ${ratio <= 1.5 ? 'met' : 'NOT met'}`);
