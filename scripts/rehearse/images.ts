// The images' release, 3.1.6 on Exegol-images' `main`, in the maintainers' order: images/prepare_release.yml
// dispatched (the version from the tags: `patch` after 3.1.5), whose App token lets open-release-pr open the
// release pull request dev → main with the notes of the pull requests merged since 3.1.5 and auto-merge on;
// opened by the App's bot, it starts images/pre-release.yml (check-runners, the preprod plan) and the gate
// images/verify-release-pr.yml; a maintainer ticks the checklist and approves, the gate passes and GitHub's
// auto-merge merges with a merge commit as the App; then images/release.yml: dev fast-forwarded and the signed tag 3.1.6 on the merge commit
// (images/sub_tag.yml), every flavour and base promoted on Docker Hub, the preprod tags deleted, the
// GitHub release "Exegol images 3.1.6" (images/sub_release.yml); and a beta's release, not latest.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FLAVOURS, buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { neutraliseNotes } from '@exegol-release/core/open-release-pr';
import { releaseChecklist } from '@exegol-release/core/release-pr';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { DockerHub } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { evaluationSummary, Release } from './engine/release.js';
import { ALICE, BOB, gitAsync, Maintainers } from './github.js';
import { releasePullChecks } from './auto-merge-checks.js';
import type { StepReport } from './workflow.js';
import { runner } from '@exegol-release/testbed/stand-ins/github-api-runners.js';
import { createDocs, head, TOOLS_LISTS } from './repositories.js';
import { imagesWorkflowRunner, startImagesEngine } from './images-engine.js';
import { isAncestor, makeSshKey, parentsOf, tagFacts, verifyTag, type Check, type World } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
const DOCS = 'ThePorgs/Exegol-docs';
const VERSION = '3.1.6';
const BETA = '3.1.7b1';
const PREVIOUS = '3.1.5';
const DOCKER = { username: 'nwodtuhs', password: 'dckr_pat_rehearsal_read_write_delete' };
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
/** The pull request merged into dev since 3.1.5 (squash-merged: its merge commit is dev's commit), which the notes list. */
const MERGED_CHANGE = 'Sliver in the full image';
/** The checklist images/prepare_release.yml gives open-release-pr. */
const CHECKLIST = ['Pre-release images built and their tools tested on both architectures', 'Tools list exported to Exegol-docs'];
/** The required status check of main: verify-release-pr.yml's gate job, by its name. */
const GATE = 'Release pull request gate';
const IMAGES = ['base', ...FLAVOURS] as const;

/** Where each image lives: flavours in exegol-preprod → exegol, base in exegol-misc-preprod → exegol-misc. */
const repositoriesOf = (image: string): { preprod: string; production: string } =>
  image === 'base'
    ? { preprod: 'nwodtuhs/exegol-misc-preprod', production: 'nwodtuhs/exegol-misc' }
    : { preprod: 'nwodtuhs/exegol-preprod', production: 'nwodtuhs/exegol' };

