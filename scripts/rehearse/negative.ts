// Negative rehearsals: what must NOT happen, each ending with checks of the end state. One small world of
// its own (a GitHub, Exegol-images and Exegol-docs, Docker Hub with production at 3.1.5 and preprod at 3.1.6),
// Exegol-images' `main` protected as a release repository protects it: the merge gate ("Release pull
// request gate", images/verify-release-pr.yml) a required status check, administrators included, nobody
// pushing to main (merges only), and merge commits the only merge method. In order:
// (a) a non-release pull request merged into main: no tag, no GitHub release, no promotion;
// (b) a failing pre-release: with a Docker engine here, full's build fails on the builder (an install step
//     of the release pull request's Dockerfile exits 1); without one, the builders cannot be checked (the
//     runners API refuses the token). The gate fails, the merge is refused by the required check: nothing
//     merged, nothing tagged;
// (c) a squash merge of the release pull request: refused by the repository's settings, nothing changed;
// (d) a promotion that fails half-way (Docker Hub's registry refusing one flavour's tags after others
//     were written), then the release workflow re-run: production whole and the run idempotent.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FLAVOURS, buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { NOT_ACCESSIBLE } from '@exegol-release/testbed/stand-ins/github-api.js';
import { DOCKER_ENGINE_SKIP_REASON } from '@exegol-release/testbed/harness/docker-engine.js';
import { DockerHub, HUB_HOSTS } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { runner } from '@exegol-release/testbed/stand-ins/github-api-runners.js';
import type { WebhookEvent } from './engine/events.js';
import { pushPayload } from './engine/payloads.js';
import { evaluationSummary, Release } from './engine/release.js';
import type { WorkflowRunEnd } from './engine/runner.js';
import { ALICE, BOB, GitHub, gitAsync, Maintainers } from './github.js';
import { BUILDS, imagesWorkflowRunner, startImagesEngine } from './images-engine.js';
import { createDocs, createImages, createResources, head } from './repositories.js';
import { World, type Check } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
const VERSION = '3.1.6';
const PREVIOUS = '3.1.5';
const GATE = 'Release pull request gate';
const DOCKER = { username: 'nwodtuhs', password: 'dckr_pat_rehearsal_read_write_delete' };
const IMAGES = ['base', ...FLAVOURS] as const;
/** The flavour whose production tags Docker Hub refuses in (d). */
const REFUSED = 'web';

const repositoriesOf = (image: string): { preprod: string; production: string } =>
  image === 'base'
    ? { preprod: 'nwodtuhs/exegol-misc-preprod', production: 'nwodtuhs/exegol-misc' }
    : { preprod: 'nwodtuhs/exegol-preprod', production: 'nwodtuhs/exegol' };

