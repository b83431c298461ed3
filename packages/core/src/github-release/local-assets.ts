import { createHash } from 'node:crypto';
import { glob, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../action/errors.js';

/** A file to attach to a release, read from the workspace. */
export interface LocalAsset {
  /** The asset's name on the release: the file's base name. */
  readonly name: string;
  /** The file, absolute. */
  readonly path: string;
  /** The file's path relative to the workspace, as reported. */
  readonly relativePath: string;
  /** Size in bytes. */
  readonly size: number;
  /** SHA-256 of the bytes, lower-case hex. */
  readonly sha256: string;
  readonly bytes: Buffer;
}

/** GitHub's limit on one release asset: "each file included in a release must be under 2 GiB" (About releases). */
export const MAX_ASSET_BYTES = 2 * 1024 ** 3 - 1;

/**
 * Names GitHub keeps as they are. GitHub renames an asset whose name holds "special characters,
 * non-alphanumeric characters, and leading or trailing periods" (Upload a release asset, notes):
 * the renamed asset would never be found again under its file's name, so such names are refused.
 */
const ASSET_NAME = /^[A-Za-z0-9_-](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$/;

/** The media type sent with an upload (its Content-Type); GitHub serves the asset with it. */
export function assetContentType(name: string): string {
  if (/\.(tar\.gz|tgz)$/i.test(name)) return 'application/gzip';
  if (/\.(whl|zip)$/i.test(name)) return 'application/zip';
  if (/\.md$/i.test(name)) return 'text/markdown';
  if (/\.(txt|csv|log)$/i.test(name)) return 'text/plain';
  if (/\.json$/i.test(name)) return 'application/json';
  return 'application/octet-stream';
}

/** SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The files of the `files` input: each line a glob (Node's fs.glob: `*`, `**`, `?`, `[…]`, `{a,b}`)
 * relative to the workspace, read and hashed. Refused, naming the input, before anything is sent:
 * a glob that matches no file (a release without its sdist is a wrong release, not a smaller one);
 * an absolute glob, one with a `..` segment, or a match whose real path (symbolic links followed)
 * leaves the workspace (a release is public: nothing outside the workspace is published); two files
 * with the same base name (one asset name each); a name GitHub would rename; a file of 2 GiB or more.
 * Directories matched are left out.
 *
 * @param patterns the input's lines, blank ones already left out
 * @param workspace the directory globs are relative to (GITHUB_WORKSPACE)
 * @returns the files, in the order of their globs, then by path
 * @throws InputError naming `input`
 */
export async function resolveLocalAssets(patterns: readonly string[], workspace: string, input = 'files'): Promise<LocalAsset[]> {
  const root = await realpath(workspace);
  const assets: LocalAsset[] = [];
  const byName = new Map<string, string>();
  for (const pattern of patterns) {
    if (path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..'))
      throw new InputError(input, `has "${pattern}": a glob must stay inside the workspace (no absolute path, no .. segment)`);
    const matches: string[] = [];
    for await (const match of glob(pattern, { cwd: root })) matches.push(match);
    const files: string[] = [];
    for (const match of matches.sort()) {
      const absolute = path.resolve(root, match);
      const real = await realpath(absolute);
      if (real !== root && !real.startsWith(root + path.sep))
        throw new InputError(input, `has "${pattern}", which matches ${match}, a link to ${real}, outside the workspace`);
      if ((await stat(real)).isFile()) files.push(absolute);
    }
    if (files.length === 0) throw new InputError(input, `has "${pattern}", which matches no file in ${workspace}`);
    for (const file of files) {
      const relativePath = path.relative(root, file);
      const name = path.basename(file);
      if (assets.some((asset) => asset.path === file)) continue;
      const other = byName.get(name);
      if (other !== undefined)
        throw new InputError(input, `matches two files named ${name} (${other} and ${relativePath}): a release holds one asset of a name`);
      if (!ASSET_NAME.test(name))
        throw new InputError(
          input,
          `matches ${relativePath}, whose name GitHub would rename (letters, digits, ".", "_" and "-" only, no leading or trailing ".")`,
        );
      const size = (await stat(file)).size;
      if (size > MAX_ASSET_BYTES) throw new InputError(input, `matches ${relativePath}, of ${size} bytes: GitHub takes release assets under 2 GiB`);
      const bytes = await readFile(file);
      byName.set(name, relativePath);
      assets.push({ name, path: file, relativePath, size: bytes.length, sha256: sha256Hex(bytes), bytes });
    }
  }
  return assets;
}
