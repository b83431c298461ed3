import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionError, describeError, runAction } from '@exegol-release/core/action';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs `body` through runAction and returns what it printed and the exit code it set. */
async function capture(body: () => Promise<void>): Promise<{ printed: string; exitCode: typeof process.exitCode }> {
  let printed = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  await runAction('bump-version', body);
  const exitCode = process.exitCode;
  vi.restoreAllMocks();
  return { printed, exitCode };
}

describe('runAction', () => {
  it('turns a thrown error into one ::error:: naming the action, and exit code 1', async () => {
    const { printed, exitCode } = await capture(async () => {
      throw new ActionError('version file a.py does not exist');
    });
    expect(printed.match(/::error::/g)).toHaveLength(1);
    expect(printed).toContain('::error::bump-version failed: version file a.py does not exist');
    expect(exitCode).toBe(1);
  });

  it('leaves the exit code alone when the body succeeds', async () => {
    const { printed, exitCode } = await capture(async () => undefined);
    expect(printed).not.toContain('::error::');
    expect(exitCode).toBeUndefined();
  });

  it('describes non-errors and causes', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new Error('fetch failed', { cause: new Error('ECONNREFUSED') }))).toBe('fetch failed (ECONNREFUSED)');
  });
});
