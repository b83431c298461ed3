import { inflateRawSync } from 'node:zlib';

/** One member of a zip archive, from its central directory record (APPNOTE.TXT §4.3.12). */
export interface ZipMember {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  /** Bytes. */
  readonly size: number;
  /** Offset of its local file header. */
  readonly localOffset: number;
}

/** A zip archive's members, by name, and a way to read one. */
export interface ZipArchive {
  readonly members: ReadonlyMap<string, ZipMember>;
  /** The member's bytes, inflated; undefined when there is no such member. */
  read(name: string): Buffer | undefined;
}

/** Why a zip archive is refused, in PyPI's words (warehouse utils/zipfiles.py and forklift `_is_valid_dist_file`). */
export class ZipProblem extends Error {
  override name = 'ZipProblem';
}

const framing = (reason: string): ZipProblem => new ZipProblem(`ZIP archive not accepted: ${reason}. See https://docs.pypi.org/archives for more information`);
const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const MIB64 = 64 * 1024 * 1024;

/**
 * Reads a zip archive (a wheel) from its end-of-central-directory record, with the framing rules
 * PyPI's upload endpoint enforces (https://docs.pypi.org/archives): no data descriptors, no
 * per-file comments, no ZIP64, local headers matching the central directory (name and sizes),
 * nothing before the first local header, no duplicate names, stored or deflated members only,
 * and no member more than 50× its compressed size past 64 MiB.
 *
 * @throws ZipProblem with PyPI's reason: `File is not a zipfile`, `ZIP archive not accepted: …`, `File does not use a supported compression type`, `File exceeds compression ratio of 50`
 */
export function readZip(bytes: Buffer): ZipArchive {
  const searchFrom = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let offset = bytes.length - 22; offset >= searchFrom; offset -= 1) {
    if (bytes.readUInt32LE(offset) === END) {
      end = offset;
      break;
    }
  }
  if (end === -1) throw new ZipProblem('File is not a zipfile');
  if (end >= 20 && bytes.readUInt32LE(end - 20) === 0x07064b50) throw framing('ZIP64 extensible data not allowed');
  const count = bytes.readUInt16LE(end + 10);
  const directorySize = bytes.readUInt32LE(end + 12);
  const directoryOffset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw framing('ZIP64 extensible data not allowed');
  if (directoryOffset + directorySize !== end) throw framing('Mismatched central directory size');
  const members = new Map<string, ZipMember>();
  let offset = directoryOffset;
  let lowestLocal = Number.POSITIVE_INFINITY;
  for (let index = 0; index < count; index += 1) {
    if (offset + 46 > end || bytes.readUInt32LE(offset) !== CENTRAL) throw framing('Mismatched central directory records');
    const flags = bytes.readUInt16LE(offset + 8);
    const method = bytes.readUInt16LE(offset + 10);
    const compressedSize = bytes.readUInt32LE(offset + 20);
    const size = bytes.readUInt32LE(offset + 24);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const localOffset = bytes.readUInt32LE(offset + 42);
    const rawName = bytes.subarray(offset + 46, offset + 46 + nameLength);
    const name = rawName.toString(flags & 0x800 ? 'utf8' : 'latin1');
    if (flags & 0x8) throw framing('ZIP contains a data descriptor');
    if (commentLength) throw framing('Comment in central directory');
    if (
      compressedSize === 0xffffffff ||
      size === 0xffffffff ||
      localOffset === 0xffffffff ||
      hasZip64Extra(bytes.subarray(offset + 46 + nameLength, offset + 46 + nameLength + extraLength))
    )
      throw framing('ZIP64 extensible data not allowed');
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(name)) throw framing('Invalid character in filename');
    if (members.has(name)) throw framing('Duplicate filename in central directory');
    if (method !== 0 && method !== 8) throw new ZipProblem('File does not use a supported compression type');
    if (size > MIB64 && size > 50 * compressedSize) throw new ZipProblem('File exceeds compression ratio of 50');
    checkLocalHeader(bytes, localOffset, rawName, { flags, compressedSize, size });
    lowestLocal = Math.min(lowestLocal, localOffset);
    members.set(name, { name, method, compressedSize, size, localOffset });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  if (offset !== end) throw framing('Mismatched central directory records');
  if (count > 0 && lowestLocal !== 0) throw framing('Unknown record signature');
  return {
    members,
    read(name) {
      const member = members.get(name);
      if (!member) return undefined;
      const start = member.localOffset + 30 + bytes.readUInt16LE(member.localOffset + 26) + bytes.readUInt16LE(member.localOffset + 28);
      const data = bytes.subarray(start, start + member.compressedSize);
      return member.method === 0 ? Buffer.from(data) : inflateRawSync(data, { maxOutputLength: Math.max(1, member.size) });
    },
  };
}

function hasZip64Extra(extra: Buffer): boolean {
  for (let offset = 0; offset + 4 <= extra.length; offset += 4 + extra.readUInt16LE(offset + 2)) if (extra.readUInt16LE(offset) === 0x0001) return true;
  return false;
}

function checkLocalHeader(bytes: Buffer, offset: number, centralName: Buffer, central: { flags: number; compressedSize: number; size: number }): void {
  if (offset + 30 > bytes.length) throw framing('Malformed zip file');
  const signature = bytes.readUInt32LE(offset);
  if (signature === ZIP64_END) throw framing('ZIP64 extensible data not allowed');
  if (signature !== LOCAL) throw framing('Unknown record signature');
  const flags = bytes.readUInt16LE(offset + 6);
  if (flags & 0x8) throw framing('ZIP contains a data descriptor');
  const nameLength = bytes.readUInt16LE(offset + 26);
  const extraLength = bytes.readUInt16LE(offset + 28);
  if (!bytes.subarray(offset + 30, offset + 30 + nameLength).equals(centralName)) throw framing('Filename not in central directory');
  if (hasZip64Extra(bytes.subarray(offset + 30 + nameLength, offset + 30 + nameLength + extraLength))) throw framing('ZIP64 extensible data not allowed');
  if (bytes.readUInt32LE(offset + 18) !== central.compressedSize) throw framing('Mis-matched data size');
  if (bytes.readUInt32LE(offset + 22) !== central.size) throw framing('Mis-matched file size');
}
