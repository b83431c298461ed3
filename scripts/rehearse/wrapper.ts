// The wrapper's release, Exegol 5.1.5 on `master`, in the maintainers' order: the version made final on
// dev, the release pull request dev → master verified (wrapper/entrypoint_prerelease.yml), merged with a
// merge commit, the signed tag 5.1.5 on that commit, then wrapper/entrypoint_release.yml on the tag: the
// sdist and the wheel built, published to TestPyPI then PyPI by trusted publishing with attestations,
// the GitHub release, and dev fast-forwarded and moved to 5.1.6b1.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEBIAN_PYTHON, HATCHLING_BUILD_ARGS } from '@exegol-release/testbed/fixtures/python-projects.js';
import { CONSTANT_CONFIG, SPAWN_SCRIPT, TEST_FILE } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { OidcIssuerStandIn, PackageIndexStandIn, type TrustedPublisher } from '@exegol-release/testbed/stand-ins/package-index.js';
import { SigstoreStandIn } from '@exegol-release/testbed/stand-ins/sigstore.js';
import { ALICE, BOB, eventFile, gitAsync, Maintainers } from './github.js';
import { createWrapper, head } from './repositories.js';
import { bundleStep, WorkflowJob } from './workflow.js';
import { fileAt, isAncestor, killGpgDaemons, makeOpenpgpKey, parentsOf, tagFacts, verifyTag, type Check, type World } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol';
const VERSION = '5.1.5';
const NEXT_BETA = '5.1.6b1';
const RELEASE_WORKFLOW = 'wrapper/entrypoint_release.yml';
const DESCRIPTION = "Major changes:\n\n- Docker Hub's manifest list media type supported\n- Python 3.14 supported\n";

