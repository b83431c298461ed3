/** Multipliers of the size units we accept: SI (powers of 1000) and IEC (powers of 1024). */
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Parses a size such as `100GB` (10^9 bytes each), `100GiB` (2^30 bytes
 * each), `500MB`, `1.5TiB` or a plain byte count such as `4096`.
 * A bare `G`, `M` or `K` is refused because it is ambiguous.
 *
 * @returns the size in bytes, rounded down to a whole byte, at most Number.MAX_SAFE_INTEGER (8 PiB)
 * @throws Error whose message says what is accepted; callers prefix the input's name
 */
export function parseSize(text: string): number {
  const bytes = sizeInBytes(text);
  if (!Number.isSafeInteger(bytes)) throw new Error(`"${text.trim().slice(0, 40)}${text.trim().length > 40 ? '…' : ''}" is too large: at most 8 PiB`);
  return bytes;
}

function sizeInBytes(text: string): number {
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a size: write a number and a unit, e.g. 100GB, 100GiB or 500MB`);
  const [, amount = '', rawUnit = ''] = match;
  const unit = rawUnit.toLowerCase();
  if (unit === '') return Math.floor(Number(amount));
  const multiplier = UNIT_BYTES[unit];
  if (multiplier === undefined) {
    const hint = /^[kmgt]$/.test(unit)
      ? ` ("${rawUnit}" is ambiguous: write ${rawUnit.toUpperCase()}B for powers of 1000 or ${rawUnit.toUpperCase()}iB for powers of 1024)`
      : '';
    throw new Error(`"${text}" has an unknown unit "${rawUnit}"${hint}; units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB`);
  }
  return Math.floor(Number(amount) * multiplier);
}

/**
 * Formats a byte count for people, saying which kind of unit it is:
 * `decimal` gives kB/MB/GB/TB (powers of 1000), `binary` gives KiB/MiB/GiB/TiB.
 *
 * @param bytes a byte count; negative counts keep their sign
 * @returns e.g. `93.1 GiB`, `100 GB`, `512 B`
 */
export function formatBytes(bytes: number, style: 'decimal' | 'binary' = 'decimal'): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  const base = style === 'binary' ? 1024 : 1000;
  const units = style === 'binary' ? ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] : ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let index = 0;
  while (value >= base && index < units.length - 1) {
    value /= base;
    index += 1;
  }
  const digits = index === 0 || value >= 100 ? 0 : 1;
  return `${sign}${value.toFixed(digits)} ${units[index]}`;
}
