// The wrapper's release, Exegol 5.1.5 on `master`, as the examples run it: a maintainer dispatches
// wrapper/prepare_release.yml, whose App token (actions/create-github-app-token) lets open-release-pr
// make dev final, move both submodules to the tip of their `main`, push that version commit to dev and
// open the release pull request dev → master with auto-merge on; the pull request, opened by the App's
// bot, starts wrapper/entrypoint_prerelease.yml (the gate, with the docs pull request
// ThePorgs/Exegol-docs dev-wrapper → main as its companion). Another maintainer ticks the checklist and
// approves; the gate passes, and GitHub's auto-merge merges with a merge commit as the App. The
// `closed` event runs wrapper/entrypoint_release.yml: the signed tag 5.1.5 on the merge
// commit, the sdist and the wheel built, published to TestPyPI then PyPI by trusted publishing with
// attestations, the GitHub release with both attached, the docs pull request merged, and dev
// fast-forwarded and moved to 5.1.6b1. Then the release workflow re-run on the same event changes nothing.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { HATCHLING_BUILD_ARGS } from '@exegol-release/testbed/fixtures/python-projects.js';
import { CONSTANT_CONFIG, SPAWN_SCRIPT, TEST_FILE } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { OidcIssuerStandIn, PackageIndexStandIn, type TrustedPublisher } from '@exegol-release/testbed/stand-ins/package-index.js';
import { SigstoreStandIn } from '@exegol-release/testbed/stand-ins/sigstore.js';
import { evaluationSummary, Release } from './engine/release.js';
import { rehearseHandPushedTags } from './hand-pushed-tag.js';
import { WorkflowRunner } from './engine/runner.js';
import { ALICE, BOB, Maintainers } from './github.js';
import { createDocs, createWrapper, head } from './repositories.js';
import { releasePullChecks } from './auto-merge-checks.js';
import { fileAt, isAncestor, makeSshKey, parentsOf, tagFacts, verifyTag, type Check, type World } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol';
const DOCS = 'ThePorgs/Exegol-docs';
const VERSION = '5.1.5';
const NEXT_BETA = '5.1.6b1';
const RELEASE_WORKFLOW = 'wrapper/entrypoint_release.yml';
const TAGGER_NAME = 'Maintainer Alice';
const TAGGER_EMAIL = 'alice@exegol.invalid';
const DOCS_TOKEN = 'github_pat_docs_alice';
/**
 * What this machine cannot run: mypy and pre-commit (sub_testing.yml) need packages from pip's index, and
 * the nightly publishes to TestPyPI under another trusted publisher than the rehearsal's. Their jobs are
 * recorded as passed check runs, each printed with this reason.
 */
const NOT_RUN_HERE: Record<string, string> = {
  'wrapper/sub_testing.yml': "mypy and pre-commit need pip's index, unreachable here",
  'wrapper/entrypoint_nightly.yml': "the nightly needs pip's index (sub_testing.yml) and TestPyPI's nightly publisher",
};
/** The required status check of master: entrypoint_prerelease.yml's gate job, by its name. */
const GATE = 'Release pull request';

