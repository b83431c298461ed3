// The images' pre-release and release in their pipelines-repository form (workflows-examples/pipelines/), in a world of
// its own: ThePorgs/Exegol-images holding the files README "Adopting" lists for it (pipelines/exegol-images/
// plus images/verify-release-pr.yml and images/sub_tag.yml) and ThePorgs/Pipelines, private, holding
// pipelines/pipelines-repository/ plus images/sub_preprod.yml, sub_image.yml, sub_build.yml and
// sub_release.yml. The release pull request is opened in Exegol-images; dispatch_preprod_base.yml sends
// `preprod-base-pipeline` through POST /repos/ThePorgs/Pipelines/dispatches with the payload Exegol-images
// sends today (`sha` = github.sha, the pull request's merge-ref commit, and `image_version`; no pull
// request number); the stand-in turns it into a repository_dispatch event in ThePorgs/Pipelines, whose
// preprod.yml finds the pull request, builds its head and posts one commit status a build and test job on
// that head with PIPELINE_PAT (Commit statuses: write on Exegol-images); Exegol-images' merge gate
// (verify-release-pr.yml, checks: all) reads them once a maintainer approves. Then the release half: the
// merge tags the merge commit (dispatch_release.yml, sub_tag.yml) and sends `release-pipeline` with the
// payload `{"version": …}` only, as Exegol-images' dev does today; Pipelines' release.yml reads it, finds
// the tag and runs sub_release.yml (recorded, not run: the images' release rehearses that file).
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { FLAVOURS, buildImage, pushImage, randomLayer } from '@exegol-release/testbed/fixtures/images.js';
import { git, gitOutcome } from '@exegol-release/testbed/fixtures/git.js';
import { DockerHub } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { serveDispatchEndpoints, type RepositoryDispatch } from '@exegol-release/testbed/stand-ins/github-api-dispatch.js';
import type { RecordedRequest, Status } from '@exegol-release/testbed/stand-ins/github-api.js';
import { runner } from '@exegol-release/testbed/stand-ins/github-api-runners.js';
import { writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';
import { evaluationSummary, Release, type Expectations } from './engine/release.js';
import { repositoryPayload, senderPayload } from './engine/payloads.js';
import { WorkflowRunner, type WorkflowRunEnd } from './engine/runner.js';
import { examplesDirectory, withExamples } from './engine/workflows.js';
import { ALICE, BOB, GitHub, Maintainers } from './github.js';
import { createDocs, createImages, head, type HostedRepository } from './repositories.js';
import { makeSshKey, tagFacts, type Check, type World } from './world.js';

const IMAGES = 'ThePorgs/Exegol-images';
const PIPELINES = 'ThePorgs/Pipelines';
const DOCS = 'ThePorgs/Exegol-docs';
const VERSION = '3.1.6';
const DOCKER = { username: 'nwodtuhs', password: 'dckr_pat_rehearsal_pipelines' };
const TAGGER_EMAIL = 'alice@exegol.invalid';
/** What is not built here: a Docker engine builds, tests and pushes, then indexes in preprod. Each job is recorded as passed in its run. */
const NOT_RUN_HERE: Record<string, string> = {
  'pipelines/pipelines-repository/sub_build.yml': 'a build, its tests and its push need a Docker engine and the builders',
  'pipelines/pipelines-repository/sub_image.yml › index': 'docker buildx imagetools needs a Docker engine',
  'pipelines/pipelines-repository/sub_release.yml':
    "the promotion, the GitHub release and the docs merge: this same sub_release.yml, rehearsed in the images' release (--only images)",
};
/** Images already in preprod (the plan skips them); light is not, so it is built. */
const IN_PREPROD = ['full', 'ad', 'web', 'osint'] as const;
const BUILT = FLAVOURS.filter((flavour) => !(IN_PREPROD as readonly string[]).includes(flavour));
const DESCRIPTION = "## What's new in 3.1.6\n\n- Sliver in the full image\n- netexec updated in ad\n";
/** The context preprod.yml gives its own status, and the prefix of every job's. */
const PIPELINE_CONTEXT = 'Pipelines / pre-release';

/** The two repositories' workflow directories, as README "Adopting" (pipelines) has maintainers copy them, in a copy of the examples. */
async function adoptedExamples(directory: string): Promise<void> {
  await cp(examplesDirectory(), directory, { recursive: true });
  const copy = (file: string, to: string) => cp(path.join(directory, 'images', file), path.join(directory, 'pipelines', to, file));
  for (const file of ['verify-release-pr.yml', 'sub_tag.yml']) await copy(file, 'exegol-images');
  for (const file of ['sub_preprod.yml', 'sub_image.yml', 'sub_build.yml', 'sub_release.yml']) await copy(file, 'pipelines-repository');
}

/** ThePorgs/Pipelines: `main` with the two-step Dockerfiles preprod.yml's DOCKERFILES names (base only here). */
async function createPipelines(root: string): Promise<HostedRepository> {
  const bare = path.join(root, 'github.com', `${PIPELINES}.git`);
  const work = path.join(root, 'scratch', PIPELINES);
  await mkdir(work, { recursive: true });
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(work, 'init', '--quiet', '--initial-branch=main');
  await writeFiles(work, {
    'dockerfiles/base.dockerfile': 'FROM debian:12-slim\nRUN /root/sources/install/entrypoint.sh package_base\n',
    'README.md': '# Pipelines\n',
  });
  git(work, 'add', '--all');
  git(work, 'commit', '--quiet', '-m', 'Base Dockerfile');
  git(work, 'push', '--quiet', `file://${bare}`, 'main');
  await rm(work, { recursive: true, force: true });
  return { fullName: PIPELINES, bare, defaultBranch: 'main' };
}

/**
 * The pull request's merge-ref commit, as GitHub makes it for an open pull request (refs/pull/N/merge, a
 * merge of its head into its base; `merge_commit_sha` while it is open, github.sha of its events).
 */
function testMerge(bare: string, number: number, base: string, headSha: string): string {
  const tree = git(bare, 'merge-tree', '--write-tree', base, headSha);
  const commit = git(
    bare,
    '-c',
    'user.name=GitHub',
    '-c',
    'user.email=noreply@github.com',
    'commit-tree',
    tree,
    '-p',
    base,
    '-p',
    headSha,
    '-m',
    `Merge ${headSha} into ${base}`,
  );
  git(bare, 'update-ref', `refs/pull/${number}/merge`, commit);
  git(bare, 'update-ref', `refs/pull/${number}/head`, headSha);
  return commit;
}

/**
 * Rehearses the images' pre-release and release dispatches in the pipelines-repository form, in a world under
 * `<root>/pipelines`, the examples read from a copy laid out as README "Adopting" says (this part's own:
 * engine/workflows.ts withExamples). @returns the checks of the end state
 */
export async function rehearsePipelines(world: World): Promise<Check[]> {
  const root = path.join(world.root, 'pipelines');
  await mkdir(root, { recursive: true });
  const examples = path.join(root, 'examples');
  await adoptedExamples(examples);
  return withExamples(examples, () => rehearse(world, root));
}

async function rehearse(world: World, root: string): Promise<Check[]> {
  const { log } = world;
  const github = await new GitHub().start(root);
  world.stoppers.push(() => github.stop());
  const images = await createImages(root);
  const pipelines = await createPipelines(root);
  const docs = await createDocs(root, { flavours: FLAVOURS, versions: [VERSION] });
  for (const repository of [images, pipelines, docs]) github.host(repository);
  const bareOf = new Map([images, pipelines, docs].map((repository) => [repository.fullName, repository.bare]));
  const endpoints = serveDispatchEndpoints(github.api, (repository, sha) => {
    const bare = bareOf.get(repository);
    return !!bare && gitOutcome(bare, {}, 'cat-file', '-e', `${sha}^{commit}`).status === 0;
  });
  endpoints.privateRepositories.add(PIPELINES);
  // PIPELINE_PAT in Exegol-images: Contents: write on ThePorgs/Pipelines only. In Pipelines: Commit statuses and Contents: write on Exegol-images only.
  const dispatchToken = github.personalToken(ALICE, 'pipeline_dispatch', { contents: 'write' });
  const statusToken = github.personalToken(ALICE, 'pipeline_statuses', { statuses: 'write', contents: 'write' });
  endpoints.access.set(dispatchToken, [PIPELINES]);
  endpoints.access.set(statusToken, [IMAGES]);
  const runnersToken = github.personalToken(ALICE, 'pipeline_runners', { administration: 'read' });
  github.runners.repositories.set(PIPELINES, [
    runner('builder-amd64-1', { os: 'Linux', arch: 'X64', custom: ['builder', 'AMD64'] }),
    runner('builder-arm64-1', { os: 'macOS', arch: 'ARM64', custom: ['builder'] }),
  ]);

  // Docker Hub: base and every flavour but light already in preprod at 3.1.6, as a pre-release run that stopped would leave them.
  const hub = await new DockerHub({ [DOCKER.username]: { password: DOCKER.password, delete: true } }).start();
  world.stoppers.push(() => hub.stop());
  const authorize = (repository: string) => hub.authorize(repository);
  // One small image under every tag: the plan asks only whether each tag exists (docker manifest inspect).
  const image = buildImage({ format: 'oci', sharedLayers: [randomLayer(4 * 1024)], perArchLayerSizes: [1024], label: `preprod-${VERSION}` });
  await pushImage(hub.registry.url, 'nwodtuhs/exegol-misc-preprod', ['base', `base-${VERSION}`], image, authorize);
  await pushImage(
    hub.registry.url,
    'nwodtuhs/exegol-preprod',
    IN_PREPROD.flatMap((flavour) => [flavour, `${flavour}-${VERSION}`]),
    image,
    authorize,
  );

  const docsPull = await github.request<{ number: number }>(ALICE, 'POST', `/repos/${DOCS}/pulls`, {
    title: `Images ${VERSION}`,
    head: 'dev-images',
    base: 'main',
    body: `The docs of Exegol images ${VERSION}.`,
  });
  log.heading(`The images through the pipelines repository: Exegol images ${VERSION} (${IMAGES} → ${PIPELINES})`);
  log.line(
    `git: ${images.bare}, ${pipelines.bare} (private; dockerfiles/base.dockerfile), ${docs.bare} (docs pull request #${docsPull.number} dev-images → main)`,
  );
  log.line(
    `workflows: ${IMAGES} pipelines/exegol-images/ + images/verify-release-pr.yml, sub_tag.yml; ${PIPELINES} pipelines/pipelines-repository/ + images/sub_preprod.yml, sub_image.yml, sub_build.yml, sub_release.yml`,
  );
  log.line(
    `PIPELINE_PAT: in ${IMAGES} Contents: write on ${PIPELINES} only; in ${PIPELINES} Commit statuses and Contents: write on ${IMAGES} only. Preprod holds base, ${IN_PREPROD.join(', ')} at ${VERSION}; ${BUILT.join(', ')} is built`,
  );

  const key = await makeSshKey(path.join(root, 'keys'), TAGGER_EMAIL);
  const engine = new WorkflowRunner({
    log,
    github,
    bin: world.bin,
    runner: () => world.runner(),
    standInEnv: () => ({ REHEARSAL_GITHUB_API_URL: github.url, ...hub.env() }),
    notRunHere: NOT_RUN_HERE,
  });
  const imagesRepository = new Release(
    engine,
    {
      fullName: IMAGES,
      workflows: 'pipelines/exegol-images',
      bare: images.bare,
      secrets: { PIPELINE_PAT: dispatchToken, TAG_SIGNING_KEY: key.privateKey },
      vars: { RELEASE_TAGGER_NAME: 'Maintainer Alice', RELEASE_TAGGER_EMAIL: TAGGER_EMAIL },
    },
    github,
  );
  const pipelinesRepository = new Release(
    engine,
    {
      fullName: PIPELINES,
      workflows: 'pipelines/pipelines-repository',
      bare: pipelines.bare,
      secrets: {
        DOCKER_USERNAME: DOCKER.username,
        DOCKER_PASSWORD: DOCKER.password,
        EXEGOL_DOCS_SSH_DEPLOY_KEY: 'a deploy key of Exegol-docs (the checkout stand-in clones over HTTP)',
        RUNNERS_TOKEN: runnersToken,
        PIPELINE_PAT: statusToken,
      },
    },
    github,
  );

  const maintainers = new Maintainers(github, log, IMAGES);
  const pr = await maintainers.open(`Release ${VERSION}`, 'main', DESCRIPTION);
  const pull = github.pull(IMAGES, pr.number);
  const mergeRef = testMerge(images.bare, pr.number, pull.base!.sha!, pr.head.sha);
  pull.merge_commit_sha = mergeRef;
  log.line(
    `refs/pull/${pr.number}/merge: ${mergeRef.slice(0, 7)}, the merge of the head ${pr.head.sha.slice(0, 7)} into main (github.sha of the pull request's events)`,
  );

  await imagesRepository.event(imagesRepository.pullRequestEvent('opened', github.pull(IMAGES, pr.number), ALICE), `#${pr.number} opened by ${ALICE.login}`, {
    'dispatch_preprod_base.yml › trigger-private-pipeline': 'success',
    // No approval yet, and no build reported: the gate fails, as on GitHub.
    'verify-release-pr.yml › verify': 'failure',
  });
  const sent = endpoints.dispatches.splice(0);
  const pipelineRuns = await deliver(pipelinesRepository, pipelines, sent, {
    'preprod.yml › release-pr': 'success',
    'preprod.yml › runners': 'success',
    'preprod.yml › preprod': 'success',
    'sub_preprod.yml › preprod › flavours': 'success',
    'sub_preprod.yml › preprod › export-tools': 'success',
    'preprod.yml › statuses': 'success',
  });
  log.line(evaluationSummary());
  const statusesBeforeApproval = structuredClone(github.api.repository(IMAGES).statuses.get(pr.head.sha) ?? []);
  const requestsBefore = github.api.requests.length;
  const review = (await maintainers.approve(pr.number, 'Approved by a maintainer once the pipeline reported its builds')) as {
    state: string;
    commit_id: string;
  };
  await imagesRepository.event(imagesRepository.reviewEvent(github.pull(IMAGES, pr.number), BOB, review), `#${pr.number} approved by ${BOB.login}`, {
    'verify-release-pr.yml › verify': 'success',
  });
  log.line(evaluationSummary());

  // The release half: merged, dispatch_release.yml tags the merge commit (sub_tag.yml) and sends release-pipeline with
  // {"version": …} only, as Exegol-images' dev does today; Pipelines' release.yml reads it and finds the tag.
  await imagesRepository.pushedBy(ALICE, () => maintainers.merge(pr.number, pr.head.sha, 'main'));
  const mergeCommit = head(images, 'main');
  await imagesRepository.event(imagesRepository.pullRequestEvent('closed', github.pull(IMAGES, pr.number), ALICE), `#${pr.number} merged by ${ALICE.login}`, {
    'dispatch_release.yml › tag': 'success',
    'sub_tag.yml › tag › tag': 'success',
    'dispatch_release.yml › trigger-private-pipeline': 'success',
  });
  const releaseSent = endpoints.dispatches.splice(0);
  const releaseRuns = await deliver(pipelinesRepository, pipelines, releaseSent, { 'release.yml › tag': 'success', 'release.yml › release': 'success' });
  log.line(evaluationSummary());

  // The end state.
  const run = pipelineRuns.find((end) => end.workflow.file.endsWith('/preprod.yml'));
  const runJobs = run ? (github.api.repository(PIPELINES).jobs.get(runIdOf(github, run)) ?? []) : [];
  const reported = runJobs.map((job) => job.name ?? '').filter((name) => name.startsWith('Pre-release '));
  const expected = [...reported.map((name) => `Pipelines / ${name}`), PIPELINE_CONTEXT];
  const onHead = github.api.repository(IMAGES).statuses.get(pr.head.sha) ?? [];
  const history = endpoints.history.get(IMAGES)?.get(pr.head.sha) ?? [];
  const gateRead = lastStatusRead(github.api.requests.slice(requestsBefore), pr.head.sha);
  const builds = BUILT.flatMap((flavour) =>
    ['amd64', 'arm64'].map((arch) => `Pre-release ${VERSION} / ${flavour} / ${flavour} (${arch}) / build, test, push (${flavour}, ${arch})`),
  );
  const payload = sent.find((entry) => entry.eventType === 'preprod-base-pipeline');
  const releaseRun = releaseRuns.find((end) => end.workflow.file.endsWith('/release.yml'));
  const tag = tagFacts(images.bare, VERSION);
  return [
    {
      text: `dispatch_preprod_base.yml sent one preprod-base-pipeline to ${PIPELINES} with PIPELINE_PAT, payload exactly {sha, image_version}: sha the merge-ref commit ${mergeRef.slice(0, 7)} (not the head), image_version ${VERSION}, no pull request number`,
      ok:
        sent.length === 1 &&
        payload?.repository === PIPELINES &&
        JSON.stringify(Object.keys(payload.clientPayload).sort()) === JSON.stringify(['image_version', 'sha']) &&
        payload.clientPayload['sha'] === mergeRef &&
        payload.clientPayload['image_version'] === VERSION,
    },
    {
      text: `${PIPELINES}'s preprod.yml ran on that repository_dispatch and built ${BUILT.join(', ')} only: ${builds.length} build jobs in its run`,
      ok: !!run && builds.every((name) => reported.includes(name)) && reported.filter((name) => / \/ build, test, push /.test(name)).length === builds.length,
    },
    {
      text: `the pull request's head ${pr.head.sha.slice(0, 7)} holds ${expected.length} commit statuses, one for each build and test job of the run ("Pipelines / <job>") and "${PIPELINE_CONTEXT}", each success`,
      ok:
        reported.length > 0 &&
        onHead.length === expected.length &&
        expected.every((context) => onHead.some((status) => status.context === context && status.state === 'success')),
    },
    {
      text: `"${PIPELINE_CONTEXT}" was pending on the head while the pipeline ran, then success; no status was set on the merge-ref commit`,
      ok:
        history
          .filter((status) => status.context === PIPELINE_CONTEXT)
          .map((status) => status.state)
          .join(',') === 'pending,success' &&
        !(endpoints.history.get(IMAGES)?.has(mergeRef) ?? false) &&
        statusesBeforeApproval.length === expected.length,
    },
    {
      text: `Exegol-images' merge gate (verify-release-pr.yml) read the ${expected.length} statuses on the head after the approval, and passed`,
      ok: !!gateRead && expected.every((context) => gateRead.some((status) => status.context === context && status.state === 'success')),
    },
    {
      text: `once merged, dispatch_release.yml tagged the merge commit ${mergeCommit.slice(0, 7)} with an annotated ${VERSION} and sent one release-pipeline, payload exactly {"version": "${VERSION}"}`,
      ok:
        tag.type === 'tag' &&
        tag.commit === mergeCommit &&
        releaseSent.length === 1 &&
        releaseSent[0]?.repository === PIPELINES &&
        releaseSent[0]?.eventType === 'release-pipeline' &&
        JSON.stringify(releaseSent[0]?.clientPayload) === JSON.stringify({ version: VERSION }),
    },
    {
      text: `${PIPELINES}'s release.yml read the version from that payload, found the tag in ${IMAGES} and released it (sub_release.yml)`,
      ok: releaseRun?.outputs.get('release.yml › tag')?.['tag'] === VERSION && releaseRun.jobs.get('release.yml › release') === 'success',
    },
  ];
}

/**
 * Delivers each accepted dispatch to its repository as the repository_dispatch webhook event GitHub sends
 * (action: the event type; branch: the default branch; client_payload as sent; GITHUB_SHA the default
 * branch's last commit). @returns the runs they started
 */
async function deliver(repository: Release, hosted: HostedRepository, dispatches: RepositoryDispatch[], expect: Expectations): Promise<WorkflowRunEnd[]> {
  const ends: WorkflowRunEnd[] = [];
  for (const dispatch of dispatches) {
    if (dispatch.repository !== hosted.fullName) throw new Error(`a dispatch to ${dispatch.repository}, which this rehearsal does not host`);
    ends.push(
      ...(await repository.event(
        {
          name: 'repository_dispatch',
          sha: head(hosted, hosted.defaultBranch),
          payload: {
            action: dispatch.eventType,
            branch: hosted.defaultBranch,
            client_payload: dispatch.clientPayload,
            // Pipelines is private: the schema's repository, with `private` as the repository is.
            repository: { ...repositoryPayload(hosted.fullName, hosted.defaultBranch), private: true, visibility: 'private' },
            sender: senderPayload(dispatch.sender),
            installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
          },
        },
        `${dispatch.eventType} from ${IMAGES}, payload ${JSON.stringify(dispatch.clientPayload)}`,
        expect,
      )),
    );
  }
  return ends;
}

/** The run id GitHub gave `end`'s workflow run (the latest run of that workflow in Pipelines). */
function runIdOf(github: GitHub, end: WorkflowRunEnd): string {
  const runs = github.api.repository(PIPELINES).workflowRuns.filter((entry) => entry.path === end.workflow.path);
  return String(runs.at(-1)?.id ?? '');
}

/** The statuses the last GET …/commits/{head}/status among `requests` was answered with. */
function lastStatusRead(requests: readonly RecordedRequest[], sha: string): Status[] | undefined {
  const read = requests
    .filter((request) => request.method === 'GET' && request.path === `/repos/${IMAGES}/commits/${sha}/status` && request.status === 200)
    .at(-1);
  return (read?.body as { statuses?: Status[] } | undefined)?.statuses;
}
