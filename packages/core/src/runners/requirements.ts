import { InputError } from '../action/errors.js';

/**
 * One group of runners a workflow needs: the labels of one `runs-on:` (every one required, as
 * GitHub assigns a job only to a runner that has all of its labels) and how many runners with
 * those labels must be online.
 */
export interface RunnerGroup {
  /** The labels as written, duplicates (case-insensitive) left out, e.g. `['self-hosted', 'tester', 'ARM64']`. */
  readonly labels: readonly string[];
  /** The least number of online runners with every label; 1 unless the line ends with ` x<N>`. */
  readonly minimum: number;
  /** The labels joined by `, `, as messages and the summary name the group. */
  readonly name: string;
}

/** The longest `x<N>`: more runners than one repository or organization may register (GitHub's limit is 10,000 a runner group). */
const MAX_MINIMUM = 10_000;

/**
 * A label as GitHub's runner application accepts it (`config.sh --labels`, split at commas): not
 * empty, and no whitespace or control character, which the runner's own label validation refuses.
 */
const LABEL = /^[^\s,\p{Cc}]+$/u;

/**
 * Parses the `require` input: one group a line, `label, label, label` optionally followed by
 * ` x<N>` (N ≥ 1, at least N online runners with every label). Labels are compared
 * case-insensitively, as GitHub compares them ("Labels are case-insensitive": GitHub Docs, "Using
 * labels with self-hosted runners"); a label repeated in one line counts once.
 *
 * @param lines the input's lines, trimmed, blank ones left out (`readList`)
 * @param input the input's name, for errors
 * @returns one group a line, in order
 * @throws InputError naming the input and the line, for no line at all, an empty label, a label
 *   holding whitespace, an `x0`, or the same group twice
 */
export function parseRunnerGroups(lines: readonly string[], input = 'require'): RunnerGroup[] {
  if (lines.length === 0) throw new InputError(input, 'is empty: give one group a line, e.g. "self-hosted, builder, AMD64" or "self-hosted, tester, ARM64 x2"');
  const groups: RunnerGroup[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const count = /^(.*?)\s+x(\d+)$/i.exec(line);
    const labelText = count ? count[1]! : line;
    const minimum = count ? Number(count[2]) : 1;
    if (count && (minimum < 1 || minimum > MAX_MINIMUM))
      throw new InputError(input, `line "${line}" asks for x${count[2]}: the number of runners must be from 1 to ${MAX_MINIMUM}`);
    const labels: string[] = [];
    for (const raw of labelText.split(',')) {
      const label = raw.trim();
      if (!label) throw new InputError(input, `line "${line}" has an empty label: separate the labels with single commas`);
      if (!LABEL.test(label))
        throw new InputError(
          input,
          `line "${line}" has the label "${label}", which holds whitespace: separate labels with commas, and write the count as " x<N>" at the end`,
        );
      if (!labels.some((known) => sameLabel(known, label))) labels.push(label);
    }
    const key = labels
      .map((label) => label.toLowerCase())
      .sort()
      .join(',');
    if (seen.has(key)) throw new InputError(input, `lists the group "${labels.join(', ')}" twice: give it once, with " x<N>" for several runners`);
    seen.add(key);
    groups.push({ labels, minimum, name: labels.join(', ') });
  }
  return groups;
}

/** Whether two labels are the same label to GitHub: compared case-insensitively (ASCII and Unicode lower case). */
export function sameLabel(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
