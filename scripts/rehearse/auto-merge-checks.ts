// The end-state checks both releases share about how their release pull request was opened and merged:
// by the release App's token (so that its events started the pre-release workflows), merged by GitHub's
// auto-merge as the App that enabled it, only once the approval and the required gate were there; and
// the maintainers' acts, at most two (a dispatch and an approval).
import type { AutoMerged } from '@exegol-release/testbed/stand-ins/github-api-auto-merge.js';
import type { GitHub } from './github.js';
import { parentsOf, type Check } from './world.js';

/** The most maintainer acts a release may take: the dispatch, and the approval (its checklist ticks included). */
export const MAX_MAINTAINER_ACTS = 2;

/**
 * Checks of release pull request `number` of `repository`: opened by `bot`, merged by auto-merge as
 * `bot` with a merge commit (`merge`), after at least one evaluation that refused it, after the
 * approval and after the success of required check `gate` on its head; and `acts` ≤ {@link MAX_MAINTAINER_ACTS}.
 */
export function releasePullChecks(
  github: GitHub,
  repository: string,
  bare: string,
  number: number,
  options: { bot: string; gate: string; merge: AutoMerged | undefined; acts: readonly string[] },
): Check[] {
  const pull = github.pull(repository, number);
  const state = github.api.repository(repository);
  const approval = (state.reviews.get(number) ?? []).find((review) => review.state === 'APPROVED');
  const gate = (state.checkRuns.get(pull.head?.sha ?? '') ?? [])
    .filter((run) => run.name === options.gate)
    .sort((a, b) => Number(a.id ?? 0) - Number(b.id ?? 0));
  const lastGate = gate.at(-1);
  const evaluations = github.autoMerge.evaluations.filter((entry) => entry.repository === repository && entry.number === number);
  const firstMet = evaluations.findIndex((entry) => entry.met);
  const refusals = evaluations.slice(0, Math.max(0, firstMet));
  const mergedAt = pull.merged_at ?? '';
  return [
    {
      text: `pull request #${number} was opened by ${options.bot}, the release App's token: its events started the pre-release workflows`,
      ok: pull.user?.login === options.bot,
    },
    {
      text: `#${number} was merged by auto-merge as the account that enabled it (${options.bot}), with a merge commit`,
      ok:
        !!options.merge &&
        options.merge.number === number &&
        options.merge.mergeMethod === 'merge' &&
        pull.auto_merge?.enabled_by?.login === options.bot &&
        pull.merged_by?.login === options.bot &&
        pull.merge_commit_sha === options.merge.sha &&
        parentsOf(bare, options.merge.sha).length === 2,
    },
    {
      text: `auto-merge waited: ${refusals.length} evaluation(s) refused it (${refusals.at(-1)?.missing.join('; ') ?? 'none'}), then it merged at ${mergedAt || '?'}, after the approval (${approval?.submitted_at ?? 'none'}) and the gate "${options.gate}" passing on the head (${lastGate?.completed_at ?? 'never'})`,
      ok:
        refusals.length > 0 &&
        refusals.some((entry) => entry.missing.some((text) => text.includes('approving review'))) &&
        !!approval?.submitted_at &&
        !!mergedAt &&
        approval.submitted_at <= mergedAt &&
        lastGate?.status === 'completed' &&
        lastGate.conclusion === 'success' &&
        !!lastGate.completed_at &&
        lastGate.completed_at <= mergedAt &&
        gate.slice(0, -1).some((run) => run.conclusion === 'failure'),
    },
    {
      text: `the maintainers acted ${options.acts.length} time(s), at most ${MAX_MAINTAINER_ACTS}: ${options.acts.join(' → ')}`,
      ok: options.acts.length <= MAX_MAINTAINER_ACTS,
    },
  ];
}
