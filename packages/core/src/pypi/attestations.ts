import type { SerializedBundle } from '@sigstore/bundle';
import { ActionError, describeError } from '../action/errors.js';

/** The public Sigstore instance's Fulcio and Rekor (sigstore-js' defaults); PyPI verifies against its trust root, TestPyPI included. */
export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';

/** The predicate type of PyPI's publish attestation (https://docs.pypi.org/attestations/publish/v1). */
export const PYPI_PUBLISH_PREDICATE = 'https://docs.pypi.org/attestations/publish/v1';
/** The DSSE payload type of an in-toto statement: what PyPI rebuilds the envelope with. */
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

/**
 * A PEP 740 attestation object, as PyPI's upload takes it in its `attestations` field
 * (pypi-attestations' `Attestation` model). Bytes are standard base64.
 */
export interface Attestation {
  readonly version: 1;
  readonly verification_material: {
    /** The DER signing certificate from Fulcio. */
    readonly certificate: string;
    /** Rekor v1 `dsse` entries (protobuf-specs JSON), with inclusion proof and promise; PyPI reads the first. */
    readonly transparency_entries: readonly Record<string, unknown>[];
  };
  readonly envelope: {
    /** The in-toto statement's exact bytes. */
    readonly statement: string;
    /** The DSSE signature over the statement's pre-authentication encoding. */
    readonly signature: string;
  };
}

/**
 * The in-toto v1 statement of PyPI's publish attestation for one file: its name and sha256 as the
 * only subject, predicate null. Byte for byte what sigstore-python's StatementBuilder writes
 * (compact JSON, keys in this order), though any bytes would verify: the signature covers them as they are.
 *
 * @param sha256 lower-case hex
 */
export function publishStatement(filename: string, sha256: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`internal error: ${filename}'s sha256 must be 64 lower-case hex digits`);
  return Buffer.from(
    JSON.stringify({ _type: STATEMENT_TYPE, subject: [{ name: filename, digest: { sha256 } }], predicateType: PYPI_PUBLISH_PREDICATE, predicate: null }),
    'utf8',
  );
}

/**
 * A Sigstore bundle in its JSON form (one DSSE signature over an in-toto statement, a Fulcio
 * certificate, one Rekor v1 `dsse` entry with inclusion proof and promise) as a PEP 740 attestation.
 *
 * @throws Error when the bundle cannot be one: PyPI's verifier needs the certificate, Rekor's signed entry timestamp (the only time an attestation carries) and a `dsse` entry
 */
export function bundleToAttestation(json: SerializedBundle): Attestation {
  const envelope = json.dsseEnvelope;
  if (!envelope) throw new Error('the bundle has no DSSE envelope');
  if (envelope.payloadType !== INTOTO_PAYLOAD_TYPE) throw new Error(`the bundle's payload type is "${envelope.payloadType}", not ${INTOTO_PAYLOAD_TYPE}`);
  if (envelope.signatures.length !== 1) throw new Error(`the bundle has ${envelope.signatures.length} signatures, not one`);
  const material = json.verificationMaterial;
  const certificate = material.certificate?.rawBytes ?? material.x509CertificateChain?.certificates[0]?.rawBytes;
  if (!certificate) throw new Error('the bundle has no signing certificate');
  const entry = material.tlogEntries[0];
  if (!entry) throw new Error('the bundle has no transparency log entry');
  if (entry.kindVersion?.kind !== 'dsse') throw new Error(`the transparency log entry is of kind ${entry.kindVersion?.kind}, not dsse`);
  if (!entry.inclusionPromise?.signedEntryTimestamp) throw new Error('the transparency log entry has no inclusion promise (Rekor v1 signed entry timestamp)');
  if (!entry.inclusionProof?.checkpoint?.envelope) throw new Error('the transparency log entry has no inclusion proof with a checkpoint');
  return {
    version: 1,
    verification_material: { certificate, transparency_entries: [JSON.parse(JSON.stringify(entry)) as Record<string, unknown>] },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0]!.sig },
  };
}

/** Where and as whom to sign. */
export interface SigningOptions {
  readonly fulcioUrl: string;
  readonly rekorUrl: string;
  /** The job's OIDC token for the audience `sigstore` (asked once, used for every file). */
  readonly getIdToken: () => Promise<string>;
  /** Seconds per request to Fulcio or Rekor. Default 30. */
  readonly timeoutSeconds?: number;
}

/**
 * Signs PyPI publish attestations (PEP 740) for files, keylessly: an ephemeral key, a
 * certificate from Fulcio for the job's OIDC identity (audience `sigstore`), a Rekor v1 `dsse`
 * entry per file, and no timestamp authority (an attestation has no place for RFC 3161
 * timestamps). The statement's subject is the file name and its sha256.
 *
 * @returns one attestation per file, in the files' order
 * @throws ActionError naming the file and the Sigstore service that failed
 */
export async function signPublishAttestations(files: readonly { filename: string; sha256: string }[], options: SigningOptions): Promise<Attestation[]> {
  // Loaded only when signing: Sigstore's client and its HTTP stack would add a third to every run's start.
  const [{ DSSEBundleBuilder, FulcioSigner, RekorWitness }, { bundleToJSON }] = await Promise.all([import('@sigstore/sign'), import('@sigstore/bundle')]);
  let token: Promise<string> | undefined;
  const fetchOptions = { timeout: (options.timeoutSeconds ?? 30) * 1000, retry: 2 };
  const signer = new FulcioSigner({
    fulcioBaseURL: options.fulcioUrl,
    identityProvider: { getToken: () => (token ??= options.getIdToken()) },
    ...fetchOptions,
  });
  const rekor = new RekorWitness({ rekorBaseURL: options.rekorUrl, entryType: 'dsse', majorApiVersion: 1, ...fetchOptions });
  const builder = new DSSEBundleBuilder({ signer, witnesses: [rekor] });
  const attestations: Attestation[] = [];
  for (const file of files) {
    try {
      const bundle = await builder.create({ data: publishStatement(file.filename, file.sha256), type: INTOTO_PAYLOAD_TYPE });
      attestations.push(bundleToAttestation(bundleToJSON(bundle)));
    } catch (error) {
      throw new ActionError(
        `signing the publish attestation of ${file.filename} failed (Fulcio ${options.fulcioUrl}, Rekor ${options.rekorUrl}): ${describeError(error)}; nothing was uploaded (attestations: false publishes without them)`,
      );
    }
  }
  return attestations;
}
