import { readFile, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ActionError, InputError } from '../action/errors.js';
import type { GitRepository } from '../git/git.js';
import { comparePythonVersions, parsePythonVersion, type PythonVersion } from '../versions/python-version.js';

/**
 * The default expression of a version line. It matches, at the start of a line:
 * `__version__ = "…"`, `version: str = "…"`, `version = "…"` and
 * `assert __version__ == '…'`, with either quote.
 */
export const DEFAULT_VERSION_PATTERN = String.raw`^[ \t]*(?:assert[ \t]+__version__[ \t]*==|(?:__version__|version)[ \t]*(?::[ \t]*str[ \t]*)?=)[ \t]*(?<quote>["'])(?<version>[^"'\r\n]+)\k<quote>`;

/** One file that holds the version, and the expression that finds it. */
export interface VersionFileSpec {
  /** The path as the user wrote it, relative to the working directory. */
  readonly path: string;
  /** The expression, compiled with flags g, m and d (match indices); it has a named group `version`. */
  readonly pattern: RegExp;
}

/** Where a version stands in a file. Offsets are UTF-16 code units into the file's text; `line` counts from 1. */
export interface VersionOccurrence {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly line: number;
}

/** Where a version file is, once resolved through symbolic links. */
export interface ResolvedVersionFile {
  readonly spec: VersionFileSpec;
  /** The real path (every symbolic link resolved). */
  readonly absolutePath: string;
  /** The real path relative to the root (the git working tree's top), with `/` separators. */
  readonly rootPath: string;
}

/** A version file as read, with every place its expression found a version. */
export interface VersionFile {
  readonly spec: VersionFileSpec;
  readonly location: ResolvedVersionFile;
  readonly content: string;
  readonly occurrences: readonly VersionOccurrence[];
}

/** The change to one version file; `after === before` when it already holds the target. */
export interface VersionFileEdit {
  /** The path as given in `files`. */
  readonly path: string;
  readonly location: ResolvedVersionFile;
  readonly before: string;
  readonly after: string;
}

/**
 * Compiles a version expression with flags g, m and d.
 * @throws InputError naming `input` when it does not compile or lacks a named group `version`
 */
export function compileVersionPattern(source: string, input: string, where: string): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'gmd');
  } catch (error) {
    throw new InputError(input, `has an expression that does not compile for ${where}: ${(error as Error).message}`);
  }
  if (!/\(\?<version>/.test(source)) throw new InputError(input, `has an expression without a named group (?<version>…) for ${where}: ${source}`);
  return pattern;
}

/** Splits a `path` or `path: expression` line at the first colon followed by white space. */
export function splitPathLine(line: string): { path: string; expression?: string } {
  const separator = line.search(/:\s/);
  if (separator === -1) return { path: line.trim() };
  return { path: line.slice(0, separator).trim(), expression: line.slice(separator + 1).trim() };
}

/**
 * Parses the lines of a `files` input: each line `path` (the default
 * expression) or `path: expression` (split at the first colon followed by a space).
 *
 * @throws InputError naming `input` for an empty list, a repeated path or a bad expression
 */
export function parseVersionFileSpecs(lines: readonly string[], input: string): VersionFileSpec[] {
  if (lines.length === 0) throw new InputError(input, 'lists no file: give at least one path');
  const specs = lines.map((line) => {
    const { path: filePath, expression = DEFAULT_VERSION_PATTERN } = splitPathLine(line);
    return { path: filePath, pattern: compileVersionPattern(expression, input, filePath) };
  });
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = path.normalize(spec.path);
    if (seen.has(key)) throw new InputError(input, `lists ${spec.path} twice`);
    seen.add(key);
  }
  return specs;
}

/** Every match of a spec's expression in `content`, by its `version` group. */
export function findVersions(content: string, pattern: RegExp): VersionOccurrence[] {
  const occurrences: VersionOccurrence[] = [];
  for (const match of content.matchAll(pattern)) {
    const span = match.indices?.groups?.['version'];
    const text = match.groups?.['version'];
    if (!span || text === undefined) continue;
    const line = content.slice(0, span[0]).split('\n').length;
    occurrences.push({ start: span[0], end: span[1], text, line });
  }
  return occurrences;
}

