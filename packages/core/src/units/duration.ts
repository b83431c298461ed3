const PART_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration such as `90s`, `10m`, `1h30m`, `2h` or a plain number of
 * seconds (`0`, `45`). Units: s, m, h, d.
 *
 * @returns the duration in seconds
 * @throws Error whose message says what is accepted; callers prefix the input's name
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  const consumed = parts.map((part) => part[0]).join('');
  if (parts.length === 0 || consumed !== trimmed) {
    throw new Error(`"${text}" is not a duration: write e.g. 90s, 10m, 1h30m or a number of seconds`);
  }
  return parts.reduce((total, [, amount = '0', unit = 's']) => total + Number(amount) * (PART_SECONDS[unit] ?? 1), 0);
}
