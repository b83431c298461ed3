import { appendFileSync, existsSync } from 'node:fs';

/** Escapes text for the job summary, which GitHub renders as HTML-flavoured Markdown. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

let buffer = '';

/**
 * Appends a heading and a table to the job summary buffer.
 * Cells are plain text and are escaped; nothing is written until {@link writeSummary}.
 *
 * @param heading the table's title (an h3)
 * @param header column titles
 * @param rows one array of cells a row, as long as `header`
 */
export function addSummaryTable(heading: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const headerRow = `<tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr>`;
  const bodyRows = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  buffer += `<h3>${escapeHtml(heading)}</h3>\n<table>${headerRow}${bodyRows}</table>\n`;
}

/** Appends a paragraph of plain text to the job summary buffer. */
export function addSummaryText(text: string): void {
  buffer += `<p>${escapeHtml(text)}</p>\n`;
}

/** Appends a code block (e.g. a unified diff, language `diff`) to the job summary buffer. */
export function addSummaryCode(code: string, language?: string): void {
  buffer += `<pre${language ? ` lang="${escapeHtml(language)}"` : ''}><code>${escapeHtml(code)}</code></pre>\n`;
}

/**
 * Appends the job summary buffer to the GITHUB_STEP_SUMMARY file and empties
 * the buffer. Does nothing when the variable is unset (a run outside GitHub's runner).
 *
 * @throws Error when the variable names a file that does not exist
 */
export function writeSummary(): void {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (!file) return;
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file} (GITHUB_STEP_SUMMARY)`);
  appendFileSync(file, buffer, 'utf8');
  buffer = '';
}
