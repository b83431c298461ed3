import { describe, expect, it } from 'vitest';
import { InputError } from '@exegol-release/core/action';
import { evaluateRunners, groupProblem, parseRunnerGroups, pollInterval, runnerMatches, type Runner } from '@exegol-release/core/runners';

const runner = (name: string, labels: string[], status = 'online', busy = false): Runner => ({ id: 1, name, os: 'linux', status, busy, labels });

describe('parseRunnerGroups', () => {
  it('reads labels separated by commas and an optional x<N>', () => {
    expect(parseRunnerGroups(['self-hosted, builder, AMD64', 'self-hosted,tester,ARM64 x2', 'self-hosted, Tester, tester X3'])).toEqual([
      { labels: ['self-hosted', 'builder', 'AMD64'], minimum: 1, name: 'self-hosted, builder, AMD64' },
      { labels: ['self-hosted', 'tester', 'ARM64'], minimum: 2, name: 'self-hosted, tester, ARM64' },
      { labels: ['self-hosted', 'Tester'], minimum: 3, name: 'self-hosted, Tester' },
    ]);
  });

  it.each([[[]], [['a,,b']], [['a b']], [['a x0']], [['a, b', 'B, A']], [['a x10001']]])('refuses %j naming the input', (lines) => {
    expect(() => parseRunnerGroups(lines, 'require')).toThrow(InputError);
    expect(() => parseRunnerGroups(lines, 'require')).toThrow(/^input 'require' /);
  });
});

describe('evaluateRunners', () => {
  const groups = parseRunnerGroups(['self-hosted, tester, arm64', 'self-hosted, builder, amd64 x2']);
  it('matches every label case-insensitively and sorts idle, busy and offline runners', () => {
    const runners = [
      runner('t2', ['self-hosted', 'macOS', 'ARM64', 'tester'], 'online', true),
      runner('t1', ['self-hosted', 'macOS', 'ARM64', 'Tester'], 'offline'),
      runner('b1', ['self-hosted', 'Linux', 'X64', 'builder', 'AMD64']),
      runner('x', ['self-hosted', 'Linux', 'ARM64']),
    ];
    expect(runnerMatches(runners[3]!, groups[0]!)).toBe(false);
    const [tester, builder] = evaluateRunners(runners, groups);
    expect(tester).toMatchObject({ ok: true, idle: [], busy: ['t2'], offline: ['t1'] });
    expect(builder).toMatchObject({ ok: false, idle: ['b1'], busy: [], offline: [] });
    expect(groupProblem(tester!)).toBe('');
    expect(groupProblem(builder!)).toBe('2 online runners needed with self-hosted, builder, amd64, 1 online (b1 online)');
  });
});

describe('pollInterval', () => {
  it('is a twentieth of the wait, from 1 s to 30 s', () => {
    expect([pollInterval(0), pollInterval(40), pollInterval(600), pollInterval(3600)]).toEqual([1, 2, 30, 30]);
  });
});
