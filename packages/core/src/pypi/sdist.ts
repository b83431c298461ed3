import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { ActionError } from '../action/errors.js';
import { canonicalPythonVersion } from '../versions/python-version.js';
import { readDistributionBytes, type DistributionFile } from './distribution.js';
import { decodeMetadataFile, normaliseProjectName, parseCoreMetadata } from './metadata.js';

/** A source distribution read: a gzipped tar with one top-level directory holding PKG-INFO, every member a plain file or directory inside it. */
export interface Sdist extends DistributionFile {
  readonly kind: 'sdist';
  /** The single top-level directory of the archive. */
  readonly topLevel: string;
  /** Every member's path, `./` removed. */
  readonly members: ReadonlySet<string>;
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
  if (wheels.length)
    throw new ActionError(
      `${directory} holds wheels but no sdist (${wheels.join(', ')}): this action publishes a source distribution (.tar.gz), and its wheels with it`,
    );
  const zips = names.filter((name) => name.endsWith('.zip'));
  if (zips.length) throw new ActionError(`${directory} holds ${zips.join(', ')}: a .zip sdist is no longer accepted by PyPI (PEP 625); build a .tar.gz`);
  throw new ActionError(`no sdist (.tar.gz) in ${directory}`);
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

/** The member types an sdist may hold: plain files and directories (a link, a device or a FIFO has no place in an sdist, and Python's tarfile "data" filter refuses what points outside). */
const PLAIN_MEMBERS = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** Why a tar member is unsafe to extract, or undefined: an absolute path, a `..` component, a link, a device or FIFO, a sparse file. */
export function unsafeMemberReason(entry: { path: string; type: string; linkpath?: string }): string | undefined {
  if (/^(\/|[A-Za-z]:[\\/]|\\)/.test(entry.path)) return 'an absolute path';
  if (entry.path.split(/[\\/]/).includes('..')) return 'a ".." component';
  if (entry.type === 'SymbolicLink') return `a symbolic link (to ${entry.linkpath ?? '?'})`;
  if (entry.type === 'Link') return `a hard link (to ${entry.linkpath ?? '?'})`;
  if (!PLAIN_MEMBERS.has(entry.type)) return `a ${entry.type} member`;
  return undefined;
}

/**
 * Reads an sdist: a gzipped tar with exactly one top-level directory holding PKG-INFO, in UTF-8,
 * which is parsed (see parseCoreMetadata). Every member must be a plain file or directory under a
 * relative path without `..`: an unsafe member is refused here, whether or not anything extracts
 * the archive later. Its digests are being computed when it returns (the sdist is uploaded first).
 *
 * @param inMemoryTarLimit see IN_MEMORY_TAR_LIMIT (bytes)
 * @throws ActionError naming the file when it is not a gzipped tar, holds an unsafe member, has several top-level entries, lacks PKG-INFO, has a PKG-INFO that is not UTF-8 (with the byte offset), or a version that is not PEP 440
 */
export async function readSdist(file: string, inMemoryTarLimit = IN_MEMORY_TAR_LIMIT): Promise<Sdist> {
  const filename = path.basename(file);
  const topLevels = new Set<string>();
  const members = new Set<string>();
  const unsafe: string[] = [];
  let pkgInfo: Buffer | undefined;
  let pkgInfoPath = '';
  const { bytes, digests } = readDistributionBytes(file);
  const listing = listGzippedTar(
    bytes,
    (entry) => {
      const reason = unsafeMemberReason(entry);
      if (reason && unsafe.length < 3) unsafe.push(`${JSON.stringify(entry.path)} is ${reason}`);
      const parts = entry.path.replace(/^\.\//, '').split('/').filter(Boolean);
      if (parts[0]) topLevels.add(parts[0]);
      members.add(parts.join('/'));
      if (parts.length === 2 && parts[1] === 'PKG-INFO' && entry.type === 'File') {
        pkgInfoPath = entry.path;
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => (pkgInfo = Buffer.concat(chunks)));
      } else {
        entry.resume();
      }
    },
    inMemoryTarLimit,
  );
  listing.catch(() => undefined);
  // The sdist is uploaded first, so it is hashed at once, while the archive is gunzipped in the thread pool.
  digests().catch(() => undefined);
  try {
    await listing;
  } catch (error) {
    throw new ActionError(`${filename} is not a readable gzipped tar archive: ${(error as Error).message}`);
  }
  if (unsafe.length)
    throw new ActionError(
      `${filename} holds unsafe members: ${unsafe.join('; ')}. An sdist holds plain files and directories under one top-level directory; nothing was uploaded`,
    );
  if (topLevels.size !== 1)
    throw new ActionError(`${filename} must hold one top-level directory, and holds ${topLevels.size}: ${[...topLevels].slice(0, 5).join(', ')}`);
  const topLevel = [...topLevels][0]!;
  if (pkgInfo === undefined) throw new ActionError(`${filename} has no ${topLevel}/PKG-INFO: it is not an sdist built by a build backend`);
  const source = `${filename}:${pkgInfoPath}`;
  const metadata = parseCoreMetadata(decodeMetadataFile(pkgInfo, source), source);
  const canonicalVersion = canonicalPythonVersion(metadata.version);
  if (!canonicalVersion) throw new ActionError(`${filename}: PKG-INFO's Version ${metadata.version} is not a PEP 440 version`);
  return {
    kind: 'sdist',
    path: file,
    filename,
    size: bytes.length,
    bytes,
    digests,
    topLevel,
    members,
    metadata,
    normalisedName: normaliseProjectName(metadata.name),
    canonicalVersion,
    filetype: 'sdist',
    pyversion: 'source',
  };
}
