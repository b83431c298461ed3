import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { findAllVersions } from '@actions/tool-cache';
import { InputError } from '../action/errors.js';
import { runCommand } from '../util/command.js';
import { refusalOf, type CleanupGuard } from './cleanup-guard.js';
import { logValue } from '../text/untrusted.js';
import { emptyDirectory } from './empty-directory.js';
import type { Filesystem } from './filesystem.js';

/** The named cleanup strategies, in the words users write in `cleanup`. */
export const CLEANUP_STRATEGIES = ['docker-builder', 'docker-images', 'docker-volumes', 'docker-system', 'runner-temp', 'tool-cache'] as const;
export type CleanupStrategy = (typeof CLEANUP_STRATEGIES)[number];

/** One cleanup step: a named strategy, or a directory whose contents are removed. */
export type CleanupStep =
  | { readonly kind: DockerStrategy }
  | {
      readonly kind: 'directory' | 'runner-temp' | 'tool-cache';
      /** The directory as written (or the variable it came from). */
      readonly name: string;
      /** Its real path, resolved through every symlink. */
      readonly path: string;
      /** The device (st_dev) of the filesystem holding it: it is emptied only while that filesystem is under its target. */
      readonly device: number;
      /** Its inode (st_ino): with `device`, what the directory opened to empty it must still be. */
      readonly inode: number;
    };

/** The docker strategies. */
export type DockerStrategy = Exclude<CleanupStrategy, 'runner-temp' | 'tool-cache'>;

/** Where the runner keeps things, from its context (a part of cleanup-guard.ts RunnerPaths). */
export interface RunnerDirectories {
  readonly workspace: string;
  /** RUNNER_TEMP, if set. */
  readonly runnerTemp?: string;
  /** RUNNER_TOOL_CACHE, if set. */
  readonly toolCache?: string;
  /** HOME, if set: what `~` means in a cleanup path. */
  readonly home?: string;
}

/** A step's name as users wrote it. */
export function stepName(step: CleanupStep): string {
  return step.kind === 'directory' ? step.name : step.kind;
}

