import { InputError } from '../action/errors.js';
import { parseSize } from '../units/size.js';

/** The free space each filesystem must keep: a byte count, or a share of its size. */
export type MinFree =
  | { readonly kind: 'bytes'; readonly bytes: number; readonly text: string; readonly binary: boolean }
  | { readonly kind: 'percent'; readonly percent: number; readonly text: string };

/**
 * Parses a `min-free` value: a size (100GB, 100GiB, 500MB) or a percentage of
 * the filesystem's size (10%, 0 to 100).
 *
 * @throws InputError naming `input` for anything else, or a percentage over 100
 */
export function parseMinFree(text: string, input: string): MinFree {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) {
    const value = Number(percent[1]);
    if (value > 100) throw new InputError(input, `"${trimmed}" is over 100%`);
    return { kind: 'percent', percent: value, text: trimmed };
  }
  try {
    return { kind: 'bytes', bytes: parseSize(trimmed), text: trimmed, binary: /i[bB]$/.test(trimmed) };
  } catch (error) {
    throw new InputError(input, `${(error as Error).message}, or a percentage such as 10%`);
  }
}

/** The free bytes a filesystem of `sizeBytes` must keep under `minFree` (a percentage is rounded up). */
export function targetBytes(minFree: MinFree, sizeBytes: number): number {
  return minFree.kind === 'bytes' ? minFree.bytes : Math.ceil((sizeBytes * minFree.percent) / 100);
}
