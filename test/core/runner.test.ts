import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as toolkit from '@actions/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runner } from '@exegol-release/core';
import { parseCommandFile } from '../harness/run-bundle.js';

/** Captures what `body` writes to stdout. */
function stdoutOf(body: () => void): string {
  let printed = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    body();
  } finally {
    spy.mockRestore();
  }
  return printed;
}

afterEach(() => {
  for (const key of Object.keys(process.env)) if (/^(INPUT_|STATE_)|^GITHUB_(OUTPUT|STATE)$/.test(key)) delete process.env[key];
  process.exitCode = undefined;
});

describe('runner protocol: the same as @actions/core', () => {
  it('reads inputs the same way', () => {
    process.env['INPUT_CURRENT-VERSION'] = '  5.1.4\n';
    process.env['INPUT_WITH_SPACE'] = 'x';
    expect(runner.getInput('current-version')).toBe(toolkit.getInput('current-version'));
    expect(runner.getInput('with space')).toBe(toolkit.getInput('with space'));
    expect(runner.getInput('absent')).toBe(toolkit.getInput('absent'));
  });

  it('writes outputs and state files that parse to the same values', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'runner-'));
    const ours = path.join(directory, 'ours');
    const theirs = path.join(directory, 'theirs');
    await writeFile(ours, '');
    await writeFile(theirs, '');
    const values = { plain: 'x', multiline: 'a\nb\n', json: '["a","b"]', empty: '' };
    for (const [variable, file, setOutput] of [
      ['GITHUB_OUTPUT', ours, runner.setOutput],
      ['GITHUB_OUTPUT', theirs, toolkit.setOutput],
    ] as const) {
      process.env[variable] = file;
      for (const [name, value] of Object.entries(values)) setOutput(name, value);
    }
    process.env['GITHUB_STATE'] = ours;
    runner.saveState('state', 'kept');
    const parsed = parseCommandFile(await readFile(ours, 'utf8'));
    expect(parsed).toEqual({ ...parseCommandFile(await readFile(theirs, 'utf8')), state: 'kept' });
    expect(parsed['multiline']).toBe('a\nb\n');
  });

  it('throws, like @actions/core, when GITHUB_OUTPUT names a missing file', () => {
    process.env['GITHUB_OUTPUT'] = '/nonexistent/output';
    expect(() => runner.setOutput('a', 'b')).toThrow(/Missing file at path/);
    expect(() => toolkit.setOutput('a', 'b')).toThrow(/Missing file at path/);
  });

  it('prints the same annotation, mask and failure commands', () => {
    const message = 'disk 100% full, at: /srv\nsecond line';
    expect(stdoutOf(() => runner.warning(message, { title: 'Low: disk, now' }))).toBe(stdoutOf(() => toolkit.warning(message, { title: 'Low: disk, now' })));
    expect(stdoutOf(() => runner.error(message))).toBe(stdoutOf(() => toolkit.error(message)));
    expect(stdoutOf(() => runner.notice(message))).toBe(stdoutOf(() => toolkit.notice(message)));
    expect(stdoutOf(() => runner.setSecret('s3cr3t%'))).toBe(stdoutOf(() => toolkit.setSecret('s3cr3t%')));
    expect(stdoutOf(() => runner.debug(message))).toBe(stdoutOf(() => toolkit.debug(message)));
    expect(stdoutOf(() => runner.setFailed('boom'))).toBe(stdoutOf(() => toolkit.setFailed('boom')));
    expect(process.exitCode).toBe(1);
  });

  it('reads state as the post step receives it', () => {
    process.env['STATE_filesystems'] = '[1]';
    expect(runner.getState('filesystems')).toBe(toolkit.getState('filesystems'));
  });
});
