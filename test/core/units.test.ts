import { describe, expect, it } from 'vitest';
import { formatBytes, parseDuration, parseSize } from '@exegol-release/core/units';

describe('parseSize', () => {
  it.each([
    ['100GB', 100e9],
    ['100GiB', 100 * 2 ** 30],
    ['500MB', 500e6],
    ['500 mib', 500 * 2 ** 20],
    ['1.5TiB', 1.5 * 2 ** 40],
    ['4096', 4096],
    ['10B', 10],
  ])('reads %s as %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'GB', '-5GB', '10 parsecs', 'ten GB'])('refuses %j', (text) => expect(() => parseSize(text)).toThrow(/size|unit/));

  it('refuses a bare G as ambiguous and says what to write', () => expect(() => parseSize('100G')).toThrow(/ambiguous: write GB .* or GiB/));
});

describe('formatBytes', () => {
  it('says GB for powers of 1000 and GiB for powers of 1024', () => {
    expect(formatBytes(100e9)).toBe('100 GB');
    expect(formatBytes(100e9, 'binary')).toBe('93.1 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(-1536, 'binary')).toBe('-1.5 KiB');
  });
});

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['45', 45],
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5400],
    ['2d', 172800],
  ])('reads %s as %d seconds', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['', 'soon', '10 minutes', '5m3', '-4s'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow(/not a duration/));
});
