// The package index stand-in's trusted publishing rules, each as warehouse applies a GitHub publisher's
// claims (warehouse/oidc/models/github.py): the environment compared without regard to case
// (_check_environment lowercases both sides), and tokens of pull_request_target runs refused
// (_check_event_name), whatever else matches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcIssuerStandIn, PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';

const REPOSITORY = 'ThePorgs/Exegol';
const WORKFLOW_REF = `${REPOSITORY}/.github/workflows/entrypoint_release.yml@refs/tags/5.1.5`;
let oidc: OidcIssuerStandIn;
let index: PackageIndexStandIn;

beforeAll(async () => {
  oidc = await new OidcIssuerStandIn().start({});
  index = await new PackageIndexStandIn('pypi').start();
  index.trustedPublisher = { repository: REPOSITORY, workflow: 'entrypoint_release.yml', environment: 'release', project: 'Exegol' };
  index.oidcPublicKey = oidc.keys.publicKey;
});
afterAll(async () => {
  await oidc.stop();
  await index.stop();
});

/** A GitHub OIDC token with `claims`, exchanged at the index's mint endpoint. @returns the status and the error code, if any */
async function mint(claims: Record<string, string>): Promise<{ status: number; code?: string }> {
  oidc.claims = { repository: REPOSITORY, job_workflow_ref: WORKFLOW_REF, workflow_ref: WORKFLOW_REF, event_name: 'push', environment: 'release', ...claims };
  const audience = ((await (await fetch(`${index.url}/_/oidc/audience`)).json()) as { audience: string }).audience;
  const { value } = (await (await fetch(`${oidc.url}&audience=${audience}`, { headers: { authorization: `Bearer ${oidc.requestToken}` } })).json()) as {
    value: string;
  };
  const response = await fetch(`${index.url}/_/oidc/mint-token`, { method: 'POST', body: JSON.stringify({ token: value }) });
  const body = (await response.json()) as { errors?: { code: string }[] };
  return { status: response.status, ...(body.errors?.[0] ? { code: body.errors[0].code } : {}) };
}

describe('package index stand-in: trusted publishers as warehouse matches them', () => {
  it('mints for the publisher’s environment in any case (Release, RELEASE), as PyPI does', async () => {
    expect(await mint({ environment: 'release' })).toEqual({ status: 200 });
    expect(await mint({ environment: 'Release' })).toEqual({ status: 200 });
    expect(await mint({ environment: 'RELEASE' })).toEqual({ status: 200 });
    expect(await mint({ environment: 'pypi' })).toEqual({ status: 422, code: 'invalid-publisher' });
  });

  it('refuses a token minted for a pull_request_target run, though every other claim matches', async () => {
    expect(await mint({ event_name: 'pull_request_target' })).toEqual({ status: 422, code: 'invalid-publisher' });
  });
});
