import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import path from 'node:path';
import { extract } from 'tar';
import { ActionError } from '../action/errors.js';
import { runCommand, type CommandResult } from '../util/command.js';

function buildFailure(python: string, result: CommandResult, what: string): ActionError {
  if (result.missing) return new ActionError(`python executable "${python}" was not found (input python)`);
  if (/No module named build\b/.test(result.output))
    return new ActionError(
      `${python} has no "build" module: install it with "${python} -m pip install build" (on Debian: apt-get install python3-build), or set the python input to an interpreter that has it`,
    );
  const tail = result.output.trim().split('\n').slice(-15).join('\n');
  return new ActionError(`${what} failed (exit ${result.code}):\n${tail}`);
}

/**
 * Builds with PyPA build from `sourceDirectory` into a fresh directory: the sdist alone
 * (`python -m build --sdist`), or with `wheel`, the sdist and then a wheel built from that sdist
 * alone (`python -m build`, which is also the install check).
 *
 * @param buildArgs extra arguments, e.g. ['--no-isolation']
 * @returns the directory holding the distributions, and the build's output
 * @throws ActionError when python or its build module is missing (saying how to install it), or the build fails (with its last lines)
 */
export async function buildDistributions(
  python: string,
  sourceDirectory: string,
  buildArgs: readonly string[],
  tempDirectory: string,
  options: { wheel: boolean },
): Promise<{ outdir: string; output: string }> {
  await mkdir(tempDirectory, { recursive: true });
  const outdir = await mkdtemp(path.join(tempDirectory, 'dist-'));
  const what = options.wheel ? [] : ['--sdist'];
  const result = await runCommand(python, ['-m', 'build', ...what, '--outdir', outdir, ...buildArgs, '.'], { cwd: sourceDirectory });
  if (result.code !== 0 && options.wheel && !result.missing) {
    // The sdist was written and its wheel failed: the sdist lacks something its own build needs.
    const sdist = (await readdir(outdir)).find((name) => name.endsWith('.tar.gz'));
    if (sdist && !/No module named build\b/.test(result.output)) throw installCheckFailure(sdist, result.output);
  }
  if (result.code !== 0) throw buildFailure(python, result, `${[python, '-m', 'build', ...what].join(' ')} in ${sourceDirectory}`);
  return { outdir, output: result.output };
}

/** The error line a Python build printed last, e.g. `FileNotFoundError: [Errno 2] No such file or directory: 'requirements.txt'`. */
export function lastPythonError(output: string): string | undefined {
  const lines = output.split('\n').map((line) => line.trim());
  return lines.reverse().find((line) => /^([A-Za-z_.]*(Error|Exception)|error): /.test(line));
}

/**
 * The install check: extracts the sdist and builds a wheel from it alone, as
 * `python -m build` does when it builds both, so that an sdist missing a file
 * its own build needs is caught before upload.
 *
 * @throws ActionError naming the missing piece as the build reported it
 */
export async function checkWheelBuilds(
  python: string,
  sdistPath: string,
  topLevel: string,
  buildArgs: readonly string[],
  tempDirectory: string,
): Promise<{ output: string }> {
  await mkdir(tempDirectory, { recursive: true });
  const directory = await mkdtemp(path.join(tempDirectory, 'install-check-'));
  await extract({ file: sdistPath, cwd: directory, strict: true });
  const result = await runCommand(python, ['-m', 'build', '--wheel', '--outdir', path.join(directory, 'wheel'), ...buildArgs, path.join(directory, topLevel)], {
    cwd: directory,
  });
  if (result.code === 0) return { output: result.output };
  if (result.missing || /No module named build\b/.test(result.output)) throw buildFailure(python, result, 'install check');
  throw installCheckFailure(path.basename(sdistPath), result.output);
}

function installCheckFailure(sdistName: string, output: string): ActionError {
  const reason = lastPythonError(output) ?? output.trim().split('\n').slice(-5).join(' / ');
  return new ActionError(
    `install check failed: a wheel cannot be built from ${sdistName} alone: ${reason}. The sdist lacks something its own build needs; nothing was uploaded`,
  );
}
