/** The outcome of a command: its exit code, stdout then stderr, and whether the executable was missing. */
export interface CommandResult {
  readonly code: number;
  readonly output: string;
  readonly missing: boolean;
}

/**
 * Runs an executable without a shell and collects its output; never throws
 * for a non-zero exit, a missing executable or a timeout (code 1 then).
 * node:child_process is loaded on first use: actions that run no command start faster.
 *
 * @param options.timeoutSeconds kills the command after this many seconds (default: no limit)
 */
export async function runCommand(file: string, args: readonly string[], options: { cwd?: string; timeoutSeconds?: number } = {}): Promise<CommandResult> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(file, [...args], { ...(options.cwd ? { cwd: options.cwd } : {}), timeout: (options.timeoutSeconds ?? 0) * 1000, maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`, missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' });
    });
  });
}
