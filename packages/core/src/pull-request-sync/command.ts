/**
 * Whether `name` is a valid branch name, by the rules of git-check-ref-format(1) for
 * `refs/heads/<name>` (with `--branch`): no ASCII control character, space, `~`, `^`, `:`, `?`,
 * `*`, `[` or `\`; no `..`, `@{`, `//`; no component starting with `.` or ending with `.lock`;
 * not `@`, not starting with `-` or `/`, not ending with `/` or `.`. Branch names come from
 * comments and forks: a name that passes holds nothing git or a shell argument could misread.
 */
export function isValidBranchName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are what git refuses
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name) || name.includes('..') || name.includes('@{') || name.includes('//')) return false;
  return name.split('/').every((component) => !component.startsWith('.') && !component.endsWith('.lock'));
}

/** What a comment asks of the action. */
export type SyncCommand =
  /** The comment is not addressed to this action: its first word does not start with the command. */
  | { readonly kind: 'not-a-command' }
  /** It starts like the command but is not a valid use of it (`/synchronise`, `/sync a b`, `/sync ..`). */
  | { readonly kind: 'unknown'; readonly word: string; readonly problem: string }
  /** `/sync`, or `/sync <branch>`: merge `branch` (default: the pull request's base) into the head branch. */
  | { readonly kind: 'sync'; readonly branch?: string };

/**
 * Parses a pull request comment: its first line, trimmed, split on white space. The first word
 * must be exactly `command`; at most one argument follows, a branch name ({@link isValidBranchName}).
 * The lines after the first are free text, left alone.
 *
 * @param body the comment's body (untrusted)
 * @param command the command word, e.g. `/sync`
 */
export function parseSyncCommand(body: string, command: string): SyncCommand {
  const words = (body.split(/\r?\n/, 1)[0] ?? '').trim().split(/\s+/);
  const [word = '', ...args] = words;
  if (!word.startsWith(command)) return { kind: 'not-a-command' };
  if (word !== command) return { kind: 'unknown', word, problem: `unknown command` };
  if (args.length > 1) return { kind: 'unknown', word: words.join(' '), problem: 'takes at most one argument, the upstream branch' };
  const [branch] = args;
  if (branch === undefined) return { kind: 'sync' };
  if (!isValidBranchName(branch)) return { kind: 'unknown', word: words.join(' '), problem: 'names no valid branch' };
  return { kind: 'sync', branch };
}
