// A disposable root for the bundle: a tmpfs laid out like a self-hosted runner's machine (the runner's
// own Node 24 under /runner/externals, its libraries and dynamic loader under /lib*, the bundle under
// /runner/_work/_actions, the workspace, RUNNER_TEMP with the file commands, HOME), in which the
// bundle runs through `unshare --mount --fork --root=<tmpfs>` (a chroot in a mount namespace of its own). Inside it, `/` is that tmpfs: a symlink to `/`
// written there points at the disposable root, never at this machine's, so even a wrong implementation
// that follows it deletes only copies. Nothing of the host is bind-mounted into it (no /dev or
// repository), so nothing of the host is reachable from it; its /proc is a proc of a PID namespace of
// its own (`--pid --mount-proc`), showing the bundle's processes only, as the cleanup empties
// directories through /proc/self/fd. Needs root (mount, chroot).
import { execFileSync, spawn } from 'node:child_process';
import { chmod, copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertFreshBundle, inputDefaults, parseCommandFile, NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { mountTmpfs, type TestFilesystem } from '@exegol-release/testbed/fixtures/filesystems.js';

/** Paths as the bundle sees them inside the disposable root. */
export const INSIDE = {
  node: '/runner/externals/node24/bin/node',
  bundle: '/runner/_work/_actions/check-runner-disk/dist/index.js',
  workspace: '/runner/_work/Exegol/Exegol',
  runnerTemp: '/runner/_work/_temp',
  toolCache: '/runner/_work/_tool',
  fileCommands: '/runner/_work/_temp/_runner_file_commands',
  home: '/home/runner',
} as const;

/** A disposable root and what a run left in it. */
export interface DisposableRoot {
  /** The tmpfs mount point holding the root, on this machine. */
  readonly hostPath: string;
  /** The host path of a path inside the root. */
  at(inside: string): string;
  run(inputs: Record<string, string>): Promise<{ code: number; stdout: string; outputs: Record<string, string>; errors: string[]; summary: string }>;
  unmount(): Promise<void>;
}

/** The shared libraries `ldd` lists for the node binary, with the dynamic loader. */
function librariesOf(binary: string): string[] {
  const output = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...output.matchAll(/(\/\S+)\s+\(0x/g)].map((match) => match[1]!);
}

/** Builds a disposable root on a fresh tmpfs of `sizeBytes`. */
export async function disposableRoot(sizeBytes = 256 * 2 ** 20): Promise<DisposableRoot & TestFilesystem> {
  assertFreshBundle('check-runner-disk');
  const filesystem = await mountTmpfs(sizeBytes);
  const root = filesystem.mountPoint;
  const at = (inside: string): string => path.join(root, inside);
  await mkdir(path.dirname(at(INSIDE.node)), { recursive: true });
  await copyFile(NODE24, at(INSIDE.node));
  await chmod(at(INSIDE.node), 0o755);
  for (const library of librariesOf(NODE24)) {
    await mkdir(path.dirname(at(library)), { recursive: true });
    await copyFile(library, at(library));
  }
  await cp(path.join(REPO_ROOT, 'actions', 'check-runner-disk', 'dist'), path.dirname(at(INSIDE.bundle)), { recursive: true });
  for (const directory of [INSIDE.workspace, INSIDE.fileCommands, INSIDE.toolCache, INSIDE.home, '/tmp', '/proc'])
    await mkdir(at(directory), { recursive: true });
  await mkdir(at(path.join(INSIDE.workspace, '.git')), { recursive: true });
  await writeFile(at(path.join(INSIDE.workspace, '.git', 'HEAD')), 'ref: refs/heads/main\n');
  await writeFile(at(path.join(INSIDE.workspace, 'Dockerfile')), 'FROM debian\n');

  const run: DisposableRoot['run'] = async (inputs) => {
    const names = ['output', 'state', 'env', 'path', 'summary'];
    for (const name of names) await writeFile(at(path.join(INSIDE.fileCommands, name)), '');
    const env: Record<string, string> = {
      PATH: `${path.dirname(INSIDE.node)}:/usr/bin:/bin`,
      HOME: INSIDE.home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: INSIDE.workspace,
      RUNNER_TEMP: INSIDE.runnerTemp,
      RUNNER_TOOL_CACHE: INSIDE.toolCache,
      GITHUB_OUTPUT: path.join(INSIDE.fileCommands, 'output'),
      GITHUB_STATE: path.join(INSIDE.fileCommands, 'state'),
      GITHUB_ENV: path.join(INSIDE.fileCommands, 'env'),
      GITHUB_PATH: path.join(INSIDE.fileCommands, 'path'),
      GITHUB_STEP_SUMMARY: path.join(INSIDE.fileCommands, 'summary'),
    };
    for (const [name, value] of Object.entries({ ...(await inputDefaults('check-runner-disk')), ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
    const child = spawn('unshare', ['--mount', '--pid', '--fork', `--root=${root}`, '--mount-proc=/proc', INSIDE.node, INSIDE.bundle], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? 1)));
    const file = async (name: string): Promise<string> => readFile(at(path.join(INSIDE.fileCommands, name)), 'utf8').catch(() => '');
    return {
      code,
      stdout,
      outputs: parseCommandFile(await file('output')),
      errors: stdout
        .split('\n')
        .filter((line) => line.startsWith('::error'))
        .map((line) => line.slice(line.indexOf('::', 2) + 2)),
      summary: await file('summary'),
    };
  };
  return { hostPath: root, at, run, mountPoint: root, unmount: filesystem.unmount };
}
