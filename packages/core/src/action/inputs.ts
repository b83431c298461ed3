import * as core from '@actions/core';
import { InputError } from './errors.js';
import { parseDuration } from '../units/duration.js';
import { parseSize } from '../units/size.js';

/**
 * Typed readers of action inputs: thin functions over @actions/core's
 * `getInput`, `getBooleanInput` and `getMultilineInput` (which read
 * `INPUT_<NAME>`, trimmed). Every reader throws {@link InputError}, whose
 * message starts with the input's name, and never returns a half-valid value.
 */

/** Reads a string input, trimmed. Empty means absent: `fallback` is returned, or an error thrown when `required`. */
export function readString(name: string, options: { required?: boolean; fallback?: string } = {}): string {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value !== '') return value;
  if (options.required) throw new InputError(name, 'is required and was not given');
  return options.fallback ?? '';
}

/**
 * Reads a boolean as @actions/core does: the YAML 1.2 core schema's
 * `true | True | TRUE | false | False | FALSE`, nothing else. Empty gives `fallback`.
 */
export function readBoolean(name: string, fallback = false): boolean {
  if (core.getInput(name, { trimWhitespace: true }) === '') return fallback;
  try {
    return core.getBooleanInput(name, { trimWhitespace: true });
  } catch {
    throw new InputError(
      name,
      `must be true or false (YAML 1.2: true, True, TRUE, false, False, FALSE), got "${core.getInput(name, { trimWhitespace: true })}"`,
    );
  }
}

/** Reads a multiline list as @actions/core does: one item a line, trimmed, blank lines left out. */
export function readList(name: string): string[] {
  return core.getMultilineInput(name, { trimWhitespace: true });
}

/** Reads one of `allowed` (case-sensitive). Empty gives `fallback`, or an error when there is none. */
export function readEnum<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value === '' && fallback !== undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
}

/** Reads a whole number within [min, max]. Empty gives `fallback`. */
export function readInteger(name: string, options: { fallback: number; min?: number; max?: number }): number {
  const text = core.getInput(name, { trimWhitespace: true });
  if (text === '') return options.fallback;
  const value = Number(text);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new InputError(name, `must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** Reads an input through a parser whose errors become one InputError naming the input. Empty gives `fallback`. */
function readParsed<T>(name: string, fallback: T, parse: (text: string) => T): T {
  const text = core.getInput(name, { trimWhitespace: true });
  if (text === '') return fallback;
  try {
    return parse(text);
  } catch (error) {
    throw new InputError(name, (error as Error).message);
  }
}

/** Reads a size such as 100GB, 100GiB or 500MB (see parseSize). Returns bytes. Empty gives `fallback` bytes. @throws InputError naming the input */
export function readSize(name: string, fallback: number): number {
  return readParsed(name, fallback, parseSize);
}

/** Reads a duration such as 90s, 10m, 1h30m or a plain number of seconds. Returns seconds. Empty gives `fallback` seconds. @throws InputError naming the input */
export function readDuration(name: string, fallback: number): number {
  return readParsed(name, fallback, parseDuration);
}

/** Reads a secret and masks it in the log at once (`core.setSecret`). */
export function readSecret(name: string): string {
  const value = core.getInput(name, { trimWhitespace: true });
  if (value !== '') core.setSecret(value);
  return value;
}
