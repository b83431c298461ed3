// Benchmark: upload a 20 MB sdist and its 20 MB wheel to a local stand-in index with this action's
// bundle (build: false, no install check: the upload path, validation of both files included)
// against Debian's twine 4.0.2 uploading the same two files in one command, Python's start included.
// Each is timed from spawning its process to its exit. Alternates the two, several rounds. The
// stand-in runs in this process and its own work on each upload (from the whole body received to
// the answer sent: parsing the form and warehouse's checks, about 350 ms) lies inside both clients'
// wall times without being either client's: it is measured for every upload and taken off that
// run's wall time, and the medians of what remains are compared. Goal: at most 0.5× twine's.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { DEBIAN_PYTHON, buildDistributionsOf, demoProjectFiles, twineUploadArgs, writeProject } from '@exegol-release/testbed/fixtures/python-projects.js';
import { PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';

const execute = promisify(execFile);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const index = await new PackageIndexStandIn('pypi').start();
index.tokens.add('pypi-bench-token');
try {
  const project = await writeProject(demoProjectFiles('1.2.3'));
  await writeFile(path.join(project, 'demo', 'payload.bin'), randomBytes(20 * 1024 * 1024));
  const { sdist, wheel } = await buildDistributionsOf(project);
  const packages = await mkdtemp(path.join(tmpdir(), 'bench-packages-'));
  for (const file of [sdist, wheel]) await copyFile(file, path.join(packages, path.basename(file)));
  console.log(
    `sdist: ${path.basename(sdist)}, ${((await stat(sdist)).size / 1e6).toFixed(1)} MB; wheel: ${path.basename(wheel)}, ${((await stat(wheel)).size / 1e6).toFixed(1)} MB`,
  );

  const ours: number[] = [];
  const twine: number[] = [];
  // Per run, the stand-in's own work on both uploads (from each whole body received to its answer).
  const oursServer: number[] = [];
  const twineServer: number[] = [];
  const serverTime = (): number => index.checkMilliseconds.reduce((sum, value) => sum + value, 0);
  for (let round = 0; round < rounds; round += 1) {
    index.reset();
    index.tokens.add('pypi-bench-token');
    const run = await runBundle('publish-pypi-sdist', {
      inputs: {
        build: 'false',
        'packages-dir': packages,
        'check-install': 'false',
        'expected-version': '1.2.3',
        'repository-url': `${index.url}/legacy/`,
        password: 'pypi-bench-token',
      },
    });
    if (run.code !== 0) throw new Error(`bundle failed: ${run.stdout}`);
    ours.push(run.wallMilliseconds);
    oursServer.push(serverTime());
    index.reset();
    index.tokens.add('pypi-bench-token');
    const start = performance.now();
    await execute(DEBIAN_PYTHON, twineUploadArgs(`${index.url}/legacy/`, 'pypi-bench-token', [sdist, wheel]));
    twine.push(performance.now() - start);
    twineServer.push(serverTime());
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const oursClient = ours.map((value, run) => value - oursServer[run]!);
  const twineClient = twine.map((value, run) => value - twineServer[run]!);
  console.log(`this action (bundle under Node 24): median ${median(ours).toFixed(0)} ms over ${rounds} runs of 2 uploads`);
  console.log(`twine 4.0.2 (python3 -m twine):     median ${median(twine).toFixed(0)} ms over ${rounds} runs of 2 uploads`);
  console.log(
    `the stand-in index's own work on the 2 uploads (taken off each run): median ${median(oursServer).toFixed(0)} ms (this action), ${median(twineServer).toFixed(0)} ms (twine)`,
  );
  console.log(`the clients alone: median ${median(oursClient).toFixed(0)} ms (this action), ${median(twineClient).toFixed(0)} ms (twine)`);
  console.log(`wall time vs twine, the stand-in's work included: ${(median(ours) / median(twine)).toFixed(2)}×`);
  const clientRatio = median(oursClient) / median(twineClient);
  console.log(`upload client time vs twine: ${clientRatio.toFixed(2)}×`);
  console.log(`  (each client's wall time less the stand-in's work on its uploads; goal: at most 0.5×) ${clientRatio <= 0.5 ? 'met' : 'NOT met'}`);
} finally {
  await index.stop();
}
