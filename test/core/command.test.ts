import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '@exegol-release/core/util';

describe('runCommand', () => {
  it('gives a command its input on stdin', async () => {
    const result = await runCommand('cat', [], { input: Buffer.from('https://index.docker.io/v1/\n') });
    expect(result).toMatchObject({ code: 0, stdout: 'https://index.docker.io/v1/\n', missing: false, timedOut: false });
  });

  it('survives a command that exits without reading its input (no uncaught EPIPE), many times over', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'command-'));
    const refusing = path.join(directory, 'docker-credential-locked');
    await writeFile(refusing, '#!/bin/sh\necho "User interaction is not allowed."\nexit 1\n');
    await chmod(refusing, 0o755);
    const input = Buffer.alloc(256 * 1024, 'x');
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect(await runCommand(refusing, ['get'], { input })).toMatchObject({ code: 1, stdout: 'User interaction is not allowed.\n' });
    }
  });

  it('keeps every value a value: arguments with spaces, quotes and $() are passed as they are', async () => {
    const result = await runCommand('printf', ['%s|', 'a b', '"q"', '$(id)', '-n'], { input: Buffer.from('') });
    expect(result.stdout).toBe('a b|"q"|$(id)|-n|');
  });

  it('says when the command is missing, with or without input and a time-out', async () => {
    expect((await runCommand('no-such-command-here', [])).missing).toBe(true);
    expect((await runCommand('no-such-command-here', [], { input: Buffer.from('x') })).missing).toBe(true);
    expect((await runCommand('no-such-command-here', [], { timeoutSeconds: 5 })).missing).toBe(true);
  });

  it('stops a command after timeoutSeconds', async () => {
    const started = performance.now();
    const result = await runCommand('sleep', ['30'], { timeoutSeconds: 1 });
    expect(result).toMatchObject({ timedOut: true, code: 124 });
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
