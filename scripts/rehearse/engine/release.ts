// A release written as a sequence of events in a repository: each maintainer's act (a push, a pull
// request opened, a review, a merge) becomes the webhook events GitHub sends for it, and every workflow
// whose `on:` matches runs (engine/runner.ts). Pushes the workflows make with their GITHUB_TOKEN are
// seen too (the repository's refs before and after each run) and start nothing, as on GitHub. After each
// event the release states which jobs it expects to end how; any other end stops the rehearsal with a
// message naming the workflow and the job.
import path from 'node:path';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import type { PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import type { Maintainer } from '../github.js';
import { COUNT } from './expressions.js';
import type { WebhookEvent } from './events.js';
import { defaultBranchOf, pushPayload, repositoryPayload, reviewPayload, senderPayload, simplePullRequest } from './payloads.js';
import type { RehearsedRepository, Result, WorkflowRunEnd, WorkflowRunner } from './runner.js';

/** A hosted repository the release acts in: its bare repository too, to see its pushes. */
export interface ReleaseRepository extends RehearsedRepository {
  readonly bare: string;
}

/** `file › job` (a called workflow's job as `file › caller › job`) → the result the release expects. */
export type Expectations = Record<string, Result>;

function refs(bare: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of git(bare, 'for-each-ref', '--format=%(refname) %(objectname)').split('\n').filter(Boolean)) {
    const [ref, sha] = line.split(' ') as [string, string];
    out.set(ref, sha);
  }
  return out;
}

const ZERO = '0'.repeat(40);

export class Release {
  constructor(
    private readonly runner: WorkflowRunner,
    private readonly repository: ReleaseRepository,
  ) {}

  /** The pull_request event of `action` on `pull`, as GitHub sends it, by `sender`. */
  pullRequestEvent(action: string, pull: PullRequest, sender: Maintainer, extra: Record<string, unknown> = {}): WebhookEvent {
    return {
      name: 'pull_request',
      payload: {
        action,
        number: pull.number,
        pull_request: pull as unknown as Record<string, unknown>,
        repository: repositoryPayload(this.repository.fullName, defaultBranchOf(this.repository.bare)),
        sender: senderPayload(sender.login),
        ...extra,
      },
    };
  }

  /** The pull_request_review event `submitted` of an approval by `sender`. */
  reviewEvent(pull: PullRequest, sender: Maintainer, review: { state: string; commit_id: string }): WebhookEvent {
    return {
      name: 'pull_request_review',
      payload: {
        action: 'submitted',
        review: reviewPayload(review, pull, sender.login),
        pull_request: simplePullRequest(pull),
        repository: repositoryPayload(this.repository.fullName, defaultBranchOf(this.repository.bare)),
        sender: senderPayload(sender.login),
      },
    };
  }

  /** Runs the workflows `event` starts, then checks `expect`. @returns the runs */
  async event(event: WebhookEvent, title: string, expect: Expectations = {}): Promise<WorkflowRunEnd[]> {
    const before = refs(this.repository.bare);
    const ends = await this.runner.dispatch(this.repository, event, title);
    this.check(ends, expect, title);
    // Pushes the runs made with their GITHUB_TOKEN: events that start no workflow.
    await this.pushes(before, undefined, true);
    return ends;
  }

  /** Runs `work` (a maintainer's pushes), then the push events it caused, by `who`. */
  async pushedBy<T>(who: Maintainer, work: () => Promise<T>, expect: Expectations = {}, collect?: WorkflowRunEnd[]): Promise<T> {
    const before = refs(this.repository.bare);
    const value = await work();
    const ends = await this.pushes(before, who, false);
    collect?.push(...ends);
    this.check(ends, expect, `pushes by ${who.login}`);
    return value;
  }

  private async pushes(before: Map<string, string>, who: Maintainer | undefined, byGithubToken: boolean): Promise<WorkflowRunEnd[]> {
    const after = refs(this.repository.bare);
    const ends: WorkflowRunEnd[] = [];
    for (const [ref, sha] of after) {
      if (before.get(ref) === sha || ref.startsWith('refs/pull/')) continue;
      const event: WebhookEvent = {
        name: 'push',
        byGithubToken,
        payload: pushPayload(this.repository.bare, this.repository.fullName, {
          ref,
          before: before.get(ref) ?? ZERO,
          after: sha,
          login: who?.login ?? 'github-actions[bot]',
        }),
        changedFiles: before.has(ref) ? git(this.repository.bare, 'diff', '--name-only', before.get(ref)!, sha).split('\n').filter(Boolean) : [],
      };
      ends.push(
        ...(await this.runner.dispatch(
          this.repository,
          event,
          `${ref.replace(/^refs\/(heads|tags)\//, '')} pushed${byGithubToken ? ' by a GITHUB_TOKEN' : ` by ${who?.login ?? ''}`}`,
        )),
      );
    }
    // What those runs pushed with their GITHUB_TOKEN: events too, which start no workflow.
    if (ends.length) await this.pushes(after, undefined, true);
    return ends;
  }

  /**
   * Every job named in `expect` ended as expected, and no other job failed.
   * @throws Error naming the workflow and the job that did not
   */
  private check(ends: WorkflowRunEnd[], expect: Expectations, title: string): void {
    const results = new Map<string, Result>();
    for (const end of ends) for (const [job, result] of end.jobs) results.set(job, result);
    const problems: string[] = [];
    for (const [job, wanted] of Object.entries(expect)) {
      const got = results.get(job);
      if (got !== wanted) problems.push(`${job}: ${got ?? 'did not run (no workflow started for it)'}, expected ${wanted}`);
    }
    for (const [job, result] of results)
      if (result === 'failure' && expect[job] !== 'failure') {
        const failures = ends.flatMap((end) => end.failures).filter((failure) => failure.includes(path.basename(job.split(' › ')[0]!)));
        problems.push(`${job}: failed${failures.length ? ` (${failures.join('; ')})` : ''}`);
      }
    if (problems.length) throw new Error(`after ${title}: ${problems.join(' | ')}`);
  }
}

/** `N if: conditions and M expressions evaluated with GitHub's evaluator` since the last call. */
export function evaluationSummary(): string {
  const { conditions, expressions } = COUNT.reset();
  return `${conditions} if: conditions and ${expressions} expressions evaluated with GitHub's evaluator (@actions/expressions)`;
}
