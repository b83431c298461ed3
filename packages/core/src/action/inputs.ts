import * as core from './runner.js';
import { InputError } from './errors.js';
import { parseDuration } from '../units/duration.js';
import { parseSize } from '../units/size.js';

/**
 * Typed readers of action inputs (`INPUT_<NAME>` environment variables,
 * hyphens kept). Every reader throws {@link InputError}, whose message starts
 * with the input's name, and never returns a half-valid value.
 */

/** Reads a string input, trimmed. Empty means absent: `fallback` is returned, or an error thrown when `required`. */
export function readString(name: string, options: { required?: boolean; fallback?: string } = {}): string {
  const value = core.getInput(name).trim();
  if (value !== '') return value;
  if (options.required) throw new InputError(name, 'is required and was not given');
  return options.fallback ?? '';
}

/** Reads `true`/`false` (any case; also yes/no, 1/0, on/off). Empty gives `fallback`. */
export function readBoolean(name: string, fallback = false): boolean {
  const value = core.getInput(name).trim().toLowerCase();
  if (value === '') return fallback;
  if (['true', 'yes', 'on', '1'].includes(value)) return true;
  if (['false', 'no', 'off', '0'].includes(value)) return false;
  throw new InputError(name, `must be true or false, got "${core.getInput(name).trim()}"`);
}

/**
 * Reads a multiline list: one item a line, trimmed; blank lines and lines
 * starting with `#` are left out.
 */
export function readList(name: string): string[] {
  return core
    .getInput(name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Reads one of `allowed` (case-sensitive). Empty gives `fallback`, or an error when there is none. */
export function readEnum<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
  const value = core.getInput(name).trim();
  if (value === '' && fallback !== undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
}

/** Reads a whole number within [min, max]. Empty gives `fallback`. */
export function readInteger(name: string, options: { fallback: number; min?: number; max?: number }): number {
  const text = core.getInput(name).trim();
  if (text === '') return options.fallback;
  const value = Number(text);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new InputError(name, `must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** Reads a size such as 100GB, 100GiB or 500MB (see parseSize). Returns bytes. Empty gives `fallback` bytes. */
export function readSize(name: string, fallback: number): number {
  const text = core.getInput(name).trim();
  if (text === '') return fallback;
  try {
    return parseSize(text);
  } catch (error) {
    throw new InputError(name, (error as Error).message);
  }
}

/** Reads a duration such as 90s, 10m, 1h30m or a plain number of seconds. Returns seconds. Empty gives `fallback` seconds. */
export function readDuration(name: string, fallback: number): number {
  const text = core.getInput(name).trim();
  if (text === '') return fallback;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new InputError(name, (error as Error).message);
  }
}

/** Reads a secret: masks it in the log at once, and returns it untrimmed of inner content. */
export function readSecret(name: string): string {
  const value = core.getInput(name).trim();
  if (value !== '') core.setSecret(value);
  return value;
}
