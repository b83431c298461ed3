import { readFileSync } from 'node:fs';
import { readRunnerContext, type RunnerContext } from '../action/context.js';

/**
 * The pull request number of the event that started the workflow
 * (`pull_request`, `pull_request_target`, `pull_request_review`, … payloads
 * hold `pull_request.number`; `issue_comment` on a pull request holds `issue.number`).
 * Reads GITHUB_EVENT_PATH, the webhook payload the runner saved.
 *
 * @returns the number, or undefined when the event has none
 */
export function eventPullRequestNumber(eventPath = readRunnerContext().eventPath): number | undefined {
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
export function currentRepository(context: RunnerContext = readRunnerContext()): { owner: string; repo: string } {
  const [owner, repo, ...rest] = (context.repository ?? '').split('/');
  if (!owner || !repo || rest.length) throw new Error(`GITHUB_REPOSITORY is "${context.repository ?? ''}", not owner/name`);
  return { owner, repo };
}
