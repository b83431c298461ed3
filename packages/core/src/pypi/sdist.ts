import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createBLAKE2b } from 'hash-wasm';
import { list } from 'tar';
import { ActionError } from '../action/errors.js';
import { canonicalPythonVersion } from '../versions/python-version.js';
import { normaliseProjectName, parseCoreMetadata, type CoreMetadata } from './metadata.js';

/** A source distribution, validated. */
export interface Sdist {
  readonly path: string;
  readonly filename: string;
  /** Bytes. */
  readonly size: number;
  readonly sha256: string;
  readonly md5: string;
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
  if (sdists.length > 1) throw new ActionError(`${directory} holds ${sdists.length} sdists (${sdists.join(', ')}): expected exactly one; clean the directory before building`);
  const wheels = names.filter((name) => name.endsWith('.whl'));
  if (wheels.length) throw new ActionError(`${directory} holds only wheels (${wheels.join(', ')}): this action publishes a source distribution (.tar.gz)`);
  const zips = names.filter((name) => name.endsWith('.zip'));
  if (zips.length) throw new ActionError(`${directory} holds ${zips.join(', ')}: a .zip sdist is no longer accepted by PyPI (PEP 625); build a .tar.gz`);
  throw new ActionError(`no sdist (.tar.gz) in ${directory}`);
}

/**
 * sha256, md5 and BLAKE2b-256 (digest size 32, not a truncated BLAKE2b-512:
 * Node's OpenSSL lacks it, hash-wasm has it) of a file. An sdist is small
 * (PyPI's default limit is 100 MB), so it is read whole: one read and
 * one-shot hashes start faster than streams.
 */
async function digests(file: string): Promise<{ sha256: string; md5: string; blake2b256: string }> {
  const bytes = await readFile(file);
  const blake = await createBLAKE2b(256);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), md5: createHash('md5').update(bytes).digest('hex'), blake2b256: blake.init().update(bytes).digest('hex') };
}

/** The PEP 625 file name of an sdist: the normalised name with `_` for runs of `-_.`, the canonical version, `.tar.gz`. */
export function pep625Filename(name: string, version: string): string {
  return `${name.replace(/[-_.]+/g, '_').toLowerCase()}-${version}.tar.gz`;
}

/**
 * Reads an sdist: a gzipped tar with exactly one top-level directory holding
 * PKG-INFO, which is parsed (see parseCoreMetadata).
 *
 * @throws ActionError naming the file when it is not a gzipped tar, has several top-level entries, lacks PKG-INFO, or has a version that is not PEP 440
 */
export async function readSdist(file: string): Promise<Sdist> {
  const filename = path.basename(file);
  const topLevels = new Set<string>();
  let pkgInfo: string | undefined;
  let pkgInfoPath = '';
  // Reading the archive (gunzip in libuv's thread pool) and hashing the file overlap.
  const hashing = digests(file);
  try {
    await list({
      file,
      strict: true,
      onReadEntry: (entry) => {
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
    });
  } catch (error) {
    throw new ActionError(`${filename} is not a readable gzipped tar archive: ${(error as Error).message}`);
  }
  if (topLevels.size !== 1) throw new ActionError(`${filename} must hold one top-level directory, and holds ${topLevels.size}: ${[...topLevels].slice(0, 5).join(', ')}`);
  const topLevel = [...topLevels][0]!;
  if (pkgInfo === undefined) throw new ActionError(`${filename} has no ${topLevel}/PKG-INFO: it is not an sdist built by a build backend`);
  const metadata = parseCoreMetadata(pkgInfo, `${filename}:${pkgInfoPath}`);
  const canonicalVersion = canonicalPythonVersion(metadata.version);
  if (!canonicalVersion) throw new ActionError(`${filename}: PKG-INFO's Version ${metadata.version} is not a PEP 440 version`);
  const { size } = await stat(file);
  return { path: file, filename, size, ...(await hashing), topLevel, metadata, normalisedName: normaliseProjectName(metadata.name), canonicalVersion, expectedFilename: pep625Filename(metadata.name, canonicalVersion) };
}
