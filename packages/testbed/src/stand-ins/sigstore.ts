import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { bundleFromJSON } from '@sigstore/bundle';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from '@sigstore/mock';
import { TrustedRoot } from '@sigstore/protobuf-specs';

type HandlerFnResult = Awaited<ReturnType<ReturnType<typeof rekorHandler>['fn']>>;
import { Verifier, toSignedEntity, toTrustMaterial, type Signer } from '@sigstore/verify';
import { closeServer, listenOnLoopback } from './loopback.js';

/** A PEP 740 attestation as the upload's `attestations` field carries it (pypi-attestations' model). */
export interface AttestationObject {
  version: number;
  verification_material: { certificate: string; transparency_entries: Record<string, unknown>[] };
  envelope: { statement: string; signature: string };
}

/** A GitHub trusted publisher: whose certificate identity an attestation must carry (pypi-attestations' GitHub policy). */
export interface GitHubIdentity {
  repository: string;
  /** The workflow file name, e.g. release.yml. */
  workflow: string;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const OID = {
  issuer: '1.3.6.1.4.1.57264.1.8',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
};

/** The text of a Fulcio v2 extension: a DER UTF8String (tag 0x0c, then its length). */
function derUtf8(value: Buffer): string {
  if (value[0] !== 0x0c) throw new Error('extension value is not a DER UTF8String');
  let length = value[1]!;
  let offset = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let index = 0; index < count; index += 1) length = (length << 8) | value[2 + index]!;
    offset = 2 + count;
  }
  return value.subarray(offset, offset + length).toString('utf8');
}

/**
 * Real Rekor v1 stores a `dsse` proposal as a canonical body (envelope hash, payload hash, the
 * signatures with their verifier re-encoded as PEM), and verifiers (sigstore-python, @sigstore/verify)
 * check that body; @sigstore/mock's Rekor stores the proposal as it is. So the proposal is
 * canonicalised here, as Rekor does (rekor pkg/types/dsse/v0.0.1), before the mock sees it.
 */
function canonicalRekorBody(proposal: string): string {
  const proposed = JSON.parse(proposal) as { kind: string; spec: { proposedContent: { envelope: string; verifiers: string[] } } };
  if (proposed.kind !== 'dsse') return proposal;
  const { envelope, verifiers } = proposed.spec.proposedContent;
  const parsed = JSON.parse(envelope) as { payload: string; signatures: { sig: string }[] };
  const pem = Buffer.from(verifiers[0]!, 'base64').toString('utf8');
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64');
  const canonicalPem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');
  return JSON.stringify({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(parsed.payload, 'base64')) },
      signatures: parsed.signatures.map((signature) => ({ signature: signature.sig, verifier: b64(Buffer.from(canonicalPem)) })),
    },
  });
}

/**
 * A stand-in for the public Sigstore instance on 127.0.0.1: Fulcio (POST /api/v2/signingCert) and
 * Rekor v1 (POST /api/v1/log/entries) from @sigstore/mock's exported handlers, served over real
 * HTTP (its mock* helpers only intercept in-process). Before the mock issues a certificate, the
 * request is checked as real Fulcio checks it: the OIDC token's RS256 signature against the
 * issuer's key, audience `sigstore`, expiry, and the proof of possession (the `sub` claim signed
 * with the requested key); the certificate's SAN is `https://github.com/<job_workflow_ref>`, as
 * Fulcio sets it for GitHub. Rekor's `dsse` bodies are canonicalised as Rekor does.
 * `trustedRoot()` and `verifyAttestation()` check what was signed with @sigstore/verify.
 */
export class SigstoreStandIn {
  url = '';
  /** Requests received, as `METHOD path status`. */
  readonly requests: string[] = [];
  private server?: Server;
  private trust?: { caRoot: Buffer; ctlogKey: Buffer; ctlogId: Buffer; tlogKey: Buffer; tlogId: Buffer };

  /** @param oidcPublicKey the key of the OIDC issuer whose tokens Fulcio accepts */
  constructor(private readonly oidcPublicKey: () => KeyObject | undefined) {}

