import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import blake2b from 'hash-wasm/dist/blake2b.umd.min.js';
import { Parser, type ReadEntry } from 'tar';
import { ActionError } from '../action/errors.js';
import { canonicalPythonVersion } from '../versions/python-version.js';
import { normaliseProjectName, parseCoreMetadata, type CoreMetadata } from './metadata.js';

/** A source distribution, validated. */
export interface Sdist {
  readonly path: string;
  readonly filename: string;
  /** Bytes. */
  readonly size: number;
  /** The archive as read, hashed and listed: what is uploaded. */
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly blake2b256: string;
  /** The single top-level directory of the archive. */
  readonly topLevel: string;
  readonly metadata: CoreMetadata;
  /** PEP 503 normalised name. */
  readonly normalisedName: string;
  /** PEP 440 canonical version. */
  readonly canonicalVersion: string;
  /** The PEP 625 file name, e.g. exegol-5.1.5.tar.gz. */
  readonly expectedFilename: string;
}

/**
 * The one sdist in `directory`: a `.tar.gz` (a `.zip` sdist is legacy and refused).
 * @throws ActionError naming the directory when there is none, when there are several, or when it holds only wheels
 */
export async function findSdist(directory: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    throw new ActionError(`packages directory ${directory} does not exist: build first, or set packages-dir`);
  }
  const sdists = names.filter((name) => name.endsWith('.tar.gz'));
  if (sdists.length === 1) return path.join(directory, sdists[0]!);
  if (sdists.length > 1)
    throw new ActionError(`${directory} holds ${sdists.length} sdists (${sdists.join(', ')}): expected exactly one; clean the directory before building`);
  const wheels = names.filter((name) => name.endsWith('.whl'));
  if (wheels.length) throw new ActionError(`${directory} holds only wheels (${wheels.join(', ')}): this action publishes a source distribution (.tar.gz)`);
  const zips = names.filter((name) => name.endsWith('.zip'));
  if (zips.length) throw new ActionError(`${directory} holds ${zips.join(', ')}: a .zip sdist is no longer accepted by PyPI (PEP 625); build a .tar.gz`);
  throw new ActionError(`no sdist (.tar.gz) in ${directory}`);
}

/**
 * sha256 and BLAKE2b-256 (digest size 32, not a truncated BLAKE2b-512:
 * Node's OpenSSL lacks it, hash-wasm has it): the digests PyPI's upload API
 * checks. No MD5: PyPI ignores it, and twine stopped sending it (pypa/twine#1262).
 */
async function digests(bytes: Buffer, blakeHasher: ReturnType<typeof blake2b.createBLAKE2b>): Promise<{ sha256: string; blake2b256: string }> {
  const blake = await blakeHasher;
  return { sha256: createHash('sha256').update(bytes).digest('hex'), blake2b256: blake.init().update(bytes).digest('hex') };
}

/** The largest uncompressed archive readSdist gunzips in memory, in bytes; a larger one is read as a stream. */
export const IN_MEMORY_TAR_LIMIT = 512 * 1024 * 1024;

/** Feeds a tar archive, gzipped or not, to node-tar's parser, which gunzips it as a stream when needed. */
async function parseTar(archive: Buffer, onEntry: (entry: ReadEntry) => void): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({ strict: true, onReadEntry: onEntry });
    parser.on('error', reject);
    parser.on('end', () => resolve());
    parser.end(archive);
  });
}

/**
 * Lists the entries of a gzipped tar. Up to `inMemoryLimit` uncompressed
 * bytes, it is gunzipped in libuv's thread pool as one job, the output buffer
 * sized from the gzip trailer's ISIZE (RFC 1952 §2.3.1, the size modulo
 * 2^32), so that the main thread can hash meanwhile instead of being called
 * back for every chunk. A larger archive is gunzipped as a stream on the main
 * thread, in bounded memory.
 *
 * @throws Error from zlib or node-tar when the archive is not a gzipped tar
 */
async function listGzippedTar(gzipped: Buffer, onEntry: (entry: ReadEntry) => void, inMemoryLimit: number): Promise<void> {
  const isize = gzipped.length >= 4 ? gzipped.readUInt32LE(gzipped.length - 4) : 0;
  if (isize <= inMemoryLimit) {
    try {
      const tar = await promisify(gunzip)(gzipped, { chunkSize: Math.min(inMemoryLimit, Math.max(64 * 1024, isize + 1024)), maxOutputLength: inMemoryLimit });
      return await parseTar(tar, onEntry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
    }
  }
  await parseTar(gzipped, onEntry);
}

/** The PEP 625 file name of an sdist: the normalised name with `_` for runs of `-_.`, the canonical version, `.tar.gz`. */
export function pep625Filename(name: string, version: string): string {
  return `${name.replace(/[-_.]+/g, '_').toLowerCase()}-${version}.tar.gz`;
}

/**
 * Reads an sdist: a gzipped tar with exactly one top-level directory holding
 * PKG-INFO, which is parsed (see parseCoreMetadata).
 *
 * @param inMemoryTarLimit see IN_MEMORY_TAR_LIMIT (bytes)
 * @throws ActionError naming the file when it is not a gzipped tar, has several top-level entries, lacks PKG-INFO, or has a version that is not PEP 440
 */
export async function readSdist(file: string, inMemoryTarLimit = IN_MEMORY_TAR_LIMIT): Promise<Sdist> {
  const filename = path.basename(file);
  const topLevels = new Set<string>();
  let pkgInfo: string | undefined;
  let pkgInfoPath = '';
  // BLAKE2b's WebAssembly compiles in the background while the file is read, in one read call
  // (the asynchronous readFile makes a round trip per 512 KiB).
  const blakeHasher = blake2b.createBLAKE2b(256);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ActionError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const listing = listGzippedTar(
    bytes,
    (entry) => {
      const parts = entry.path.replace(/^\.\//, '').split('/').filter(Boolean);
      if (parts[0]) topLevels.add(parts[0]);
      if (parts.length === 2 && parts[1] === 'PKG-INFO' && entry.type === 'File') {
        pkgInfoPath = entry.path;
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => (pkgInfo = Buffer.concat(chunks).toString('utf8')));
      } else {
        entry.resume();
      }
    },
    inMemoryTarLimit,
  );
  listing.catch(() => undefined);
  // Hashed while the archive is gunzipped in the thread pool: on two cores, the two overlap.
  const hashes = await digests(bytes, blakeHasher);
  try {
    await listing;
  } catch (error) {
    throw new ActionError(`${filename} is not a readable gzipped tar archive: ${(error as Error).message}`);
  }
  if (topLevels.size !== 1)
    throw new ActionError(`${filename} must hold one top-level directory, and holds ${topLevels.size}: ${[...topLevels].slice(0, 5).join(', ')}`);
  const topLevel = [...topLevels][0]!;
  if (pkgInfo === undefined) throw new ActionError(`${filename} has no ${topLevel}/PKG-INFO: it is not an sdist built by a build backend`);
  const metadata = parseCoreMetadata(pkgInfo, `${filename}:${pkgInfoPath}`);
  const canonicalVersion = canonicalPythonVersion(metadata.version);
  if (!canonicalVersion) throw new ActionError(`${filename}: PKG-INFO's Version ${metadata.version} is not a PEP 440 version`);
  return {
    path: file,
    filename,
    size: bytes.length,
    bytes,
    ...hashes,
    topLevel,
    metadata,
    normalisedName: normaliseProjectName(metadata.name),
    canonicalVersion,
    expectedFilename: pep625Filename(metadata.name, canonicalVersion),
  };
}
