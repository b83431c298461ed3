import { lstat, readFile, readdir, realpath, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from './cleanup-guard.js';

/**
 * The mount points of this process's mount namespace, from
 * /proc/self/mountinfo (proc(5): the fifth field, octal escapes such as
 * `\040` for a space); empty where there is no /proc (macOS), where the
 * device check of {@link emptyDirectory} still applies.
 */
export async function mountPoints(): Promise<Set<string>> {
  try {
    const text = await readFile('/proc/self/mountinfo', 'utf8');
    const unescape = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    return new Set(
      text
        .split('\n')
        .map((line) => line.split(' ')[4])
        .filter((field): field is string => Boolean(field))
        .map(unescape),
    );
  } catch {
    return new Set();
  }
}

/** What emptying a directory did. */
export interface EmptyOutcome {
  /** Files, symlinks and directories removed. */
  readonly removed: number;
  /** What was left in place, and why: mount points, other filesystems, kept paths. */
  readonly kept: readonly string[];
}

/**
 * Removes everything inside `directory`, keeping the directory itself, like
 * `rm -r --one-file-system` on its contents: a symbolic link is removed, never
 * followed; a mount point (bind mounts included) and anything on another
 * filesystem is left in place; an entry holding one of `keep` (e.g. the
 * runner's file commands) is kept with that path.
 *
 * @param directory a real path (resolved through its symlinks); it is resolved again here and must not have changed
 * @throws Error when the directory is no longer the one checked (a symlink swapped in meanwhile)
 */
export async function emptyDirectory(directory: string, keep: readonly string[] = []): Promise<EmptyOutcome> {
  if ((await realpath(directory)) !== directory) throw new Error(`${directory} now resolves elsewhere: not emptied`);
  const mounts = await mountPoints();
  const { dev: device } = await lstat(directory);
  const kept: string[] = [];
  let removed = 0;

  const remove = async (entry: string): Promise<boolean> => {
    const stats = await lstat(entry);
    if (mounts.has(entry) || stats.dev !== device) {
      kept.push(`${entry} (a mount point)`);
      return false;
    }
    if (keep.includes(entry) || (keep.some((held) => isWithin(held, entry)) && !stats.isDirectory())) {
      kept.push(`${entry} (kept for the runner)`);
      return false;
    }
    if (stats.isDirectory()) {
      if (!(await removeChildren(entry))) return false;
      await rmdir(entry);
    } else {
      await unlink(entry);
    }
    removed += 1;
    return true;
  };

  const removeChildren = async (parent: string): Promise<boolean> => {
    const entries = await readdir(parent);
    let all = true;
    for (let start = 0; start < entries.length; start += 16) {
      const results = await Promise.all(entries.slice(start, start + 16).map((name) => remove(path.join(parent, name))));
      all &&= results.every(Boolean);
    }
    return all && !keep.some((held) => isWithin(held, parent));
  };

  await removeChildren(directory);
  return { removed, kept };
}