/** Rehearses the wrapper's release in `world`. @returns the checks of the end state */
export async function rehearseWrapper(world: World): Promise<Check[]> {
  const { root, log, github } = world;
  // The submodules one commit behind the tip of their main, as on the real master (hundreds behind): open-release-pr moves them.
  const submodules = { images: head(world.images, 'main~1'), resources: head(world.resources, 'main~1') };
  const tips = { images: head(world.images, 'main'), resources: head(world.resources, 'main') };
  const wrapper = await createWrapper(root, submodules);
  github.host(wrapper);
  const docs = await createDocs(root);
  github.host(docs);
  await github.request(ALICE, 'POST', `/repos/${REPOSITORY}/releases`, { tag_name: '5.1.4', name: '5.1.4', body: 'Exegol 5.1.4' });
  const oldMaster = head(wrapper, 'master');
  const devBefore = head(wrapper, 'dev');

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
  // The tag signing key (secret TAG_SIGNING_KEY, SSH) and the tagger (variables RELEASE_TAGGER_NAME/EMAIL), as entrypoint_release.yml's tag job reads them.
  const key = await makeSshKey(path.join(root, 'keys', 'release-tag'), TAGGER_EMAIL);
  // DOCS_TOKEN: a fine-grained token of alice's with Pull requests: write and Contents: write (on ThePorgs/Exegol-docs).
  github.api.tokens.set(DOCS_TOKEN, { login: ALICE.login, installation: false, permissions: { 'pull-requests': 'write', contents: 'write' } });
  /** Each maintainer's act of the release, in order (the world's set-up excluded). */
  const acts: string[] = [];

  log.heading(`The wrapper: Exegol ${VERSION} (${REPOSITORY}, master)`);
  // The release App prepare_release.yml mints its token with (vars.RELEASE_APP_ID, secrets.RELEASE_APP_PRIVATE_KEY);
  // the repository allows merge commits and auto-merge; master requires the gate's check and one approval.
  const app = github.releaseAppOf();
  github.openRelease.settings.set(REPOSITORY, { allow_merge_commit: true, allow_squash_merge: false, allow_rebase_merge: false, allow_auto_merge: true });
  github.api.protect(REPOSITORY, 'master', { requiredApprovingReviewCount: 1, requiredStatusChecks: [GATE] });
  log.line(`git: ${wrapper.bare} (master at 5.1.4, dev at 5.1.5b2; submodules exegol-images and exegol-resources one commit behind their main)`);
  log.line(
    `the App ${app.slug} (RELEASE_APP_ID ${app.id}, RELEASE_APP_PRIVATE_KEY made for the rehearsal) installed on ${REPOSITORY}: contents and pull requests, write; auto-merge allowed; master protected: 1 approval, required check "${GATE}"`,
  );
  log.line(
    `TestPyPI ${testPyPI.url} and PyPI ${pypi.url}: trusted publisher ${publisher.repository}, ${publisher.workflow}, environment ${publisher.environment}`,
  );
  log.line(`Sigstore ${sigstore.url}; GitHub API ${github.url}; the tag's SSH signing key (TAG_SIGNING_KEY) made for the rehearsal`);
  log.line(`${DOCS}: ${docs.bare} (main, dev-wrapper one change ahead)`);

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
    serviceEnv: (action): Record<string, string> => (action === 'open-release-pr' ? github.githubGitEnv() : {}),
    notRunHere: NOT_RUN_HERE,
  });
  const release = new Release(
    engine,
    {
      fullName: REPOSITORY,
      workflows: 'wrapper',
      secrets: { TAG_SIGNING_KEY: key.privateKey, DOCS_TOKEN, RELEASE_APP_PRIVATE_KEY: app.privateKey },
      vars: { RELEASE_TAGGER_NAME: TAGGER_NAME, RELEASE_TAGGER_EMAIL: TAGGER_EMAIL, RELEASE_APP_ID: String(app.id) },
      bare: wrapper.bare,
    },
    github,
  );
  // The docs of the release, waiting in Exegol-docs: the companion pull request dev-wrapper → main verify-release-pr
  // requires. Set-up, not an act of the release: the maintainers open it in the docs repository while they write the
  // docs, before the release starts.
  const docsPull = await log.step('Docs pull request Exegol-docs dev-wrapper → main', `POST /pulls · ${ALICE.login}`, async () => {
    const created = await github.request<{ number: number; html_url: string }>(ALICE, 'POST', `/repos/${DOCS}/pulls`, {
      title: `Docs for Exegol ${VERSION}`,
      head: 'dev-wrapper',
      base: 'main',
      body: 'The docs of the next wrapper release.',
    });
    return { value: created, lines: [`#${created.number} ${created.html_url}`] };
  });
  const maintainers = new Maintainers(github, log, REPOSITORY);
  // The release starts with one click: prepare_release.yml dispatched on master with its defaults (bump: release).
  const dispatched = await maintainers.dispatch(release, 'wrapper/prepare_release.yml', 'master', { bump: 'release', version: '', 'dry-run': 'false' });
  acts.push(`${ALICE.login} dispatched prepare_release.yml`);
  const masterBefore = head(wrapper, 'master');
  await release.event(dispatched, `prepare_release.yml dispatched by ${ALICE.login}`, {
    'prepare_release.yml › prepare': 'success',
    // The App's push to dev (entrypoint_nightly.yml, recorded as not run here) and its pull request: the gate fails until approved.
    'entrypoint_nightly.yml › test': 'success',
    'entrypoint_prerelease.yml › test': 'skipped',
    'entrypoint_prerelease.yml › verify': 'failure',
  });
  const pr = [...github.api.repository(REPOSITORY).pulls.values()].find(
    (pull) => pull.state === 'open' && pull.head?.ref === 'dev' && pull.base?.ref === 'master',
  );
  if (!pr) throw new Error('prepare_release.yml opened no pull request dev → master');
  const releaseCommit = pr.head!.sha!;
  const devPusher = git(wrapper.bare, 'reflog', 'show', '-n', '1', '--format=%gn', 'refs/heads/dev');
  // Bob reviews: he ticks the checklist (the docs pull request is ready, the README reviewed), then approves.
  const ticked = await maintainers.tick(pr.number!);
  if (ticked)
    await release.event(
      release.pullRequestEvent('edited', github.pull(REPOSITORY, pr.number!), BOB, { changes: { body: { from: ticked.from } } }),
      `#${pr.number} checklist ticked by ${BOB.login}`,
      { 'entrypoint_prerelease.yml › verify': 'failure' },
    );
  const review = (await maintainers.approve(pr.number!, 'Approved by a maintainer')) as { state: string; commit_id: string };
  acts.push(`${BOB.login} approved #${pr.number}${ticked ? ' (checklist ticked)' : ''}`);
  // The approval re-runs the gate; it passes, and auto-merge merges: the `closed` event runs entrypoint_release.yml:
  // the signed tag, the packages, the GitHub release, the docs, the next beta.
  const releaseJobs = {
    'entrypoint_release.yml › tag': 'success',
    'entrypoint_release.yml › hand-pushed-tag': 'skipped',
    'entrypoint_release.yml › build': 'success',
    'entrypoint_release.yml › publish': 'success',
    'entrypoint_release.yml › github-release': 'success',
    'entrypoint_release.yml › docs': 'success',
    'entrypoint_release.yml › next-beta': 'success',
    'entrypoint_release.yml › next-beta › bump': 'success',
  } as const;
  const ends = await release.event(
    release.reviewEvent(github.pull(REPOSITORY, pr.number!), BOB, review),
    `#${pr.number} approved by ${BOB.login}`,
    { 'entrypoint_prerelease.yml › verify': 'success' },
    { expect: releaseJobs },
  );
  const merged = release.merges[0]!;
  const mergeCommit = head(wrapper, 'master');
  const closed = release.pullRequestEvent('closed', github.pull(REPOSITORY, pr.number!), { login: merged.by });
  const tagged = { outputs: ends.find((end) => end.workflow.file === RELEASE_WORKFLOW)?.outputs.get('entrypoint_release.yml › tag') ?? {} };
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

  // "Re-run all jobs" of entrypoint_release.yml, the same event: every job passes again and nothing changes.
  const snapshot = (): string =>
    JSON.stringify({
      wrapper: git(wrapper.bare, 'for-each-ref', '--format=%(refname) %(objectname)'),
      docs: git(docs.bare, 'for-each-ref', '--format=%(refname) %(objectname)'),
      pypi: [...pypi.files.entries()].map(([name, file]) => [name, file.sha256]),
      testPyPI: [...testPyPI.files.entries()].map(([name, file]) => [name, file.sha256]),
      releases: github
        .releases(REPOSITORY)
        .map((entry) => [entry.id, entry.tag_name, entry.body, (entry.assets ?? []).map((asset) => [asset?.id, asset?.digest])]),
      docsPull: [github.pull(DOCS, docsPull.number).merged_at, github.pull(DOCS, docsPull.number).merge_commit_sha],
    });
  const beforeRerun = snapshot();
  // dev has moved on: the next beta is not bumped again.
  await release.event(closed, `entrypoint_release.yml re-run on #${pr.number}'s closed event`, {
    ...releaseJobs,
    'entrypoint_release.yml › next-beta › bump': 'skipped',
  });
  const rerunChangedNothing = snapshot() === beforeRerun;

  const handPushed = await rehearseHandPushedTags(world, {
    wrapper,
    allowedSigners: key.allowedSigners,
    testPyPI,
    pypi,
    secrets: { TAG_SIGNING_KEY: key.privateKey, DOCS_TOKEN },
    vars: { RELEASE_TAGGER_NAME: TAGGER_NAME, RELEASE_TAGGER_EMAIL: TAGGER_EMAIL },
    notRunHere: NOT_RUN_HERE,
  });

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
  const pull = github.pull(REPOSITORY, pr.number!);
  const comments = github.api.repository(REPOSITORY).comments.get(pr.number!) ?? [];
  // The whole message (tagFacts' subject folds the first paragraph, open-release-pr's marker lines, into one line), its signature cut.
  const tagMessage = git(wrapper.bare, 'for-each-ref', '--format=%(contents)', `refs/tags/${VERSION}`).split('-----BEGIN SSH SIGNATURE-----')[0]!.trim();
  const gitlinks = (commit: string) =>
    Object.fromEntries(
      git(wrapper.bare, 'ls-tree', commit, 'exegol-images', 'exegol-resources')
        .split('\n')
        .map((line) => [line.split('\t')[1]!, line.split(/\s+/)[2]!]),
    );
  const atTag = gitlinks(VERSION);
  const githubRelease = github.releases(REPOSITORY).find((entry) => entry.tag_name === VERSION);
  const signature = verifyTag(wrapper.bare, VERSION, { allowedSigners: key.allowedSigners });
  const docsPullEnd = github.pull(DOCS, docsPull.number);
  const assets = (githubRelease?.assets ?? []).map((asset) => ({ name: asset?.name ?? '', sha256: (asset?.digest ?? '').replace(/^sha256:/, '') }));
  log.line(`maintainer actions (${acts.length}): ${acts.join(' → ')}`);
  return [
    ...releasePullChecks(github, REPOSITORY, wrapper.bare, pr.number!, { bot: `${app.slug}[bot]`, gate: GATE, merge: merged, acts }),
    {
      text: `dev's version commit ${releaseCommit.slice(0, 7)} was pushed by ${devPusher} (prepare_release.yml's App token), on dev at 5.1.5b2 (${masterBefore === oldMaster ? 'master untouched until the merge' : 'master moved before the merge'})`,
      ok:
        devPusher === `${app.slug}[bot]` &&
        masterBefore === oldMaster &&
        JSON.stringify(parentsOf(wrapper.bare, releaseCommit)) === JSON.stringify([devBefore]) &&
        git(wrapper.bare, 'log', '-1', '--format=%s', releaseCommit) === `Bump version to ${VERSION}`,
    },
    {
      text: `at the tag, the submodules exegol-images and exegol-resources are at the tips of their main (${tips.images.slice(0, 7)}, ${tips.resources.slice(0, 7)}), moved from ${submodules.images.slice(0, 7)} and ${submodules.resources.slice(0, 7)}`,
      ok: atTag['exegol-images'] === tips.images && atTag['exegol-resources'] === tips.resources && gitlinks(devBefore)['exegol-images'] === submodules.images,
    },
    {
      text: `master's head ${master.slice(0, 7)} is a merge commit: parents master's previous head and dev's release commit ${releaseCommit.slice(0, 7)}`,
      ok: master === mergeCommit && JSON.stringify(parentsOf(wrapper.bare, master)) === JSON.stringify([oldMaster, releaseCommit]),
    },
    { text: `pull request #${pr.number} is merged as that commit`, ok: pull.merged === true && pull.merge_commit_sha === master },
    {
      text: `tag ${VERSION} is annotated, its message the pull request's description, by ${TAGGER_NAME} (RELEASE_TAGGER_NAME), and peels to master's merge commit`,
      ok:
        facts.type === 'tag' &&
        tagMessage === (pull.body ?? '').trim() &&
        tagMessage.includes('<!-- open-release-pr:begin -->') &&
        facts.tagger === `${TAGGER_NAME} <${TAGGER_EMAIL}>` &&
        facts.commit === master &&
        tagged.outputs['tag'] === VERSION,
    },
    {
      text: `tag ${VERSION} is signed and verifies with git using only the public SSH key of TAG_SIGNING_KEY${signature.ok ? '' : ` (git verify-tag: ${signature.output.slice(0, 300) || 'no output'})`}`,
      ok: signature.ok && /Good "git" signature for alice@exegol.invalid/.test(signature.output),
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
    {
      text: `the GitHub release holds ${assets.map((asset) => `${asset.name} (sha256 ${asset.sha256.slice(0, 12)}…)`).join(' and ')}: the bytes built and published`,
      ok: JSON.stringify([...assets].sort((a, b) => a.name.localeCompare(b.name))) === JSON.stringify(built),
    },
    {
      text: 'entrypoint_release.yml re-run on the same event: every job passed again, and no ref, package file, release or asset changed',
      ok: rerunChangedNothing,
    },
    {
      text: `the docs pull request ${DOCS}#${docsPull.number} (dev-wrapper → main) is merged, after the GitHub release was published (${docsPullEnd.merged_at ?? 'not merged'} ≥ ${githubRelease?.published_at ?? '?'})`,
      ok:
        docsPullEnd.merged === true &&
        !!githubRelease?.published_at &&
        !!docsPullEnd.merged_at &&
        Date.parse(docsPullEnd.merged_at) >= Date.parse(githubRelease.published_at) &&
        isAncestor(docs.bare, head(docs, 'dev-wrapper'), head(docs, 'main')),
    },
    ...handPushed,
  ];
}
