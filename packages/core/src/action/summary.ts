import * as core from '@actions/core';

/**
 * The job summary, through @actions/core's `core.summary`. GitHub renders it
 * as HTML-flavoured Markdown, and `core.summary` inserts text as it is given:
 * every helper here escapes its text first, so untrusted values stay text.
 */

/** Escapes text for the job summary (`&`, `<`, `>`, `"`, `'` as numeric character references). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Appends a heading (h3) and a table to the job summary buffer. Cells are plain text and are escaped.
 *
 * @param header column titles
 * @param rows one array of cells a row, as long as `header`
 */
export function addSummaryTable(heading: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  core.summary.addHeading(escapeHtml(heading), 3);
  core.summary.addTable([header.map((cell) => ({ data: escapeHtml(cell), header: true })), ...rows.map((row) => row.map((cell) => escapeHtml(cell)))]);
}

/** Appends a paragraph of plain text to the job summary buffer. */
export function addSummaryText(text: string): void {
  core.summary.addRaw(`<p>${escapeHtml(text)}</p>`, true);
}

/** Appends a code block (e.g. a unified diff, language `diff`) to the job summary buffer. */
export function addSummaryCode(code: string, language?: string): void {
  core.summary.addCodeBlock(escapeHtml(code), language === undefined ? undefined : escapeHtml(language)).addEOL();
}

/**
 * Appends the job summary buffer to the GITHUB_STEP_SUMMARY file and empties the buffer (`core.summary.write()`).
 *
 * @throws Error, as @actions/core does, when GITHUB_STEP_SUMMARY is unset or names a file that cannot be written
 */
export async function writeSummary(): Promise<void> {
  await core.summary.write();
}
