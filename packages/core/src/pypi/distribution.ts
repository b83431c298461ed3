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
  /** Lower-case hex. */
  readonly sha256: string;
  /** BLAKE2b with a 32-byte digest, lower-case hex. */
  readonly blake2b256: string;
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

type Blake2bHasher = ReturnType<typeof blake2b.createBLAKE2b>;

/**
 * Reads a file in one read call, BLAKE2b's WebAssembly compiling meanwhile (the asynchronous
 * readFile makes a round trip per 512 KiB). @returns the bytes and the hasher to await
 * @throws ActionError naming the file when it cannot be read
 */
export function readDistributionBytes(file: string): { bytes: Buffer; blakeHasher: Blake2bHasher } {
  const blakeHasher = blake2b.createBLAKE2b(256);
  try {
    return { bytes: readFileSync(file), blakeHasher };
  } catch (error) {
    blakeHasher.catch(() => undefined);
    throw new ActionError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * sha256 and BLAKE2b-256 (digest size 32, not a truncated BLAKE2b-512: Node's OpenSSL lacks it,
 * hash-wasm has it): the digests PyPI's upload API checks. No MD5: PyPI ignores it, and twine
 * stopped sending it (pypa/twine#1262).
 */
export async function fileDigests(bytes: Buffer, blakeHasher: Blake2bHasher): Promise<{ sha256: string; blake2b256: string }> {
  const blake = await blakeHasher;
  return { sha256: createHash('sha256').update(bytes).digest('hex'), blake2b256: blake.init().update(bytes).digest('hex') };
}
