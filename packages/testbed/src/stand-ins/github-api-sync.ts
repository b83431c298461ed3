// The endpoints sync-pr-branch adds to the GitHub stand-in (github-api.ts), through its `routes`
// hook: update-branch, comment reactions, and pull requests whose head and base follow real bare
// repositories. Each rule mirrors GitHub's REST API as its OpenAPI description
// (@octokit/openapi-types, operations pulls/update-branch, reactions/create-for-issue-comment,
// reactions/delete-for-issue-comment) and GitHub's docs describe it; where the docs give no
// message text, the text is the one GitHub answers today, as API clients quote it.
import { spawnSync } from 'node:child_process';
import type { components, operations } from '@octokit/openapi-types';
import { user, type GitHubApiStandIn, type GitHubState, type PullRequest, type RouteContext } from './github-api.js';

type Schemas = components['schemas'];
type ReactionContent = Schemas['reaction']['content'];
/** A reaction as GitHub returns it; `user` filled as the stand-in's other users are. */
export type Reaction = Omit<Schemas['reaction'], 'user'> & { user: ReturnType<typeof user> };
type UpdateBranchAccepted = operations['pulls/update-branch']['responses'][202]['content']['application/json'];
type ValidationError = Schemas['validation-error'];

const REACTIONS: readonly ReactionContent[] = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes'];

/** What the sync endpoints serve and record. */
export interface SyncEndpoints {
  /** Bare repositories by `owner/name`: pull requests of a repository listed here follow its branches, and their heads' repositories'. */
  readonly bare: Map<string, string>;
  /** Reactions by comment id. */
  readonly reactions: Map<number, Reaction[]>;
  /** Every reaction made or removed, in order: `add eyes`, `remove eyes`, `add +1`… */
  readonly reactionLog: string[];
  /** update-branch requests and their answers' statuses. */
  readonly updates: { expectedHeadSha?: string; status: number; message: string }[];
  /** Resolves when every background merge of update-branch has landed. */
  settled(): Promise<void>;
}