/** Rehearses the wrapper's release in `world`. @returns the checks of the end state */
export async function rehearseWrapper(world: World): Promise<Check[]> {
  const { root, log, github } = world;
  const wrapper = await createWrapper(root, { images: head(world.images, 'main'), resources: head(world.resources, 'main') });
  github.host(wrapper);
  await github.request(ALICE, 'POST', `/repos/${REPOSITORY}/releases`, { tag_name: '5.1.4', name: '5.1.4', body: 'Exegol 5.1.4' });
  const oldMaster = head(wrapper, 'master');

  // PyPI and TestPyPI, each with the trusted publisher PyPI has for Exegol: workflow entrypoint_release.yml, environment release.
  const oidc = await new OidcIssuerStandIn().start({});
  const sigstore = await new SigstoreStandIn(() => oidc.keys.publicKey).start();
  const testPyPI = await new PackageIndexStandIn('testpypi').start();
  const pypi = await new PackageIndexStandIn('pypi').start();
  world.stoppers.push(
    () => oidc.stop(),
    () => sigstore.stop(),
    () => testPyPI.stop(),
    () => pypi.stop(),
  );
  const publisher: TrustedPublisher = { repository: REPOSITORY, workflow: 'entrypoint_release.yml', environment: 'release', project: 'Exegol' };
  for (const index of [testPyPI, pypi]) {
    index.trustedPublisher = publisher;
    index.oidcPublicKey = oidc.keys.publicKey;
    index.attestationVerifier = (attestation, identity) => sigstore.verifyAttestation(attestation, identity);
  }
  const key = await makeOpenpgpKey(path.join(root, 'keys', 'alice'), 'Maintainer Alice <alice@exegol.invalid>');
  world.stoppers.push(async () => key.homes.forEach(killGpgDaemons));

  log.heading(`The wrapper: Exegol ${VERSION} (${REPOSITORY}, master)`);
  log.line(`git: ${wrapper.bare} (master at 5.1.4, dev at 5.1.5b2; submodules exegol-images and exegol-resources at the heads of their main)`);
  log.line(
    `TestPyPI ${testPyPI.url} and PyPI ${pypi.url}: trusted publisher ${publisher.repository}, ${publisher.workflow}, environment ${publisher.environment}`,
  );
  log.line(`Sigstore ${sigstore.url}; GitHub API ${github.url}; alice's OpenPGP key made for the rehearsal`);

  // The maintainers: the version made final on dev, the release pull request, an approval.
  await mkdir(path.join(root, 'maintainers'), { recursive: true });
  const alice = await github.checkout(REPOSITORY, path.join(root, 'maintainers', 'alice-Exegol'), { ref: 'dev', token: ALICE.token });
  const final = await bundleStep(log, `dev made final: 5.1.5b2 → ${VERSION}, committed and pushed`, 'bump-version · maintainer-alice', 'bump-version', {
    inputs: {
      bump: 'release',
      files: `${CONSTANT_CONFIG}\n${TEST_FILE}`,
      'on-mismatch': 'overwrite',
      commit: 'true',
      'commit-message': 'Version {version}',
      push: 'true',
      'git-author-name': 'Maintainer Alice',
      'git-author-email': 'alice@exegol.invalid',
    },
    env: { GITHUB_REPOSITORY: REPOSITORY },
    workspace: alice,
    runnerDirectory: await world.runner(),
  });
  const releaseCommit = final.outputs['commit-sha']!;
  github.passedRun(REPOSITORY, '.github/workflows/entrypoint_nightly.yml', releaseCommit, [
    'Python tests and checks / Code testing',
    'Python tests and checks / Build and install Python 🐍 package 📦',
    'Build the nightly sdist and wheel',
    'Publish the nightly to TestPyPI',
  ]);
  log.skipped(
    'entrypoint_nightly.yml on that push (mypy, pre-commit, the nightly on TestPyPI)',
    `not rehearsed (pip's index is unreachable here); its four jobs recorded as passed check runs on ${releaseCommit.slice(0, 7)}`,
  );

  const maintainers = new Maintainers(github, log, REPOSITORY);
  const pr = await maintainers.open(`Release ${VERSION}`, 'master', DESCRIPTION);
  await maintainers.approve(pr.number, 'Approved by a maintainer');

  // wrapper/entrypoint_prerelease.yml, run by the approval (pull_request_review).
  const runner = 'GitHub Actions 1000000101';
  const verifyRun = github.startRun(
    REPOSITORY,
    '.github/workflows/entrypoint_prerelease.yml',
    releaseCommit,
    'Release pull request',
    runner,
    'pull_request_review',
  );
  const reviewDirectory = await world.runner();
  const verify = new WorkflowJob(
    { file: 'wrapper/entrypoint_prerelease.yml', job: 'verify' },
    {
      log,
      runnerDirectory: reviewDirectory,
      issueToken: (permissions) => github.jobToken(permissions),
      context: {},
      env: {
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_EVENT_NAME: 'pull_request_review',
        GITHUB_EVENT_PATH: await eventFile(reviewDirectory, 'event', {
          action: 'submitted',
          review: { state: 'approved', user: { login: BOB.login } },
          pull_request: github.pull(REPOSITORY, pr.number),
          repository: { full_name: REPOSITORY },
        }),
        GITHUB_REF: `refs/pull/${pr.number}/merge`,
        GITHUB_RUN_ID: verifyRun,
        GITHUB_JOB: 'verify',
        RUNNER_NAME: runner,
      },
    },
  );
  await verify.uses('verify-release-pr', 'The release pull request passes every rule, with its version files, spawn version and submodules');

  await maintainers.merge(pr.number, releaseCommit, 'master');
  const mergeCommit = head(wrapper, 'master');

  // The maintainer tags master's merge commit, signed (bump-version's README: "as the wrapper's maintainers do").
  await gitAsync(alice, 'fetch', '--quiet', 'origin');
  await gitAsync(alice, 'checkout', '--quiet', 'master');
  const tagged = await bundleStep(log, `Signed annotated tag ${VERSION} on master's merge commit, pushed`, 'bump-version · maintainer-alice', 'bump-version', {
    inputs: {
      bump: 'none',
      tag: 'true',
      'tag-ref': 'master',
      'tag-message': '{version}',
      files: `${CONSTANT_CONFIG}\n${TEST_FILE}`,
      'require-branches': 'master',
      push: 'true',
      sign: 'openpgp',
      'signing-key': key.armored,
      'git-author-name': 'Maintainer Alice',
      'git-author-email': 'alice@exegol.invalid',
    },
    env: { GITHUB_REPOSITORY: REPOSITORY },
    workspace: alice,
    runnerDirectory: await world.runner(),
  });

  // wrapper/entrypoint_release.yml, started by the tag.
  const tagEnv = {
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: `refs/tags/${VERSION}`,
    GITHUB_REF_TYPE: 'tag',
    GITHUB_REF_NAME: VERSION,
    GITHUB_SHA: mergeCommit,
    GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/${path.basename(RELEASE_WORKFLOW)}@refs/tags/${VERSION}`,
  };
  const tagContext = { 'github.ref_name': VERSION, 'github.repository': REPOSITORY };
  const job = async (name: string, workspace?: string): Promise<WorkflowJob> => {
    const runnerDirectory = await world.runner();
    return new WorkflowJob(
      { file: RELEASE_WORKFLOW, job: name },
      {
        log,
        runnerDirectory,
        ...(workspace ? { workspace } : {}),
        issueToken: (permissions) => github.jobToken(permissions),
        context: tagContext,
        env: { ...tagEnv, GITHUB_JOB: name, ...world.ghEnv() },
        path: [world.bin],
        idToken: oidc.env(),
      },
    );
  };
  log.skipped('entrypoint_release.yml › test (sub_testing.yml)', "not rehearsed: mypy and pre-commit need pip's index");

  const build = await job('build');
  await github.checkout(REPOSITORY, build.workspace, { ref: VERSION });
  log.skipped(
    'entrypoint_release.yml › build: actions/checkout (submodules), actions/setup-python',
    `git clone of ${VERSION}; submodules not fetched (their URLs are github.com); Debian's Python`,
  );
  await build.run('Build the sdist', 'The sdist, then the wheel from the sdist', {
    instead: {
      script: `${DEBIAN_PYTHON} -m build --no-isolation --skip-dependency-check`,
      why: "pip's index is unreachable here: Debian's python3-build, hatchling for pdm-backend (both normalise the name)",
    },
  });
  await build.uses('publish-pypi-sdist', 'Both validated against the tag, the sdist built on its own; nothing uploaded', {
    overrides: { python: DEBIAN_PYTHON, 'build-args': HATCHLING_BUILD_ARGS },
  });
  const artifact = path.join(root, 'artifacts', 'python-package-distributions');
  await cp(path.join(build.workspace, 'dist'), artifact, { recursive: true });
  const built = await Promise.all(
    (await readdir(artifact)).sort().map(async (name) => ({
      name,
      sha256: createHash('sha256')
        .update(await readFile(path.join(artifact, name)))
        .digest('hex'),
    })),
  );

  const publish = await job('publish');
  await cp(artifact, path.join(publish.workspace, 'dist'), { recursive: true });
  oidc.claims = {
    sub: `repo:${REPOSITORY}:environment:${publish.environment() ?? ''}`,
    repository: REPOSITORY,
    repository_owner: 'ThePorgs',
    ref: `refs/tags/${VERSION}`,
    ref_type: 'tag',
    sha: mergeCommit,
    environment: publish.environment() ?? '',
    event_name: 'push',
    workflow_ref: tagEnv.GITHUB_WORKFLOW_REF,
    job_workflow_ref: tagEnv.GITHUB_WORKFLOW_REF,
    job_workflow_sha: mergeCommit,
  };
  const published = await publish.uses('publish-pypi-sdist', 'To TestPyPI, then PyPI, by trusted publishing with PEP 740 attestations', {
    overrides: {
      'test-repository-url': `${testPyPI.url}/legacy/`,
      'repository-url': `${pypi.url}/legacy/`,
      'fulcio-url': sigstore.url,
      'rekor-url': sigstore.url,
    },
    timeoutSeconds: 300,
  });

  const release = await job('github-release');
  release.context['needs.publish.outputs.files'] = published.outputs['files'] ?? '[]';
  await release.run('Create the GitHub release', `GitHub release ${VERSION}, latest`);

  const nextBeta = await job('next-beta');
  await github.checkout(REPOSITORY, nextBeta.workspace, { ref: 'dev', token: nextBeta.token });
  await nextBeta.run('Fast-forward dev', 'dev fast-forwarded to the release commit');
  const moved = await nextBeta.uses('bump-version', `dev moved to the next beta, ${NEXT_BETA}`);

  // The end state.
  const facts = tagFacts(wrapper.bare, VERSION);
  const master = head(wrapper, 'master');
  const dev = head(wrapper, 'dev');
  const files = JSON.parse(published.outputs['files'] ?? '[]') as { filename: string; sha256: string; kind: string }[];
  const held = (index: PackageIndexStandIn) => files.every((file) => index.files.get(file.filename)?.sha256 === file.sha256);
  const attested = files.every((file) => {
    const attestations = pypi.files.get(file.filename)?.attestations ?? [];
    try {
      return attestations.length === 1 && attestations.every((attestation) => sigstore.verifyAttestation(attestation, publisher).length > 0);
    } catch {
      return false;
    }
  });
  const pull = github.pull(REPOSITORY, pr.number);
  const comments = github.api.repository(REPOSITORY).comments.get(pr.number) ?? [];
  const githubRelease = github.releases(REPOSITORY).find((entry) => entry.tag_name === VERSION);
  const signature = verifyTag(wrapper.bare, VERSION, { gnupgHome: key.gnupgHome });
  return [
    {
      text: `master's head ${master.slice(0, 7)} is a merge commit: parents master's previous head and dev's release commit ${releaseCommit.slice(0, 7)}`,
      ok: master === mergeCommit && JSON.stringify(parentsOf(wrapper.bare, master)) === JSON.stringify([oldMaster, releaseCommit]),
    },
    { text: `pull request #${pr.number} is merged as that commit`, ok: pull.merged === true && pull.merge_commit_sha === master },
    {
      text: `tag ${VERSION} is annotated, message "${VERSION}", by Maintainer Alice, and peels to master's merge commit`,
      ok:
        facts.type === 'tag' &&
        facts.message === VERSION &&
        facts.tagger.startsWith('Maintainer Alice') &&
        facts.commit === master &&
        tagged.outputs['tag'] === VERSION,
    },
    {
      text: `tag ${VERSION} is signed and verifies with git using only alice's public OpenPGP key`,
      ok: signature.ok && /Good signature/.test(signature.output),
    },
    {
      text: `at the tag, ${CONSTANT_CONFIG} and ${TEST_FILE} hold ${VERSION}; spawn.sh's version is digits only`,
      ok:
        fileAt(wrapper.bare, VERSION, CONSTANT_CONFIG).includes(`__version__ = "${VERSION}"`) &&
        fileAt(wrapper.bare, VERSION, TEST_FILE).includes(`'${VERSION}'`) &&
        /^# Spawn Version:[0-9]+$/m.test(fileAt(wrapper.bare, VERSION, SPAWN_SCRIPT)),
    },
    {
      text: `dev descends from the tag, one commit after it, and holds ${NEXT_BETA} in both version files`,
      ok:
        isAncestor(wrapper.bare, VERSION, dev) &&
        JSON.stringify(parentsOf(wrapper.bare, dev)) === JSON.stringify([master]) &&
        dev === moved.outputs['commit-sha'] &&
        fileAt(wrapper.bare, 'dev', CONSTANT_CONFIG).includes(`__version__ = "${NEXT_BETA}"`) &&
        fileAt(wrapper.bare, 'dev', TEST_FILE).includes(`'${NEXT_BETA}'`),
    },
    {
      text: `TestPyPI and PyPI hold ${files.map((file) => `${file.filename} (sha256 ${file.sha256.slice(0, 12)}…)`).join(' and ')}, the bytes built from the tag`,
      ok:
        files.map((file) => file.filename).join() === `exegol-${VERSION}.tar.gz,exegol-${VERSION}-py3-none-any.whl` &&
        JSON.stringify(files.map(({ filename, sha256 }) => ({ name: filename, sha256 })).sort((a, b) => a.name.localeCompare(b.name))) ===
          JSON.stringify(built) &&
        held(testPyPI) &&
        held(pypi),
    },
    { text: `PyPI holds one PEP 740 attestation a file, verifying for ${publisher.repository} ${publisher.workflow}`, ok: attested },
    {
      text: 'the pull request holds one checklist comment, "ready", by github-actions[bot]',
      ok: comments.length === 1 && comments[0]?.user?.login === 'github-actions[bot]' && (comments[0]?.body ?? '').includes('### Release checklist: ready'),
    },
    {
      text: `the GitHub release "${VERSION}" exists for the tag, is not a pre-release, and is the latest`,
      ok: githubRelease?.name === VERSION && githubRelease.prerelease === false && github.endpoints.latest(REPOSITORY)?.tag_name === VERSION,
    },
  ];
}
