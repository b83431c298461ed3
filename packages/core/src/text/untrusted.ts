/**
 * Neutralising untrusted text: pull request titles and bodies, comment
 * bodies, check names, branch names, file contents. In Markdown (comments,
 * job summaries) it must not mention anyone, show an image, link anywhere,
 * open an HTML comment that hides what follows, or break a table; in the log
 * it must stay on one line and never start a workflow command (`::…::`).
 */

const ZERO_WIDTH_JOINER = '\u200d';

/**
 * Untrusted text for the log: one line, with CR, LF and every other control
 * character written as an escape (`\n`, `\r`, `\t`, `\u001b`), and `::`
 * broken by a zero-width joiner so that no workflow command can start from it.
 * Backslashes are doubled, so that an escape seen is an escape made here.
 */
export function logValue(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/\r/g, '\\r')
      .replace(/\n/g, '\\n')
      .replace(/\t/g, '\\t')
      // eslint-disable-next-line no-control-regex -- control characters are what this escapes
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/::/g, `:${ZERO_WIDTH_JOINER}:`)
  );
}

/**
 * Untrusted text as a Markdown code span (CommonMark §6.1): inert, since
 * nothing inside a code span is a mention, a link, an image or HTML. Line
 * breaks become `↵`; the fence is one backtick longer than the longest run of
 * backticks in the text. In a table cell (`inTable`), `|` is written `\|`,
 * which GitHub's table syntax turns back into `|` (GFM §4.10).
 */
export function markdownCode(text: string, options: { inTable?: boolean } = {}): string {
  let body = text.replace(/\r\n|\r|\n/g, '↵');
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') || body === '' ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * Untrusted text as inert Markdown prose (a pull request title in a heading,
 * a detail in a table): every ASCII punctuation character backslash-escaped
 * (CommonMark §2.4), `<`, `>` and `&` as character references (no HTML, no
 * `<!--`), `@` and `#` followed by a zero-width joiner (no mention, no issue
 * reference), URL schemes and `www.` broken by one (no autolink), and line
 * breaks as spaces. It reads the same; it does nothing.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[!"#$%'()*+,\-./:;=?[\\\]^_`{|}~]/g, (char) => `\\${char}`)
    .replace(/[&<>]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char]!)
    .replace(/@/g, `@${ZERO_WIDTH_JOINER}`)
    .replace(/\\#/g, `\\#${ZERO_WIDTH_JOINER}`)
    .replace(/([a-zA-Z][a-zA-Z0-9+.-]*)\\:/g, `$1${ZERO_WIDTH_JOINER}\\:`)
    .replace(/\b(www)\\\./gi, `$1${ZERO_WIDTH_JOINER}\\.`);
}
