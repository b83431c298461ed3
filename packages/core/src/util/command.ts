import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  /**
   * Bytes for its standard input. They are written to a private temporary file that `sh` redirects
   * to the command: @actions/exec's own `input` writes to the child's stdin without an error
   * handler, so a command that exits without reading it (a credential helper that refuses) kills
   * the action with an uncaught EPIPE.
   */
  readonly input?: Buffer;
  /**
   * Stops the command after this many seconds, through coreutils' `timeout`
   * (SIGTERM, then SIGKILL 10 s later; exit 124), since @actions/exec has no
   * time-out of its own. Where `timeout` is absent (macOS), the command runs without a limit. Default: no limit.
   */
  readonly timeoutSeconds?: number;
}

/** Exit 127 with the shell's or timeout's words for a command it could not find. */
const NOT_FOUND = /No such file or directory|cannot run command|not found/;

/**
 * Runs an executable with @actions/exec, without a shell of its own (only
 * `sh -c 'exec "$@" < "$0"'`, with every value a positional parameter, when
 * `input` is given), silently, and collects its output; never throws for a
 * non-zero exit, a missing executable or a time-out.
 */
export async function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  if (options.input === undefined) return runLimited(file, args, options);
  const directory = await mkdtemp(path.join(process.env['RUNNER_TEMP'] || tmpdir(), 'stdin-'));
  const stdin = path.join(directory, 'stdin');
  try {
    await writeFile(stdin, options.input, { mode: 0o600 });
    const result = await runLimited('sh', ['-c', 'exec "$@" < "$0"', stdin, file, ...args], { ...options, input: undefined });
    return result.code === 127 && NOT_FOUND.test(result.stderr) ? { ...result, missing: true } : result;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function runLimited(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const limited = options.timeoutSeconds !== undefined && options.timeoutSeconds > 0;
  if (limited) {
    const result = await execute('timeout', ['--kill-after=10', String(options.timeoutSeconds), file, ...args], options);
    if (!result.missing) return { ...result, missing: result.code === 127 && NOT_FOUND.test(result.stderr), timedOut: result.code === 124 };
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
    });
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}`, missing: false, timedOut: false };
  } catch (error) {
    // @actions/exec throws before spawning when the executable is not on PATH.
    const message = error instanceof Error ? error.message : String(error);
    return { code: 127, stdout: '', stderr: message, output: message, missing: /Unable to locate executable|ENOENT/.test(message), timedOut: false };
  }
}