/** Runs git in a bare repository; never throws. */
function git(directory: string, ...args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, {
    cwd: directory,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      // GitHub's merges: the requester as author, GitHub as committer.
      GIT_AUTHOR_NAME: 'github-actions[bot]',
      GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    },
  });
  return { status: result.status ?? 1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/**
 * Adds the sync endpoints to `api`. `mergeDelayMilliseconds`: how long after its 202 answer an
 * update-branch merge lands (GitHub merges in the background).
 */
export function serveSyncEndpoints(api: GitHubApiStandIn, options: { mergeDelayMilliseconds?: number } = {}): SyncEndpoints {
  const bare = new Map<string, string>();
  const reactions = new Map<number, Reaction[]>();
  const reactionLog: string[] = [];
  const updates: SyncEndpoints['updates'] = [];
  const pending = new Set<Promise<void>>();
  let nextReactionId = 500;

  /**
   * A pull request's `head.sha` and `base.sha` are its branches' tips, and the base repository
   * keeps the head commit as `refs/pull/<number>/head` (GitHub's own ref): read from the bare
   * repositories at every request, as GitHub updates a pull request on every push.
   */
  const refresh = (repository: string, number: number, pr: PullRequest): void => {
    const baseDirectory = bare.get(repository);
    const headDirectory = pr.head?.repo?.full_name ? bare.get(pr.head.repo.full_name) : undefined;
    if (!baseDirectory || !pr.base || !pr.head) return;
    const base = git(baseDirectory, 'rev-parse', '--verify', '--quiet', `refs/heads/${pr.base.ref}`);
    if (base.status === 0) pr.base.sha = base.stdout;
    if (!headDirectory || pr.state !== 'open') return;
    const head = git(headDirectory, 'rev-parse', '--verify', '--quiet', `refs/heads/${pr.head.ref}`);
    if (head.status !== 0) return;
    pr.head.sha = head.stdout;
    git(baseDirectory, 'fetch', '--quiet', '--no-tags', headDirectory, `+refs/heads/${pr.head.ref}:refs/pull/${number}/head`);
  };

  const findComment = (state: GitHubState, id: number) => [...state.comments.values()].flat().find((comment) => comment.id === id);

  const validation = (message: string): ValidationError => ({
    message,
    documentation_url: 'https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch',
  });

  /** PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch. */
  const updateBranch = async (context: RouteContext, number: number): Promise<void> => {
    const { response, state, repository } = context;
    const pr = state!.pulls.get(number);
    if (!pr) return api.notFound(response);
    refresh(repository!, number, pr);
    const body = await api.body(context.request);
    const expected = typeof body['expected_head_sha'] === 'string' ? body['expected_head_sha'] : undefined;
    const answer = (status: number, payload: ValidationError | UpdateBranchAccepted): void => {
      updates.push({ ...(expected ? { expectedHeadSha: expected } : {}), status, message: payload.message ?? '' });
      api.send(response, status, payload);
    };
    if (pr.state !== 'open') return answer(422, validation('Pull request is not open'));
    // "If the expected SHA does not match the pull request's HEAD, you will receive a 422 Unprocessable Entity status."
    if (expected !== undefined && expected !== pr.head!.sha) return answer(422, validation("expected head sha didn't match current head ref."));
    const baseDirectory = bare.get(repository!)!;
    const headDirectory = bare.get(pr.head!.repo!.full_name!)!;
    const headRef = `refs/pull/${number}/head`;
    const baseRef = `refs/heads/${pr.base!.ref}`;
    if (git(baseDirectory, 'merge-base', '--is-ancestor', baseRef, headRef).status === 0)
      return answer(422, validation('There are no new commits on the base branch.'));
    // GitHub decides at once whether the merge conflicts (a 422), then merges in the background.
    const tree = git(baseDirectory, 'merge-tree', '--write-tree', headRef, baseRef);
    if (tree.status !== 0) return answer(422, validation('merge conflict between base and head'));
    const headSha = pr.head!.sha!;
    const commit = git(
      baseDirectory,
      'commit-tree',
      tree.stdout.split('\n')[0]!,
      '-p',
      headSha,
      '-p',
      pr.base!.sha!,
      '-m',
      `Merge branch '${pr.base!.ref}' into ${pr.head!.ref}`,
    ).stdout;
    answer(202, { message: 'Updating pull request branch.', url: `https://github.com/repos/${repository}/pulls/${number}` });
    const landed = new Promise<void>((resolve) =>
      setTimeout(() => {
        // Lands only on the head it was made for, as a fast-forward.
        git(
          baseDirectory,
          'push',
          '--quiet',
          `--force-with-lease=refs/heads/${pr.head!.ref}:${headSha}`,
          headDirectory,
          `${commit}:refs/heads/${pr.head!.ref}`,
        );
        resolve();
      }, options.mergeDelayMilliseconds ?? 20),
    );
    pending.add(landed);
    void landed.then(() => pending.delete(landed));
  };

  /** POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions: 201 for a new reaction, 200 with the existing one. */
  const react = async (context: RouteContext, commentId: number): Promise<void> => {
    const { response } = context;
    if (!findComment(context.state!, commentId)) return api.notFound(response);
    const { content } = await api.body(context.request);
    if (!REACTIONS.includes(content as ReactionContent)) {
      const error: ValidationError = {
        message: 'Validation Failed',
        documentation_url: 'https://docs.github.com/rest/reactions/reactions#create-reaction-for-an-issue-comment',
        errors: [{ resource: 'Reaction', field: 'content', code: 'invalid' }],
      };
      return api.send(response, 422, error);
    }
    const list = reactions.get(commentId) ?? [];
    const existing = list.find((reaction) => reaction.content === content);
    if (existing) return api.send(response, 200, existing);
    nextReactionId += 1;
    const reaction: Reaction = {
      id: nextReactionId,
      node_id: `REA_${nextReactionId}`,
      user: user('github-actions[bot]', 41898282),
      content: content as ReactionContent,
      created_at: new Date().toISOString(),
    };
    reactions.set(commentId, [...list, reaction]);
    reactionLog.push(`add ${reaction.content}`);
    api.send(response, 201, reaction);
  };

  /** DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}: 204. */
  const unreact = (context: RouteContext, commentId: number, reactionId: number): void => {
    const { response } = context;
    if (!findComment(context.state!, commentId)) return api.notFound(response);
    const list = reactions.get(commentId) ?? [];
    const removed = list.find((reaction) => reaction.id === reactionId);
    if (removed) reactionLog.push(`remove ${removed.content}`);
    reactions.set(
      commentId,
      list.filter((reaction) => reaction.id !== reactionId),
    );
    response.writeHead(204).end();
  };

  api.routes.push(async (context) => {
    const { method, route, state, repository } = context;
    if (!state || !repository) return false;
    let match: RegExpExecArray | null;
    if ((match = /^\/pulls\/(\d+)$/.exec(route))) {
      const pr = state.pulls.get(Number(match[1]));
      if (pr) refresh(repository, Number(match[1]), pr);
      return false;
    }
    if (method === 'GET' && context.url.searchParams.has('since') && (match = /^\/issues\/(\d+)\/comments$/.exec(route))) {
      // "since: Only show results that were last updated after the given time" (ISO 8601).
      if (!state.pulls.has(Number(match[1]))) return (api.notFound(context.response), true);
      const since = Date.parse(context.url.searchParams.get('since')!);
      const comments = (state.comments.get(Number(match[1])) ?? []).filter((comment) => Date.parse(comment.updated_at ?? comment.created_at ?? '') >= since);
      api.paginate(context.url, comments, (page) => page, context.response);
      return true;
    }
    if (method === 'PUT' && (match = /^\/pulls\/(\d+)\/update-branch$/.exec(route))) {
      await updateBranch(context, Number(match[1]));
      return true;
    }
    if (method === 'POST' && (match = /^\/issues\/comments\/(\d+)\/reactions$/.exec(route))) {
      await react(context, Number(match[1]));
      return true;
    }
    if (method === 'DELETE' && (match = /^\/issues\/comments\/(\d+)\/reactions\/(\d+)$/.exec(route))) {
      unreact(context, Number(match[1]), Number(match[2]));
      return true;
    }
    return false;
  });

  return {
    bare,
    reactions,
    reactionLog,
    updates,
    settled: async () => {
      await Promise.all([...pending]);
    },
  };
}
