// The images' pre-release on a real Docker engine: Debian's docker.io (dockerd 20.10, started by
// packages/testbed/src/harness/docker-engine.ts on its own socket, data and exec roots, vfs, no iptables
// or bridge), reaching the Docker Hub stand-in under its real host names through the stand-in's proxy
// (HTTPS_PROXY, and SSL_CERT_FILE naming the stand-in's CA: Go's crypto/x509 reads it on Linux).
//
// One flavour (full) of one architecture (this machine's) is built, tested and pushed for real by
// images/sub_build.yml's one job: check-runner-disk, the classic builder's `docker build` of dev's
// busybox-static full image (scripts/rehearse/repositories.ts), `docker run … endless`, the tests
// run inside the container, the tools list copied out, the push to nwodtuhs/exegol-builds with a
// job-local DOCKER_CONFIG. sub_image.yml's index job then makes the multi-arch index in
// nwodtuhs/exegol-preprod with the docker client's `manifest create`/`push` (no buildx plugin in
// Debian 12) and deletes the per-arch tags through Docker Hub's API; the release later promotes that
// index. The other architecture's build is recorded (no engine of that architecture here): its per-arch
// image is pushed to nwodtuhs/exegol-builds as its builder would leave it. The other flavours and base
// are seeded in preprod, as without an engine.
//
// Without an engine (no dockerd, not root, not Linux; or REHEARSAL_DOCKER_ENGINE=off in the environment)
// the rehearsal says so once and every image is seeded in preprod, as before. Whatever starts the
// engine stops it: world.stoppers.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildImage, listTags, pushImage, tagDigest } from '@exegol-release/testbed/fixtures/images.js';
import { DOCKER_ENGINE_SKIP_REASON, startDockerEngine, type DockerEngine } from '@exegol-release/testbed/harness/docker-engine.js';
import type { DockerHub } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { engineBuilds } from './engine/docker.js';
import { WorkflowRunner, type Result, type RunnerWorld } from './engine/runner.js';
import type { Check, World } from './world.js';

/** Where the builders push each architecture's image before the index (images/sub_build.yml). */
export const BUILDS = 'nwodtuhs/exegol-builds';
const PREPROD = 'nwodtuhs/exegol-preprod';
const PRODUCTION = 'nwodtuhs/exegol';
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

/**
 * The builder host's ~/exegol-pipelines-tools/run_unit_tests.py, which sub_build.yml copies into the
 * container and runs with its python3. Exegol's is Python: it runs each line of
 * /.exegol/build_pipeline_tests/all_commands.txt, writes the failed ones to
 * /.exegol/unit_tests_failed_commands.log and the others to unit_tests_success_commands.log, and exits 1
 * when one failed. This one does the same in sh, which the rehearsal image's python3 runs.
 */
const RUN_UNIT_TESTS = `#!/bin/sh
# The rehearsal's run_unit_tests.py: Exegol's pipeline tool in sh (the rehearsal image has no Python).
failed=/.exegol/unit_tests_failed_commands.log
passed=/.exegol/unit_tests_success_commands.log
: > "$failed"
: > "$passed"
while IFS= read -r command; do
  [ -n "$command" ] || continue
  if sh -c "$command" > /dev/null 2>&1; then echo "$command" >> "$passed"; else echo "$command" >> "$failed"; fi
done < /.exegol/build_pipeline_tests/all_commands.txt
echo "$(wc -l < "$passed") test commands passed, $(wc -l < "$failed") failed"
[ ! -s "$failed" ]
`;

/** What images.ts needs from the engine: the jobs' environment, what is recorded, and the end state. */
export interface ImagesEngine {
  /** The flavour built for real. */
  readonly flavour: string;
  /** This machine's architecture as the examples name it (amd64, arm64), and the other one, recorded. */
  readonly arch: string;
  readonly otherArch: string;
  /** Added to every images job's environment: the engine for the docker client (docker.mjs), the stand-in's CA; a builder host's HOME. */
  env(labels: readonly string[]): Record<string, string>;
  /** The other architecture's build leg, recorded; and the tools lists' export (see {@link startImagesEngine}). */
  readonly notRunHere: Record<string, string>;
  /** Inputs only this machine answers: check-runner-disk's min-free (this disk is not a builder's). */
  serviceInputs(action: string): Record<string, string>;
  /** The pre-release's jobs that run because the flavour is not in preprod, and how they end. */
  readonly expectations: Record<string, Result>;
  /** Before the pre-release: the other architecture's per-arch build pushed to nwodtuhs/exegol-builds as its builder leaves it. */
  seedOtherArch(version: string): Promise<void>;
  /** After the pre-release: reads the flavour's index in preprod. @returns its digest */
  afterPreRelease(version: string): Promise<string>;
  /** The end state: what the pre-release built and pushed, and what the release promoted. */
  checks(version: string): Promise<Check[]>;
}

