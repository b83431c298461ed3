import path from 'node:path';
import { ActionError } from '../action/errors.js';
import { canonicalPythonVersion } from '../versions/python-version.js';
import { readDistributionBytes, type DistributionFile } from './distribution.js';
import { parseWheelFilename, type WheelFilename } from './filenames.js';
import { decodeMetadataFile, firstInvalidUtf8Byte, normaliseProjectName, parseCoreMetadata } from './metadata.js';
import { readZip, ZipProblem } from './zip.js';

/** A wheel read (the binary distribution format): its file name's parts, its `.dist-info` directory, its METADATA. */
export interface Wheel extends DistributionFile {
  readonly kind: 'wheel';
  readonly tags: WheelFilename;
  /** `{name}-{version}.dist-info`, from the file name's raw parts, as PyPI looks for it. */
  readonly distInfo: string;
  /** Every member's name. */
  readonly members: ReadonlySet<string>;
}

/** PyPI's text for a refused archive (warehouse forklift `_is_valid_dist_file`). */
const invalidFile = (message: string): string => `Invalid distribution file. ${message}`;

/**
 * Checks entry_points.txt as PyPI does: UTF-8, an INI file whose console_scripts and gui_scripts names match `[\w.-]+`.
 * @returns whether it is valid
 */
function validEntryPoints(bytes: Buffer): boolean {
  if (firstInvalidUtf8Byte(bytes) !== -1) return false;
  let section = '';
  for (const raw of bytes.toString('utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0 || !section) return false;
    if ((section === 'console_scripts' || section === 'gui_scripts') && !/^[\w.-]+$/.test(line.slice(0, equals).trim())) return false;
  }
  return true;
}

/**
 * Reads a wheel: a zip archive as PyPI accepts it (see readZip) holding
 * `{name}-{version}.dist-info/` with WHEEL, METADATA (UTF-8, parsed) and RECORD, and a valid
 * entry_points.txt when there is one; no member with an absolute path or a `..` component.
 * It is not hashed until its digests are asked for. The messages for what PyPI refuses are PyPI's.
 *
 * @throws ActionError naming the file and what is wrong
 */
export async function readWheel(file: string): Promise<Wheel> {
  const filename = path.basename(file);
  const tags = parseWheelFilename(filename);
  if (typeof tags === 'string') throw new ActionError(`${filename}: PyPI would answer 400 ${tags}`);
  const { bytes, digests } = readDistributionBytes(file);
  let archive;
  try {
    archive = readZip(bytes);
  } catch (error) {
    if (error instanceof ZipProblem) throw new ActionError(`${filename}: PyPI would answer 400 ${invalidFile(error.message)}`);
    throw error;
  }
  const unsafe = [...archive.members.keys()].find((name) => name.startsWith('/') || name.split('/').includes('..') || /^[A-Za-z]:/.test(name));
  if (unsafe !== undefined)
    throw new ActionError(`${filename} holds an unsafe member, ${JSON.stringify(unsafe)}: a wheel's members are relative paths without ".."`);
  const distInfo = `${tags.rawName}-${tags.rawVersion}.dist-info`;
  const missing = (what: string): ActionError =>
    new ActionError(
      `${filename}: PyPI would answer 400 ${what} (a wheel holds ${distInfo}/WHEEL, METADATA and RECORD; rebuild it with a current build backend)`,
    );
  if (!archive.members.has(`${distInfo}/WHEEL`)) throw missing(invalidFile(`WHEEL not found at ${distInfo}/WHEEL`));
  const record = archive.read(`${distInfo}/RECORD`);
  if (!record || firstInvalidUtf8Byte(record) !== -1) throw missing(`Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD`);
  const entryPoints = archive.read(`${distInfo}/entry_points.txt`);
  if (entryPoints && !validEntryPoints(entryPoints))
    throw new ActionError(`${filename}: PyPI would answer 400 Wheel '${filename}' has invalid entry points defined in the entry_points.txt file`);
  const metadataBytes = archive.read(`${distInfo}/METADATA`);
  if (!metadataBytes) throw missing(`Wheel '${filename}' does not contain the required METADATA file: ${distInfo}/METADATA`);
  const source = `${filename}:${distInfo}/METADATA`;
  const metadata = parseCoreMetadata(decodeMetadataFile(metadataBytes, source), source);
  const canonicalVersion = canonicalPythonVersion(metadata.version);
  if (!canonicalVersion) throw new ActionError(`${filename}: METADATA's Version ${metadata.version} is not a PEP 440 version`);
  return {
    kind: 'wheel',
    path: file,
    filename,
    size: bytes.length,
    bytes,
    digests,
    tags,
    distInfo,
    members: new Set(archive.members.keys()),
    metadata,
    normalisedName: normaliseProjectName(metadata.name),
    canonicalVersion,
    filetype: 'bdist_wheel',
    pyversion: tags.pythonTag,
  };
}
