// A release written as a sequence of events in a repository: each maintainer's act (a dispatch, a push, a
// review, a tick) becomes the webhook events GitHub sends for it, and every workflow whose `on:` matches
// runs (engine/runner.ts). What the runs do is seen too: the repository's refs before and after each run
// (each push attributed to the account that pushed it, from the bare repository's reflog: git
// http-backend records REMOTE_USER as the reflog's identity), and the pull requests they open. GitHub's
// rule decides which of those start workflows ("Triggering a workflow from a workflow"): none caused by a
// job's GITHUB_TOKEN, but those of a GitHub App's installation token (its bot, `<slug>[bot]`) or of a
// person. After every event, auto-merge is evaluated as GitHub does on each review and completed check
// (packages/testbed/src/stand-ins/github-api-auto-merge.ts): a pull request whose requirements are met
// is merged as the account that enabled auto-merge, and its push and `closed` event follow. After each
// event the release states which jobs it expects to end how, and whether auto-merge must merge then; any
// other end (an unexpected merge included) stops the rehearsal with a message naming what differed.
import path from 'node:path';
import { git, gitOutcome, refsFingerprint } from '@exegol-release/testbed/fixtures/git.js';
import { GITHUB_ACTIONS_BOT, type PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import type { AutoMerged } from '@exegol-release/testbed/stand-ins/github-api-auto-merge.js';
import type { GitHub } from '../github.js';
import { COUNT } from './expressions.js';
import { workflowDispatchEvent, type WebhookEvent } from './events.js';
import { defaultBranchOf, pushPayload, repositoryPayload, reviewPayload, senderPayload, simplePullRequest } from './payloads.js';
import { loadWorkflow } from './workflows.js';
import type { RehearsedRepository, Result, WorkflowRunEnd, WorkflowRunner } from './runner.js';

/** A hosted repository the release acts in: its bare repository too, to see its pushes. */
export interface ReleaseRepository extends RehearsedRepository {
  readonly bare: string;
}

/**
 * `file › job` (a called workflow's job as `file › caller › job`) → the result the release expects; a step's
 * outcome as `file › job › <step id>` (`skipped`: its if: was false).
 */
export type Expectations = Record<string, Result>;

/** Who causes an event: a maintainer, or an App's bot. */
export interface Actor {
  readonly login: string;
}

/** What auto-merge must do after an event: merge (then the jobs its push and `closed` event start end as `expect`). */
export interface MergeExpectation {
  readonly expect: Expectations;
}

/** The last refs read from each bare repository, with the fingerprint of its ref files then. */
const refsRead = new Map<string, { fingerprint: string; refs: ReadonlyMap<string, string> }>();

/** Every ref of the bare repository and its object (`git for-each-ref`), read again only once a ref file changed. */
function refs(bare: string): Map<string, string> {
  const fingerprint = refsFingerprint(bare);
  const read = refsRead.get(bare);
  if (read?.fingerprint === fingerprint) return new Map(read.refs);
  const out = new Map<string, string>();
  for (const line of git(bare, 'for-each-ref', '--format=%(refname) %(objectname)').split('\n').filter(Boolean)) {
    const [ref, sha] = line.split(' ') as [string, string];
    out.set(ref, sha);
  }
  refsRead.set(bare, { fingerprint, refs: new Map(out) });
  return out;
}

const ZERO = '0'.repeat(40);

export class Release {
  /** The merges auto-merge made during the release, in order. */
  readonly merges: AutoMerged[] = [];

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly repository: ReleaseRepository,
    private readonly github: GitHub,
  ) {
    // Every ref update logged, tags included, with the pusher (git http-backend's REMOTE_USER) as identity.
    git(repository.bare, 'config', 'core.logAllRefUpdates', 'always');
  }

  /** The pull_request event of `action` on `pull`, as GitHub sends it, by `sender`. */
  pullRequestEvent(action: string, pull: PullRequest, sender: Actor, extra: Record<string, unknown> = {}): WebhookEvent {
    return {
      name: 'pull_request',
      // A pull request a job's GITHUB_TOKEN opened or edited starts no workflow.
      ...(sender.login === GITHUB_ACTIONS_BOT.login ? { byGithubToken: true } : {}),
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

  /**
   * The workflow_dispatch event of `file` (relative to workflows-examples/) on branch `ref`, by `sender`,
   * with `inputs` as the form sends them (workflowDispatchEvent checks and types them).
   */
  async dispatchEvent(file: string, ref: string, inputs: Record<string, string>, sender: Actor): Promise<WebhookEvent> {
    const workflow = await loadWorkflow(file);
    return workflowDispatchEvent(workflow.template.events['workflow_dispatch'] as Parameters<typeof workflowDispatchEvent>[0], {
      workflowPath: workflow.path,
      ref: `refs/heads/${ref}`,
      sha: git(this.repository.bare, 'rev-parse', '--verify', `refs/heads/${ref}^{commit}`),
      inputs,
      repository: repositoryPayload(this.repository.fullName, defaultBranchOf(this.repository.bare)),
      sender: senderPayload(sender.login),
    });
  }

  /** The pull_request_review event `submitted` of an approval by `sender`. */
  reviewEvent(pull: PullRequest, sender: Actor, review: { state: string; commit_id: string }): WebhookEvent {
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

  /**
   * Runs the workflows `event` starts and the events their runs cause (pushes, pull requests opened),
   * checks `expect` against every job of those runs, then evaluates auto-merge: with `merge`, it must
   * merge now, and the jobs its push and `closed` event start must end as `merge.expect`; without, it
   * must not merge. @returns every run, the merge's included
   */
  async event(event: WebhookEvent, title: string, expect: Expectations = {}, merge?: MergeExpectation): Promise<WorkflowRunEnd[]> {
    const before = refs(this.repository.bare);
    const pulls = this.pullNumbers();
    const ends = await this.runner.dispatch(this.repository, event, title);
    ends.push(...(await this.effects(before, pulls)));
    this.check(ends, expect, title);
    ends.push(...(await this.autoMerge(title, merge)));
    return ends;
  }

  /** Runs `work` (a maintainer's pushes), then the push events it caused, by `who`. */
  async pushedBy<T>(who: Actor, work: () => Promise<T>, expect: Expectations = {}, collect?: WorkflowRunEnd[]): Promise<T> {
    const before = refs(this.repository.bare);
    const value = await work();
    const ends = await this.pushes(before, who);
    collect?.push(...ends);
    this.check(ends, expect, `pushes by ${who.login}`);
    collect?.push(...(await this.autoMerge(`pushes by ${who.login}`)));
    return value;
  }

  /** The open pull requests' numbers. */
  private pullNumbers(): Set<number> {
    return new Set([...this.github.api.repository(this.repository.fullName).pulls.keys()]);
  }

  /** The events the runs caused since `before` and `pulls`: their pushes, then the pull requests they opened; and what those start. */
  private async effects(before: Map<string, string>, pulls: Set<number>): Promise<WorkflowRunEnd[]> {
    const ends = await this.pushes(before);
    for (const number of this.pullNumbers()) {
      if (pulls.has(number)) continue;
      const pull = this.github.pull(this.repository.fullName, number);
      const opener = { login: pull.user?.login ?? GITHUB_ACTIONS_BOT.login };
      const afterPush = refs(this.repository.bare);
      const known = this.pullNumbers();
      ends.push(...(await this.runner.dispatch(this.repository, this.pullRequestEvent('opened', pull, opener), `#${number} opened by ${opener.login}`)));
      ends.push(...(await this.effects(afterPush, known)));
    }
    return ends;
  }

  /**
   * Auto-merge evaluated as GitHub does after each review and completed check; each evaluation of a
   * pull request with auto-merge enabled printed. A merge is then the base branch's push and the
   * `closed` event, both by the account that enabled auto-merge.
   * @throws Error when it merges and `merge` is unset (too early), or does not and `merge` is set
   */
  private async autoMerge(title: string, merge?: MergeExpectation): Promise<WorkflowRunEnd[]> {
    const { autoMerge } = this.github;
    const repository = this.repository.fullName;
    const before = refs(this.repository.bare);
    const waiting = [...this.github.api.repository(repository).pulls.values()].filter((pull) => pull.state === 'open' && pull.auto_merge);
    const merged = await autoMerge.run(repository);
    for (const pull of waiting) {
      const evaluation = autoMerge.evaluations.filter((entry) => entry.repository === repository && entry.number === pull.number).at(-1);
      if (evaluation)
        this.runner.log.line(
          `auto-merge of #${pull.number} (enabled by ${pull.auto_merge!.enabled_by?.login ?? '?'}): ${
            evaluation.met ? 'every requirement met: merged' : `waiting: ${evaluation.missing.join('; ')}`
          }`,
        );
    }
    if (merged.length && !merge)
      throw new Error(`after ${title}: auto-merge merged #${merged.map((entry) => entry.number).join(', #')}, before the release expected it`);
    if (!merged.length && merge)
      throw new Error(
        `after ${title}: auto-merge did not merge (${waiting.length ? autoMerge.evaluations.at(-1)!.missing.join('; ') : 'no open pull request has auto-merge enabled'})`,
      );
    const ends: WorkflowRunEnd[] = [];
    for (const entry of merged) {
      this.merges.push(entry);
      const by = { login: entry.by };
      const mergeTitle = `#${entry.number} merged by ${entry.by} (auto-merge)`;
      const caused = await this.pushes(before, by);
      const afterPush = refs(this.repository.bare);
      const pulls = this.pullNumbers();
      caused.push(
        ...(await this.runner.dispatch(this.repository, this.pullRequestEvent('closed', this.github.pull(repository, entry.number), by), mergeTitle)),
      );
      // What the runs of the merge did (the release workflow's tag and branch pushes, with its GITHUB_TOKEN).
      caused.push(...(await this.effects(afterPush, pulls)));
      this.check(caused, merge!.expect, mergeTitle);
      ends.push(...caused);
    }
    return ends;
  }

  /** Who pushed `ref` last: the reflog's identity (git http-backend's REMOTE_USER, the token's account); undefined when unknown. */
  private pusherOf(ref: string): string | undefined {
    const outcome = gitOutcome(this.repository.bare, {}, 'reflog', 'show', '-n', '1', '--format=%gn', ref, '--');
    return outcome.status === 0 ? outcome.stdout.trim() || undefined : undefined;
  }

  /**
   * The push events of the refs changed since `before`, by `who`, or else by whoever the reflog names;
   * a push by a job's GITHUB_TOKEN (github-actions[bot], or an account the reflog does not name: a ref
   * GitHub wrote for a job's API call) starts no workflow. Then what those runs pushed, likewise.
   */
  private async pushes(before: Map<string, string>, who?: Actor): Promise<WorkflowRunEnd[]> {
    const after = refs(this.repository.bare);
    const ends: WorkflowRunEnd[] = [];
    for (const [ref, sha] of after) {
      if (before.get(ref) === sha || ref.startsWith('refs/pull/')) continue;
      const login = who?.login ?? this.pusherOf(ref);
      const known = login !== undefined && [...this.github.api.tokens.values()].some((identity) => identity.login === login);
      const byGithubToken = !known || login === GITHUB_ACTIONS_BOT.login;
      const pusher = byGithubToken ? GITHUB_ACTIONS_BOT.login : login!;
      const event: WebhookEvent = {
        name: 'push',
        byGithubToken,
        payload: pushPayload(this.repository.bare, this.repository.fullName, {
          ref,
          before: before.get(ref) ?? ZERO,
          after: sha,
          login: pusher,
        }),
        changedFiles: before.has(ref) ? git(this.repository.bare, 'diff', '--name-only', before.get(ref)!, sha).split('\n').filter(Boolean) : [],
      };
      ends.push(
        ...(await this.runner.dispatch(
          this.repository,
          event,
          `${ref.replace(/^refs\/(heads|tags)\//, '')} pushed${byGithubToken ? ' by a GITHUB_TOKEN' : ` by ${pusher}`}`,
        )),
      );
    }
    // What those runs pushed: events too, started or not by the same rule.
    if (ends.length) ends.push(...(await this.pushes(after)));
    return ends;
  }

  /**
   * Every job named in `expect` ended as expected, and no other job failed.
   * @throws Error naming the workflow and the job that did not
   */
  private check(ends: WorkflowRunEnd[], expect: Expectations, title: string): void {
    const results = new Map<string, Result>();
    const steps = new Map<string, Result>();
    for (const end of ends) for (const [job, result] of end.jobs) results.set(job, result);
    for (const end of ends) for (const [step, result] of end.steps) steps.set(step, result);
    const problems: string[] = [];
    for (const [job, wanted] of Object.entries(expect)) {
      const got = results.get(job) ?? steps.get(job);
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
