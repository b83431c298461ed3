import { ActionError, InputError } from '../action/errors.js';
import { splitPathLine, type ResolvedVersionFile, type VersionFileEdit, type VersionFileSpec } from '../bump/version-files.js';
import { fillTemplate } from '../util/template.js';
import type { PythonVersion } from '../versions/python-version.js';

/** One rewrite of a line that is not a PEP 440 string (e.g. spawn.sh's `# Spawn Version:2b` → `# Spawn Version:2`). */
export interface RewritePattern {
  /** The path as the user wrote it, relative to the working tree's top. */
  readonly path: string;
  /** Tried against each line alone (no `g` flag: one replacement a line). */
  readonly expression: RegExp;
  /** JavaScript replacement syntax (`$1`, `$<name>`, `$$`), with `{version}`, `{major}`, `{minor}`, `{patch}` filled first. */
  readonly replacement: string;
}

const SEPARATOR = ' = ';

/**
 * Parses the `patterns` input: one rewrite a line, `<path>: <regular expression> = <replacement>`.
 * The path ends at the first colon followed by white space (as in `files`), the expression at the
 * first ` = ` after it: write a literal ` = ` inside the expression as ` \= `.
 *
 * @throws InputError naming `input` for a line without a path, an expression or a replacement, an expression that does not compile, or a placeholder other than {version}, {major}, {minor}, {patch}
 */
export function parseRewritePatterns(lines: readonly string[], input: string): RewritePattern[] {
  return lines.map((line) => {
    const { path, expression: rest } = splitPathLine(line);
    const separator = rest?.indexOf(SEPARATOR) ?? -1;
    if (!path || rest === undefined || separator <= 0)
      throw new InputError(input, `has a line that is not \`<path>: <regular expression> = <replacement>\`: ${line}`);
    const source = rest.slice(0, separator);
    const replacement = rest.slice(separator + SEPARATOR.length).trim();
    let expression: RegExp;
    try {
      expression = new RegExp(source);
    } catch (error) {
      throw new InputError(input, `has an expression that does not compile for ${path}: ${(error as Error).message}`);
    }
    fillTemplate(replacement, placeholderValues(undefined), input);
    return { path, expression, replacement };
  });
}

function placeholderValues(version: PythonVersion | undefined): Record<string, string> {
  const [major = 0n, minor = 0n, patch = 0n] = version?.release ?? [];
  return { version: version?.text ?? '', major: String(major), minor: String(minor), patch: String(patch) };
}

/** The spec resolveVersionFiles needs to resolve a pattern's path (symbolic links, inside the working tree). */
export function patternFileSpec(pattern: RewritePattern): VersionFileSpec {
  return { path: pattern.path, pattern: pattern.expression };
}

/**
 * Applies the patterns of one file to `content` (the file as read, or as the version edits left
 * it): each pattern must match exactly one line, which it rewrites (`String.prototype.replace`
 * on that line). Nothing is written here.
 *
 * @throws ActionError naming the file and the expression when it matches no line or several
 */
export function applyRewritePatterns(content: string, patterns: readonly RewritePattern[], version: PythonVersion): string {
  const lines = content.split('\n');
  for (const pattern of patterns) {
    const matching = lines.flatMap((line, index) => (pattern.expression.test(line.replace(/\r$/, '')) ? [index] : []));
    if (matching.length !== 1)
      throw new ActionError(
        `pattern ${pattern.expression.source} for ${pattern.path} matches ${matching.length === 0 ? 'no line' : `${matching.length} lines (${matching.map((index) => index + 1).join(', ')})`}; it must match exactly one, so nothing was written`,
      );
    const index = matching[0]!;
    const line = lines[index]!;
    const ending = line.endsWith('\r') ? '\r' : '';
    const replacement = fillTemplate(pattern.replacement, placeholderValues(version), 'patterns');
    lines[index] = line.slice(0, line.length - ending.length).replace(pattern.expression, replacement) + ending;
  }
  return lines.join('\n');
}

/**
 * The edits of the version files followed by the patterns: a file both holds is edited once,
 * patterns applied to what the version edit wrote.
 *
 * @param read reads a pattern's file that is not a version file
 */
export async function withPatternEdits(
  edits: readonly VersionFileEdit[],
  patterns: readonly { readonly pattern: RewritePattern; readonly location: ResolvedVersionFile }[],
  version: PythonVersion,
  read: (location: ResolvedVersionFile) => Promise<string>,
): Promise<VersionFileEdit[]> {
  const byPath = new Map(edits.map((edit) => [edit.location.absolutePath, edit]));
  const order = edits.map((edit) => edit.location.absolutePath);
  const grouped = new Map<string, { location: ResolvedVersionFile; patterns: RewritePattern[] }>();
  for (const { pattern, location } of patterns) {
    const group = grouped.get(location.absolutePath) ?? { location, patterns: [] };
    group.patterns.push(pattern);
    grouped.set(location.absolutePath, group);
  }
  for (const [absolutePath, group] of grouped) {
    const existing = byPath.get(absolutePath);
    const before = existing?.before ?? (await read(group.location));
    const after = applyRewritePatterns(existing?.after ?? before, group.patterns, version);
    byPath.set(absolutePath, { path: existing?.path ?? group.location.spec.path, location: existing?.location ?? group.location, before, after });
    if (!existing) order.push(absolutePath);
  }
  return order.map((absolutePath) => byPath.get(absolutePath)!);
}
