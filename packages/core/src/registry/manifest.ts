import { ActionError } from '../action/errors.js';
import { MEDIA_TYPES, isIndexMediaType, type Descriptor, type ManifestContent } from './media-types.js';

/**
 * The largest manifest read or written: 4 MiB (4 194 304 bytes), the limit of
 * distribution's manifest handler (`maxManifestBodySize = 4 << 20`, which
 * answers a larger PUT with 400 MANIFEST_INVALID); the distribution spec asks
 * registries to accept at least 4 MB, and containerd refuses manifests above
 * `4 * 1048 * 1048` bytes. A larger answer is refused before it is parsed.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The most descriptors one manifest may list (layers, or an index's manifests): far above any real image, a bound on the work one answer can cause. */
export const MAX_DESCRIPTORS = 10_000;

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const KNOWN_TYPES: readonly string[] = Object.values(MEDIA_TYPES);

/** Whether `digest` is a sha256 digest as this action verifies them (`sha256:` and 64 lower-case hex digits). */
export function isSha256Digest(digest: unknown): digest is string {
  return typeof digest === 'string' && DIGEST.test(digest);
}

function checkDescriptor(value: unknown, where: string, field: string): Descriptor {
  const descriptor = value as Partial<Descriptor> | null;
  if (!descriptor || typeof descriptor !== 'object' || Array.isArray(descriptor)) throw new ActionError(`${where}: ${field} is not a descriptor object`);
  if (typeof descriptor.mediaType !== 'string' || !descriptor.mediaType) throw new ActionError(`${where}: ${field} has no mediaType`);
  if (!isSha256Digest(descriptor.digest))
    throw new ActionError(`${where}: ${field} has the digest ${JSON.stringify(String(descriptor.digest).slice(0, 100))}, not sha256:<64 hex digits>`);
  if (!Number.isSafeInteger(descriptor.size) || descriptor.size! < 0) throw new ActionError(`${where}: ${field} has no valid size`);
  if (descriptor.urls !== undefined && (!Array.isArray(descriptor.urls) || descriptor.urls.some((url) => typeof url !== 'string')))
    throw new ActionError(`${where}: ${field} has invalid urls`);
  return descriptor as Descriptor;
}

function checkList(value: unknown, where: string, field: string): Descriptor[] {
  if (!Array.isArray(value)) throw new ActionError(`${where}: ${field} is not a list`);
  if (value.length > MAX_DESCRIPTORS) throw new ActionError(`${where}: ${field} lists ${value.length} entries, more than ${MAX_DESCRIPTORS}`);
  return value.map((entry, index) => checkDescriptor(entry, where, `${field}[${index}]`));
}

/**
 * Parses and checks a manifest's bytes (OCI image spec: image index and
 * image manifest; Docker image manifest v2 schema 2 and manifest list) before
 * anything is written: a JSON object of schemaVersion 2, a known media type
 * (its `mediaType` field, else the Content-Type it was served with), and
 * descriptors whose digests are sha256 and sizes whole byte counts.
 *
 * @param where names the manifest in errors, e.g. `docker.io/nwodtuhs/exegol-preprod:full`
 * @throws ActionError, one clear message, for anything else (not JSON, `null`, schema 1, an unknown media type, a bad descriptor)
 */
export function parseManifest(bytes: Buffer, servedType: string | undefined, where: string): { mediaType: string; content: ManifestContent } {
  if (bytes.length > MAX_MANIFEST_BYTES) throw new ActionError(`${where} is ${bytes.length} bytes, over the 4 MiB manifest limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ActionError(`${where} is not a manifest: its ${bytes.length} bytes are not JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ActionError(`${where} is not a manifest: it is ${parsed === null ? 'null' : Array.isArray(parsed) ? 'a JSON array' : `a JSON ${typeof parsed}`}`);
  const content = parsed as ManifestContent;
  if (content.schemaVersion === 1) throw new ActionError(`${where} is a Docker schema 1 manifest, which registries no longer accept: rebuild it`);
  if (content.schemaVersion !== 2) throw new ActionError(`${where} is not a manifest: schemaVersion is ${JSON.stringify(content.schemaVersion)}, not 2`);
  const mediaType = typeof content.mediaType === 'string' ? content.mediaType : (servedType ?? '');
  if (!KNOWN_TYPES.includes(mediaType))
    throw new ActionError(`${where} has the media type ${JSON.stringify(mediaType.slice(0, 100))}, which is not an OCI or Docker image manifest or index`);
  if (isIndexMediaType(mediaType)) {
    checkList(content.manifests, where, 'manifests');
  } else {
    checkDescriptor(content.config, where, 'config');
    checkList(content.layers ?? [], where, 'layers');
  }
  if (content.subject !== undefined) checkDescriptor(content.subject, where, 'subject');
  return { mediaType, content };
}