/** Rehearses what must not happen, in a world of its own under `parent.root`. @returns the checks of each end state */
export async function rehearseNegative(parent: World): Promise<Check[]> {
  const { log } = parent;
  const root = path.join(parent.root, 'negative');
  await mkdir(root, { recursive: true });
  const github = await new GitHub().start(root);
  parent.stoppers.push(() => github.stop());
  // With a Docker engine, dev's full image fails to build: (b)'s failing pre-release is a failing build.
  const engineWanted = process.env['REHEARSAL_DOCKER_ENGINE'] !== 'off' && !DOCKER_ENGINE_SKIP_REASON;
  const world = new World(root, log, github, parent.bin, await createImages(root, { failingFullBuild: engineWanted }), await createResources(root));
  parent.stoppers.push(async () => {
    for (const stop of world.stoppers.splice(0).reverse()) await stop();
  });
  github.host(world.images);
  const images = world.images;
  const docs = await createDocs(root, { flavours: FLAVOURS, versions: [VERSION] });
  github.host(docs);
  await github.request(ALICE, 'POST', `/repos/${REPOSITORY}/releases`, { tag_name: PREVIOUS, name: `Exegol images ${PREVIOUS}`, body: PREVIOUS });
  // The repository's rules: merge commits only; main protected (the gate required, administrators included, no pushes).
  github.openRelease.settings.set(REPOSITORY, { allow_merge_commit: true, allow_squash_merge: false, allow_rebase_merge: false, allow_auto_merge: true });
  github.api.protect(REPOSITORY, 'main', { requiredStatusChecks: [GATE], enforceAdmins: true, pushAllowances: [] });

  const hub = await new DockerHub({ [DOCKER.username]: { password: DOCKER.password, delete: true } }).start();
  parent.stoppers.push(() => hub.stop());
  const real = engineWanted ? await startImagesEngine(world, hub) : undefined;
  const authorize = (repository: string) => hub.authorize(repository);
  const shared = randomLayer(32 * 1024);
  const preprod = new Map<string, TestImage>();
  const production = new Map<string, TestImage>();
  for (const image of IMAGES) {
    const { preprod: source, production: target } = repositoriesOf(image);
    const old = buildImage({ format: 'oci', sharedLayers: [shared], perArchLayerSizes: [4 * 1024], label: `${image}-${PREVIOUS}` });
    const fresh = buildImage({ format: 'oci', sharedLayers: [shared], perArchLayerSizes: [4 * 1024], label: `${image}-${VERSION}` });
    await pushImage(hub.registry.url, target, [image, `${image}-${PREVIOUS}`], old, authorize);
    // The flavour the engine builds is not in preprod yet: (b)'s pre-release builds it, and fails.
    if (real?.flavour !== image) await pushImage(hub.registry.url, source, [image, `${image}-${VERSION}`], fresh, authorize);
    production.set(image, old);
    preprod.set(image, fresh);
  }
  github.runners.repositories.set(REPOSITORY, [
    runner('builder-amd64-1', { os: 'Linux', arch: 'X64', custom: ['builder', 'AMD64'] }),
    runner('builder-arm64-1', { os: 'macOS', arch: 'ARM64', custom: ['builder'] }),
  ]);
  const engine = imagesWorkflowRunner(world, hub, real);
  const release = new Release(
    engine,
    {
      fullName: REPOSITORY,
      workflows: 'images',
      bare: images.bare,
      secrets: {
        DOCKER_USERNAME: DOCKER.username,
        DOCKER_PASSWORD: DOCKER.password,
        TAG_SIGNING_KEY: 'unused: no release pull request is merged here',
        EXEGOL_DOCS_SSH_DEPLOY_KEY: 'unused: nothing is built',
        RUNNERS_TOKEN: github.personalToken(ALICE, 'runners', { administration: 'read' }),
      },
    },
    github,
  );
  const maintainers = new Maintainers(github, log, REPOSITORY);
  const tags = () => git(images.bare, 'tag', '--list').split('\n').filter(Boolean).sort();
  const digestOf = async (repository: string, tag: string) => tagDigest(hub.registry.url, repository, tag, await authorize(repository));
  /** Each image's production tags: `moved` both at the preprod digest, `kept` the floating tag and the previous version's where they were. */
  const productionState = async () =>
    Promise.all(
      IMAGES.map(async (image) => {
        const { production: target } = repositoriesOf(image);
        const fresh = preprod.get(image)!.index.digest;
        const floating = await digestOf(target, image);
        const versioned = await digestOf(target, `${image}-${VERSION}`);
        return {
          image,
          moved: floating === fresh && versioned === fresh,
          untouched: floating === production.get(image)!.index.digest && versioned === undefined,
          previous: (await digestOf(target, `${image}-${PREVIOUS}`)) === production.get(image)!.index.digest,
        };
      }),
    );
  const checks: Check[] = [];
  const check = (text: string, ok: boolean): void => void checks.push({ text, ok });

  log.heading('Negative rehearsals: what must not happen (ThePorgs/Exegol-images, a world of its own)');
  log.line(`main protected: required status check "${GATE}" (administrators included), pushes restricted to nobody; merge commits only`);
  log.line(`Docker Hub: production at ${PREVIOUS}, preprod at ${VERSION} for ${IMAGES.join(', ')}`);

  // (a) A non-release pull request merged into main.
  log.heading('(a) A non-release pull request merged into main');
  const tagsBefore = tags();
  await mkdir(path.join(root, 'maintainers'), { recursive: true });
  const work = await github.checkout(REPOSITORY, path.join(root, 'maintainers', 'alice'), { ref: 'main', token: ALICE.token });
  await log.step('A README fix on a branch, pushed; and a push straight to main, refused', 'git push · maintainer-alice', async () => {
    await gitAsync(work, 'checkout', '--quiet', '-b', 'fix-readme');
    await writeFiles(work, { 'README.md': '# Exegol images\n\nThe images of Exegol.\n' });
    await gitAsync(work, 'commit', '--quiet', '--all', '-m', 'README: what the images are');
    let refused = '';
    try {
      await gitAsync(work, 'push', '--quiet', 'origin', 'HEAD:main');
    } catch (error) {
      refused = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    }
    check(
      'a push straight to the protected main is refused with GH006, main unchanged',
      /GH006: Protected branch update failed for refs\/heads\/main/.test(refused),
    );
    await gitAsync(work, 'push', '--quiet', 'origin', 'fix-readme');
    return {
      value: undefined,
      lines: [
        `push to main: ${
          refused
            .split('\n')
            .find((line) => line.includes('GH006'))
            ?.trim() ?? 'accepted'
        }`,
      ],
    };
  });
  const mainBeforeFix = head(images, 'main');
  const fix = await github.request<{ number: number; head: { sha: string } }>(ALICE, 'POST', `/repos/${REPOSITORY}/pulls`, {
    title: 'README: what the images are',
    head: 'fix-readme',
    base: 'main',
    body: 'A fix, not a release.',
  });
  await release.event(release.pullRequestEvent('opened', github.pull(REPOSITORY, fix.number), ALICE), `#${fix.number} opened by ${ALICE.login}`, {
    'pre-release.yml › release-pr': 'success',
    'pre-release.yml › runners': 'skipped',
    'pre-release.yml › preprod': 'skipped',
    'verify-release-pr.yml › verify': 'success',
  });
  await release.pushedBy(ALICE, () => maintainers.merge(fix.number, fix.head.sha, 'main'));
  const fixEnds = await release.event(
    release.pullRequestEvent('closed', github.pull(REPOSITORY, fix.number), ALICE),
    `#${fix.number} merged by ${ALICE.login}`,
    {
      'release.yml › tag': 'skipped',
      'release.yml › release': 'skipped',
    },
  );
  const afterFix = await productionState();
  const fixGate = (github.api.repository(REPOSITORY).checkRuns.get(fix.head.sha) ?? []).filter((run) => run.name === GATE);
  check(
    `(a) the fix #${fix.number} is merged into main with a merge commit, its gate "${GATE}" passed (not a release: skipped, not failed)`,
    github.pull(REPOSITORY, fix.number).merged === true &&
      head(images, 'main') !== mainBeforeFix &&
      fixGate.length > 0 &&
      fixGate.every((run) => run.conclusion === 'success'),
  );
  check(`(a) no tag was made (tags: ${tagsBefore.join(', ')})`, JSON.stringify(tags()) === JSON.stringify(tagsBefore));
  check(`(a) no GitHub release but ${PREVIOUS}'s`, github.releases(REPOSITORY).length === 1);
  check(
    '(a) no promotion: production untouched, no preprod tag deleted, release.yml ran no job',
    afterFix.every((entry) => entry.untouched && entry.previous) &&
      hub.tagDeletions.length === 0 &&
      fixEnds.every((end) => [...end.jobs.values()].every((result) => result === 'skipped')),
  );

  // (b) A failing pre-release: the gate fails, and the required check refuses the merge.
  log.heading('(b) A failing pre-release: the merge gate fails, the merge is refused');
  // Without an engine nothing builds here: the pre-release fails at its runners check instead.
  const runnersFault = {
    method: 'GET',
    path: /\/actions\/runners$/,
    status: 403,
    body: NOT_ACCESSIBLE('https://docs.github.com/rest/actions/self-hosted-runners'),
    times: real ? 0 : 1_000,
  };
  if (real)
    log.line(
      `dev's ${real.flavour} Dockerfile: an install step exits 1 (the build fails on the ${real.arch} builder); ${real.flavour}-${VERSION} is not in preprod`,
    );
  else {
    github.api.faults.push(runnersFault);
    log.line(
      'no Docker engine here, so no build: injected GET …/actions/runners answering 403 "Resource not accessible by integration" (the builders cannot be checked: no build may start)',
    );
  }
  // The docs pull request the gate requires (companion-pull-request) is open: the failing build is the only thing wrong.
  await github.request(ALICE, 'POST', `/repos/${docs.fullName}/pulls`, { title: `Images ${VERSION}`, head: 'dev-images', base: 'main', body: 'Docs.' });
  const mainBeforeRelease = head(images, 'main');
  const pr = await maintainers.open(`Release ${VERSION}`, 'main', `## What's new in ${VERSION}\n\n- Sliver in the full image\n`);
  await release.event(
    release.pullRequestEvent('opened', github.pull(REPOSITORY, pr.number), ALICE),
    `#${pr.number} opened by ${ALICE.login}`,
    real
      ? {
          'pre-release.yml › release-pr': 'success',
          'pre-release.yml › runners': 'success',
          'sub_preprod.yml › preprod › plan': 'success',
          'sub_preprod.yml › preprod › base': 'skipped',
          'sub_preprod.yml › preprod › flavours': 'failure',
          'sub_image.yml › preprod › flavours › build': 'failure',
          'sub_build.yml › preprod › flavours › build › build': 'failure',
          'sub_image.yml › preprod › flavours › index': 'skipped',
          'pre-release.yml › preprod': 'failure',
          'verify-release-pr.yml › verify': 'failure',
        }
      : {
          'pre-release.yml › release-pr': 'success',
          'pre-release.yml › runners': 'failure',
          'pre-release.yml › preprod': 'skipped',
          'verify-release-pr.yml › verify': 'failure',
        },
  );
  runnersFault.times = 0;
  const review = (await maintainers.approve(pr.number, 'Approved by a maintainer')) as { state: string; commit_id: string };
  await release.event(release.reviewEvent(github.pull(REPOSITORY, pr.number), BOB, review), `#${pr.number} approved by ${BOB.login}`, {
    'verify-release-pr.yml › verify': 'failure',
  });
  const refusal = await log.step('Merged with a merge commit: refused by the required status check', `PUT /pulls/{n}/merge · ${ALICE.login}`, async () => {
    const answer = await mergeAnswer(github, pr.number, 'merge', pr.head.sha);
    return { value: answer, lines: [`HTTP ${answer.status}: ${answer.message}`] };
  });
  const gateRuns = (github.api.repository(REPOSITORY).checkRuns.get(pr.head.sha) ?? []).filter((run) => run.name === GATE);
  check(
    `(b) the gate "${GATE}" failed on the head commit, and the merge was refused: 405 "Required status check \\"${GATE}\\" is failing."`,
    gateRuns.length > 0 &&
      gateRuns.every((run) => run.conclusion === 'failure') &&
      refusal.status === 405 &&
      refusal.message === `Required status check "${GATE}" is failing.`,
  );
  if (real) {
    const { preprod: source } = repositoriesOf(real.flavour);
    const inPreprod = await digestOf(source, `${real.flavour}-${VERSION}`);
    const built = (await listTags(hub.registry.url, BUILDS, await authorize(BUILDS))).filter((tag) => tag.startsWith(`${real.flavour}-${VERSION}-`));
    check(
      `(b) ${real.flavour}'s build failed on the Docker engine and pushed nothing: no ${source}:${real.flavour}-${VERSION}, no ${BUILDS}:${real.flavour}-${VERSION}-${real.arch}`,
      inPreprod === undefined && built.length === 0,
    );
  }
  check(
    `(b) nothing merged: main still at ${mainBeforeRelease.slice(0, 7)}, #${pr.number} open; nothing tagged`,
    head(images, 'main') === mainBeforeRelease && github.pull(REPOSITORY, pr.number).state === 'open' && JSON.stringify(tags()) === JSON.stringify(tagsBefore),
  );

  // (c) A squash merge of the release pull request.
  log.heading('(c) A squash merge of the release pull request');
  const squash = await log.step('Squash merge attempted', `PUT /pulls/{n}/merge · ${ALICE.login}`, async () => {
    const answer = await mergeAnswer(github, pr.number, 'squash', pr.head.sha);
    return { value: answer, lines: [`HTTP ${answer.status}: ${answer.message}`] };
  });
  check(
    '(c) the squash merge is refused by the repository’s settings: 405 "Squash merges are not allowed on this repository."',
    squash.status === 405 && squash.message === 'Squash merges are not allowed on this repository.',
  );
  check(
    `(c) nothing changed: main at ${mainBeforeRelease.slice(0, 7)}, #${pr.number} open and unmerged, no tag, no release`,
    head(images, 'main') === mainBeforeRelease &&
      github.pull(REPOSITORY, pr.number).merged !== true &&
      JSON.stringify(tags()) === JSON.stringify(tagsBefore) &&
      github.releases(REPOSITORY).length === 1,
  );
  log.line(evaluationSummary());

  // (d) A promotion that fails half-way, then the release workflow re-run.
  log.heading(`(d) A promotion that fails half-way (Docker Hub refuses ${REFUSED}'s tags), then the re-run`);
  if (real) {
    // (d) starts from a whole preprod: the flavour (b) failed to build, as a fixed pre-release would leave it.
    await pushImage(
      hub.registry.url,
      repositoriesOf(real.flavour).preprod,
      [real.flavour, `${real.flavour}-${VERSION}`],
      preprod.get(real.flavour)!,
      authorize,
    );
    log.line(`preprod: ${real.flavour} and ${real.flavour}-${VERSION} pushed as a fixed pre-release leaves them (every image of ${VERSION} in preprod)`);
  }
  const refusedTags = {
    host: HUB_HOSTS.registry,
    method: 'PUT',
    path: new RegExp(`^/v2/nwodtuhs/exegol/manifests/${REFUSED}(-${VERSION.replace(/\./g, '\\.')})?$`),
    status: 403,
    body: JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }),
    times: 1_000,
  };
  hub.faults.push(refusedTags);
  log.line(`injected: PUT of nwodtuhs/exegol:${REFUSED} and :${REFUSED}-${VERSION} answered 403 DENIED by registry-1.docker.io`);
  const requestsBefore = hub.requests.length;
  await release.pushedBy(
    ALICE,
    () =>
      log.step(`Tag ${VERSION} pushed by hand on main`, 'git push · maintainer-alice', async () => {
        await gitAsync(work, 'fetch', '--quiet', 'origin');
        await gitAsync(work, 'tag', '-a', '-m', VERSION, VERSION, 'origin/main');
        await gitAsync(work, 'push', '--quiet', 'origin', VERSION);
        return { value: undefined, lines: [`${VERSION} at ${head(images, 'main').slice(0, 7)}`] };
      }),
    {
      'release.yml › tag': 'skipped',
      'release.yml › release': 'failure',
      'sub_release.yml › release › promote': 'failure',
      'sub_release.yml › release › github-release': 'skipped',
    },
  );
  const afterFailure = await productionState();
  // Production tags written before the refusal (PUT …/manifests/<tag> answered 201), then put back by the action.
  const written = [
    ...new Set(
      hub.requests
        .slice(requestsBefore)
        .filter((request) => request.method === 'PUT' && request.status === 201 && /^\/v2\/nwodtuhs\/exegol\/manifests\/(?!sha256:)/.test(request.path))
        .map((request) => request.path.split('/').pop()!),
    ),
  ];
  check(
    `(d) the promotion failed half-way: ${written.length} production tag(s) written (${written.join(', ')}) before ${REFUSED}'s was refused`,
    written.length > 0 && !afterFailure.find((entry) => entry.image === REFUSED)!.moved,
  );
  check(
    `(d) after the failure, production is as it was (the action put back what it moved), no GitHub release ${VERSION}, no preprod tag deleted`,
    afterFailure.every((entry) => entry.untouched && entry.previous) &&
      !github.releases(REPOSITORY).some((entry) => entry.tag_name === VERSION) &&
      hub.tagDeletions.length === 0,
  );
  refusedTags.times = 0;
  const tagPush = tagPushEvent(images.bare);
  const rerun = await release.event(tagPush, `release.yml re-run on the push of ${VERSION}`, {
    'release.yml › release': 'success',
    'sub_release.yml › release › promote': 'success',
    'sub_release.yml › release › github-release': 'success',
  });
  const whole = await productionState();
  const finalRelease = github.releases(REPOSITORY).filter((entry) => entry.tag_name === VERSION);
  const left = await Promise.all(
    IMAGES.map(async (image) =>
      (await listTags(hub.registry.url, repositoriesOf(image).preprod, await authorize(repositoriesOf(image).preprod))).filter(
        (tag) => tag === image || tag === `${image}-${VERSION}`,
      ),
    ),
  );
  check(
    `(d) after the re-run, production is whole: every flavour and base at its preprod digest, as <image> and <image>-${VERSION}`,
    whole.every((entry) => entry.moved),
  );
  check(
    `(d) production's ${PREVIOUS} tags are untouched`,
    whole.every((entry) => entry.previous),
  );
  check(
    `(d) the re-run is idempotent: one GitHub release ${VERSION}, the ${IMAGES.length * 2} promoted preprod tags deleted once each, every job passed`,
    finalRelease.length === 1 &&
      left.flat().length === 0 &&
      new Set(hub.tagDeletions).size === hub.tagDeletions.length &&
      hub.tagDeletions.length === IMAGES.length * 2 &&
      rerun.every((end: WorkflowRunEnd) => ![...end.jobs.values()].includes('failure')),
  );
  log.line(evaluationSummary());
  return checks;
}

/** PUT …/pulls/{n}/merge as alice, answered whatever it is. @returns the status and GitHub's message */
async function mergeAnswer(github: GitHub, number: number, method: string, sha: string): Promise<{ status: number; message: string }> {
  const response = await fetch(`${github.url}/repos/${REPOSITORY}/pulls/${number}/merge`, {
    method: 'PUT',
    headers: { authorization: `token ${ALICE.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ merge_method: method, sha }),
  });
  const body = (await response.json()) as { message?: string };
  return { status: response.status, message: body.message ?? '' };
}

/** The push event of the tag VERSION as GitHub sent it, by alice (re-running a workflow run gives its jobs the same event). */
function tagPushEvent(bare: string): WebhookEvent {
  const after = git(bare, 'rev-parse', `refs/tags/${VERSION}`);
  return { name: 'push', payload: pushPayload(bare, REPOSITORY, { ref: `refs/tags/${VERSION}`, before: '0'.repeat(40), after, login: ALICE.login }) };
}
