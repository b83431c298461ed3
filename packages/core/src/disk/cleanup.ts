import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { rmRF } from '@actions/io';
import { findAllVersions } from '@actions/tool-cache';
import { InputError } from '../action/errors.js';
import { runCommand } from '../util/command.js';

/** The named cleanup strategies, in the words users write in `cleanup`. */
export const CLEANUP_STRATEGIES = ['docker-builder', 'docker-images', 'docker-volumes', 'docker-system', 'runner-temp', 'tool-cache'] as const;
export type CleanupStrategy = (typeof CLEANUP_STRATEGIES)[number];

/** One cleanup step: a named strategy, or a directory whose contents are removed. */
export type CleanupStep = { readonly kind: CleanupStrategy } | { readonly kind: 'directory'; readonly path: string };

/** Where the runner keeps things, from its environment. */
export interface RunnerDirectories {
  readonly workspace: string;
  /** RUNNER_TEMP, if set. */
  readonly runnerTemp?: string;
  /** RUNNER_TOOL_CACHE, if set. */
  readonly toolCache?: string;
}

/** A step's name as users wrote it. */
export function stepName(step: CleanupStep): string {
  return step.kind === 'directory' ? step.path : step.kind;
}

async function existingDirectory(directory: string): Promise<boolean> {
  try {
    return (await stat(directory)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Parses the `cleanup` lines, in order: a strategy name, or a directory
 * (a line holding `/` or starting with `.` or `~`; relative to the
 * workspace) whose contents may be removed.
 *
 * @throws InputError naming `input` for an unknown strategy, a directory that does not exist, the root directory, or a strategy whose runner directory is not set
 */
export async function parseCleanupSteps(lines: readonly string[], input: string, directories: RunnerDirectories): Promise<CleanupStep[]> {
  const steps: CleanupStep[] = [];
  for (const line of lines) {
    if ((CLEANUP_STRATEGIES as readonly string[]).includes(line)) {
      const kind = line as CleanupStrategy;
      if (kind === 'runner-temp' && !directories.runnerTemp) throw new InputError(input, 'lists runner-temp, but RUNNER_TEMP is not set');
      if (kind === 'tool-cache' && !directories.toolCache) throw new InputError(input, 'lists tool-cache, but RUNNER_TOOL_CACHE is not set');
      steps.push({ kind });
      continue;
    }
    if (!/[/\\]|^[.~]/.test(line)) throw new InputError(input, `has an unknown strategy "${line}"; use ${CLEANUP_STRATEGIES.join(', ')} or a directory path`);
    const home = process.env['HOME'] ?? '';
    const resolved = path.resolve(directories.workspace, line.startsWith('~') ? path.join(home, line.slice(1)) : line);
    if (resolved === path.parse(resolved).root) throw new InputError(input, `lists the root directory ${resolved}: refusing to empty it`);
    if (!(await existingDirectory(resolved))) throw new InputError(input, `lists ${line}, which is not an existing directory`);
    steps.push({ kind: 'directory', path: resolved });
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
export function dockerPruneArguments(kind: Exclude<CleanupStrategy, 'runner-temp' | 'tool-cache'>, filters: readonly string[]): string[] {
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

/** Removes everything inside `directory` with @actions/io's `rmRF` (a symbolic link is removed, not followed), keeping the directory itself. */
export async function emptyDirectory(directory: string): Promise<void> {
  const entries = await readdir(directory);
  await Promise.all(entries.map((entry) => rmRF(path.join(directory, entry))));
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
 * @param dockerCommand the docker executable and any leading words, e.g. ['docker'] or ['sudo', 'docker']
 */
export async function runCleanupStep(
  step: CleanupStep,
  options: { dockerCommand: readonly string[]; filters: readonly string[]; directories: RunnerDirectories; timeoutSeconds: number },
): Promise<StepOutcome> {
  if (step.kind === 'directory' || step.kind === 'runner-temp' || step.kind === 'tool-cache') {
    const directory = step.kind === 'directory' ? step.path : step.kind === 'runner-temp' ? options.directories.runnerTemp! : options.directories.toolCache!;
    try {
      const tools = step.kind === 'tool-cache' ? await cachedTools(directory) : [];
      await emptyDirectory(directory);
      return { ok: true, detail: `emptied ${directory}${tools.length ? ` (cached tools: ${tools.join('; ')})` : ''}` };
    } catch (error) {
      return { ok: false, detail: `emptying ${directory} failed: ${(error as Error).message}` };
    }
  }
  const command = [...options.dockerCommand, ...dockerPruneArguments(step.kind, options.filters)];
  const [file, ...args] = command;
  const result = await runCommand(file!, args, { timeoutSeconds: options.timeoutSeconds });
  const ok = result.code === 0;
  const output = result.missing ? `${file} was not found` : result.output.trim() || `exit ${result.code}`;
  const reclaimed = /Total reclaimed space:\s*(.+)/.exec(output)?.[1]?.trim();
  return { ok, detail: `${command.join(' ')}${ok ? (reclaimed ? ` (docker says: ${reclaimed} reclaimed)` : '') : ` failed: ${output}`}` };
}
