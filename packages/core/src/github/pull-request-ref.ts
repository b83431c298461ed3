import { InputError } from '../action/errors.js';

/** A pull request named by its number, or by a commit: its head commit, or its merge commit once merged. */
export type PullRequestRef = { readonly number: number } | { readonly commit: string };

/** A reference read from an input, and the repository (`owner/name`) it names, if it names one. */
export interface ParsedPullRequestRef {
  readonly ref: PullRequestRef;
  readonly repository?: string;
}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/**
 * Checks an `owner/name` repository (GitHub's rules: an owner of letters,
 * digits and hyphens; a name of letters, digits, `.`, `_`, `-`).
 * @throws InputError naming `input`
 */
export function parseRepositoryName(input: string, value: string): { owner: string; repo: string } {
  if (!REPOSITORY.test(value) || value.endsWith('/.') || value.endsWith('/..'))
    throw new InputError(input, `must be a repository as owner/name, e.g. ThePorgs/Exegol-images, got "${value}"`);
  const [owner, repo] = value.split('/') as [string, string];
  return { owner, repo };
}

function fromUrl(text: string): ParsedPullRequestRef | undefined {
  const match = /^https?:\/\/[^/]+\/(?:api\/v3\/)?(?:repos\/)?([^/]+)\/([^/]+)\/pulls?\/(\d+)(?:[/?#].*)?$/.exec(text);
  return match ? { ref: { number: Number(match[3]) }, repository: `${match[1]}/${match[2]}` } : undefined;
}

function fromObject(input: string, value: Record<string, unknown>): ParsedPullRequestRef {
  const number = value['number'];
  const base = value['base'] as { repo?: { full_name?: unknown } } | undefined;
  const repository = typeof base?.repo?.full_name === 'string' ? base.repo.full_name : undefined;
  if (typeof number === 'number' || typeof number === 'string') {
    const parsed = parsePullRequestRef(input, String(number));
    return { ref: parsed.ref, ...(repository ? { repository } : {}) };
  }
  for (const key of ['html_url', 'url']) if (typeof value[key] === 'string') return parsePullRequestRef(input, value[key]);
  if (typeof value['sha'] === 'string') return parsePullRequestRef(input, value['sha']);
  throw new InputError(input, `is an object without "number", "html_url", "url" or "sha": ${JSON.stringify(value).slice(0, 200)}`);
}

/**
 * Reads a pull request reference in any form a workflow expression gives it:
 * `42`, `#42`, a pull request's web or API URL
 * (`https://github.com/OWNER/REPO/pull/42`, `https://api.github.com/repos/OWNER/REPO/pulls/42`),
 * a JSON object holding `number` (e.g. `toJSON(github.event.pull_request)`, or a
 * `repository_dispatch` client payload), or a full 40-hex commit SHA.
 *
 * @throws InputError naming `input`; for `Object` or `Array` (what the runner
 *   writes for an object or array put in an input without `toJSON`), an error saying so
 */
export function parsePullRequestRef(input: string, value: string): ParsedPullRequestRef {
  const text = value.trim();
  if (/^#?\d+$/.test(text)) {
    const number = Number(text.replace('#', ''));
    if (number < 1 || !Number.isSafeInteger(number)) throw new InputError(input, `must be a pull request number from 1, got "${text}"`);
    return { ref: { number } };
  }
  if (/^[0-9a-f]{40}$/i.test(text)) return { ref: { commit: text.toLowerCase() } };
  const url = fromUrl(text);
  if (url) return url;
  if (text === 'Object' || text === 'Array')
    throw new InputError(input, `is "${text}": the expression gave an ${text.toLowerCase()}; pass toJSON(…) of it, or its number`);
  if (text.startsWith('{') || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InputError(input, `is not valid JSON: ${text.slice(0, 200)}`);
    }
    if (typeof parsed === 'string') return parsePullRequestRef(input, parsed);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return fromObject(input, parsed as Record<string, unknown>);
  }
  throw new InputError(input, `must be a pull request number, #number, URL, JSON object with "number", or a 40-hex commit SHA, got "${text.slice(0, 200)}"`);
}
