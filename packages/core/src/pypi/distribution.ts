import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import blake2b from 'hash-wasm/dist/blake2b.umd.min.js';
import { ActionError } from '../action/errors.js';
import type { CoreMetadata } from './metadata.js';

/** A distribution file read into memory: what is hashed, checked and uploaded. */
export interface DistributionFile {
  readonly kind: 'sdist' | 'wheel';
  readonly path: string;
  readonly filename: string;
  /** Bytes. */
  readonly size: number;
  /** The file as read, hashed and listed: what is uploaded. */
  readonly bytes: Buffer;
  /**
   * The file's digests, computed at the first call (every call gives the same promise), in
   * 1 MiB steps that leave the event loop free between them: hashing a file can go on while
   * another one uploads.
   */
  readonly digests: () => Promise<FileDigests>;
  /** Its PKG-INFO (sdist) or METADATA (wheel), parsed. */
  readonly metadata: CoreMetadata;
  /** PEP 503 normalised name. */
  readonly normalisedName: string;
  /** The version in PEP 440 normalised form. */
  readonly canonicalVersion: string;
  /** The upload form's filetype and pyversion: sdist/source, or bdist_wheel and the wheel's Python tag. */
  readonly filetype: 'sdist' | 'bdist_wheel';
  readonly pyversion: string;
}

/**
 * The digests PyPI's upload API checks (the form's `sha256_digest` and `blake2_256_digest`), in
 * lower-case hex. No MD5: PyPI ignores it, and twine stopped sending it (pypa/twine#1262).
 */
export interface FileDigests {
  readonly sha256: string;
  /** BLAKE2b with a 32-byte digest: not a truncated BLAKE2b-512 (Node's OpenSSL lacks it; hash-wasm has it). */
  readonly blake2b256: string;
}

/** A distribution file with its digests computed: what is uploaded and reported. */
export type HashedDistribution<File extends DistributionFile = DistributionFile> = File & FileDigests;

/** Bytes hashed between two turns of the event loop. */
const HASH_STEP = 1024 * 1024;

type Blake2bHasher = ReturnType<typeof blake2b.createBLAKE2b>;

async function computeDigests(bytes: Buffer, blakeHasher: Blake2bHasher): Promise<FileDigests> {
  const sha256 = createHash('sha256');
  const blake = (await blakeHasher).init();
  for (let offset = 0; offset < bytes.length; offset += HASH_STEP) {
    if (offset) await new Promise(setImmediate);
    const step = bytes.subarray(offset, offset + HASH_STEP);
    sha256.update(step);
    blake.update(step);
  }
  return { sha256: sha256.digest('hex'), blake2b256: blake.digest('hex') };
}

/**
 * Reads a file in one read call (the asynchronous readFile makes a round trip per 512 KiB),
 * BLAKE2b's WebAssembly compiling meanwhile.
 * @returns the bytes, and their digests, computed at the first call (see DistributionFile.digests)
 * @throws ActionError naming the file when it cannot be read
 */
export function readDistributionBytes(file: string): { bytes: Buffer; digests: () => Promise<FileDigests> } {
  const blakeHasher = blake2b.createBLAKE2b(256);
  blakeHasher.catch(() => undefined);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ActionError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let digests: Promise<FileDigests> | undefined;
  return { bytes, digests: () => (digests ??= computeDigests(bytes, blakeHasher)) };
}

/** A file with its digests, computed now if they were not already. */
export async function withDigests<File extends DistributionFile>(file: File): Promise<HashedDistribution<File>> {
  return { ...file, ...(await file.digests()) };
}