/** A file's device and inode (`dev:ino`, exact as bigints), or undefined when it does not exist. */
async function fileIdentity(file: string): Promise<string | undefined> {
  try {
    const stats = await stat(file, { bigint: true });
    return `${stats.dev}:${stats.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ActionError(`cannot stat version file ${file}: ${(error as Error).message}`);
  }
}

function resolvedThrough(given: string, real: string): string {
  return real === given ? '' : ` (it resolves to ${real} through a symbolic link)`;
}

/**
 * Resolves each version file through symbolic links (realpath) and checks
 * that it lies inside `root` (the git working tree, or the working directory
 * outside git), outside `.git`, and that no two specs name the same file: neither
 * the same real path nor the same device and inode (a hard link).
 *
 * @param directory the directory the paths are relative to
 * @param root the directory every file must lie in, itself resolved first
 * @param options.missingOk resolve a missing file by its path alone (to read it at a commit)
 * @throws ActionError naming a missing file; InputError naming `files` for a file outside `root` or listed twice
 */
export async function resolveVersionFiles(
  specs: readonly VersionFileSpec[],
  directory: string,
  root: string,
  options: { missingOk?: boolean } = {},
): Promise<ResolvedVersionFile[]> {
  const realRoot = await realpath(root);
  const resolved: ResolvedVersionFile[] = [];
  const identities: { spec: VersionFileSpec; identity: string }[] = [];
  for (const spec of specs) {
    const given = path.resolve(directory, spec.path);
    let absolutePath: string;
    try {
      absolutePath = await realpath(given);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new ActionError(`cannot resolve version file ${spec.path}: ${(error as Error).message}`);
      if (!options.missingOk) throw new ActionError(`version file ${spec.path} does not exist (in ${directory})`);
      absolutePath = path.resolve(await realpath(directory).catch(() => directory), spec.path);
    }
    const rootPath = path.relative(realRoot, absolutePath);
    if (rootPath === '' || rootPath.startsWith(`..${path.sep}`) || rootPath === '..' || path.isAbsolute(rootPath))
      throw new InputError('files', `lists ${spec.path}, which is outside the working tree ${realRoot}${resolvedThrough(given, absolutePath)}`);
    if (rootPath.split(path.sep)[0] === '.git')
      throw new InputError('files', `lists ${spec.path}, which is inside .git${resolvedThrough(given, absolutePath)}`);
    const twin = resolved.find((other) => other.absolutePath === absolutePath);
    if (twin) throw new InputError('files', `lists ${twin.spec.path} and ${spec.path}, which are the same file (${absolutePath})`);
    // Two paths of one file through a hard link: the same device and inode (stat(2)), whatever the paths say.
    const identity = await fileIdentity(absolutePath);
    const linked = identity && identities.find((other) => other.identity === identity);
    if (linked)
      throw new InputError(
        'files',
        `lists ${linked.spec.path} and ${spec.path}, which are the same file (one inode, hard-linked): a second write would undo the first; list it once`,
      );
    if (identity) identities.push({ spec, identity });
    resolved.push({ spec, absolutePath, rootPath: rootPath.split(path.sep).join('/') });
  }
  return resolved;
}

function withOccurrences(location: ResolvedVersionFile, content: string, where: string): VersionFile {
  const occurrences = findVersions(content, location.spec.pattern);
  if (occurrences.length === 0)
    throw new ActionError(`version file ${location.spec.path}${where}: the expression ${location.spec.pattern.source} matches nothing`);
  return { spec: location.spec, location, content, occurrences };
}

/**
 * Reads every resolved version file from the working tree and finds its versions.
 * @throws ActionError naming the file when it cannot be read or its expression matches nothing
 */
export async function readVersionFiles(locations: readonly ResolvedVersionFile[]): Promise<VersionFile[]> {
  return Promise.all(
    locations.map(async (location) => {
      let content: string;
      try {
        content = await readFile(location.absolutePath, 'utf8');
      } catch (error) {
        throw new ActionError(`cannot read version file ${location.spec.path}: ${(error as Error).message}`);
      }
      return withOccurrences(location, content, '');
    }),
  );
}

/**
 * Reads every version file as `commit` holds it (`git ls-tree`, `git cat-file`).
 * @throws ActionError naming the file when the commit lacks it, holds a symbolic link there, or the expression matches nothing
 */
export async function readVersionFilesAt(repository: GitRepository, commit: string, locations: readonly ResolvedVersionFile[]): Promise<VersionFile[]> {
  const files: VersionFile[] = [];
  const short = commit.slice(0, 12);
  for (const location of locations) {
    const entry = await repository.entryAt(commit, location.rootPath);
    if (entry.kind === 'missing') throw new ActionError(`version file ${location.spec.path} does not exist at ${short} (as ${location.rootPath})`);
    if (entry.kind !== 'file')
      throw new ActionError(
        `version file ${location.spec.path} is ${entry.kind === 'symlink' ? 'a symbolic link' : 'not a file'} at ${short} (${location.rootPath})`,
      );
    files.push(withOccurrences(location, entry.content, ` at ${short}`));
  }
  return files;
}

/**
 * Checks that git can commit each file with only the version changed: it is
 * tracked (so neither untracked nor ignored), and neither the index nor the
 * working tree holds another change to it.
 *
 * @param repository the repository at the root the locations are relative to
 * @throws ActionError naming each file that fails, and why
 */
export async function checkCommittable(repository: GitRepository, locations: readonly ResolvedVersionFile[]): Promise<void> {
  const problems: string[] = [];
  for (const location of locations) {
    const status = await repository.pathStatus(location.rootPath);
    const name = location.rootPath === location.spec.path ? location.spec.path : `${location.spec.path} (${location.rootPath})`;
    if (status.ignored) problems.push(`${name} is ignored by git and not tracked`);
    else if (!status.tracked) problems.push(`${name} is not tracked by git`);
    else if (status.change !== '') problems.push(`${name} has uncommitted changes (git status: ${status.change.trim()}); commit or discard them first`);
  }
  if (problems.length > 0) throw new ActionError(`cannot commit the version files: ${problems.join('; ')}. Nothing was changed`);
}

/**
 * The current version: the first version found in the first file.
 * @throws ActionError naming the file when it is not a PEP 440 version
 */
export function currentVersionOf(files: readonly VersionFile[]): PythonVersion {
  const first = files[0]?.occurrences[0];
  if (!files[0] || !first) throw new ActionError('no version file was read');
  const version = parsePythonVersion(first.text);
  if (!version) throw new ActionError(`version file ${files[0].spec.path}:${first.line} holds "${first.text}", which is not a PEP 440 version`);
  return version;
}

/** A place holding another version than the current one. */
export interface VersionMismatch {
  readonly path: string;
  readonly line: number;
  readonly found: string;
}

/** Every occurrence that is not equal to `current` under PEP 440 (an invalid version is a mismatch too). */
export function findMismatches(files: readonly VersionFile[], current: PythonVersion): VersionMismatch[] {
  return files.flatMap((file) =>
    file.occurrences
      .filter((occurrence) => !parsePythonVersion(occurrence.text) || comparePythonVersions(occurrence.text, current.text) !== 0)
      .map((occurrence) => ({ path: file.spec.path, line: occurrence.line, found: occurrence.text })),
  );
}

/** The edits that write `version` at every occurrence; nothing is written here. */
export function planVersionEdits(files: readonly VersionFile[], version: string): VersionFileEdit[] {
  return files.map((file) => {
    let after = '';
    let cursor = 0;
    for (const occurrence of file.occurrences) {
      after += file.content.slice(cursor, occurrence.start) + version;
      cursor = occurrence.end;
    }
    after += file.content.slice(cursor);
    return { path: file.spec.path, location: file.location, before: file.content, after };
  });
}

/** The unified diff of the edits that change something (`a/` and `b/` prefixes, 3 lines of context). */
export function unifiedDiff(edits: readonly VersionFileEdit[]): string {
  return edits
    .filter((edit) => edit.after !== edit.before)
    .map((edit) => createTwoFilesPatch(`a/${edit.path}`, `b/${edit.path}`, edit.before, edit.after, undefined, undefined, { context: 3 }).replace(/^=+\n/m, ''))
    .join('');
}

/**
 * Writes the edits that change something, each to its resolved path; before
 * each write, hands `beforeWrite` the file's bytes, to restore them on failure.
 * @returns the paths written, as given
 */
export async function writeVersionEdits(edits: readonly VersionFileEdit[], beforeWrite: (edit: VersionFileEdit, original: Buffer) => void): Promise<string[]> {
  const changed = edits.filter((edit) => edit.after !== edit.before);
  for (const edit of changed) {
    beforeWrite(edit, await readFile(edit.location.absolutePath));
    await writeFile(edit.location.absolutePath, edit.after, 'utf8');
  }
  return changed.map((edit) => edit.path);
}
