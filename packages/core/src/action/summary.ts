import * as core from '@actions/core';

/** Escapes text for the job summary, which GitHub renders as HTML-flavoured Markdown. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Appends a heading and a table to the job summary buffer (GITHUB_STEP_SUMMARY).
 * Cells are plain text and are escaped; nothing is written until {@link writeSummary}.
 *
 * @param heading the table's title (an h3)
 * @param header column titles
 * @param rows one array of cells a row, as long as `header`
 */
export function addSummaryTable(heading: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  core.summary
    .addHeading(escapeHtml(heading), 3)
    .addTable([header.map((data) => ({ data: escapeHtml(data), header: true })), ...rows.map((row) => row.map((cell) => escapeHtml(cell)))]);
}

/** Appends a paragraph of plain text to the job summary buffer. */
export function addSummaryText(text: string): void {
  core.summary.addRaw(`<p>${escapeHtml(text)}</p>`, true);
}

/** Appends a code block (e.g. a unified diff, language `diff`) to the job summary buffer. */
export function addSummaryCode(code: string, language?: string): void {
  core.summary.addCodeBlock(escapeHtml(code), language);
}

/**
 * Writes the job summary buffer to GITHUB_STEP_SUMMARY. Does nothing when the
 * variable is unset (a run outside GitHub's runner), so that tools and local
 * runs work without it.
 */
export async function writeSummary(): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return;
  await core.summary.write();
}
