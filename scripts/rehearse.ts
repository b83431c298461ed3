// `npm run rehearse`: a whole Exegol release rehearsed on this machine, end to end, as the example
// workflows run it. In a temporary directory it sets up a wrapper-shaped git repository (bare origin
// over file://), a local registry (Debian's docker-registry) holding preprod multi-arch images, two
// package indexes with PyPI's upload API (TestPyPI by token, PyPI by trusted publishing), and a
// stand-in for GitHub's API; then runs each action's committed bundle under Node 24 as the runner
// does. Stops at the first failure with a non-zero exit; leaves no process behind.
// `--keep` keeps the temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBundle, type BundleRun } from '../test/harness/run-bundle.js';
import { git } from '../test/fixtures/git.js';
import { FLAVOURS, buildImage, pushImage, randomLayer, tagDigest } from '../test/fixtures/images.js';
import { DEBIAN_PYTHON, HATCHLING_BUILD_ARGS, exegolProjectFiles } from '../test/fixtures/python-projects.js';
import { CONSTANT_CONFIG, SPAWN_SCRIPT, TEST_FILE, wrapperFiles, writeFiles } from '../test/fixtures/wrapper-repository.js';
import { checkRun, releasePullRequest, review } from '../test/fixtures/release-pr.js';
import { GitHubApiStandIn } from '../test/stand-ins/github-api.js';
import { OidcIssuerStandIn, PackageIndexStandIn } from '../test/stand-ins/package-index.js';
import { SigstoreStandIn } from '../test/stand-ins/sigstore.js';
import { startRegistry, type TestRegistry } from '../test/stand-ins/registry.js';

const keep = process.argv.includes('--keep');
const VERSION = '5.1.5';
const BETA = '5.1.5b2';
const OWNER = 'ThePorgs';
const REPO = 'Exegol';
const stoppers: (() => Promise<unknown>)[] = [];
let failed = false;

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
function show(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) console.log(`      ${name.padEnd(18)} ${value.length > 160 ? `${value.slice(0, 157)}...` : value}`);
}

