import { logValue, markdownCode } from '../text/untrusted.js';

/** A piece of a rule's detail: our own words (a string), or a value quoted from elsewhere (`quoted`). */
export type DetailPart = string | { readonly quoted: string };

/** What a detail template takes: strings are quoted values, numbers and details are ours. */
export type DetailValue = string | number | Detail;

/**
 * A rule's detail: our own words around values quoted from a pull request,
 * a check, a file or an input (titles, check names, branch names, file text,
 * expressions). Each rendering neutralises the quoted values for where it goes.
 */
export class Detail {
  constructor(readonly parts: readonly DetailPart[]) {}

  /** As it is: for outputs (JSON-encoded) and the job summary (HTML-escaped there). */
  plain(): string {
    return this.parts.map((part) => (typeof part === 'string' ? part : part.quoted)).join('');
  }

  /**
   * For a Markdown table cell of a comment: each quoted value one inert code
   * span (no mention, link, image or HTML; `|` escaped), without the `"`
   * that surround it in the plain text.
   */
  markdown(): string {
    const parts = this.parts;
    return parts
      .map((part, index) => {
        if (typeof part !== 'string') return markdownCode(part.quoted, { inTable: true });
        let text = part.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
        if (text.endsWith('"') && typeof parts[index + 1] === 'object' && String(parts[index + 2] ?? '').startsWith('"')) text = text.slice(0, -1);
        if (text.startsWith('"') && typeof parts[index - 1] === 'object' && String(parts[index - 2] ?? '').endsWith('"')) text = text.slice(1);
        return text;
      })
      .join('');
  }

  /** For the log: each quoted value on one line, control characters escaped and `::` broken (logValue). */
  log(): string {
    return this.parts.map((part) => (typeof part === 'string' ? part : logValue(part.quoted))).join('');
  }
}

/**
 * Builds a detail from a template: the literal text is ours; every
 * interpolated string is a quoted value; numbers and details are ours.
 * e.g. detail`"${title}" does not match ${pattern}`
 */
export function detail(strings: TemplateStringsArray, ...values: DetailValue[]): Detail {
  const parts: DetailPart[] = [];
  strings.forEach((literal, index) => {
    if (literal) parts.push(literal);
    if (index >= values.length) return;
    const value = values[index]!;
    if (value instanceof Detail) parts.push(...value.parts);
    else if (typeof value === 'number') parts.push(String(value));
    else parts.push({ quoted: value });
  });
  return new Detail(parts);
}

/** Details one after the other, `separator` (ours) between them. */
export function joinDetails(items: readonly Detail[], separator: string): Detail {
  return new Detail(items.flatMap((item, index) => (index === 0 ? item.parts : [separator, ...item.parts])));
}
