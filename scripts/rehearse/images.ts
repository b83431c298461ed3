// The images' release, 3.1.6 on Exegol-images' `main`, in the maintainers' order: the release pull
// request dev → main opened (images/pre-release.yml's first job), the builder's disk checked
// (images/sub_build.yml), approved and verified (images/verify-release-pr.yml), merged with a merge
// commit; then images/release.yml: dev fast-forwarded and the signed tag 3.1.6 on the merge commit
// (images/sub_tag.yml), every flavour and base promoted on Docker Hub, the preprod tags deleted, the
// GitHub release "Exegol images 3.1.6" (images/sub_release.yml); and a beta's release, not latest.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MOUNT_SKIP_REASON, mountTmpfs } from '@exegol-release/testbed/fixtures/filesystems.js';
import { FLAVOURS, buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { DockerHub } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { ALICE, BOB, eventFile, gitAsync, Maintainers } from './github.js';
import { head } from './repositories.js';
import { resolveExpressions, WorkflowJob, type Context, type JobAddress } from './workflow.js';
import { isAncestor, makeSshKey, parentsOf, tagFacts, verifyTag, type Check, type World } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol-images';
const VERSION = '3.1.6';
const BETA = '3.1.7b1';
const PREVIOUS = '3.1.5';
const DOCKER = { username: 'nwodtuhs', password: 'dckr_pat_rehearsal_read_write_delete' };
const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';
const DESCRIPTION = "## What's new in 3.1.6\n\n- Sliver in the full image\n- netexec updated in ad\n- Firefox policies for web\n";
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
    await pushImage(hub.registry.url, source, [image, `${image}-${VERSION}`], fresh, authorize);
    production.set(image, old);
    preprod.set(image, fresh);
  }
  const key = await makeSshKey(path.join(root, 'keys', 'images'), BOT_EMAIL);

  log.heading(`The images: Exegol images ${VERSION} (${REPOSITORY}, main)`);
  log.line(`git: ${images.bare} (main at ${PREVIOUS}, dev one change ahead)`);
  log.line(
    `Docker Hub (registry-1.docker.io, auth.docker.io, hub.docker.com through ${hub.proxyUrl}): production at ${PREVIOUS}, preprod at ${VERSION} for ${IMAGES.join(', ')}`,
  );
  log.line(`TAG_SIGNING_KEY: an SSH key made for the rehearsal`);

  const maintainers = new Maintainers(github, log, REPOSITORY);
  const pr = await maintainers.open(`Release ${VERSION}`, 'main', DESCRIPTION);
  const releaseHead = pr.head.sha;
  const baseEnv = { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY, ...world.ghEnv() };
  const pullRequestEvent = async (action: string): Promise<Record<string, string>> => ({
    GITHUB_EVENT_NAME: action === 'submitted' ? 'pull_request_review' : 'pull_request',
    GITHUB_EVENT_PATH: await eventFile(path.join(root, 'events'), `images-pull-request-${action}`, {
      action,
      number: pr.number,
      pull_request: github.pull(REPOSITORY, pr.number),
      repository: { full_name: REPOSITORY },
      ...(action === 'submitted' ? { review: { state: 'approved', user: { login: BOB.login } } } : {}),
    }),
    GITHUB_REF: `refs/pull/${pr.number}/merge`,
  });
  const job = async (
    address: JobAddress,
    options: { env?: Record<string, string>; context?: Context; caller?: JobAddress; runnerDirectory?: string } = {},
  ): Promise<WorkflowJob> =>
    new WorkflowJob(address, {
      log,
      runnerDirectory: options.runnerDirectory ?? (await world.runner()),
      issueToken: (permissions) => github.jobToken(permissions),
      context: { 'github.repository': REPOSITORY, ...options.context },
      env: { ...baseEnv, GITHUB_JOB: address.job, ...options.env },
      path: [world.bin],
      ...(options.caller ? { caller: options.caller } : {}),
    });

  // images/pre-release.yml on the opened pull request: what can be known before building.
  const preRelease = await job({ file: 'images/pre-release.yml', job: 'release-pr' });
  await preRelease.uses('release', 'Pre-release: a release pull request, version and description hold (no approval yet)', {
    env: await pullRequestEvent('opened'),
  });

  // images/sub_build.yml on a builder: its disk first.
  if (MOUNT_SKIP_REASON)
    log.skipped('sub_build.yml › build › check-runner-disk on the builder', `not rehearsed: ${MOUNT_SKIP_REASON} (the builder's 150 GB disk is a tmpfs)`);
  else {
    const disk = await mountTmpfs(150e9);
    world.stoppers.push(() => disk.unmount());
    const builder = await job(
      { file: 'images/sub_build.yml', job: 'build' },
      {
        runnerDirectory: disk.mountPoint,
        context: { 'inputs.image': 'full', 'inputs.version': VERSION, 'inputs.arch': 'amd64' },
        env: { RUNNER_NAME: 'exegol-builder-amd64' },
      },
    );
    await builder.uses('check-runner-disk', "The builder's disk holds 100 GB free before the build (its workspace on a 150 GB tmpfs)");
  }
  const builds = IMAGES.flatMap((image) =>
    ['amd64', 'arm64'].flatMap((arch) =>
      ['build', 'test', 'push'].map((stage) => `Pre-release ${VERSION} / ${image} / ${image} (${arch}) / ${stage} (${image}, ${arch})`),
    ),
  );
  github.passedRun(REPOSITORY, '.github/workflows/pre-release.yml', releaseHead, ['Release pull request', ...builds], 'pull_request');
  log.skipped(
    'sub_preprod.yml, sub_image.yml, sub_build.yml: build, test, push, multi-arch index',
    `not rehearsed (no Docker engine here): preprod holds each image's ${VERSION} index, ${builds.length} build jobs recorded as passed check runs`,
  );

  await maintainers.approve(pr.number, 'Approved by a maintainer once the builds passed');
  const runner = 'GitHub Actions 1000000202';
  const gateRun = github.startRun(
    REPOSITORY,
    '.github/workflows/verify-release-pr.yml',
    releaseHead,
    'Release pull request gate',
    runner,
    'pull_request_review',
  );
  const gate = await job({ file: 'images/verify-release-pr.yml', job: 'verify' });
  await gate.uses('verify-release-pr', 'The merge gate: every rule, every build passed, approved', {
    env: { ...(await pullRequestEvent('submitted')), GITHUB_RUN_ID: gateRun, RUNNER_NAME: runner },
  });
  await maintainers.merge(pr.number, releaseHead, 'main');
  const mergeCommit = head(images, 'main');

  // images/release.yml on the closed pull request: the tag job (sub_tag.yml).
  const caller: JobAddress = { file: 'images/release.yml', job: 'tag' };
  const tagJob = await job(
    { file: 'images/sub_tag.yml', job: 'tag' },
    {
      caller,
      context: {
        'secrets.TAG_SIGNING_KEY': key.privateKey,
        "secrets.TAG_SIGNING_KEY != '' && 'ssh' || 'none'": 'ssh',
        'github.event.pull_request.body': github.pull(REPOSITORY, pr.number).body ?? '',
      },
    },
  );
  const closedEvent = await pullRequestEvent('closed');
  const tagEnv = { ...closedEvent, GITHUB_SHA: mergeCommit, GITHUB_REF: 'refs/heads/main' };
  const verified = await tagJob.uses('release', 'The merged pull request: a release, approved, merged with a merge commit', { env: tagEnv });
  await github.checkout(REPOSITORY, tagJob.workspace, { ref: 'main', token: tagJob.token });
  log.skipped('sub_tag.yml › tag: actions/checkout (main, fetch-depth 0)', 'git clone of main');
  await tagJob.run('Fast-forward dev', 'dev fast-forwarded to the merge commit');
  await tagJob.run('Write the tag message', "The tag message: the pull request's description");
  const tagged = await tagJob.uses('tag', `Signed tag ${VERSION} on the merge commit, main and dev both there`, { env: tagEnv });
  const devAfterTag = head(images, 'dev');

  // images/release.yml's release job: sub_release.yml with the tag made above.
  const releaseCaller: JobAddress = { file: 'images/release.yml', job: 'release' };
  const callerContext = {
    "github.event_name == 'push' && github.ref_name || needs.tag.outputs.tag": tagged.outputs['tag'] ?? '',
    'github.repository': REPOSITORY,
  };
  const release = await promoteAndRelease(world, job, releaseCaller, callerContext, { promote: true, hub, authorize, env: tagEnv });

  // A beta: a maintainer pushes the tag 3.1.7b1 on dev; release.yml runs on the tag push.
  await mkdir(path.join(root, 'maintainers'), { recursive: true });
  const alice = await github.checkout(REPOSITORY, path.join(root, 'maintainers', 'alice-Exegol-images'), { ref: 'dev', token: ALICE.token });
  await log.step(`A beta: tag ${BETA} pushed on a new dev commit`, 'git push · maintainer-alice', async () => {
    await gitAsync(alice, 'commit', '--quiet', '--allow-empty', '-m', 'Exegol images 3.1.7b1');
    await gitAsync(alice, 'tag', '-a', '-m', BETA, BETA);
    await gitAsync(alice, 'push', '--quiet', '--atomic', 'origin', 'dev', BETA);
    return { value: undefined, lines: [`${BETA} at ${(await gitAsync(alice, 'rev-parse', 'HEAD')).slice(0, 7)}`] };
  });
  log.skipped(`sub_release.yml › promote for ${BETA}`, `not rehearsed (preprod holds no ${BETA} images here); its GitHub release job runs`);
  await promoteAndRelease(
    world,
    job,
    releaseCaller,
    { "github.event_name == 'push' && github.ref_name || needs.tag.outputs.tag": BETA, 'github.repository': REPOSITORY },
    { promote: false, hub, authorize, env: { GITHUB_EVENT_NAME: 'push', GITHUB_REF: `refs/tags/${BETA}`, GITHUB_REF_NAME: BETA, GITHUB_REF_TYPE: 'tag' } },
  );

  // The end state.
  const facts = tagFacts(images.bare, VERSION);
  const signature = verifyTag(images.bare, VERSION, { allowedSigners: key.allowedSigners });
  const pull = github.pull(REPOSITORY, pr.number);
  const comments = github.api.repository(REPOSITORY).comments.get(pr.number) ?? [];
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
  const releases = github.releases(REPOSITORY);
  const final = releases.find((entry) => entry.tag_name === VERSION);
  const beta = releases.find((entry) => entry.tag_name === BETA);
  return [
    {
      text: `main's head ${mergeCommit.slice(0, 7)} is a merge commit: parents main's previous head and the release pull request's head ${releaseHead.slice(0, 7)}`,
      ok:
        JSON.stringify(parentsOf(images.bare, mergeCommit)) === JSON.stringify([oldMain, releaseHead]) && verified.outputs['merge-commit-sha'] === mergeCommit,
    },
    { text: `pull request #${pr.number} is merged as that commit`, ok: pull.merged === true && pull.merge_commit_sha === mergeCommit },
    {
      text: 'dev was fast-forwarded to the merge commit before the tag (and the beta commit came after it)',
      ok: devAfterTag === mergeCommit && isAncestor(images.bare, mergeCommit, 'dev'),
    },
    {
      text: `tag ${VERSION} is annotated, its message the pull request's description (Markdown heading kept), and peels to the merge commit`,
      ok: facts.type === 'tag' && facts.message === DESCRIPTION.trim() && facts.commit === mergeCommit,
    },
    { text: `tag ${VERSION} is signed and verifies with git using only the SSH public key`, ok: signature.ok && /Good "git" signature/.test(signature.output) },
    { text: `production holds every flavour and base at its preprod digest, as <image> and <image>-${VERSION}`, ok: digests.every((entry) => entry.moved) },
    { text: `production's ${PREVIOUS} tags are untouched`, ok: digests.every((entry) => entry.kept) },
    {
      text: `the ${IMAGES.length * 2} promoted preprod tags are gone, deleted through Docker Hub's API`,
      ok: leftInPreprod.length === 0 && hub.tagDeletions.length === IMAGES.length * 2,
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
        github.endpoints.latest(REPOSITORY)?.tag_name === VERSION &&
        release.length > 0,
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
 * images/release.yml's release job: sub_release.yml called with the caller's `with:` as written
 * (its expressions resolved from `callerContext`): the promote job (when `promote`), then the
 * github-release job. @returns the release's URL as gh printed it
 */
async function promoteAndRelease(
  world: World,
  job: (address: JobAddress, options?: { env?: Record<string, string>; context?: Context; caller?: JobAddress }) => Promise<WorkflowJob>,
  caller: JobAddress,
  callerContext: Context,
  options: { promote: boolean; hub: DockerHub; authorize: (repository: string) => Promise<Record<string, string>>; env: Record<string, string> },
): Promise<string> {
  const releaseJob = new WorkflowJob(caller, {
    log: world.log,
    runnerDirectory: await world.runner(),
    issueToken: () => 'unused',
    context: callerContext,
    env: {},
  });
  const inputs = Object.fromEntries(
    Object.entries(releaseJob.job.with ?? {}).map(([name, value]) => [
      `inputs.${name}`,
      resolveExpressions(String(value), releaseJob.context, `${caller.file} › ${caller.job} with ${name}`),
    ]),
  );
  const context: Context = { ...inputs, 'secrets.DOCKER_USERNAME': DOCKER.username, 'secrets.DOCKER_PASSWORD': DOCKER.password };
  const version = inputs['inputs.version']!;
  if (options.promote) {
    const promote = await job({ file: 'images/sub_release.yml', job: 'promote' }, { caller, context, env: { ...options.env, ...options.hub.env() } });
    await promote.run('Check the version', `${version} is X.Y.Z or X.Y.ZbN`);
    world.log.skipped('sub_release.yml › promote: docker/login-action', 'the action is given username and password itself');
    await promote.uses('promote-images-preprod-to-prod#1', 'Every flavour promoted on Docker Hub with its digest, preprod tags deleted');
    const base = await tagDigest(
      options.hub.registry.url,
      'nwodtuhs/exegol-misc-preprod',
      `base-${version}`,
      await options.authorize('nwodtuhs/exegol-misc-preprod'),
    );
    await promote.run('base', 'Is there a base image for this version?', {
      instead: {
        script: base ? 'echo "present=true" >> "$GITHUB_OUTPUT"' : `echo "::notice::nwodtuhs/exegol-misc-preprod:base-${version} does not exist"`,
        why: `docker manifest inspect needs the docker CLI logged in: the manifest read from the stand-in instead (${base ? base.slice(0, 19) : 'absent'})`,
      },
    });
    if (promote.context['steps.base.outputs.present'] === 'true')
      await promote.uses('promote-images-preprod-to-prod#2', 'The base image promoted, its preprod tags deleted');
  }
  const githubRelease = await job(
    { file: 'images/sub_release.yml', job: 'github-release' },
    { caller, context: { ...context, 'secrets.RELEASE_TOKEN || github.token': '' }, env: options.env },
  );
  githubRelease.context['secrets.RELEASE_TOKEN || github.token'] = githubRelease.token;
  const created = await githubRelease.run(
    'Create "Exegol images',
    `GitHub release "Exegol images ${version}"${version.includes('b') ? ', a pre-release, not latest' : ', latest'}`,
  );
  return created.stdout.trim();
}
