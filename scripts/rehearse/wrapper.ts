// The wrapper's release, Exegol 5.1.5 on `master`, in the maintainers' order: the version made final on
// dev, the release pull request dev → master verified (wrapper/entrypoint_prerelease.yml), merged with a
// merge commit, the signed tag 5.1.5 on that commit, then wrapper/entrypoint_release.yml on the tag: the
// sdist and the wheel built, published to TestPyPI then PyPI by trusted publishing with attestations,
// the GitHub release, and dev fast-forwarded and moved to 5.1.6b1.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { HATCHLING_BUILD_ARGS } from '@exegol-release/testbed/fixtures/python-projects.js';
import type { BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { CONSTANT_CONFIG, SPAWN_SCRIPT, TEST_FILE } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { OidcIssuerStandIn, PackageIndexStandIn, type TrustedPublisher } from '@exegol-release/testbed/stand-ins/package-index.js';
import { SigstoreStandIn } from '@exegol-release/testbed/stand-ins/sigstore.js';
import { evaluationSummary, Release } from './engine/release.js';
import { WorkflowRunner, type WorkflowRunEnd } from './engine/runner.js';
import { ALICE, BOB, gitAsync, Maintainers } from './github.js';
import { createWrapper, head } from './repositories.js';
import { bundleStep } from './workflow.js';
import { fileAt, isAncestor, killGpgDaemons, makeOpenpgpKey, parentsOf, tagFacts, verifyTag, type Check, type World } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol';
const VERSION = '5.1.5';
const NEXT_BETA = '5.1.6b1';
const RELEASE_WORKFLOW = 'wrapper/entrypoint_release.yml';
/**
 * What this machine cannot run: mypy and pre-commit (sub_testing.yml) need packages from pip's index, and
 * the nightly publishes to TestPyPI under another trusted publisher than the rehearsal's. Their jobs are
 * recorded as passed check runs, each printed with this reason.
 */
const NOT_RUN_HERE: Record<string, string> = {
  'wrapper/sub_testing.yml': "mypy and pre-commit need pip's index, unreachable here",
  'wrapper/entrypoint_nightly.yml': "the nightly needs pip's index (sub_testing.yml) and TestPyPI's nightly publisher",
};
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
  // The release as GitHub sees it: events in ThePorgs/Exegol, each starting the workflows whose on: matches.
  const engine = new WorkflowRunner({
    log,
    github,
    bin: world.bin,
    runner: () => world.runner(),
    standInEnv: () => world.ghEnv(),
    idToken: (claims) => {
      oidc.claims = claims;
      return oidc.env();
    },
    serviceInputs: (action): Record<string, string> =>
      action === 'publish-pypi-sdist'
        ? {
            'test-repository-url': `${testPyPI.url}/legacy/`,
            'repository-url': `${pypi.url}/legacy/`,
            'fulcio-url': sigstore.url,
            'rekor-url': sigstore.url,
            // pip's index is unreachable here: no isolated build environment; Debian's hatchling builds the sdist.
            'build-args': HATCHLING_BUILD_ARGS,
          }
        : {},
    notRunHere: NOT_RUN_HERE,
  });
  const release = new Release(engine, { fullName: REPOSITORY, workflows: 'wrapper', secrets: {}, bare: wrapper.bare });
  const final = await release.pushedBy(ALICE, async () =>
    bundleStep(log, `dev made final: 5.1.5b2 → ${VERSION}, committed and pushed`, 'bump-version · maintainer-alice', 'bump-version', {
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
    }),
  );
  const releaseCommit = final.outputs['commit-sha']!;
  const maintainers = new Maintainers(github, log, REPOSITORY);
  const opened = await maintainers.open(`Release ${VERSION}`, 'master', DESCRIPTION);
  await release.event(release.pullRequestEvent('opened', github.pull(REPOSITORY, opened.number), ALICE), `#${opened.number} opened by ${ALICE.login}`, {
    'entrypoint_prerelease.yml › test': 'skipped',
    // No approval yet: the gate fails until a maintainer approves, as on GitHub.
    'entrypoint_prerelease.yml › verify': 'failure',
  });
  const review = (await maintainers.approve(opened.number, 'Approved by a maintainer')) as { state: string; commit_id: string };
  await release.event(release.reviewEvent(github.pull(REPOSITORY, opened.number), BOB, review), `#${opened.number} approved by ${BOB.login}`, {
    'entrypoint_prerelease.yml › verify': 'success',
  });
  const pr = opened;
  await release.pushedBy(ALICE, () => maintainers.merge(pr.number, releaseCommit, 'master'));
  await release.event(release.pullRequestEvent('closed', github.pull(REPOSITORY, pr.number), ALICE), `#${pr.number} merged by ${ALICE.login}`);
  const mergeCommit = head(wrapper, 'master');

  // The maintainer tags master's merge commit, signed (bump-version's README: "as the wrapper's maintainers do"); the tag starts entrypoint_release.yml.
  await gitAsync(alice, 'fetch', '--quiet', 'origin');
  await gitAsync(alice, 'checkout', '--quiet', 'master');
  let tagged!: BundleRun;
  const ends: WorkflowRunEnd[] = [];
  await release.pushedBy(
    ALICE,
    async () =>
      (tagged = await bundleStep(log, `Signed annotated tag ${VERSION} on master's merge commit, pushed`, 'bump-version · maintainer-alice', 'bump-version', {
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
      })),
    {
      'entrypoint_release.yml › build': 'success',
      'entrypoint_release.yml › publish': 'success',
      'entrypoint_release.yml › github-release': 'success',
      'entrypoint_release.yml › next-beta': 'success',
    },
    ends,
  );
  const run = ends.find((end) => end.workflow.file === RELEASE_WORKFLOW)!;
  const artifact = path.join(run.artifacts, 'python-package-distributions');
  const built = await Promise.all(
    (await readdir(artifact)).sort().map(async (name) => ({
      name,
      sha256: createHash('sha256')
        .update(await readFile(path.join(artifact, name)))
        .digest('hex'),
    })),
  );
  const published = { outputs: run.outputs.get('entrypoint_release.yml › publish') ?? {} };
  log.line(evaluationSummary());

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
        git(wrapper.bare, 'log', '-1', '--format=%s', 'dev') === `Bump version to ${NEXT_BETA} after ${VERSION}` &&
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
