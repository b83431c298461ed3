import { describe, expect, it } from 'vitest';
import * as pep440 from '@renovatebot/pep440';
import {
  BUMPS,
  PRE_LABELS,
  VersionBumpError,
  bumpPythonVersion,
  comparePythonVersions,
  parsePythonVersion,
  pythonVersionFromParts,
  type PreLabel,
  type PythonVersion,
} from '@exegol-release/core/versions';

/** mulberry32: a small seeded generator, so that every run checks the same versions. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAFE = Number.MAX_SAFE_INTEGER;
/** Small numbers, numbers around 2^53, 2^64 + 1, and a 20-digit date stamp. */
const NUMBERS = [0n, 1n, 2n, 9n, 10n, 99n, 2024n, 9007199254740991n, 9007199254740993n, 18446744073709551617n, 20240101120000123456n];
const LOCALS: readonly (readonly (bigint | string)[])[] = [['ubuntu', 1n], [1n, 2n], ['abc'], [9007199254740993n], ['g1234abc', 'dirty']];

/** Versions with epochs, 1 to 4 release numbers, pre, post, dev and local parts, and integers of any size. */
function generateVersions(count: number, seed: number): PythonVersion[] {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const maybe = (probability: number): boolean => random() < probability;
  const seen = new Map<string, PythonVersion>();
  while (seen.size < count) {
    const version = pythonVersionFromParts({
      epoch: maybe(0.75) ? 0n : pick(NUMBERS),
      release: Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(NUMBERS)),
      ...(maybe(0.55) ? { pre: { label: pick(PRE_LABELS), number: pick(NUMBERS) } } : {}),
      ...(maybe(0.45) ? { post: pick(NUMBERS) } : {}),
      ...(maybe(0.45) ? { dev: pick(NUMBERS) } : {}),
      ...(maybe(0.2) ? { local: pick(LOCALS) } : {}),
    });
    seen.set(version.text, version);
  }
  return [...seen.values()];
}

const exact = (version: PythonVersion): boolean => [...version.text.matchAll(/\d+/g)].every((digits) => Number(digits[0]) <= SAFE);
const LABELS: readonly (PreLabel | undefined)[] = [undefined, ...PRE_LABELS];

describe('bumpPythonVersion never moves a version backwards (property)', () => {
  it('every bump × label over 600 generated versions: higher, canonical, or refused naming bumps that work', () => {
    const versions = generateVersions(600, 440);
    let transitions = 0;
    let refusals = 0;
    let checkedByLibrary = 0;
    for (const current of versions) {
      for (const bump of BUMPS) {
        for (const label of LABELS) {
          transitions += 1;
          const context = `${current.text} ${bump} ${label ?? ''}`;
          let next: PythonVersion;
          try {
            next = bumpPythonVersion(current, bump, label);
          } catch (error) {
            expect(error, context).toBeInstanceOf(VersionBumpError);
            const refusal = error as VersionBumpError;
            refusals += 1;
            expect(refusal.alternatives.length, context).toBeGreaterThan(0);
            for (const { choice, version } of refusal.alternatives) {
              expect(refusal.message, context).toContain(`(→ ${version.text})`);
              expect(comparePythonVersions(bumpPythonVersion(current, choice.bump, choice.preLabel), current), context).toBeGreaterThan(0);
            }
            continue;
          }
          expect(comparePythonVersions(next, current), `${context} → ${next.text}`).toBeGreaterThan(0);
          expect(parsePythonVersion(next.text)?.text, context).toBe(next.text);
          expect(next.epoch, context).toBe(current.epoch);
          expect(next.local, context).toBeUndefined();
          if (exact(current) && exact(next)) {
            checkedByLibrary += 1;
            expect(pep440.compare(next.text, current.text), `${context} → ${next.text} (@renovatebot/pep440)`).toBeGreaterThan(0);
          }
        }
      }
    }
    expect(transitions).toBeGreaterThanOrEqual(10_000);
    // Both branches ran: some bumps refused (release of a final release, a lower label), most moved forward.
    expect(refusals).toBeGreaterThan(0);
    expect(refusals).toBeLessThan(transitions / 2);
    expect(checkedByLibrary).toBeGreaterThan(1000);
  });

  it('the comparison is a total order on the generated versions (antisymmetric and transitive on a sorted copy)', () => {
    const versions = generateVersions(400, 7);
    const sorted = [...versions].sort(comparePythonVersions);
    for (let index = 1; index < sorted.length; index += 1) {
      const [a, b] = [sorted[index - 1]!, sorted[index]!];
      expect(comparePythonVersions(a, b)).toBeLessThanOrEqual(0);
      expect(Math.sign(comparePythonVersions(b, a))).toBe(-Math.sign(comparePythonVersions(a, b)));
    }
    for (const a of sorted.filter(exact))
      for (const b of sorted.filter(exact).slice(0, 40))
        expect(Math.sign(comparePythonVersions(a, b)), `${a.text} vs ${b.text}`).toBe(Math.sign(pep440.compare(a.text, b.text)));
  });
});
