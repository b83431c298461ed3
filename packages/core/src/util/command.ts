import { getExecOutput } from '@actions/exec';

/** The outcome of a command: its exit code, its standard output and error, and whether it was missing or timed out. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr. */
  readonly output: string;
  /** The executable was not found on PATH. */
  readonly missing: boolean;
  /** The command was stopped after `timeoutSeconds`. */
  readonly timedOut: boolean;
}

/** How to run a command. */
export interface CommandOptions {
  readonly cwd?: string;
  /** Variables added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Bytes written to its standard input. */
  readonly input?: Buffer;
  /**
   * Stops the command after this many seconds, through coreutils' `timeout`
   * (SIGTERM, then SIGKILL 10 s later; exit 124), since @actions/exec has no
   * time-out of its own. Default: no limit.
   */
  readonly timeoutSeconds?: number;
}

/**
 * Runs an executable with @actions/exec, without a shell, silently, and
 * collects its output; never throws for a non-zero exit, a missing
 * executable or a time-out.
 */
export async function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const limited = options.timeoutSeconds !== undefined && options.timeoutSeconds > 0;
  if (limited) {
    const result = await execute('timeout', ['--kill-after=10', String(options.timeoutSeconds), file, ...args], options);
    // Where coreutils' timeout is absent (macOS), the command runs without a limit.
    if (!result.missing)
      return { ...result, missing: result.code === 127 && /No such file or directory|cannot run command/.test(result.stderr), timedOut: result.code === 124 };
  }
  return execute(file, args, options);
}

async function execute(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  try {
    const result = await getExecOutput(file, [...args], {
      silent: true,
      ignoreReturnCode: true,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: { ...(process.env as Record<string, string>), ...options.env } } : {}),
      ...(options.input ? { input: options.input } : {}),
    });
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}`, missing: false, timedOut: false };
  } catch (error) {
    // @actions/exec throws before spawning when the executable is not on PATH.
    const message = error instanceof Error ? error.message : String(error);
    return { code: 127, stdout: '', stderr: message, output: message, missing: /Unable to locate executable|ENOENT/.test(message), timedOut: false };
  }
}
