import * as toolkit from '@actions/core';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, readBoolean, readDuration, readEnum, readInteger, readList, readSize, readString } from '@exegol-release/core/action';

const set = (name: string, value: string): void => {
  process.env[`INPUT_${name.toUpperCase()}`] = value;
};

afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key];
});

describe('typed inputs', () => {
  it('reads hyphenated names from INPUT_ variables with hyphens kept', () => {
    set('current-version', ' 5.1.4 ');
    expect(readString('current-version')).toBe('5.1.4');
  });

  it('names the input when a required one is missing', () =>
    expect(() => readString('github-token', { required: true })).toThrow("input 'github-token' is required"));

  it('reads booleans as @actions/core does (YAML 1.2 core schema) and names the input on anything else', () => {
    for (const [text, value] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false],
    ] as const) {
      set('dry-run', text);
      expect(readBoolean('dry-run'), text).toBe(value);
      expect(readBoolean('dry-run'), text).toBe(toolkit.getBooleanInput('dry-run'));
    }
    expect(readBoolean('commit', true)).toBe(true);
    for (const text of ['maybe', 'yes', 'on', '1', 'tRue']) {
      set('push', text);
      expect(() => readBoolean('push')).toThrow(InputError);
      expect(() => readBoolean('push')).toThrow(`input 'push' must be true or false (YAML 1.2: true, True, TRUE, false, False, FALSE), got "${text}"`);
      expect(() => toolkit.getBooleanInput('push')).toThrow(TypeError);
    }
  });

  it('reads multiline lists as @actions/core does: trimmed, blank lines left out, every other line kept', () => {
    set('flavours', 'full\n\n  light \n# ad\nweb\r\n');
    expect(readList('flavours')).toEqual(['full', 'light', '# ad', 'web']);
    expect(readList('flavours')).toEqual(toolkit.getMultilineInput('flavours'));
  });

  it('reads enums', () => {
    set('bump', 'minor');
    expect(readEnum('bump', ['patch', 'minor'] as const)).toBe('minor');
    set('bump', 'huge');
    expect(() => readEnum('bump', ['patch', 'minor'] as const)).toThrow(`input 'bump' must be one of patch, minor, got "huge"`);
  });

  it('reads integers within bounds', () => {
    set('concurrency', '4');
    expect(readInteger('concurrency', { fallback: 1, min: 1, max: 16 })).toBe(4);
    set('concurrency', '0');
    expect(() => readInteger('concurrency', { fallback: 1, min: 1, max: 16 })).toThrow(/input 'concurrency' must be a whole number from 1 to 16/);
    set('concurrency', '2.5');
    expect(() => readInteger('concurrency', { fallback: 1, min: 1 })).toThrow(/concurrency/);
  });

  it('reads sizes and durations, naming the input on error', () => {
    set('min-free', '100GiB');
    expect(readSize('min-free', 0)).toBe(100 * 2 ** 30);
    expect(readSize('other', 5)).toBe(5);
    set('min-free', 'lots');
    expect(() => readSize('min-free', 0)).toThrow(/^input 'min-free' "lots" is not a size/);
    set('wait-for-checks', '10m');
    expect(readDuration('wait-for-checks', 0)).toBe(600);
    set('wait-for-checks', 'forever');
    expect(() => readDuration('wait-for-checks', 0)).toThrow(/^input 'wait-for-checks'/);
  });
});