let stepNumber = 0;
/** Runs one bundle as the runner does, prints its outputs and timing, and stops the rehearsal on failure. */
async function step(title: string, action: string, options: Parameters<typeof runBundle>[1]): Promise<BundleRun> {
  stepNumber += 1;
  const start = performance.now();
  const run = await runBundle(action, options);
  const seconds = ((performance.now() - start) / 1000).toFixed(2);
  console.log(`${run.code === 0 ? '✓' : '✗'} ${bold(`${stepNumber}. ${title}`)} (${action}, ${seconds} s)`);
  show(run.outputs);
  for (const warning of run.warnings) console.log(`      warning: ${warning}`);
  if (run.code !== 0) {
    console.log(`      ${run.errors.join('\n      ') || run.stderr.trim() || run.stdout.trim().split('\n').slice(-5).join('\n      ')}`);
    throw new Error(`step ${stepNumber} (${action}) failed`);
  }
  return run;
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'exegol-rehearsal-'));
  stoppers.push(async () => (keep ? console.log(`\nKept ${root}`) : rm(root, { recursive: true, force: true })));
  console.log(`Rehearsing the release of Exegol ${VERSION} in ${root}\n`);

  // The wrapper: dev at the last beta, master behind it, a bare origin over file://.
  const remote = path.join(root, 'Exegol.git');
  const work = path.join(root, 'Exegol');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=master', remote);
  git(root, 'init', '--quiet', '--initial-branch=master', work);
  // PEP 621 and a normalising backend, as the wrapper's pyproject.toml today (hatchling here for pdm-backend).
  await writeFiles(work, { ...exegolProjectFiles('5.1.4'), ...wrapperFiles({ version: '5.1.4' }) });
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'Exegol 5.1.4');
  git(work, 'tag', '-a', '-m', 'Exegol 5.1.4', '5.1.4');
  git(work, 'remote', 'add', 'origin', `file://${remote}`);
  git(work, 'checkout', '--quiet', '-b', 'dev');
  await writeFiles(work, wrapperFiles({ version: BETA }));
  git(work, 'commit', '--quiet', '-am', `Exegol ${BETA}`);
  git(work, 'push', '--quiet', 'origin', 'master', 'dev', '5.1.4');
  const headSha = git(work, 'rev-parse', 'HEAD');
  console.log(`  git: ${work} (dev at ${BETA}, ${headSha.slice(0, 7)}; master at 5.1.4), origin ${remote}`);

  // The registry: preprod multi-arch indexes for every flavour, and the base image in misc.
  const registry: TestRegistry = await startRegistry();
  stoppers.unshift(() => registry.stop());
  const base = randomLayer(512 * 1024);
  const preprod = new Map<string, string>();
  for (const flavour of FLAVOURS) {
    const image = buildImage({ format: 'oci', sharedLayers: [base], perArchLayerSizes: [256 * 1024], attestation: true, label: flavour });
    await pushImage(registry.url, 'nwodtuhs/exegol-preprod', [flavour, `${flavour}-${VERSION}`], image);
    preprod.set(flavour, image.index.digest);
  }
  await pushImage(
    registry.url,
    'nwodtuhs/exegol-misc-preprod',
    ['base', `base-${VERSION}`],
    buildImage({ format: 'oci', sharedLayers: [base], perArchLayerSizes: [128 * 1024] }),
  );
  console.log(`  registry: ${registry.url} (docker-registry), nwodtuhs/exegol-preprod with ${FLAVOURS.length} flavours × 2 tags, nwodtuhs/exegol-misc-preprod`);

  // The package indexes: TestPyPI by token, PyPI by trusted publishing.
  const oidc = await new OidcIssuerStandIn().start({
    repository: `${OWNER}/${REPO}`,
    repository_owner: OWNER,
    workflow_ref: `${OWNER}/${REPO}/.github/workflows/release.yml@refs/tags/${VERSION}`,
    job_workflow_ref: `${OWNER}/${REPO}/.github/workflows/release.yml@refs/tags/${VERSION}`,
    environment: 'release',
    ref: `refs/tags/${VERSION}`,
    sha: headSha,
    sub: `repo:${OWNER}/${REPO}:environment:release`,
  });
  const sigstore = await new SigstoreStandIn(() => oidc.keys.publicKey).start();
  const testPyPI = await new PackageIndexStandIn('testpypi').start();
  const pypi = await new PackageIndexStandIn('pypi').start();
  stoppers.unshift(
    () => oidc.stop(),
    () => sigstore.stop(),
    () => testPyPI.stop(),
    () => pypi.stop(),
  );
  testPyPI.tokens.add('pypi-rehearsal-test-token');
  pypi.oidcPublicKey = oidc.keys.publicKey;
  pypi.trustedPublisher = { repository: `${OWNER}/${REPO}`, workflow: 'release.yml', environment: 'release' };
  pypi.attestationVerifier = (attestation, identity) => sigstore.verifyAttestation(attestation, identity);
  console.log(`  package indexes: TestPyPI ${testPyPI.url} (token), PyPI ${pypi.url} (trusted publishing, PEP 740 attestations); Sigstore ${sigstore.url}`);

  // GitHub's API: the release pull request dev → master, approved, with passing checks.
  const github = await new GitHubApiStandIn(OWNER, REPO).start();
  stoppers.unshift(() => github.stop());
  const pr = releasePullRequest({ title: `Release ${VERSION}` });
  pr.head = { ...pr.head, sha: headSha };
  pr.base = { ...pr.base, ref: 'master' };
  github.state.pulls.set(42, pr);
  github.state.reviews.set(42, [review('maintainer-bob', 'APPROVED', headSha)]);
  github.state.permissions.set('maintainer-bob', 'maintain');
  github.state.checkRuns.set(
    headSha,
    ['mypy (3.12, ubuntu-latest)', 'pre-commit', 'sdist install check'].map((name) => ({ ...checkRun(name, 'success'), head_sha: headSha })),
  );
  github.state.tags = ['5.1.3', '5.1.4', '5.1.5b1', BETA];
  github.state.files.set(
    headSha,
    new Map([
      [SPAWN_SCRIPT, wrapperFiles({ version: BETA })[SPAWN_SCRIPT]!],
      [CONSTANT_CONFIG, `__version__ = "${BETA}"\n`],
    ]),
  );
  const { pullRequestEvent } = await import('../test/fixtures/release-pr.js');
  const eventPath = await pullRequestEvent(`Release ${VERSION}`);
  console.log(`  GitHub API: ${github.url}, pull request #42 "Release ${VERSION}" dev → master\n`);

  const started = performance.now();
  const disk = await step('The builder has enough disk', 'check-runner-disk', { workspace: work, inputs: { paths: `${work}\n${root}`, 'min-free': '100MB' } });
  await step('The release pull request passes every rule', 'verify-release-pr', {
    inputs: { 'github-token': 'ghs_rehearsal', base: 'master', 'file-patterns': `${SPAWN_SCRIPT}: ^# Spawn Version:[0-9]+$`, comment: 'true' },
    env: { GITHUB_API_URL: github.url, GITHUB_EVENT_PATH: eventPath, GITHUB_EVENT_NAME: 'pull_request', GITHUB_REPOSITORY: `${OWNER}/${REPO}` },
  });
  const release = await step(`The beta becomes ${VERSION}: commit, annotated tag, push`, 'bump-version', {
    workspace: work,
    inputs: { bump: 'release', files: `${CONSTANT_CONFIG}\n${TEST_FILE}`, commit: 'true', 'commit-message': 'Release {version}', tag: 'true', push: 'true' },
  });
  const tagEnv = { GITHUB_REF: `refs/tags/${VERSION}`, GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: VERSION };
  const sdist = await step('The sdist and its wheel go to TestPyPI (token), then PyPI (trusted publishing, attestations)', 'publish-pypi-sdist', {
    workspace: work,
    inputs: {
      python: DEBIAN_PYTHON,
      'build-args': HATCHLING_BUILD_ARGS,
      'fulcio-url': sigstore.url,
      'rekor-url': sigstore.url,
      'test-repository-url': `${testPyPI.url}/legacy/`,
      'test-password': 'pypi-rehearsal-test-token',
      'repository-url': `${pypi.url}/legacy/`,
      'skip-existing': 'true',
    },
    env: { ...tagEnv, ...oidc.env() },
    timeoutSeconds: 300,
  });
  const promoted = await step('The images move from preprod to production, digests intact', 'promote-images-preprod-to-prod', {
    inputs: { registry: registry.url, 'source-repository': 'nwodtuhs/exegol-preprod', 'target-repository': 'nwodtuhs/exegol', flavours: FLAVOURS.join('\n') },
    env: tagEnv,
  });
  await step('The base image moves from the misc preprod repository', 'promote-images-preprod-to-prod', {
    inputs: { registry: registry.url, 'source-repository': 'nwodtuhs/exegol-misc-preprod', 'target-repository': 'nwodtuhs/exegol-misc', flavours: 'base' },
    env: tagEnv,
  });
  const next = await step('dev moves to the next beta', 'bump-version', {
    workspace: work,
    inputs: { bump: 'patch', 'pre-label': 'b', files: `${CONSTANT_CONFIG}\n${TEST_FILE}`, commit: 'true', push: 'true' },
  });

  // What a maintainer would check afterwards.
  const published = JSON.parse(sdist.outputs['files'] ?? '[]') as { filename: string; sha256: string }[];
  const digests = JSON.parse(promoted.outputs['digests']!) as Record<string, string>;
  const kept = await Promise.all(
    FLAVOURS.map(
      async (flavour) =>
        (await tagDigest(registry.url, 'nwodtuhs/exegol', `${flavour}-${VERSION}`)) === preprod.get(flavour) &&
        digests[`${flavour}-${VERSION}`] === preprod.get(flavour),
    ),
  );
  const checks = [
    [
      `origin has the annotated tag ${VERSION} on the release commit`,
      git(remote, 'cat-file', '-t', `refs/tags/${VERSION}`) === 'tag' && git(remote, 'rev-parse', `${VERSION}^{commit}`) === release.outputs['commit-sha'],
    ],
    [
      `origin/dev is at ${next.outputs['version']}`,
      git(remote, 'rev-parse', 'refs/heads/dev') === next.outputs['commit-sha'] && next.outputs['version'] === '5.1.6b1',
    ],
    [
      `TestPyPI and PyPI hold ${published.map((file) => `${file.filename} (sha256 ${file.sha256.slice(0, 12)}…)`).join(' and ')}`,
      published.length === 2 &&
        published[0]!.filename === `exegol-${VERSION}.tar.gz` &&
        published.every((file) => testPyPI.files.get(file.filename)?.sha256 === file.sha256 && pypi.files.get(file.filename)?.sha256 === file.sha256),
    ],
    ['PyPI holds a verified PEP 740 attestation for each', published.every((file) => pypi.files.get(file.filename)?.attestations?.length === 1)],
    ['every production index has its preprod digest', kept.every(Boolean)],
    ['the pull request holds one checklist comment', (github.state.comments.get(42) ?? []).length === 1],
    ['the disk check passed', disk.outputs['ok'] === 'true'],
  ] as const;
  console.log(`\n${bold('Checks')}`);
  for (const [text, ok] of checks) console.log(`${ok ? '✓' : '✗'} ${text}`);
  if (checks.some(([, ok]) => !ok)) throw new Error('a check after the release failed');
  console.log(
    `\nRelease ${VERSION} rehearsed in ${((performance.now() - started) / 1000).toFixed(1)} s: ${stepNumber} steps, every bundle run under Node 24 as the runner runs it.`,
  );
}

async function shutdown(): Promise<void> {
  for (const stop of stoppers.splice(0)) await stop().catch(() => undefined);
}

process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));
try {
  await main();
} catch (error) {
  failed = true;
  console.error(`\nRehearsal stopped: ${(error as Error).message}`);
} finally {
  await shutdown();
}
process.exit(failed ? 1 : 0);
