// The package index stand-in compares a PEP 740 attestation's subject with the uploaded file as PyPI
// does: pypi-attestations (Attestation.verify) ultranormalises both names first, so a subject another
// signer wrote as `Exegol-5.1.5.tar.gz` verifies for `exegol-5.1.5.tar.gz`, and a different file does not.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDistributionsOf, exegolProjectFiles, writeProject } from '@exegol-release/testbed/fixtures/python-projects.js';
import { OidcIssuerStandIn, PackageIndexStandIn, ultranormaliseDistFilename } from '@exegol-release/testbed/stand-ins/package-index.js';

const REPOSITORY = 'ThePorgs/Exegol';
const WORKFLOW_REF = `${REPOSITORY}/.github/workflows/entrypoint_release.yml@refs/tags/5.1.5`;
let oidc: OidcIssuerStandIn;
let index: PackageIndexStandIn;
let sdist: string;

beforeAll(async () => {
  oidc = await new OidcIssuerStandIn().start({});
  index = await new PackageIndexStandIn('pypi').start();
  index.trustedPublisher = { repository: REPOSITORY, workflow: 'entrypoint_release.yml', environment: 'release', project: 'Exegol' };
  index.oidcPublicKey = oidc.keys.publicKey;
  ({ sdist } = await buildDistributionsOf(await writeProject(exegolProjectFiles('5.1.5'))));
}, 120_000);
afterAll(async () => {
  await oidc.stop();
  await index.stop();
});

/** A token minted by trusted publishing for the publisher's own claims. */
async function mint(): Promise<string> {
  oidc.claims = { repository: REPOSITORY, job_workflow_ref: WORKFLOW_REF, workflow_ref: WORKFLOW_REF, event_name: 'push', environment: 'release' };
  const audience = ((await (await fetch(`${index.url}/_/oidc/audience`)).json()) as { audience: string }).audience;
  const { value } = (await (await fetch(`${oidc.url}&audience=${audience}`, { headers: { authorization: `Bearer ${oidc.requestToken}` } })).json()) as {
    value: string;
  };
  const response = await fetch(`${index.url}/_/oidc/mint-token`, { method: 'POST', body: JSON.stringify({ token: value }) });
  return ((await response.json()) as { token: string }).token;
}

/** Uploads the sdist with one attestation whose verified statement names `subject`. @returns the status and reason */
async function uploadAttested(subject: string): Promise<{ status: number; reason: string }> {
  const bytes = await readFile(sdist);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  // The Sigstore verification itself is the Sigstore stand-in's (tested elsewhere): here it yields the statement.
  index.attestationVerifier = () =>
    Buffer.from(JSON.stringify({ subject: [{ name: subject, digest: { sha256 } }], predicateType: 'https://docs.pypi.org/attestations/publish/v1' }));
  const attestation = {
    version: 1,
    verification_material: { certificate: 'MII=', transparency_entries: [{}] },
    envelope: { statement: 'e30=', signature: 'AA==' },
  };
  const form = new FormData();
  for (const [name, value] of [
    [':action', 'file_upload'],
    ['protocol_version', '1'],
    ['filetype', 'sdist'],
    ['pyversion', 'source'],
    ['sha256_digest', sha256],
    ['metadata_version', '2.1'],
    ['name', 'Exegol'],
    ['version', '5.1.5'],
    ['attestations', JSON.stringify([attestation])],
  ])
    form.append(name!, value!);
  form.append('content', new Blob([bytes], { type: 'application/octet-stream' }), path.basename(sdist));
  const response = await fetch(`${index.url}/legacy/`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Basic ${Buffer.from(`__token__:${await mint()}`).toString('base64')}` },
  });
  await response.arrayBuffer();
  return { status: response.status, reason: response.statusText };
}

describe('package index stand-in: attestation subjects compared as pypi-attestations compares them', () => {
  it('ultranormalises sdist and wheel names: the name canonical with _, the version normalised, tag sets sorted', () => {
    expect(ultranormaliseDistFilename('Exegol-5.1.5.tar.gz')).toBe('exegol-5.1.5.tar.gz');
    expect(ultranormaliseDistFilename('exegol.wrapper-05.1.5b01.tar.gz')).toBe('exegol_wrapper-5.1.5b1.tar.gz');
    expect(ultranormaliseDistFilename('Exegol-5.1.5-py3.py2-none-any.whl')).toBe('exegol-5.1.5-py2.py3-none-any.whl');
    expect(() => ultranormaliseDistFilename('exegol-5.1.5.zip')).toThrow('unknown distribution format: exegol-5.1.5.zip');
  });

  it('accepts a subject naming the file unnormalised, refuses one naming another file, and names both normalised', async () => {
    expect(path.basename(sdist)).toBe('exegol-5.1.5.tar.gz');
    const other = await uploadAttested('exegol-5.1.6.tar.gz');
    expect(other.status).toBe(400);
    expect(other.reason).toContain('subject does not match distribution name: exegol-5.1.6.tar.gz != exegol-5.1.5.tar.gz');
    expect(await uploadAttested('Exegol-5.1.5.tar.gz')).toMatchObject({ status: 200 });
    expect(index.files.get('exegol-5.1.5.tar.gz')?.attestations).toHaveLength(1);
  });
});