/**
 * The runner of the images' workflows in `world`: every job reaches gh and Docker Hub's stand-ins; with
 * `engine`, a self-hosted builder's job reaches the Docker engine too, the jobs this machine cannot run
 * are recorded, and check-runner-disk gets the inputs of this disk. `extra` adds to the runner's world.
 */
export function imagesWorkflowRunner(
  world: World,
  hub: DockerHub,
  engine: ImagesEngine | undefined,
  extra: Pick<RunnerWorld, 'serviceEnv'> = {},
): WorkflowRunner {
  return new WorkflowRunner({
    log: world.log,
    github: world.github,
    bin: world.bin,
    runner: () => world.runner(),
    standInEnv: (labels) => ({ ...world.ghEnv(), ...hub.env(), ...engine?.env(labels) }),
    ...(engine ? { notRunHere: engine.notRunHere, serviceInputs: (action: string) => engine.serviceInputs(action) } : {}),
    ...extra,
  });
}

/**
 * Starts the rehearsal's Docker engine for the images, or says once why there is none.
 * @returns the engine's hooks, or undefined (every image then seeded in preprod)
 */
export async function startImagesEngine(world: World, hub: DockerHub): Promise<ImagesEngine | undefined> {
  const { log } = world;
  const absent = process.env['REHEARSAL_DOCKER_ENGINE'] === 'off' ? 'REHEARSAL_DOCKER_ENGINE=off' : DOCKER_ENGINE_SKIP_REASON;
  if (absent) {
    log.line(`Docker engine: none here (${absent}): no image is built; every image is seeded in preprod as its pipeline leaves it`);
    return undefined;
  }
  const started = Date.now();
  const engine: DockerEngine = await startDockerEngine({
    daemonEnv: { HTTPS_PROXY: hub.proxyUrl, NO_PROXY: '127.0.0.1,localhost', SSL_CERT_FILE: hub.caFile },
  });
  world.stoppers.push(() => engine.stop());
  const version = engine.docker(['version', '--format', '{{.Server.Version}}']).stdout.trim();
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const otherArch = arch === 'amd64' ? 'arm64' : 'amd64';
  const flavour = 'full';
  // The builder host's home: the pipelines' tools where sub_build.yml reads them.
  const home = path.join(world.root, 'builder-home');
  await mkdir(path.join(home, 'exegol-pipelines-tools'), { recursive: true });
  await writeFile(path.join(home, 'exegol-pipelines-tools', 'run_unit_tests.py'), RUN_UNIT_TESTS);
  await chmod(path.join(home, 'exegol-pipelines-tools', 'run_unit_tests.py'), 0o755);
  log.line(
    `Docker engine: dockerd ${version} (Debian's docker.io) on ${engine.host}, vfs, no iptables or bridge, started in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `it reaches Docker Hub through the stand-in's proxy. ${flavour} is built, tested and pushed for real on ${arch}; ${otherArch} is recorded`,
  );
  log.line(
    `builder host (self-hosted, builder, ${arch}): HOME ${home}, ~/exegol-pipelines-tools/run_unit_tests.py a shell script doing what Exegol's Python one does; check-runner-disk's min-free checked as 2GB (this disk is not a 100 GB builder's)`,
  );
  const authorize = (repository: string) => hub.authorize(repository);
  const registry = hub.registry.url;
  const json = async <T>(repository: string, reference: string, kind: 'manifests' | 'blobs'): Promise<T> => {
    const response = await fetch(`${registry}/v2/${repository}/${kind}/${reference}`, {
      headers: { ...(await authorize(repository)), accept: MANIFEST_TYPES },
    });
    if (!response.ok) throw new Error(`GET ${repository}/${kind}/${reference}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  let preprodIndex: { digest: string; manifests: { digest: string; platform?: { architecture?: string } }[] } | undefined;
  let builtManifest: { digest: string; config: string; labels: Record<string, string> } | undefined;
  let recordedManifest = '';

  return {
    flavour,
    arch,
    otherArch,
    env(labels) {
      const lower = labels.map((label) => label.toLowerCase());
      const builder = lower.includes('self-hosted') && lower.includes('builder') && lower.includes(arch);
      return {
        REHEARSAL_DOCKER_HOST: engine.host,
        // Go (the docker client) and curl trust the Docker Hub stand-in's CA.
        SSL_CERT_FILE: hub.caFile,
        CURL_CA_BUNDLE: hub.caFile,
        ...(builder ? { HOME: home } : {}),
      };
    },
    notRunHere: {
      [`images/sub_image.yml › build (${otherArch})`]: `no ${otherArch} Docker engine here: its per-arch image was pushed to ${BUILDS} as that builder leaves it`,
      'images/sub_preprod.yml › export-tools':
        "it pushes to Exegol-docs over SSH with the docs' deploy key, which the rehearsal's git server does not take; Exegol-docs' dev already holds the lists",
    },
    serviceInputs: (action): Record<string, string> => (action === 'check-runner-disk' ? { 'min-free': '2GB' } : {}),
    expectations: {
      'sub_preprod.yml › preprod › flavours': 'success',
      'sub_image.yml › preprod › flavours › build': 'success',
      'sub_build.yml › preprod › flavours › build › build': 'success',
      'sub_image.yml › preprod › flavours › index': 'success',
      'sub_preprod.yml › preprod › export-tools': 'success',
    },
    async seedOtherArch(release) {
      const image = buildImage({ format: 'docker', sharedLayers: [], perArchLayerSizes: [4 * 1024], label: flavour });
      const manifest = image.manifests.find((entry) => JSON.parse(image.blobs.get(configOf(entry.bytes))!.toString()).architecture === otherArch)!;
      recordedManifest = manifest.digest;
      await pushImage(registry, BUILDS, [`${flavour}-${release}-${otherArch}`], { ...image, manifests: [], index: manifest }, authorize);
      log.line(`${BUILDS}: ${flavour}-${release}-${otherArch} pushed as the ${otherArch} builder leaves it (recorded), ${manifest.digest.slice(0, 19)}…`);
    },
    async afterPreRelease(release) {
      const digest = await tagDigest(registry, PREPROD, `${flavour}-${release}`, await authorize(PREPROD));
      if (!digest) throw new Error(`${PREPROD}:${flavour}-${release} is missing after the pre-release`);
      const index = await json<{ manifests: { digest: string; platform?: { architecture?: string } }[] }>(PREPROD, digest, 'manifests');
      preprodIndex = { digest, manifests: index.manifests };
      const built = index.manifests.find((entry) => entry.platform?.architecture === arch);
      if (built) {
        const manifest = await json<{ config: { digest: string } }>(PREPROD, built.digest, 'manifests');
        const config = await json<{ config?: { Labels?: Record<string, string> } }>(PREPROD, manifest.config.digest, 'blobs');
        builtManifest = { digest: built.digest, config: manifest.config.digest, labels: config.config?.Labels ?? {} };
      }
      log.line(
        `${PREPROD}:${flavour}-${release} is ${digest}: ${index.manifests.map((entry) => `${entry.platform?.architecture ?? '?'} ${entry.digest.slice(0, 19)}…`).join(', ')}`,
      );
      return digest;
    },
    async checks(release) {
      const build = engineBuilds.find((entry) => entry.tags.includes(`${BUILDS}:${flavour}-${release}-${arch}`));
      const labels = builtManifest?.labels ?? {};
      const production = await tagDigest(registry, PRODUCTION, `${flavour}-${release}`, await authorize(PRODUCTION));
      const buildsLeft = (await listTags(registry, BUILDS, await authorize(BUILDS))).filter((tag) => tag.startsWith(`${flavour}-${release}-`));
      const images = engine.docker(['image', 'ls', '--quiet', '--filter', 'label=org.exegol.app=Exegol']).stdout.trim();
      const containers = engine.docker(['container', 'ls', '--all', '--quiet']).stdout.trim();
      return [
        {
          text: `the pre-release built ${flavour} for ${arch} on the Docker engine (${build?.id.slice(0, 19) ?? 'no build'}…) and its manifest in ${PREPROD}:${flavour}-${release} has that image's configuration`,
          ok: !!build && !!builtManifest && builtManifest.config === build.id,
        },
        {
          text: `that image carries Exegol's labels: org.exegol.app=Exegol, org.exegol.tag=${flavour}, org.exegol.version=${release}`,
          ok: labels['org.exegol.app'] === 'Exegol' && labels['org.exegol.tag'] === flavour && labels['org.exegol.version'] === release,
        },
        {
          text: `${PREPROD}:${flavour}-${release} is the index of both architectures: the ${arch} build and the recorded ${otherArch} one`,
          ok:
            preprodIndex?.manifests.length === 2 &&
            preprodIndex.manifests.some((entry) => entry.digest === builtManifest?.digest) &&
            preprodIndex.manifests.some((entry) => entry.digest === recordedManifest && entry.platform?.architecture === otherArch),
        },
        {
          text: `the release promoted that index: ${PRODUCTION}:${flavour}-${release} is ${preprodIndex?.digest.slice(0, 19) ?? '?'}…`,
          ok: !!preprodIndex && production === preprodIndex.digest,
        },
        {
          text: `the per-arch tags ${BUILDS}:${flavour}-${release}-{${arch},${otherArch}} were deleted through Docker Hub's API`,
          ok: buildsLeft.length === 0 && [arch, otherArch].every((each) => hub.tagDeletions.includes(`${BUILDS}:${flavour}-${release}-${each}`)),
        },
        {
          text: 'the builder left no container and no Exegol image in its engine (the job stopped its test container and removed its image)',
          ok: images === '' && containers === '',
        },
      ];
    },
  };
}

/** The config digest of a manifest's bytes. */
function configOf(bytes: Buffer): string {
  return (JSON.parse(bytes.toString()) as { config: { digest: string } }).config.digest;
}
