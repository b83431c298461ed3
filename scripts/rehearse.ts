// `npm run rehearse`: Exegol's two releases rehearsed on this machine, each in the maintainers' order and
// as the example workflows (workflows-examples/) run them, every action as its committed bundle under
// Node 24: the wrapper, Exegol 5.1.5 on ThePorgs/Exegol's master (scripts/rehearse/wrapper.ts), then
// the images, 3.1.6 on ThePorgs/Exegol-images' main (scripts/rehearse/images.ts). Real git repositories
// (bare, over file://) stand for GitHub's, served by a stand-in of GitHub's REST API; PyPI, TestPyPI,
// Sigstore and Docker Hub are stand-ins that follow the real services' rules. Each release ends with
// checks of the state the real repositories, indexes and registries would be left in.
//
//   --only wrapper|images|pipelines|negative   rehearse one release (pipelines: the images' pre-release through
//                           ThePorgs/Pipelines), or only the negative rehearsals
//   --keep                  keep the temporary directory
//
// Exits 0 when every step ran and every check holds; leaves no process or directory behind.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkBundlesOnce } from '@exegol-release/testbed/harness/run-bundle.js';
import { GitHub } from './rehearse/github.js';
import { rehearseImages } from './rehearse/images.js';
import { rehearsePipelines } from './rehearse/pipelines.js';
import { createImages, createResources } from './rehearse/repositories.js';
import { Log } from './rehearse/workflow.js';
import { World, type Check } from './rehearse/world.js';
import { installTools } from './rehearse/engine/stand-ins.js';
import { rehearseNegative } from './rehearse/negative.js';
import { rehearseWrapper } from './rehearse/wrapper.js';

// After the releases, the negative rehearsals (scripts/rehearse/negative.ts): what must not happen, in a world of their own.
const RELEASES = { wrapper: rehearseWrapper, images: rehearseImages, pipelines: rehearsePipelines, negative: rehearseNegative } as const;
const TITLES: Record<ReleaseName, [string, string]> = {
  wrapper: ['the wrapper (Exegol 5.1.5)', 'the wrapper'],
  images: ['the images (3.1.6)', 'the images'],
  pipelines: ['their pipelines form', 'the images through the pipelines repository'],
  negative: ['what must not happen (negative rehearsals)', 'the negative rehearsals'],
};
type ReleaseName = keyof typeof RELEASES;

function parseArguments(argv: readonly string[]): { only?: ReleaseName; keep: boolean } {
  let only: ReleaseName | undefined;
  let keep = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const value = arg === '--only' ? argv[(index += 1)] : arg.startsWith('--only=') ? arg.slice('--only='.length) : undefined;
    if (arg === '--keep') keep = true;
    else if (value !== undefined || arg === '--only') {
      if (value !== 'wrapper' && value !== 'images' && value !== 'pipelines' && value !== 'negative')
        throw new Error(`--only takes wrapper, images, pipelines or negative, not ${JSON.stringify(value ?? '')}`);
      only = value;
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}: use --only wrapper|images|pipelines|negative, --keep`);
  }
  return { keep, ...(only ? { only } : {}) };
}

const stoppers: (() => Promise<unknown>)[] = [];
let stopping: Promise<void> | undefined;
/** Stops every server and process, unmounts, removes the root: once, whoever asks first (the end, a signal, a crash). */
function shutdown(): Promise<void> {
  stopping ??= (async () => {
    for (const stop of stoppers.splice(0).reverse()) await stop().catch((error: Error) => console.error(`cleanup: ${error.message}`));
  })();
  return stopping;
}

async function main(): Promise<boolean> {
  const { only, keep } = parseArguments(process.argv.slice(2));
  // Every bundle checked against its sources before anything starts, once (scripts/bundle-stamp.mjs).
  checkBundlesOnce();
  const root = await mkdtemp(path.join(tmpdir(), 'exegol-rehearsal-'));
  stoppers.push(async () => (keep ? console.log(`\nKept ${root}`) : rm(root, { recursive: true, force: true })));
  // Every temporary directory of the stand-ins and of the bundles goes under the root, removed with it.
  process.env['TMPDIR'] = path.join(root, 'tmp');
  await mkdir(process.env['TMPDIR'], { recursive: true });
  const names: ReleaseName[] = only ? [only] : ['wrapper', 'images', 'pipelines', 'negative'];
  console.log(`Rehearsing ${names.map((name) => TITLES[name][0]).join(', then ')} in ${root}`);

  const started = performance.now();
  const log = new Log();
  const github = await new GitHub().start(root);
  stoppers.push(() => github.stop());
  const bin = path.join(root, 'bin');
  await World.installGh(bin);
  await installTools(bin);
  const world = new World(root, log, github, bin, await createImages(root), await createResources(root));
  github.host(world.images);
  github.host(world.resources);
  stoppers.push(() => shutdownWorld(world));

  const results: { name: ReleaseName; checks: Check[] }[] = [];
  for (const name of names) results.push({ name, checks: await RELEASES[name](world) });

  let ok = true;
  for (const { name, checks } of results) {
    log.heading(`Checks: ${TITLES[name][1]}`);
    for (const check of checks) {
      console.log(`${check.ok ? '✓' : '✗'} ${check.text}`);
      ok &&= check.ok;
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    ok
      ? `\nRehearsed ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}` : names[0]!} in ${seconds} s: ${log.steps.length} steps, every action run as its committed bundle under Node 24.`
      : `\nA check failed: the real release would not end in this state.`,
  );
  return ok;
}

async function shutdownWorld(world: World): Promise<void> {
  for (const stop of world.stoppers.splice(0).reverse()) await stop().catch((error: Error) => console.error(`cleanup: ${error.message}`));
}

process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));
// A stand-in that throws inside a request handler must not end the process before the cleanup.
for (const event of ['uncaughtException', 'unhandledRejection'] as const)
  process.on(event, (error) => {
    console.error(`\nRehearsal stopped: ${(error as Error)?.stack ?? String(error)}`);
    void shutdown().then(() => process.exit(1));
  });
let passed = false;
try {
  passed = await main();
} catch (error) {
  console.error(`\nRehearsal stopped: ${(error as Error).message}`);
} finally {
  await shutdown();
}
process.exit(passed ? 0 : 1);
