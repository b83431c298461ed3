// A directory swapped for a symbolic link while it is emptied (time of check to time of use): a
// racing process keeps replacing a subdirectory of the cleanup path with a symlink to a directory
// outside it, holding 3,000 files, on the same filesystem (so that no one-file-system check can
// save it), while the bundle empties the cleanup path. Everything lives on a tmpfs mounted for the
// test: a wrong implementation deletes only files of that tmpfs, never anything of this machine.
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { MOUNT_SKIP_REASON, mountTmpfs, type TestFilesystem } from '@exegol-release/testbed/fixtures/filesystems.js';

const OUTSIDE_FILES = 3000;
const RUNS = 4;
const mounted: TestFilesystem[] = [];
afterEach(async () => {
  while (mounted.length) await mounted.pop()!.unmount();
});

// The racer, as fast as a loop of rename(2) and symlink(2) goes: once the cleanup starts emptying
// \`sub\` (one of its files is gone), it keeps swapping \`sub\` between that directory and a symlink to
// the outside directory, whose 3,000 files bear the same names as those of \`sub\`, until the stop
// file appears.
const RACER = `
import os, sys
base, outside, stop = sys.argv[1:4]
sub, held = os.path.join(base, 'sub'), os.path.join(base, 'held')
probes = [os.path.join(sub, 'f-%d' % i) for i in (0, ${OUTSIDE_FILES / 2}, ${OUTSIDE_FILES - 1})]
print('ready', flush=True)
while not os.path.exists(stop) and all(os.path.lexists(probe) for probe in probes):
    pass
while not os.path.exists(stop):
    try:
        if os.path.islink(sub):
            os.unlink(sub)
            os.rename(held, sub)
        else:
            os.rename(sub, held)
            os.symlink(outside, sub)
    except OSError:
        pass
`;

/** A cleanup path holding \`sub\` (3,000 files) among other directories, and 3,000 files of the same names outside it. */
async function layout(root: string): Promise<{ cache: string; outside: string }> {
  const cache = path.join(root, 'cache');
  const outside = path.join(root, 'outside');
  const sub = path.join(cache, 'sub');
  await mkdir(outside, { recursive: true });
  await mkdir(sub, { recursive: true });
  await Promise.all(Array.from({ length: OUTSIDE_FILES }, (_, index) => writeFile(path.join(outside, `f-${index}`), 'x')));
  await Promise.all(Array.from({ length: OUTSIDE_FILES }, (_, index) => writeFile(path.join(sub, `f-${index}`), 'x')));
  for (let directory = 0; directory < 8; directory += 1) {
    const inner = path.join(cache, `layer-${directory}`);
    await mkdir(inner, { recursive: true });
    await Promise.all(Array.from({ length: 50 }, (_, index) => writeFile(path.join(inner, `f-${index}`), 'x')));
  }
  return { cache, outside };
}

describe.skipIf(MOUNT_SKIP_REASON)(
  `check-runner-disk bundle: a directory swapped for a symlink while it is emptied${MOUNT_SKIP_REASON ? ` (skipped: ${MOUNT_SKIP_REASON})` : ''}`,
  () => {
    it(`deletes no file outside the cleanup path, over ${RUNS} runs against a racing swapper`, async () => {
      const filesystem = await mountTmpfs(256 * 2 ** 20);
      mounted.push(filesystem);
      const deleted: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const root = path.join(filesystem.mountPoint, `run-${run}`);
        const { cache, outside } = await layout(root);
        const stop = path.join(root, 'stop');
        const racer = spawn('python3', ['-c', RACER, cache, outside, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise((resolve) => racer.stdout.once('data', resolve));
        try {
          const result = await runBundle('check-runner-disk', { inputs: { paths: filesystem.mountPoint, 'min-free': '100%', cleanup: cache, fail: 'false' } });
          expect(result.code, result.stdout).toBe(0);
          expect(result.summary).toMatch(/<td>.*cache<\/td><td>(ran|failed)<\/td>/);
        } finally {
          await writeFile(stop, '');
          await new Promise((resolve) => racer.on('close', resolve));
        }
        deleted.push(OUTSIDE_FILES - (await readdir(outside)).length);
      }
      expect(deleted).toEqual(Array.from({ length: RUNS }, () => 0));
    }, 300_000);
  },
);
