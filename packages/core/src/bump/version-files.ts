import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ActionError, InputError } from '../action/errors.js';
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

/** A version file as read, with every place its expression found a version. */
export interface VersionFile {
  readonly spec: VersionFileSpec;
  readonly content: string;
  readonly occurrences: readonly VersionOccurrence[];
}

/** The change to one version file; `after === before` when it already holds the target. */
export interface VersionFileEdit {
  readonly path: string;
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

/**
 * Reads every version file under `root` and finds its versions.
 * @throws ActionError naming the file when it is missing or its expression matches nothing
 */
export async function readVersionFiles(specs: readonly VersionFileSpec[], root: string): Promise<VersionFile[]> {
  return Promise.all(
    specs.map(async (spec) => {
      let content: string;
      try {
        content = await readFile(path.resolve(root, spec.path), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ActionError(
          code === 'ENOENT' ? `version file ${spec.path} does not exist (in ${root})` : `cannot read version file ${spec.path}: ${(error as Error).message}`,
        );
      }
      const occurrences = findVersions(content, spec.pattern);
      if (occurrences.length === 0) throw new ActionError(`version file ${spec.path}: the expression ${spec.pattern.source} matches nothing`);
      return { spec, content, occurrences };
    }),
  );
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
    return { path: file.spec.path, before: file.content, after };
  });
}

/** The unified diff of the edits that change something (`a/` and `b/` prefixes, 3 lines of context). */
export function unifiedDiff(edits: readonly VersionFileEdit[]): string {
  return edits
    .filter((edit) => edit.after !== edit.before)
    .map((edit) => createTwoFilesPatch(`a/${edit.path}`, `b/${edit.path}`, edit.before, edit.after, undefined, undefined, { context: 3 }).replace(/^=+\n/m, ''))
    .join('');
}

/** Writes the edits that change something under `root`. @returns the paths written */
export async function writeVersionEdits(edits: readonly VersionFileEdit[], root: string): Promise<string[]> {
  const changed = edits.filter((edit) => edit.after !== edit.before);
  for (const edit of changed) await writeFile(path.resolve(root, edit.path), edit.after, 'utf8');
  return changed.map((edit) => edit.path);
}
