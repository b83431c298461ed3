import { markdownCode, markdownText } from '../text/untrusted.js';
import type { SubmoduleMove } from './submodules.js';

/** The first line of every description open-release-pr writes; `version="…"` says which release it is for. */
export const DESCRIPTION_MARKER = '<!-- exegol-release-actions:open-release-pr';
/** Where the part open-release-pr writes (and rewrites on each run) begins and ends; verify-release-pr's `checklist` rule reads the task items between them. */
export const BEGIN_MARKER = '<!-- open-release-pr:begin -->';
export const END_MARKER = '<!-- open-release-pr:end -->';
/** The heading the checklist items stand under, inside the written part. */
export const CHECKLIST_HEADING = '### Checklist';

/** What the description is made of. */
export interface DescriptionParts {
  readonly version: string;
  readonly previousTag?: string;
  /** GitHub's generated notes, as GitHub returned them (untrusted: other people's titles); undefined with `notes: none`. */
  readonly notes?: string;
  readonly submodules: readonly SubmoduleMove[];
  /** Task items, as the workflow gives them (trusted text, one line each). */
  readonly checklist: readonly string[];
  /** The description the pull request has now, when it is updated: ticks and the text after the written part are kept. */
  readonly current?: string;
}

/** The marker line for `version`. */
export function markerLine(version: string): string {
  return `${DESCRIPTION_MARKER} version="${version}" -->`;
}

/** The version a description's marker names, or undefined when the description was not written by open-release-pr. */
export function markedVersion(body: string | null | undefined): string | undefined {
  if (!body?.startsWith(DESCRIPTION_MARKER)) return undefined;
  return /^<!-- exegol-release-actions:open-release-pr version="([^"\n]*)" -->/.exec(body)?.[1] ?? '';
}

// GitHub's generated notes (REST "Generate release notes content for a release"): pull request lines
// `* <title> by @<login> in <url>`, first-contribution lines, category headings, the compare link.
const PULL_LINE = /^[*-] (.*) by @([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?) in (https:\/\/\S+\/pull\/\d+)$/;
const FIRST_LINE = /^[*-] @([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?) made their first contribution in (https:\/\/\S+\/pull\/\d+)$/;
const CHANGELOG_LINE = /^\*\*Full Changelog\*\*: (https:\/\/\S+\/(?:compare|commits)\/\S+)$/;
const HEADING = /^#{1,6} (.*)$/;

/** A URL GitHub wrote (a pull request, a compare view), as an autolink when it is a plain https URL, else as code. */
function link(url: string): string {
  return /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/[A-Za-z0-9._~%/+-]*(?:\.\.\.[A-Za-z0-9._~%/+-]*)?$/.test(url) ? `<${url}>` : markdownCode(url);
}

/**
 * GitHub's generated notes rewritten so that nothing from a pull request acts: titles and
 * headings through {@link markdownText} (no HTML, no mention, no link, no workflow command once
 * logged), logins written without a mention, GitHub's own links kept, any other line as inert text.
 * The notes' headings move below the description's own (`####`).
 */
export function neutraliseNotes(notes: string): string {
  return notes
    .split(/\r?\n/)
    .map((line) => {
      if (line.trim() === '') return '';
      let match: RegExpExecArray | null;
      if ((match = PULL_LINE.exec(line))) return `* ${markdownText(match[1]!)} by ${markdownText(`@${match[2]}`)} in ${link(match[3]!)}`;
      if ((match = FIRST_LINE.exec(line))) return `* ${markdownText(`@${match[1]}`)} made their first contribution in ${link(match[2]!)}`;
      if ((match = CHANGELOG_LINE.exec(line))) return `**Full Changelog**: ${link(match[1]!)}`;
      if ((match = HEADING.exec(line))) return `#### ${markdownText(match[1]!)}`;
      return markdownText(line);
    })
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The task items ticked in a description's written part, by their text. */
function tickedItems(body: string | undefined): Set<string> {
  const ticked = new Set<string>();
  const part = body ? writtenPart(body) : undefined;
  for (const match of (part ?? '').matchAll(/^- \[[xX]\] (.*)$/gm)) ticked.add(match[1]!.trim());
  return ticked;
}

/** The text between the begin and end markers, or undefined when either is missing. */
export function writtenPart(body: string): string | undefined {
  const begin = body.indexOf(BEGIN_MARKER);
  const end = body.indexOf(END_MARKER, begin + BEGIN_MARKER.length);
  return begin === -1 || end === -1 ? undefined : body.slice(begin + BEGIN_MARKER.length, end);
}

/** What follows the written part in a description (the maintainers' own words), kept on each refresh. */
function tailOf(body: string | undefined): string {
  if (!body) return '';
  const end = body.indexOf(END_MARKER);
  return end === -1 ? '' : body.slice(end + END_MARKER.length);
}

/**
 * The pull request's description: the marker line, then between {@link BEGIN_MARKER} and
 * {@link END_MARKER} the generated notes under a heading, the submodule moves (old → new commit,
 * the commits between, subjects as inert text) and the checklist as task items (`- [ ] …`) under
 * {@link CHECKLIST_HEADING}. On a refresh, items already ticked stay ticked and whatever the
 * maintainers wrote after the end marker stays.
 */
export function buildDescription(parts: DescriptionParts): string {
  const lines: string[] = [markerLine(parts.version), BEGIN_MARKER, `## Release ${parts.version}`, ''];
  if (parts.notes !== undefined) {
    lines.push(`### Changes since ${parts.previousTag ?? 'the first commit'}`, '', neutraliseNotes(parts.notes) || '_No pull request merged since._', '');
  }
  if (parts.submodules.length > 0) {
    lines.push('### Submodules', '');
    for (const move of parts.submodules) {
      lines.push(
        `- ${markdownCode(move.path)} (${markdownCode(move.branch)}): ${markdownCode(move.from.slice(0, 12))} → ${markdownCode(move.to.slice(0, 12))}, ${move.count} commit${move.count === 1 ? '' : 's'}`,
      );
      for (const commit of move.commits) lines.push(`  - ${markdownCode(commit.sha.slice(0, 12))} ${markdownText(commit.subject)}`);
      if (move.count > move.commits.length) lines.push(`  - … and ${move.count - move.commits.length} more`);
    }
    lines.push('');
  }
  if (parts.checklist.length > 0) {
    const ticked = tickedItems(parts.current);
    lines.push(CHECKLIST_HEADING, '');
    for (const item of parts.checklist) {
      const text = item.replace(/\s+/g, ' ').trim();
      lines.push(`- [${ticked.has(text) ? 'x' : ' '}] ${text}`);
    }
    lines.push('');
  }
  lines.push(END_MARKER);
  const tail = tailOf(parts.current);
  return `${lines.join('\n')}${tail || '\n'}`;
}
