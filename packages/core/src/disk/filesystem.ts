import { realpath, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/** One filesystem, found through one or more of the paths asked about. */
export interface Filesystem {
  /** The directory it is mounted on, found by walking up until the device changes. */
  readonly mountPoint: string;
  /** The device ID (stat's st_dev) that identifies it. */
  readonly device: number;
  /** The paths asked about that live on it, as given. */
  readonly paths: readonly string[];
}

/** Space on a filesystem, in bytes, as statfs(2) reports it and `df -B1` prints it. */
export interface FilesystemSpace {
  /** Total size: f_blocks × f_bsize (df's "1B-blocks"). */
  readonly sizeBytes: number;
  /** Space an unprivileged process may still use: f_bavail × f_bsize (df's "Available"); root-reserved blocks are not counted. */
  readonly freeBytes: number;
}

/**
 * The mount point holding `target`: walks up from its real path while the
 * parent directory is on the same device.
 *
 * @throws Error (ENOENT) when `target` does not exist
 */
export async function mountPointOf(target: string): Promise<{ mountPoint: string; device: number }> {
  let current = await realpath(target);
  const { dev: device } = await stat(current);
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current || (await stat(parent)).dev !== device) return { mountPoint: current, device };
    current = parent;
  }
}

/**
 * Resolves each path to its filesystem; paths on the same filesystem are
 * grouped so that each filesystem is reported once, in the order first met.
 *
 * @throws Error (ENOENT) when a path does not exist
 */
export async function resolveFilesystems(paths: readonly string[]): Promise<Filesystem[]> {
  const byDevice = new Map<number, { mountPoint: string; device: number; paths: string[] }>();
  for (const target of paths) {
    const { mountPoint, device } = await mountPointOf(target);
    const known = byDevice.get(device);
    if (known) known.paths.push(target);
    else byDevice.set(device, { mountPoint, device, paths: [target] });
  }
  return [...byDevice.values()];
}

/** Reads a filesystem's size and free space from the kernel (statfs(2)). */
export async function spaceOf(directory: string): Promise<FilesystemSpace> {
  const stats = await statfs(directory);
  return { sizeBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize };
}
