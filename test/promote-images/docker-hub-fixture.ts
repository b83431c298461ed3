// The Docker Hub stand-in (packages/testbed/src/stand-ins/docker-hub.ts) and a local registry, set up once a test file,
// for docker-hub.bundle.test.ts and docker-hub-client.bundle.test.ts: two preprod flavours to push,
// the stand-in's records reset before each test, and the bundle run against `registry: docker.io`.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { buildImage, listTags, pushImage, randomLayer, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { DockerHub } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';

export const PREPROD = 'nwodtuhs/exegol-preprod';
export const VERSION = '5.1.5';
/** An account whose token may delete tags; `writer`'s may not. */
export const USER = { username: 'nwodtuhs', password: 'dckr_pat_read_write_delete' };

/** What a test file uses: the stand-in, a local registry, and helpers over them. */
export interface DockerHubFixture {
  readonly hub: DockerHub;
  readonly local: TestRegistry;
  /** The two flavours' images by flavour, as pushPreprod pushes them. */
  readonly images: ReadonlyMap<string, TestImage>;
  /** Pushes both flavours (full, light) with both tags (`<flavour>`, `<flavour>-5.1.5`) to `repository` on the stand-in's registry. */
  pushPreprod(repository?: string): Promise<void>;
  /** The repository's tags on the stand-in, sorted. */
  hubTags(repository: string): Promise<string[]>;
  /** The digest `tag` names in `repository` on the stand-in, or undefined. */
  hubDigest(repository: string, tag: string): Promise<string | undefined>;
  /** Runs the bundle with `registry: docker.io`, PREPROD, VERSION, both flavours and USER, then `inputs`; the stand-in's environment, then `env`. */
  promote(inputs: Record<string, string>, env?: Record<string, string>): Promise<BundleRun>;
}

/** Registers the file's hooks (start, stop, reset before each test) and returns the fixture, usable once beforeAll has run. */
export function useDockerHub(): DockerHubFixture {
  let hub: DockerHub | undefined;
  let local: TestRegistry | undefined;
  const images = new Map<string, TestImage>();
  const started = (): DockerHub => {
    if (!hub) throw new Error('the Docker Hub stand-in is used before beforeAll started it');
    return hub;
  };

  beforeAll(async () => {
    hub = await new DockerHub({ nwodtuhs: { password: USER.password, delete: true }, writer: { password: 'dckr_pat_read_write', delete: false } }).start();
    local = await startRegistry();
    const base = randomLayer(64 * 1024);
    for (const flavour of ['full', 'light'])
      images.set(flavour, buildImage({ format: 'oci', sharedLayers: [base], perArchLayerSizes: [16 * 1024], label: flavour }));
  });
  afterAll(async () => {
    await hub?.stop();
    await local?.stop();
  });
  beforeEach(() => {
    const stand = started();
    stand.requests.length = 0;
    stand.faults.length = 0;
    stand.tagDeletions.length = 0;
    stand.beforeDelete = undefined;
    Object.assign(stand.pullLimit, { remaining: 100, retryAfter: undefined });
    Object.assign(stand.hubApiLimit, { remaining: stand.hubApiLimit.limit, resetAt: 0, usedUpFor: undefined });
  });

  return {
    get hub() {
      return started();
    },
    get local() {
      if (!local) throw new Error('the local registry is used before beforeAll started it');
      return local;
    },
    images,
    async pushPreprod(repository = PREPROD) {
      const stand = started();
      for (const [flavour, image] of images)
        await pushImage(stand.registry.url, repository, [flavour, `${flavour}-${VERSION}`], image, () => stand.authorize(repository));
    },
    async hubTags(repository) {
      const stand = started();
      return (await listTags(stand.registry.url, repository, await stand.authorize(repository))).sort();
    },
    async hubDigest(repository, tag) {
      const stand = started();
      return tagDigest(stand.registry.url, repository, tag, await stand.authorize(repository));
    },
    promote(inputs, env = {}) {
      return runBundle('promote-images-preprod-to-prod', {
        inputs: { registry: 'docker.io', 'source-repository': PREPROD, version: VERSION, flavours: 'full\nlight', ...USER, ...inputs },
        env: { ...started().env(), ...env },
      });
    },
  };
}
