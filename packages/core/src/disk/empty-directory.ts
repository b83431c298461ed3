import { constants } from 'node:fs';
import { lstat, open, readFile, readdir, readlink, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from './cleanup-guard.js';

/**
 * The mount points of this process's mount namespace, from
 * /proc/self/mountinfo (proc(5): the fifth field, octal escapes such as
 * `\040` for a space); empty where there is no /proc.
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

/** The directory a cleanup checked: its real path and its identity (stat's st_dev and st_ino). */
export interface CheckedDirectory {
  /** A real path (resolved through every symlink when it was checked). */
  readonly path: string;
  readonly device: number;
  readonly inode: number;
}

// open(2): a directory, never through a symbolic link as the last component (libuv adds O_CLOEXEC).
const OPEN_DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** `/proc/self/fd/<fd>`: the directory an open descriptor holds, whatever its path has become since (proc(5)). */
const fdPath = (handle: FileHandle): string => `/proc/self/fd/${handle.fd}`;

/** The mount ID of an open descriptor (proc(5), /proc/self/fdinfo `mnt_id`, Linux 3.15+). */
async function mountIdOf(handle: FileHandle): Promise<string> {
  const info = await readFile(`/proc/self/fdinfo/${handle.fd}`, 'utf8');
  const id = /^mnt_id:\s*(\d+)$/m.exec(info)?.[1];
  if (id === undefined) throw new Error('/proc/self/fdinfo gives no mnt_id (Linux 3.15 or later is needed)');
  return id;
}

/** An error naming the logical path and the system's code, e.g. `cannot remove /tmp/x/a: EPERM`. */
function failure(action: string, logical: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new Error(`cannot ${action} ${logical}: ${code}`);
}

/**
 * Removes everything inside a checked directory, keeping the directory itself, as
 * `rm -r --one-file-system` and systemd's `rm_rf_children` do: through directory descriptors,
 * never by re-resolving a path. The directory is opened with `O_DIRECTORY|O_NOFOLLOW` and must
 * be the one checked (same device and inode, and /proc/self/fd says the same path); every entry
 * is then read, stat'ed (`lstat`), unlinked or opened relative to its parent's descriptor,
 * through `/proc/self/fd/<fd>/<name>` (Node has no openat(2)/unlinkat(2)), so that a directory
 * swapped for a symbolic link meanwhile is never followed (`O_NOFOLLOW` fails with ELOOP). A
 * symbolic link is removed, never followed; a mount point (another device, or another mount ID
 * for a bind mount) and what lies under it is left in place; an entry holding one of `keep`
 * (e.g. the runner's file commands) is kept with that path.
 *
 * @param keep real paths to keep
 * @throws Error when the directory is no longer the one checked, when /proc/self/fd is not
 *   available (Linux only: nothing is removed then), or naming the first entry that could not
 *   be removed (others may have been removed before it)
 */
export async function emptyDirectory(directory: CheckedDirectory, keep: readonly string[] = []): Promise<EmptyOutcome> {
  let top: FileHandle;
  try {
    top = await open(directory.path, OPEN_DIRECTORY);
  } catch (error) {
    throw failure('open the directory', directory.path, error);
  }
  try {
    const stats = await top.stat();
    if (!stats.isDirectory() || stats.dev !== directory.device || stats.ino !== directory.inode)
      throw new Error(`${directory.path} is no longer the directory checked (another device or inode): not emptied`);
    let seen: string;
    try {
      seen = await readlink(fdPath(top));
    } catch {
      throw new Error(`${directory.path} not emptied: /proc/self/fd is not available, and a directory is emptied only through its descriptor (Linux)`);
    }
    if (seen !== directory.path) throw new Error(`${directory.path} now resolves to ${seen}: not emptied`);
    const mountId = await mountIdOf(top);
    const mounts = await mountPoints();
    const keptIdentities = new Set<string>();
    for (const held of keep) {
      const identity = await lstat(held).catch(() => undefined);
      if (identity) keptIdentities.add(`${identity.dev}:${identity.ino}`);
    }
    const kept: string[] = [];
    let removed = 0;

    /** Empties the directory open as `handle` (at `logical`). @returns whether it is now empty */
    const removeChildren = async (handle: FileHandle, logical: string): Promise<boolean> => {
      let names: string[];
      try {
        names = await readdir(fdPath(handle));
      } catch (error) {
        throw failure('read', logical, error);
      }
      let all = true;
      for (let start = 0; start < names.length; start += 16) {
        const batch = names.slice(start, start + 16);
        const results = await Promise.all(batch.map((name) => removeEntry(handle, logical, name)));
        all &&= results.every(Boolean);
      }
      return all && !keep.some((held) => isWithin(held, logical));
    };

    /** Removes `name` inside the directory open as `parent`. @returns whether it is gone */
    const removeEntry = async (parent: FileHandle, parentLogical: string, name: string, attempt = 1): Promise<boolean> => {
      const logical = path.join(parentLogical, name);
      const relative = `${fdPath(parent)}/${name}`;
      let stats;
      try {
        stats = await lstat(relative);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
        throw failure('stat', logical, error);
      }
      if (mounts.has(logical) || stats.dev !== directory.device) {
        kept.push(`${logical} (a mount point)`);
        return false;
      }
      if (keep.includes(logical) || keptIdentities.has(`${stats.dev}:${stats.ino}`) || (keep.some((held) => isWithin(held, logical)) && !stats.isDirectory())) {
        kept.push(`${logical} (kept for the runner)`);
        return false;
      }
      if (!stats.isDirectory()) {
        try {
          await unlink(relative);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
          throw failure('remove', logical, error);
        }
        removed += 1;
        return true;
      }
      let child: FileHandle;
      try {
        child = await open(relative, OPEN_DIRECTORY);
      } catch (error) {
        // ELOOP or ENOTDIR: the directory was swapped for a symbolic link or a file since the lstat: look again (a symlink is unlinked).
        const code = (error as NodeJS.ErrnoException).code;
        if ((code === 'ELOOP' || code === 'ENOTDIR') && attempt < 5) return removeEntry(parent, parentLogical, name, attempt + 1);
        if (code === 'ENOENT') return true;
        throw failure('open the directory', logical, error);
      }
      let empty: boolean;
      try {
        const opened = await child.stat();
        if (opened.dev !== directory.device || (await mountIdOf(child)) !== mountId) {
          kept.push(`${logical} (a mount point)`);
          return false;
        }
        empty = await removeChildren(child, logical);
      } finally {
        await child.close();
      }
      if (!empty) return false;
      try {
        await rmdir(relative);
      } catch (error) {
        throw failure('remove the directory', logical, error);
      }
      removed += 1;
      return true;
    };

    await removeChildren(top, directory.path);
    return { removed, kept };
  } finally {
    await top.close();
  }
}