  async start(): Promise<this> {
    this.server = createServer();
    // Listen first: the transparency log's checkpoint names its host, which the verifier matches against the log's URL.
    this.url = await listenOnLoopback(this.server);
    const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const tlogKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ctlog = await initializeCTLog(caKeys);
    const ca = await initializeCA(caKeys, ctlog);
    const tlog = await initializeTLog(this.url, tlogKeys);
    this.trust = {
      caRoot: Buffer.from(ca.rootCertificate as Uint8Array),
      ctlogKey: Buffer.from(ctlog.publicKey as Uint8Array),
      ctlogId: Buffer.from(ctlog.logID as Uint8Array),
      tlogKey: Buffer.from(tlog.publicKey as Uint8Array),
      tlogId: createHash('sha256').update(tlog.publicKey).digest(),
    };
    const fulcio = fulcioHandler(ca, { subjectClaim: 'fulcio_san' });
    const rekor = rekorHandler(tlog);
    this.server.on('request', (request, response) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
        const body = Buffer.concat(chunks).toString('utf8');
        let answer: HandlerFnResult;
        if (request.method === 'POST' && request.url === fulcio.path) {
          const checked = this.fulcioRequest(body);
          answer = typeof checked === 'string' ? { statusCode: 401, response: checked, contentType: 'text/plain' } : await fulcio.fn(checked.body);
        } else if (request.method === 'POST' && request.url === rekor.path) {
          answer = await rekor.fn(canonicalRekorBody(body));
        } else {
          answer = { statusCode: 404, response: 'not found', contentType: 'text/plain' };
        }
        this.requests.push(`${request.method} ${request.url} ${answer.statusCode}`);
        response
          .writeHead(answer.statusCode, { 'content-type': answer.contentType ?? 'text/plain' })
          .end(
            typeof answer.response === 'string' ? answer.response : Buffer.from(answer.response.buffer, answer.response.byteOffset, answer.response.byteLength),
          );
      })().catch((error: Error) => response.writeHead(500).end(error.message));
    });
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Fulcio's checks of a signing-certificate request; the body to hand the mock (with the SAN claim it reads), or the refusal. */
  private fulcioRequest(body: string): { body: string } | string {
    const request = JSON.parse(body) as {
      credentials?: { oidcIdentityToken?: string };
      publicKeyRequest?: { publicKey?: { content?: string }; proofOfPossession?: string };
    };
    const token = request.credentials?.oidcIdentityToken ?? '';
    const [header, payload, signature] = token.split('.');
    const key = this.oidcPublicKey();
    if (!header || !payload || !signature || !key || !verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')))
      return 'There was an error processing the identity token';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (claims['aud'] !== 'sigstore') return `There was an error processing the identity token: audience ${String(claims['aud'])} is not sigstore`;
    if (typeof claims['exp'] !== 'number' || claims['exp'] * 1000 < Date.now()) return 'There was an error processing the identity token: expired';
    const publicKey = request.publicKeyRequest?.publicKey?.content ?? '';
    const proof = request.publicKeyRequest?.proofOfPossession ?? '';
    if (!verify('sha256', Buffer.from(String(claims['sub'])), publicKey, Buffer.from(proof, 'base64')))
      return 'The signature supplied in the request could not be verified';
    const rewritten = { ...claims, fulcio_san: `https://github.com/${String(claims['job_workflow_ref'])}` };
    request.credentials!.oidcIdentityToken = `${header}.${Buffer.from(JSON.stringify(rewritten)).toString('base64url')}.${signature}`;
    return { body: JSON.stringify(request) };
  }

  /** The trust root of this instance (CA, CT log, transparency log), as a protobuf object for @sigstore/verify. */
  trustedRoot(): TrustedRoot {
    const trust = this.trust!;
    const start = new Date(Date.now() - 3600_000).toISOString();
    const key = (rawBytes: Buffer) => ({ rawBytes: b64(rawBytes), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } });
    return TrustedRoot.fromJSON({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [{ baseUrl: this.url, hashAlgorithm: 'SHA2_256', publicKey: key(trust.tlogKey), logId: { keyId: b64(trust.tlogId) } }],
      certificateAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: this.url,
          certChain: { certificates: [{ rawBytes: b64(trust.caRoot) }] },
          validFor: { start },
        },
      ],
      ctlogs: [{ baseUrl: this.url, hashAlgorithm: 'SHA2_256', publicKey: key(trust.ctlogKey), logId: { keyId: b64(trust.ctlogId) } }],
      timestampAuthorities: [],
    });
  }

  /**
   * Verifies an attestation as PyPI does (pypi-attestations `Attestation.verify` with its GitHub
   * policy), against this instance's trust root: the bundle rebuilt as `to_bundle()` rebuilds it
   * (payload type in-toto, only the first transparency entry), then @sigstore/verify (certificate
   * chain and SCT, Rekor's signed entry timestamp, inclusion proof and body, the DSSE signature),
   * then the certificate's identity: issuer GitHub, source repository, and Build Config URI
   * `https://github.com/<repository>/.github/workflows/<workflow>@<digest or ref>`.
   *
   * @returns the verified statement's bytes
   * @throws Error saying what does not verify
   */
  verifyAttestation(attestation: AttestationObject, identity: GitHubIdentity): Buffer {
    const bundle = bundleFromJSON({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        certificate: { rawBytes: attestation.verification_material.certificate },
        tlogEntries: [attestation.verification_material.transparency_entries[0]],
      },
      dsseEnvelope: {
        payload: attestation.envelope.statement,
        payloadType: 'application/vnd.in-toto+json',
        signatures: [{ sig: attestation.envelope.signature, keyid: '' }],
      },
    });
    const signer: Signer = new Verifier(toTrustMaterial(this.trustedRoot())).verify(toSignedEntity(bundle));
    const oids = new Map<string, Buffer>();
    for (const { oid, value } of signer.identity?.oids ?? []) if (oid) oids.set(oid.id.join('.'), Buffer.from(value));
    const text = (oid: string): string | undefined => (oids.has(oid) ? derUtf8(oids.get(oid)!) : undefined);
    if (text(OID.issuer) !== 'https://token.actions.githubusercontent.com')
      throw new Error(`Certificate's OIDC issuer (${text(OID.issuer)}) does not match GitHub`);
    if (text(OID.sourceRepositoryUri) !== `https://github.com/${identity.repository}`)
      throw new Error(`Certificate's source repository (${text(OID.sourceRepositoryUri)}) does not match expected Trusted Publisher (${identity.repository})`);
    const suffixes = [text(OID.sourceRepositoryDigest), text(OID.sourceRepositoryRef)].filter((value) => value !== undefined);
    const buildConfig = text(OID.buildConfigUri);
    if (!suffixes.some((suffix) => buildConfig === `https://github.com/${identity.repository}/.github/workflows/${identity.workflow}@${suffix}`))
      throw new Error(
        `Certificate's Build Config URI (${buildConfig}) does not match expected Trusted Publisher (${identity.workflow} @ ${identity.repository})`,
      );
    return Buffer.from(attestation.envelope.statement, 'base64');
  }
}
