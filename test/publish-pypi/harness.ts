import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runBundle, type BundleRun } from '../harness/run-bundle.js';
import { OidcIssuerStandIn, PackageIndexStandIn } from '../stand-ins/package-index.js';

export const TEST_TOKEN = 'pypi-test-token-AgEIcHlwaS5vcmc';
export const MAIN_TOKEN = 'pypi-main-token-AgENdGVzdC5weXBp';

/** The claims of a job in Exegol's release workflow, as GitHub's OIDC token carries them. */
export const RELEASE_CLAIMS = {
  repository: 'ThePorgs/Exegol',
  repository_owner: 'ThePorgs',
  workflow_ref: 'ThePorgs/Exegol/.github/workflows/release.yml@refs/tags/5.1.5',
  job_workflow_ref: 'ThePorgs/Exegol/.github/workflows/release.yml@refs/tags/5.1.5',
  environment: 'release',
  ref: 'refs/tags/5.1.5',
  sub: 'repo:ThePorgs/Exegol:environment:release',
};

/** Two stand-in indexes (TestPyPI and PyPI) and an OIDC issuer, reset before each test. */
export function useIndexes(): {
  test: () => PackageIndexStandIn;
  main: () => PackageIndexStandIn;
  oidc: () => OidcIssuerStandIn;
  publish: (inputs: Record<string, string>, env?: Record<string, string | undefined>) => Promise<BundleRun>;
} {
  let test: PackageIndexStandIn;
  let main: PackageIndexStandIn;
  let oidc: OidcIssuerStandIn;
  beforeAll(async () => {
    oidc = await new OidcIssuerStandIn().start(RELEASE_CLAIMS);
    test = await new PackageIndexStandIn('testpypi').start();
    main = await new PackageIndexStandIn('pypi').start();
  });
  afterAll(async () => {
    await Promise.all([test?.stop(), main?.stop(), oidc?.stop()]);
  });
  beforeEach(() => {
    for (const index of [test, main]) {
      index.files.clear();
      index.uploads.length = 0;
      index.failNext.length = 0;
      index.dropNext = 0;
      index.dropped = 0;
      index.uploadMilliseconds.length = 0;
      index.tokens.clear();
      index.identicalReupload = 200;
      index.oidcPublicKey = oidc.keys.publicKey;
      index.trustedPublisher = { repository: 'ThePorgs/Exegol', workflow: 'release.yml', environment: 'release' };
    }
    test.tokens.add(TEST_TOKEN);
    main.tokens.add(MAIN_TOKEN);
    oidc.claims = { ...RELEASE_CLAIMS };
  });
  return {
    test: () => test,
    main: () => main,
    oidc: () => oidc,
    publish: (inputs, env = {}) =>
      runBundle('publish-pypi-sdist', {
        inputs: { 'repository-url': `${main.url}/legacy/`, python: '/usr/bin/python3', 'build-args': '--no-isolation', ...inputs },
        env,
        timeoutSeconds: 180,
      }),
  };
}

/** The uploaded-to output, parsed. */
export function uploadedTo(run: BundleRun): { repository: string; url: string; result: string; auth: string }[] {
  return JSON.parse(run.outputs['uploaded-to'] ?? '[]') as { repository: string; url: string; result: string; auth: string }[];
}
