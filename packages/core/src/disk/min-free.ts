import { InputError } from '../action/errors.js';
import { formatBytes, parseSize } from '../units/size.js';

/** The largest `min-free` in bytes: 1 PiB, far above any runner's disk; a larger value is a typo that no cleanup could meet. */
export const MAX_MIN_FREE_BYTES = 2 ** 50;

/** The free space each filesystem must keep: a byte count, or a share of its size. */
export type MinFree =
  | { readonly kind: 'bytes'; readonly bytes: number; readonly text: string; readonly binary: boolean }
  | { readonly kind: 'percent'; readonly percent: number; readonly text: string };

/**
 * Parses a `min-free` value: a size (100GB, 100GiB, 500MB) or a percentage of
 * the filesystem's size (10%, 0 to 100).
 *
 * @throws InputError naming `input` for anything else, a percentage over 100, or a size over {@link MAX_MIN_FREE_BYTES}
 */
export function parseMinFree(text: string, input: string): MinFree {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) {
    const value = Number(percent[1]);
    if (value > 100) throw new InputError(input, `"${trimmed}" is over 100%`);
    return { kind: 'percent', percent: value, text: trimmed };
  }
  let bytes: number;
  try {
    bytes = parseSize(trimmed);
  } catch (error) {
    throw new InputError(input, `${(error as Error).message}, or a percentage such as 10%`);
  }
  if (bytes > MAX_MIN_FREE_BYTES)
    throw new InputError(
      input,
      `"${trimmed}" is ${formatBytes(bytes, 'binary')}, over the largest accepted (1 PiB): write a size such as 100GB, or a percentage`,
    );
  return { kind: 'bytes', bytes, text: trimmed, binary: /i[bB]$/.test(trimmed) };
}

/** The free bytes a filesystem of `sizeBytes` must keep under `minFree` (a percentage is rounded up). */
export function targetBytes(minFree: MinFree, sizeBytes: number): number {
  return minFree.kind === 'bytes' ? minFree.bytes : Math.ceil((sizeBytes * minFree.percent) / 100);
}