/** Rehearses the images' release in `world`. @returns the checks of the end state */
export async function rehearseImages(world: World): Promise<Check[]> {
  const { root, log, github } = world;
  const images = world.images;
  await github.request(ALICE, 'POST', `/repos/${REPOSITORY}/releases`, { tag_name: PREVIOUS, name: `Exegol images ${PREVIOUS}`, body: 'Exegol images 3.1.5' });
  const oldMain = head(images, 'main');

  // Docker Hub: production at 3.1.5, preprod holding 3.1.6 as the pre-release pipeline left it.
  const hub = await new DockerHub({ [DOCKER.username]: { password: DOCKER.password, delete: true } }).start();
  world.stoppers.push(() => hub.stop());
  const authorize = (repository: string) => hub.authorize(repository);
  // With a Docker engine here, one flavour is left out of preprod: the pre-release builds it for real (images-engine.ts).
  const real = await startImagesEngine(world, hub);
  const shared = randomLayer(64 * 1024);
  const preprod = new Map<string, TestImage>();
  const production = new Map<string, TestImage>();
  for (const image of IMAGES) {
    const { preprod: source, production: target } = repositoriesOf(image);
    const old = buildImage({ format: 'oci', sharedLayers: [shared], perArchLayerSizes: [8 * 1024], label: `${image}-${PREVIOUS}` });
    const fresh = buildImage({
      format: 'oci',
      sharedLayers: [shared],
      perArchLayerSizes: [8 * 1024],
      attestation: image !== 'base',
      label: `${image}-${VERSION}`,
    });
    await pushImage(hub.registry.url, target, [image, `${image}-${PREVIOUS}`], old, authorize);
    if (real?.flavour !== image) await pushImage(hub.registry.url, source, [image, `${image}-${VERSION}`], fresh, authorize);
    production.set(image, old);
    preprod.set(image, fresh);
  }
  const key = await makeSshKey(path.join(root, 'keys', 'images'), BOT_EMAIL);
  // dev since 3.1.5: a contributor's pull request, squash-merged (its merge commit is dev's commit), as generate-notes lists it.
  const state = github.api.repository(REPOSITORY);
  const mergedChange = Math.max(0, ...state.pulls.keys()) + 1;
  const mergedAt = new Date().toISOString();
  state.pulls.set(mergedChange, {
    number: mergedChange,
    html_url: `https://github.com/${REPOSITORY}/pull/${mergedChange}`,
    title: MERGED_CHANGE,
    user: { login: 'contributor-carol', type: 'User' },
    state: 'closed',
    merged: true,
    merged_at: mergedAt,
    closed_at: mergedAt,
    merge_commit_sha: head(images, 'dev'),
    head: { ref: 'sliver', label: 'contributor-carol:sliver', sha: head(images, 'dev') },
    base: { ref: 'dev', label: 'ThePorgs:dev', sha: head(images, 'main') },
  });
  // The release App prepare_release.yml mints its token with; auto-merge allowed; main requires the gate's check and one approval.
  const app = github.releaseAppOf();
  github.openRelease.settings.set(REPOSITORY, { allow_merge_commit: true, allow_squash_merge: true, allow_rebase_merge: false, allow_auto_merge: true });
  github.api.protect(REPOSITORY, 'main', { requiredApprovingReviewCount: 1, requiredStatusChecks: [GATE] });

  // The self-hosted builders check-runners must see online (images/pre-release.yml › runners), registered on the repository.
  github.runners.repositories.set(REPOSITORY, [
    runner('builder-amd64-1', { os: 'Linux', arch: 'X64', custom: ['builder', 'AMD64'] }),
    runner('builder-arm64-1', { os: 'macOS', arch: 'ARM64', custom: ['builder'] }),
    runner('tester-arm64-1', { os: 'macOS', arch: 'ARM64', custom: ['tester'], status: 'offline' }),
  ]);
  const runnersToken = github.personalToken(ALICE, 'runners', { administration: 'read' });
  // Exegol-docs: the tools lists on dev, and the docs pull request dev-images → main, ready before the release.
  const docs = await createDocs(root, { flavours: FLAVOURS, versions: [VERSION, BETA] });
  github.host(docs);
  const docsToken = github.personalToken(ALICE, 'docs', { contents: 'write', 'pull-requests': 'write' });
  const docsPull = await github.request<{ number: number; html_url: string }>(ALICE, 'POST', `/repos/${DOCS}/pulls`, {
    title: `Images ${VERSION}`,
    head: 'dev-images',
    base: 'main',
    body: `The docs of Exegol images ${VERSION}.`,
  });

  log.heading(`The images: Exegol images ${VERSION} (${REPOSITORY}, main)`);
  log.line(`git: ${images.bare} (main at ${PREVIOUS}, dev one change ahead: #${mergedChange} "${MERGED_CHANGE}" by contributor-carol, squash-merged)`);
  log.line(
    `the App ${app.slug} (RELEASE_APP_ID ${app.id}) installed on ${REPOSITORY}: contents and pull requests, write; auto-merge allowed; main protected: 1 approval, required check "${GATE}"`,
  );
  log.line(
    `Docker Hub (registry-1.docker.io, auth.docker.io, hub.docker.com through ${hub.proxyUrl}): production at ${PREVIOUS}, preprod at ${VERSION} and ${BETA} for ${IMAGES.join(', ')}`,
  );
  log.line(`TAG_SIGNING_KEY: an SSH key made for the rehearsal`);
  log.line(
    `self-hosted runners of ${REPOSITORY}: ${github.runners.repositories
      .get(REPOSITORY)!
      .map((entry) => `${entry.name} [${entry.labels.map((label) => label.name).join(', ')}] ${entry.status}`)
      .join('; ')}; RUNNERS_TOKEN: a fine-grained token with "Administration: read"`,
  );
  log.line(
    `${DOCS}: main, dev with the tools lists (${TOOLS_LISTS}), docs pull request #${docsPull.number} dev-images → main open; DOCS_TOKEN: Contents and Pull requests: write`,
  );

  // The release as GitHub sees it: events in ThePorgs/Exegol-images, each starting the workflows whose on: matches.
  const engine = imagesWorkflowRunner(world, hub, real, {
    serviceEnv: (action): Record<string, string> => (action === 'open-release-pr' ? github.githubGitEnv() : {}),
  });
  /** Each maintainer's act of the release 3.1.6, in order (the world's set-up excluded). */
  const acts: string[] = [];
  const release = new Release(
    engine,
    {
      fullName: REPOSITORY,
      workflows: 'images',
      bare: images.bare,
      vars: { RELEASE_APP_ID: String(app.id) },
      secrets: {
        RELEASE_APP_PRIVATE_KEY: app.privateKey,
        DOCKER_USERNAME: DOCKER.username,
        DOCKER_PASSWORD: DOCKER.password,
        TAG_SIGNING_KEY: key.privateKey,
        EXEGOL_DOCS_SSH_DEPLOY_KEY: 'unused: no tools list is exported when nothing is built',
        RUNNERS_TOKEN: runnersToken,
        DOCS_TOKEN: docsToken,
      },
    },
    github,
  );
  const maintainers = new Maintainers(github, log, REPOSITORY);
  // The builds: every image of this version is in preprod already, so the plan builds none; with a Docker engine, all but one flavour.
  await real?.seedOtherArch(VERSION);
  // One click: prepare_release.yml on main with its defaults (no version: `patch` after the highest final tag, 3.1.5 → 3.1.6).
  const dispatched = await maintainers.dispatch(release, 'images/prepare_release.yml', 'main', { version: '', bump: 'patch', 'dry-run': 'false' });
  acts.push(`${ALICE.login} dispatched prepare_release.yml`);
  // The pull request the App opens starts the pre-release pipeline and the gate.
  await release.event(dispatched, `prepare_release.yml dispatched by ${ALICE.login}`, {
    'prepare_release.yml › prepare': 'success',
    'pre-release.yml › release-pr': 'success',
    'pre-release.yml › runners': 'success',
    'sub_preprod.yml › preprod › plan': 'success',
    'sub_preprod.yml › preprod › base': 'skipped',
    'sub_preprod.yml › preprod › flavours': 'skipped',
    'pre-release.yml › preprod': 'success',
    // No approval yet: the gate fails until a maintainer approves, as on GitHub.
    'verify-release-pr.yml › verify': 'failure',
    ...real?.expectations,
  });
  if (real)
    preprod.set(real.flavour, { ...preprod.get(real.flavour)!, index: { ...preprod.get(real.flavour)!.index, digest: await real.afterPreRelease(VERSION) } });
  const order = runnersFirst(log.steps);
  log.line(
    order.runners
      ? `check-runners ran first: step ${order.runners}, before the pre-release's first self-hosted or build job${order.builds ? ` (step ${order.builds})` : ' (none ran: every image is in preprod)'}`
      : 'check-runners did not run',
  );
  const pr = [...state.pulls.values()].find((pull) => pull.state === 'open' && pull.head?.ref === 'dev' && pull.base?.ref === 'main');
  if (!pr) throw new Error('prepare_release.yml opened no pull request dev → main');
  const releaseHead = pr.head!.sha!;
  // The maintainer ticks the release checklist with the approval, as the merge gate requires (require-checklist).
  const ticked = await maintainers.tick(pr.number!);
  if (ticked)
    await release.event(
      release.pullRequestEvent('edited', github.pull(REPOSITORY, pr.number!), BOB, { changes: { body: { from: ticked.from } } }),
      `#${pr.number} checklist ticked by ${BOB.login}`,
      { 'pre-release.yml › release-pr': 'skipped', 'verify-release-pr.yml › verify': 'failure' },
    );
  const review = (await maintainers.approve(pr.number!, 'Approved by a maintainer once the builds passed')) as { state: string; commit_id: string };
  acts.push(`${BOB.login} approved #${pr.number}${ticked ? ' (checklist ticked)' : ''}`);
  // The approval re-runs the gate; it passes, auto-merge merges, and the `closed` event runs release.yml.
  const ends = await release.event(
    release.reviewEvent(github.pull(REPOSITORY, pr.number!), BOB, review),
    `#${pr.number} approved by ${BOB.login}`,
    { 'verify-release-pr.yml › verify': 'success' },
    {
      expect: {
        'release.yml › tag': 'success',
        'sub_tag.yml › tag › tag': 'success',
        'release.yml › release': 'success',
        'sub_release.yml › release › promote': 'success',
        'sub_release.yml › release › github-release': 'success',
        'sub_release.yml › release › docs': 'success',
      },
    },
  );
  const merged = release.merges[0];
  const mergeCommit = merged?.sha ?? '';
  const released = ends.find((end) => end.workflow.file === 'images/release.yml');
  const docsAfterRelease = structuredClone(github.pull(DOCS, docsPull.number));
  const tagOutputs = released?.outputs.get('release.yml › tag') ?? {};
  const devAfterTag = head(images, 'dev');
  log.line(evaluationSummary());
  log.line(`maintainer actions (${acts.length}): ${acts.join(' → ')}`);

  // The final release's end state, read before the beta moves the floating tags.
  const digests = await Promise.all(
    IMAGES.map(async (image) => {
      const { preprod: source, production: target } = repositoriesOf(image);
      const read = async (repository: string, tag: string) => tagDigest(hub.registry.url, repository, tag, await authorize(repository));
      return {
        image,
        moved:
          (await read(target, image)) === preprod.get(image)!.index.digest && (await read(target, `${image}-${VERSION}`)) === preprod.get(image)!.index.digest,
        kept: (await read(target, `${image}-${PREVIOUS}`)) === production.get(image)!.index.digest,
        preprodTags: await listTags(hub.registry.url, source, await authorize(source)),
      };
    }),
  );
  const leftInPreprod = digests.flatMap((entry) => entry.preprodTags.filter((tag) => tag === entry.image || tag === `${entry.image}-${VERSION}`));
  const deletionsOfTheFinal = hub.tagDeletions.filter((deleted) => !deleted.startsWith('nwodtuhs/exegol-builds:')).length;

  // A beta: a maintainer pushes a commit on dev and the tag 3.1.7b1; release.yml runs on the tag push.
  await mkdir(path.join(root, 'maintainers'), { recursive: true });
  const alice = await github.checkout(REPOSITORY, path.join(root, 'maintainers', 'alice-Exegol-images'), { ref: 'dev', token: ALICE.token });
  // Its pre-release pipeline left the beta's images in preprod, tagged <image> and <image>-3.1.7b1 (sub_image.yml › index).
  for (const image of IMAGES) {
    const built = buildImage({ format: 'oci', sharedLayers: [shared], perArchLayerSizes: [8 * 1024], label: `${image}-${BETA}` });
    await pushImage(hub.registry.url, repositoriesOf(image).preprod, [image, `${image}-${BETA}`], built, authorize);
  }
  log.line(`preprod: the beta's images pushed as its pre-release pipeline leaves them (${IMAGES.join(', ')}, as <image> and <image>-${BETA})`);
  await release.pushedBy(
    ALICE,
    () =>
      log.step(`A beta: tag ${BETA} pushed on a new dev commit`, 'git push · maintainer-alice', async () => {
        await gitAsync(alice, 'commit', '--quiet', '--allow-empty', '-m', 'Exegol images 3.1.7b1');
        await gitAsync(alice, 'tag', '-a', '-m', BETA, BETA);
        await gitAsync(alice, 'push', '--quiet', '--atomic', 'origin', 'dev', BETA);
        return { value: undefined, lines: [`${BETA} at ${(await gitAsync(alice, 'rev-parse', 'HEAD')).slice(0, 7)}`] };
      }),
    {
      'release.yml › tag': 'skipped',
      'release.yml › release': 'success',
      'sub_release.yml › release › promote': 'success',
      'sub_release.yml › release › github-release': 'success',
      'sub_release.yml › release › docs': 'success',
    },
  );
  log.line(evaluationSummary());

  // The end state.
  const facts = tagFacts(images.bare, VERSION);
  // The whole message (tagFacts' subject folds the first paragraph, open-release-pr's marker lines, into one line), its signature cut.
  const tagMessage = git(images.bare, 'for-each-ref', '--format=%(contents)', `refs/tags/${VERSION}`).split('-----BEGIN SSH SIGNATURE-----')[0]!.trim();
  const signature = verifyTag(images.bare, VERSION, { allowedSigners: key.allowedSigners });
  const pull = github.pull(REPOSITORY, pr.number!);
  const comments = github.api.repository(REPOSITORY).comments.get(pr.number!) ?? [];
  const releases = github.releases(REPOSITORY);
  const final = releases.find((entry) => entry.tag_name === VERSION);
  const beta = releases.find((entry) => entry.tag_name === BETA);
  const lists = FLAVOURS.flatMap((flavour) => ['amd64', 'arm64'].map((arch) => `${flavour}_${VERSION}_${arch}.csv`)).sort();
  const attached = (final?.assets ?? []).map((asset) => ({
    name: asset!.name!,
    sha256: createHash('sha256')
      .update(github.endpoints.assetBytes.get(asset!.id!) ?? '')
      .digest('hex'),
  }));
  const docsMerge = docsAfterRelease.merge_commit_sha ?? '';
  return [
    ...(real ? await real.checks(VERSION) : []),
    ...releasePullChecks(github, REPOSITORY, images.bare, pr.number!, { bot: `${app.slug}[bot]`, gate: GATE, merge: merged, acts }),
    {
      text: `the release pull request's description lists #${mergedChange} "${MERGED_CHANGE}" (the notes from ${PREVIOUS}) and the ${CHECKLIST.length} checklist items`,
      ok:
        (pull.body ?? '').includes(neutraliseNotes(`* ${MERGED_CHANGE} by @contributor-carol in https://github.com/${REPOSITORY}/pull/${mergedChange}`)) &&
        releaseChecklist(pull.body ?? '')
          .items.map((item) => item.text)
          .join('\n') === CHECKLIST.join('\n'),
    },
    {
      text: `check-runners ran before the pre-release's builds (step ${order.runners}), with builders online for AMD64 and ARM64`,
      ok: order.runners > 0 && (order.builds === 0 || order.runners < order.builds),
    },
    {
      text: `the release "Exegol images ${VERSION}" holds the ${lists.length} tools lists of Exegol-docs' dev, each asset's sha256 that of the file`,
      ok:
        JSON.stringify(attached.map((asset) => asset.name).sort()) === JSON.stringify(lists) &&
        attached.every(
          (asset) =>
            asset.sha256 ===
            createHash('sha256')
              .update(git(docs.bare, 'show', `dev:${TOOLS_LISTS}/${asset.name}`) + '\n')
              .digest('hex'),
        ),
    },
    {
      text: `the docs pull request ${DOCS}#${docsPull.number} dev-images → main was merged with a merge commit after the release ${VERSION} was published, never before`,
      ok:
        docsAfterRelease.merged === true &&
        !!final?.published_at &&
        (docsAfterRelease.merged_at ?? '') >= final.published_at &&
        parentsOf(docs.bare, docsMerge).length === 2 &&
        head(docs, 'main') === docsMerge,
    },
    {
      text: `main's head ${mergeCommit.slice(0, 7)} is a merge commit: parents main's previous head and the release pull request's head ${releaseHead.slice(0, 7)}`,
      ok: JSON.stringify(parentsOf(images.bare, mergeCommit)) === JSON.stringify([oldMain, releaseHead]) && tagOutputs['sha'] === mergeCommit,
    },
    { text: `pull request #${pr.number} is merged as that commit`, ok: pull.merged === true && pull.merge_commit_sha === mergeCommit },
    {
      text: 'dev was fast-forwarded to the merge commit before the tag (and the beta commit came after it)',
      ok: devAfterTag === mergeCommit && isAncestor(images.bare, mergeCommit, 'dev'),
    },
    {
      text: `tag ${VERSION} is annotated, its message the pull request's description (Markdown heading kept), and peels to the merge commit`,
      ok: facts.type === 'tag' && tagMessage === (pull.body ?? '').trim() && tagMessage.includes(MERGED_CHANGE) && facts.commit === mergeCommit,
    },
    {
      text: `the release checklist's ${CHECKLIST.length} items were ticked by the maintainer who approved, before the approval`,
      ok:
        !!ticked && releaseChecklist(pull.body ?? '').items.length === CHECKLIST.length && releaseChecklist(pull.body ?? '').items.every((item) => item.ticked),
    },
    { text: `tag ${VERSION} is signed and verifies with git using only the SSH public key`, ok: signature.ok && /Good "git" signature/.test(signature.output) },
    { text: `production holds every flavour and base at its preprod digest, as <image> and <image>-${VERSION}`, ok: digests.every((entry) => entry.moved) },
    { text: `production's ${PREVIOUS} tags are untouched`, ok: digests.every((entry) => entry.kept) },
    {
      text: `the ${IMAGES.length * 2} promoted preprod tags are gone, deleted through Docker Hub's API`,
      ok: leftInPreprod.length === 0 && deletionsOfTheFinal === IMAGES.length * 2,
    },
    {
      text: 'the pull request holds one checklist comment, "ready", by github-actions[bot]',
      ok: comments.length === 1 && comments[0]?.user?.login === 'github-actions[bot]' && (comments[0]?.body ?? '').includes('### Release checklist: ready'),
    },
    {
      text: `the GitHub release "Exegol images ${VERSION}" is the latest, its notes from ${PREVIOUS}`,
      ok:
        final?.name === `Exegol images ${VERSION}` &&
        final.prerelease === false &&
        (final.body ?? '').includes(`compare/${PREVIOUS}...${VERSION}`) &&
        github.endpoints.latest(REPOSITORY)?.tag_name === VERSION,
    },
    {
      text: `the GitHub release "Exegol images ${BETA}" is a pre-release, not the latest, its notes from ${VERSION}`,
      ok:
        beta?.name === `Exegol images ${BETA}` &&
        beta.prerelease === true &&
        (beta.body ?? '').includes(`compare/${VERSION}...${BETA}`) &&
        github.endpoints.latest(REPOSITORY)?.tag_name !== BETA,
    },
  ];
}

/**
 * Where check-runners ran in the log, and the first job after it that a self-hosted runner or a build
 * would take (images/sub_preprod.yml's, images/sub_build.yml's). @returns step numbers, 0 when none
 */
function runnersFirst(steps: readonly StepReport[]): { runners: number; builds: number } {
  const runners = steps.find((step) => step.what.startsWith('check-runners ·'))?.number ?? 0;
  const builds = steps.find((step) => /sub_preprod\.yml|sub_build\.yml/.test(step.what))?.number ?? 0;
  return { runners, builds };
}