/** The real path of an existing directory, or undefined. */
async function realDirectory(directory: string): Promise<string | undefined> {
  try {
    const real = await realpath(directory);
    return (await stat(real)).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves one directory of a cleanup step and checks it against the guard
 * and the filesystems being checked.
 *
 * @param what how the refusal names it, e.g. `lists ~/cache` or `lists runner-temp, but RUNNER_TEMP`
 * @throws InputError naming `input` and the resolved path when it is refused
 */
async function guardedDirectory(
  written: string,
  absolute: string,
  input: string,
  what: string,
  guard: CleanupGuard,
  filesystems: readonly Filesystem[],
): Promise<{ path: string; device: number; inode: number }> {
  const real = await realDirectory(absolute);
  if (!real) throw new InputError(input, `${what} ${written}, which is not an existing directory`);
  const refusal = refusalOf(real, guard);
  if (refusal) throw new InputError(input, `${what} ${written}, which resolves to ${real}: ${refusal}; refusing to empty it`);
  const { dev: device, ino: inode } = await stat(real);
  if (!filesystems.some((filesystem) => filesystem.device === device))
    throw new InputError(
      input,
      `${what} ${written}, which resolves to ${real}, on a filesystem that is not checked (${filesystems.map((filesystem) => filesystem.mountPoint).join(', ')}): add it to paths, or clean only what is checked`,
    );
  return { path: real, device, inode };
}

/**
 * Parses the `cleanup` lines, in order: a strategy name, or a directory
 * (a line holding `/` or starting with `.` or `~`; relative to the
 * workspace) whose contents may be removed. Every directory, RUNNER_TEMP and
 * RUNNER_TOOL_CACHE included, is resolved through every symlink (realpath)
 * and refused when {@link refusalOf} says so, or when it is on none of `filesystems`.
 *
 * @throws InputError naming `input` and the resolved path for an unknown strategy, a directory that does not exist or is refused, or a strategy whose runner directory is not set
 */
export async function parseCleanupSteps(
  lines: readonly string[],
  input: string,
  directories: RunnerDirectories,
  guard: CleanupGuard,
  filesystems: readonly Filesystem[],
): Promise<CleanupStep[]> {
  const steps: CleanupStep[] = [];
  for (const line of lines) {
    if (line === 'runner-temp' || line === 'tool-cache') {
      const variable = line === 'runner-temp' ? 'RUNNER_TEMP' : 'RUNNER_TOOL_CACHE';
      const value = line === 'runner-temp' ? directories.runnerTemp : directories.toolCache;
      if (!value) throw new InputError(input, `lists ${line}, but ${variable} is not set`);
      const checked = await guardedDirectory(value, value, input, `lists ${line}, but ${variable} is`, guard, filesystems);
      steps.push({ kind: line, name: line, ...checked });
      continue;
    }
    if ((CLEANUP_STRATEGIES as readonly string[]).includes(line)) {
      steps.push({ kind: line as DockerStrategy });
      continue;
    }
    if (!/[/\\]|^[.~]/.test(line)) throw new InputError(input, `has an unknown strategy "${line}"; use ${CLEANUP_STRATEGIES.join(', ')} or a directory path`);
    const home = directories.home ?? '';
    const tilde = /^~(?=$|[/\\])/.test(line);
    if (line.startsWith('~') && !tilde) throw new InputError(input, `lists ${line}: only ~ and ~/… (HOME) are understood, not another user's home`);
    if (tilde && !home) throw new InputError(input, `lists ${line}, but HOME is not set`);
    const absolute = path.resolve(directories.workspace, tilde ? path.join(home, line.slice(1)) : line);
    const checked = await guardedDirectory(line, absolute, input, 'lists', guard, filesystems);
    steps.push({ kind: 'directory', name: line, ...checked });
  }
  return steps;
}

/**
 * The docker command line of a docker strategy (Docker CLI reference,
 * `docker builder prune`, `docker image prune`, `docker volume prune`,
 * `docker system prune`). `docker volume prune` takes no `until` filter, so
 * only label filters are passed to it.
 *
 * @param filters `--filter` values, e.g. `until=24h`, `label=org.exegol.app=Exegol`
 * @returns the arguments after the docker command
 */
export function dockerPruneArguments(kind: DockerStrategy, filters: readonly string[]): string[] {
  const usable = kind === 'docker-volumes' ? filters.filter((filter) => filter.startsWith('label')) : filters;
  const filterArguments = usable.flatMap((filter) => ['--filter', filter]);
  switch (kind) {
    case 'docker-builder':
      return ['builder', 'prune', '--force', ...filterArguments];
    case 'docker-images':
      return ['image', 'prune', '--all', '--force', ...filterArguments];
    case 'docker-volumes':
      return ['volume', 'prune', '--force', ...filterArguments];
    case 'docker-system':
      return ['system', 'prune', '--all', '--force', ...filterArguments];
  }
}

/**
 * The tools of the runner's tool cache (RUNNER_TOOL_CACHE) and their complete
 * versions for this machine's architecture, as @actions/tool-cache finds them
 * (`<tool>/<version>/<arch>` with a `.complete` marker), e.g. `Python 3.12.1, 3.11.7`.
 */
export async function cachedTools(toolCache: string): Promise<string[]> {
  const tools = await readdir(toolCache).catch(() => []);
  const versionsOf = (tool: string): string[] => {
    try {
      return findAllVersions(tool);
    } catch {
      return []; // not laid out as a tool: emptied all the same
    }
  };
  return tools
    .map((tool) => ({ tool, versions: versionsOf(tool) }))
    .filter((entry) => entry.versions.length > 0)
    .map((entry) => `${entry.tool} ${entry.versions.join(', ')}`);
}

/** What a cleanup step did, apart from the space it freed. */
export interface StepOutcome {
  readonly ok: boolean;
  /** The command run or the directory emptied, and what went wrong if anything. */
  readonly detail: string;
}

/**
 * Runs one cleanup step. A failing docker command is an outcome, not an
 * exception, so that the next step can still run.
 *
 * @param options.dockerCommand the docker executable and any leading words, e.g. ['docker'] or ['sudo', 'docker']
 * @param options.keep paths kept while emptying a directory (the runner's file commands, the node binary, this action)
 * @param options.timeoutSeconds seconds a docker command may take before it is stopped
 */
export async function runCleanupStep(
  step: CleanupStep,
  options: { dockerCommand: readonly string[]; filters: readonly string[]; keep: readonly string[]; timeoutSeconds: number },
): Promise<StepOutcome> {
  if (step.kind === 'directory' || step.kind === 'runner-temp' || step.kind === 'tool-cache') {
    const directory = step.path;
    try {
      const tools = step.kind === 'tool-cache' ? await cachedTools(directory) : [];
      const { kept } = await emptyDirectory(step, options.keep);
      const left = kept.length ? `; left in place: ${kept.slice(0, 5).map(logValue).join(', ')}${kept.length > 5 ? ` and ${kept.length - 5} more` : ''}` : '';
      return { ok: true, detail: `emptied ${directory}${tools.length ? ` (cached tools: ${tools.map(logValue).join('; ')})` : ''}${left}` };
    } catch (error) {
      // The message names the entry that could not be removed: a file name anyone with write access there chose.
      return { ok: false, detail: `emptying ${directory} failed: ${logValue((error as Error).message)}` };
    }
  }
  const command = [...options.dockerCommand, ...dockerPruneArguments(step.kind, options.filters)];
  const [file, ...args] = command;
  const result = await runCommand(file!, args, { timeoutSeconds: options.timeoutSeconds });
  const ok = result.code === 0 && !result.timedOut;
  const output = result.timedOut
    ? `stopped after ${options.timeoutSeconds}s (docker-prune-timeout)`
    : result.missing
      ? `${file} was not found`
      : result.output.trim() || `exit ${result.code}`;
  const reclaimed = /Total reclaimed space:\s*(.+)/.exec(output)?.[1]?.trim();
  return { ok, detail: `${command.join(' ')}${ok ? (reclaimed ? ` (docker says: ${reclaimed} reclaimed)` : '') : ` failed: ${output}`}` };
}
