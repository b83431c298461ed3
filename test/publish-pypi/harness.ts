import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { HATCHLING_BUILD_ARGS } from '@exegol-release/testbed/fixtures/python-projects.js';
import { OidcIssuerStandIn, PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';
import { SigstoreStandIn } from '@exegol-release/testbed/stand-ins/sigstore.js';

export const TEST_TOKEN = 'pypi-test-token-AgEIcHlwaS5vcmc';
export const MAIN_TOKEN = 'pypi-main-token-AgENdGVzdC5weXBp';

/** The claims of a job in Exegol's release workflow, as GitHub's OIDC token carries them. */
export const RELEASE_CLAIMS = {
  repository: 'ThePorgs/Exegol',
  repository_owner: 'ThePorgs',
  workflow_ref: 'ThePorgs/Exegol/.github/workflows/entrypoint_release.yml@refs/tags/5.1.5',
  job_workflow_ref: 'ThePorgs/Exegol/.github/workflows/entrypoint_release.yml@refs/tags/5.1.5',
  environment: 'release',
  ref: 'refs/tags/5.1.5',
  sha: 'a'.repeat(40),
  sub: 'repo:ThePorgs/Exegol:environment:release',
};

/** Exegol's trusted publisher on PyPI and TestPyPI: its release workflow file and environment. */
export const RELEASE_PUBLISHER = { repository: 'ThePorgs/Exegol', workflow: 'entrypoint_release.yml', environment: 'release' };

/** Two stand-in indexes (TestPyPI and PyPI), an OIDC issuer and a Sigstore instance, reset before each test. */
export function useIndexes(): {
  test: () => PackageIndexStandIn;
  main: () => PackageIndexStandIn;
  oidc: () => OidcIssuerStandIn;
  sigstore: () => SigstoreStandIn;
  publish: (inputs: Record<string, string>, env?: Record<string, string | undefined>) => Promise<BundleRun>;
} {
  let test: PackageIndexStandIn;
  let main: PackageIndexStandIn;
  let oidc: OidcIssuerStandIn;
  let sigstore: SigstoreStandIn;
  beforeAll(async () => {
    oidc = await new OidcIssuerStandIn().start(RELEASE_CLAIMS);
    sigstore = await new SigstoreStandIn(() => oidc.keys.publicKey).start();
    test = await new PackageIndexStandIn('testpypi').start();
    main = await new PackageIndexStandIn('pypi').start();
  });
  afterAll(async () => {
    await Promise.all([test?.stop(), main?.stop(), oidc?.stop(), sigstore?.stop()]);
  });
  beforeEach(() => {
    for (const index of [test, main]) {
      index.reset();
      index.oidcPublicKey = oidc.keys.publicKey;
      index.trustedPublisher = { ...RELEASE_PUBLISHER };
      index.attestationVerifier = (attestation, identity) => sigstore.verifyAttestation(attestation, identity);
    }
    test.tokens.add(TEST_TOKEN);
    main.tokens.add(MAIN_TOKEN);
    oidc.claims = { ...RELEASE_CLAIMS };
    oidc.audiences.length = 0;
    sigstore.requests.length = 0;
  });
  return {
    test: () => test,
    main: () => main,
    oidc: () => oidc,
    sigstore: () => sigstore,
    publish: (inputs, env = {}) =>
      runBundle('publish-pypi-sdist', {
        inputs: {
          'repository-url': `${main.url}/legacy/`,
          python: '/usr/bin/python3',
          'build-args': HATCHLING_BUILD_ARGS,
          'fulcio-url': sigstore.url,
          'rekor-url': sigstore.url,
          ...inputs,
        },
        env,
        timeoutSeconds: 180,
      }),
  };
}

/** One index's report in the uploaded-to output. */
export interface UploadedTo {
  repository: string;
  url: string;
  result: string;
  auth: string;
  attestations: boolean;
  files: { filename: string; result: string }[];
}

/** The uploaded-to output, parsed. */
export function uploadedTo(run: BundleRun): UploadedTo[] {
  return JSON.parse(run.outputs['uploaded-to'] ?? '[]') as UploadedTo[];
}
