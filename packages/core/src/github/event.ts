import { readFileSync } from 'node:fs';

/**
 * The pull request number of the event that started the workflow
 * (`pull_request`, `pull_request_target`, `pull_request_review`, … payloads
 * hold `pull_request.number`; `issue_comment` on a pull request holds `issue.number`).
 * Reads GITHUB_EVENT_PATH, the webhook payload the runner saved.
 *
 * @returns the number, or undefined when the event has none
 */
export function eventPullRequestNumber(eventPath = process.env['GITHUB_EVENT_PATH']): number | undefined {
  if (!eventPath) return undefined;
  let payload: { pull_request?: { number?: number }; issue?: { number?: number; pull_request?: unknown } };
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8')) as typeof payload;
  } catch {
    return undefined;
  }
  return payload.pull_request?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined);
}

/** The repository running the workflow (GITHUB_REPOSITORY, `owner/name`). @throws Error when unset or malformed */
export function currentRepository(): { owner: string; repo: string } {
  const [owner, repo, ...rest] = (process.env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo || rest.length) throw new Error(`GITHUB_REPOSITORY is "${process.env['GITHUB_REPOSITORY'] ?? ''}", not owner/name`);
  return { owner, repo };
}

/** The pushed tag's name when the workflow runs on a tag push (GITHUB_REF refs/tags/…), else empty. */
export function pushedTagName(): string {
  return process.env['GITHUB_REF_TYPE'] === 'tag' || process.env['GITHUB_REF']?.startsWith('refs/tags/') ? (process.env['GITHUB_REF_NAME'] ?? '') : '';
}
