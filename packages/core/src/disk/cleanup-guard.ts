import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** A path a cleanup must never reach, and what it is, for the refusal's message. */
export interface ProtectedPath {
  readonly path: string;
  readonly what: string;
}

/**
 * What a cleanup directory is checked against, every path already resolved
 * through its symlinks (realpath):
 * - `keep`: refused when the directory is one of them or an ancestor of one
 *   (emptying it would delete them);
 * - `trees`: refused when the directory is one of them or inside one.
 * The root directory and every top-level directory are always refused.
 */
export interface CleanupGuard {
  readonly keep: readonly ProtectedPath[];
  readonly trees: readonly ProtectedPath[];
}

/**
 * Where the runner and this step live: the typed context a cleanup is planned from, read once by
 * the action's adapter (GITHUB_WORKSPACE, HOME, RUNNER_TEMP, RUNNER_TOOL_CACHE, the file
 * commands, process.execPath, process.argv[1]); nothing under disk/ reads the environment.
 */
export interface RunnerPaths {
  /** GITHUB_WORKSPACE (the working directory when unset); relative cleanup paths are resolved from it. */
  readonly workspace: string;
  /** HOME: `~` in a cleanup path, and kept with its ancestors. */
  readonly home?: string;
  readonly runnerTemp?: string;
  readonly toolCache?: string;
  /** The node binary running this step (process.execPath); on a runner, `<runner>/externals/node24/bin/node`. */
  readonly nodeBinary: string;
  /** The action's own bundle (process.argv[1]). */
  readonly actionFile?: string;
  /** The runner's file command files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY): kept while emptying. */
  readonly fileCommands?: readonly string[];
  /** The operating system (process.platform): macOS adds its system trees. */
  readonly platform?: NodeJS.Platform;
}

/** What a cleanup is checked against and what it keeps, built from the runner's context. */
export interface CleanupPolicy {
  readonly guard: CleanupGuard;
  /** Real paths kept while emptying a directory: the runner's file commands. */
  readonly keep: readonly string[];
}

/** The operating system's trees (Linux FHS, macOS): nothing inside them is a cache this action may empty. */
const SYSTEM_TREES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/lib/dpkg',
  '/var/lib/apt',
];
const MACOS_TREES = ['/System', '/Library', '/Applications', '/private/etc', '/private/var/db'];

/** `target` resolved through its symlinks, or made absolute when it does not exist. */
export async function resolveRealPath(target: string | undefined): Promise<string | undefined> {
  if (!target) return undefined;
  try {
    return await realpath(target);
  } catch {
    return path.resolve(target);
  }
}

/** Whether `inner` is `outer` or lies inside it (both absolute and normalised). */
export function isWithin(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The runner installation holding `nodeBinary` when it is the runner's own
 * Node (`<runner>/externals/node<N>/bin/node`), else undefined.
 */
export function runnerInstallation(nodeBinary: string): string | undefined {
  const match = /^(.*)[/\\]externals[/\\]node\d+[/\\]bin[/\\]node(\.exe)?$/.exec(nodeBinary);
  return match?.[1] || undefined;
}

/**
 * The guard of a runner: the workspace, HOME, the parents of RUNNER_TEMP and
 * RUNNER_TOOL_CACHE (the runner's `_work`), the node binary and the action's
 * bundle are kept with their ancestors; the runner
 * installation's `bin` and `externals`, and the system trees, are refused whole.
 */
export async function runnerGuard(paths: RunnerPaths): Promise<CleanupGuard> {
  const keep: ProtectedPath[] = [];
  const add = async (target: string | undefined, what: string): Promise<void> => {
    const real = await resolveRealPath(target);
    if (real) keep.push({ path: real, what });
  };
  await add(paths.workspace, 'the workspace');
  await add(paths.home, 'HOME');
  await add(paths.runnerTemp && path.dirname(paths.runnerTemp), "RUNNER_TEMP's parent (the runner's work directory)");
  await add(paths.toolCache && path.dirname(paths.toolCache), "RUNNER_TOOL_CACHE's parent");
  await add(paths.nodeBinary, 'the node binary running this step');
  await add(paths.actionFile, "this action's own files");
  const trees: ProtectedPath[] = [...SYSTEM_TREES, ...((paths.platform ?? process.platform) === 'darwin' ? MACOS_TREES : [])].map((tree) => ({
    path: tree,
    what: 'a system directory',
  }));
  const installation = await resolveRealPath(runnerInstallation(paths.nodeBinary));
  if (installation) {
    keep.push({ path: installation, what: 'the runner installation' });
    for (const part of ['bin', 'externals']) trees.push({ path: path.join(installation, part), what: 'the runner installation' });
  }
  return { keep, trees };
}

/**
 * The guard ({@link runnerGuard}) and the kept paths of a cleanup, from the runner's context:
 * emptying RUNNER_TEMP keeps the runner's file commands (on a runner they live in
 * RUNNER_TEMP/_runner_file_commands), each resolved through its symlinks.
 */
export async function cleanupPolicy(context: RunnerPaths): Promise<CleanupPolicy> {
  const keep = (await Promise.all((context.fileCommands ?? []).map(resolveRealPath))).filter((file): file is string => Boolean(file));
  return { guard: await runnerGuard(context), keep };
}

/**
 * Why `directory` (a real path: resolved through every symlink) must not be
 * emptied, or undefined when it may be: it is the root, a top-level
 * directory, inside a refused tree, or an ancestor of (or the same as) a kept path.
 */
export function refusalOf(directory: string, guard: CleanupGuard): string | undefined {
  const { root } = path.parse(directory);
  if (directory === root) return 'the root directory';
  if (path.dirname(directory) === root) return 'a top-level directory';
  const tree = guard.trees.find((entry) => isWithin(directory, entry.path));
  if (tree) return `${tree.what} (${tree.path})`;
  const kept = guard.keep.find((entry) => isWithin(entry.path, directory));
  if (kept) return kept.path === directory ? kept.what : `an ancestor of ${kept.what} (${kept.path})`;
  return undefined;
}
