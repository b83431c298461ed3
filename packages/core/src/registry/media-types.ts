/** Manifest media types (OCI image spec, Docker image manifest v2 schema 2). */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** The Accept header of every manifest read: an index is only returned to a client that accepts it. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest].join(', ');

/** Whether a media type is an index (OCI image index or Docker manifest list). */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;
}

/** A content descriptor (OCI image spec, descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  /** Bytes. */
  readonly size: number;
  readonly platform?: { readonly architecture?: string; readonly os?: string; readonly variant?: string };
  readonly annotations?: Record<string, string>;
  /** Foreign layers: where the content lives instead of the registry. */
  readonly urls?: readonly string[];
}

/** The parts of a manifest or index that say what it references. */
export interface ManifestContent {
  readonly schemaVersion?: number;
  readonly mediaType?: string;
  /** An index's manifests. */
  readonly manifests?: readonly Descriptor[];
  /** An image manifest's config blob. */
  readonly config?: Descriptor;
  /** An image manifest's layers. */
  readonly layers?: readonly Descriptor[];
  /** OCI 1.1: the manifest this one refers to. */
  readonly subject?: Descriptor;
}
