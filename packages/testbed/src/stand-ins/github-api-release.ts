// The endpoints a release adds to the GitHub stand-in (github-api.ts), through its `routes` hook, for
// repositories backed by real bare git repositories: what GitHub knows of git (branches, tags, each
// commit's files, gitlinks and parents) read from the bare repository at every request once a ref moved, as GitHub
// serves its own repositories; a maintainer opening, approving and merging a pull request; the tags;
// releases with their notes, the latest flag and their assets, uploaded to an uploads origin of its
// own (the `upload_url` of each release, as GitHub's uploads.github.com). Each rule mirrors GitHub's
// REST API as its OpenAPI description (@octokit/openapi-types, operations pulls/create,
// pulls/create-review, pulls/merge, repos/list-tags, git/get-ref, repos/generate-release-notes,
// repos/create-release, repos/update-release, repos/delete-release, repos/get-release,
// repos/list-releases, repos/get-latest-release, repos/get-release-by-tag, repos/list-release-assets,
// repos/upload-release-asset, repos/get-release-asset, repos/update-release-asset,
// repos/delete-release-asset) and GitHub's docs describe it; writes need the token's permission as
// "Permissions required for fine-grained personal access tokens" lists it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { components } from '@octokit/openapi-types';
import { refsFingerprint } from '../fixtures/git.js';
import {
  GITHUB_ACTIONS_BOT,
  NOT_ACCESSIBLE,
  mayWrite,
  mergeBlockers,
  repositoryObject,
  user,
  type GitHubApiStandIn,
  type GitHubState,
  type Partial2,
  type PullRequest,
  type Review,
  type RouteContext,
  type TokenIdentity,
} from './github-api.js';
import { closeServer, listenOnLoopback } from './loopback.js';

type Schemas = components['schemas'];
export type Release = Partial2<Schemas['release']>;
export type ReleaseAsset = Partial2<Schemas['release-asset']>;
type ValidationError = Schemas['validation-error'];

/** What the release endpoints serve and record. */
export interface ReleaseEndpoints {
  /** Bare repositories by `owner/name`: each one's stand-in state follows it. */
  readonly bare: Map<string, string>;
  /** Releases by repository, in creation order. */
  readonly releases: Map<string, Release[]>;
  /** The release GET …/releases/latest answers, if any. */
  latest(repository: string): Release | undefined;
  /** Reads the bare repository into the stand-in's state now (done before every request to it; git runs only once a ref moved). */
  sync(repository: string): void;
  /** Each asset's bytes, by asset id. */
  readonly assetBytes: Map<number, Buffer>;
  /**
   * Serve assets with `digest: null`, as GitHub serves those uploaded before it kept digests
   * (release-asset's `digest` is nullable): a client must then download the bytes to compare them.
   */
  withoutDigests: boolean;
  /**
   * Why the repository's settings refuse a merge method (`merge`, `squash`, `rebase`), in GitHub's
   * words, or undefined when they allow it: set by the endpoints that hold the settings
   * (github-api-open-release.ts). Unset: every method allowed.
   */
  mergeMethodRefusal?: (repository: string, method: string) => string | undefined;
  /** The uploads origin (started with the first release), or '' before. */
  uploadsUrl(): string;
  /** Closes the uploads origin. */
  stop(): Promise<void>;
}

interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs git in a bare repository with no user or system configuration; never throws. */
function git(directory: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): GitResult {
  const result = spawnSync('git', args, {
    cwd: directory,
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...options.env },
  });
  return { status: result.status ?? 1, stdout: (result.stdout ?? '').trim(), stderr: (result.stderr ?? String(result.error ?? '')).trim() };
}

/** The node id of a pull request: unique across repositories, as GitHub's global ids are (GraphQL resolves it back). */
export function pullRequestNodeId(repository: string, number: number): string {
  return `PR_kw${Buffer.from(repository).toString('base64url')}_${number}`;
}

/** The noreply address GitHub gives an account, e.g. `41898282+github-actions[bot]@users.noreply.github.com`. */
function noreply(identity: TokenIdentity): string {
  const { id } = identity.login === GITHUB_ACTIONS_BOT.login ? { id: 41898282 } : user(identity.login);
  return `${id}+${identity.login}@users.noreply.github.com`;
}

/** A 422 body: GitHub's validation-error schema; some answers (reviews) carry plain strings in `errors`, as GitHub sends them. */
const validation = (message: string, documentation: string, errors: NonNullable<ValidationError['errors']> | string[] = []): Record<string, unknown> => ({
  message,
  documentation_url: documentation,
  ...(errors.length ? { errors } : {}),
});

/**
 * The fields of GitHub's pull-request schema (REST pulls/get; the webhooks' `pull-request`, which
 * requires every one) that a creation does not choose: its URLs and `_links`, no assignee, milestone,
 * reviewers, labels or auto-merge yet, and the size of the change (`git diff --numstat base...head`
 * in the bare repository `directory`, as GitHub counts it against the merge base).
 */
export function pullRequestFields(apiUrl: string, directory: string, repository: string, number: number, base: string, head: string): PullRequest {
  const api = `${apiUrl}/repos/${repository}`;
  const html = `https://github.com/${repository}/pull/${number}`;
  let additions = 0;
  let deletions = 0;
  let changed = 0;
  for (const line of git(directory, ['diff', '--numstat', `${base}...${head}`])
    .stdout.split('\n')
    .filter(Boolean)) {
    const [added, deleted] = line.split('\t');
    additions += Number(added) || 0;
    deletions += Number(deleted) || 0;
    changed += 1;
  }
  const links = {
    self: `${api}/pulls/${number}`,
    html,
    issue: `${api}/issues/${number}`,
    comments: `${api}/issues/${number}/comments`,
    review_comments: `${api}/pulls/${number}/comments`,
    review_comment: `${api}/pulls/comments{/number}`,
    commits: `${api}/pulls/${number}/commits`,
    statuses: `${api}/statuses/${head}`,
  };
  return {
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: links.issue,
    commits_url: links.commits,
    review_comments_url: links.review_comments,
    review_comment_url: links.review_comment,
    comments_url: links.comments,
    statuses_url: links.statuses,
    _links: Object.fromEntries(Object.entries(links).map(([key, href]) => [key, { href }])) as PullRequest['_links'],
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    auto_merge: null,
    active_lock_reason: null,
    rebaseable: true,
    merged_by: null,
    maintainer_can_modify: false,
    commits: Number(git(directory, ['rev-list', '--count', `${base}..${head}`]).stdout),
    additions,
    deletions,
    changed_files: changed,
  };
}

/**
 * Adds the release endpoints to `api`. A repository is served from git once its bare repository is
 * in `bare` (and its state exists: `api.repository(fullName)`).
 */
export function serveReleaseEndpoints(api: GitHubApiStandIn): ReleaseEndpoints {
  const bare = new Map<string, string>();
  const releases = new Map<string, Release[]>();
  const latestTag = new Map<string, string>();
  const assetBytes = new Map<number, Buffer>();
  let nextId = 90_000;
  let uploads: { server: Server; url: string } | undefined;
  let starting: Promise<void> | undefined;

  /** Branches, tags and every commit's files, gitlinks and parents, from the bare repository; open pull requests follow their branches. */
  const synced = new WeakMap<GitHubState, string>();
  const sync = (repository: string): void => {
    const directory = bare.get(repository);
    const state = api.repositories.get(repository);
    if (!directory || !state) return;
    // Read again only once a ref moved: commits are immutable, so the refs decide everything read below.
    const fingerprint = `${directory}\n${refsFingerprint(directory)}`;
    if (synced.get(state) === fingerprint) return;
    synced.set(state, fingerprint);
    const refs = git(directory, ['for-each-ref', '--format=%(refname) %(objectname) %(*objectname)', 'refs/heads', 'refs/tags']).stdout;
    state.branches = new Map();
    const tags: string[] = [];
    for (const line of refs.split('\n').filter(Boolean)) {
      const [ref, object] = line.split(' ') as [string, string];
      if (ref.startsWith('refs/heads/')) state.branches.set(ref.slice('refs/heads/'.length), object);
      else tags.push(ref.slice('refs/tags/'.length));
    }
    state.tags = tags;
    const commits = git(directory, ['log', '--all', '--format=%H %P']).stdout;
    const fresh: string[] = [];
    for (const line of commits.split('\n').filter(Boolean)) {
      const [sha, ...parents] = line.split(' ') as [string, ...string[]];
      if (state.parents.has(sha)) continue;
      state.parents.set(sha, parents);
      fresh.push(sha);
    }
    const blobsOf = new Map<string, { path: string; blob: string }[]>();
    const wanted = new Set<string>();
    for (const sha of fresh) {
      const gitlinks = new Map<string, string>();
      const blobs: { path: string; blob: string }[] = [];
      for (const entry of git(directory, ['ls-tree', '-r', '-z', sha]).stdout.split('\0').filter(Boolean)) {
        const [meta, path] = entry.split('\t') as [string, string];
        const [mode, type, object] = meta.split(' ') as [string, string, string];
        if (type === 'commit' && mode === '160000') gitlinks.set(path, object);
        else if (type === 'blob') {
          blobs.push({ path, blob: object });
          wanted.add(object);
        }
      }
      state.gitlinks.set(sha, gitlinks);
      blobsOf.set(sha, blobs);
    }
    // One `git cat-file --batch` for every blob not read yet.
    const texts = new Map<string, string>();
    if (wanted.size) {
      const result = spawnSync('git', ['cat-file', '--batch'], { cwd: directory, input: [...wanted].join('\n') + '\n', maxBuffer: 64 * 1024 * 1024 });
      const output = result.stdout;
      let offset = 0;
      while (offset < output.length) {
        const newline = output.indexOf(0x0a, offset);
        const [object, , size] = output.subarray(offset, newline).toString('utf8').split(' ') as [string, string, string];
        const start = newline + 1;
        texts.set(object, output.subarray(start, start + Number(size)).toString('utf8'));
        offset = start + Number(size) + 1;
      }
    }
    for (const [sha, blobs] of blobsOf) state.files.set(sha, new Map(blobs.map(({ path, blob }) => [path, texts.get(blob) ?? ''])));
    for (const pr of state.pulls.values()) {
      if (pr.state !== 'open' || !pr.head?.ref || !pr.base?.ref) continue;
      const head = state.branches.get(pr.head.ref);
      const base = state.branches.get(pr.base.ref);
      if (head) pr.head.sha = head;
      if (base) pr.base.sha = base;
    }
  };

  const refused = (context: RouteContext, documentation: string): void => api.send(context.response, 403, NOT_ACCESSIBLE(documentation));

  /** The commit a tag points to (peeled), or undefined. */
  const tagCommit = (directory: string, tag: string): string | undefined => {
    const result = git(directory, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
    return result.status === 0 ? result.stdout : undefined;
  };

  /**
   * POST /repos/{owner}/{repo}/pulls (pulls/create): opens a pull request from a branch of this repository.
   * Pull requests: write. 422 for a missing title, an unknown head or base, no commits between them, or an
   * open pull request of the same head into the same base: "A pull request already exists for owner:branch.".
   */
  const createPull = async (context: RouteContext, identity: TokenIdentity): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request';
    if (!mayWrite(identity, ['pull-requests'])) return refused(context, documentation);
    const state = context.state!;
    const repository = context.repository!;
    const [owner] = repository.split('/') as [string, string];
    const body = await api.body(context.request);
    const title = typeof body['title'] === 'string' ? body['title'] : '';
    const headRef = String(body['head'] ?? '').replace(new RegExp(`^${owner}:`), '');
    const baseRef = String(body['base'] ?? '');
    const head = state.branches.get(headRef);
    const base = state.branches.get(baseRef);
    const invalid = (field: string) => validation('Validation Failed', documentation, [{ resource: 'PullRequest', field, code: 'invalid' }]);
    if (!title)
      return api.send(
        context.response,
        422,
        validation('Validation Failed', documentation, [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]),
      );
    if (!head) return api.send(context.response, 422, invalid('head'));
    if (!base) return api.send(context.response, 422, invalid('base'));
    if (git(bare.get(repository)!, ['merge-base', '--is-ancestor', head, base]).status === 0)
      return api.send(
        context.response,
        422,
        validation('Validation Failed', documentation, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${baseRef} and ${headRef}` }]),
      );
    const open = [...state.pulls.values()].find((pr) => pr.state === 'open' && pr.head?.ref === headRef && pr.base?.ref === baseRef);
    if (open)
      return api.send(
        context.response,
        422,
        validation('Validation Failed', documentation, [
          { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${headRef}.` },
        ]),
      );
    const number = Math.max(0, ...state.pulls.keys()) + 1;
    const repo = repositoryObject(api.url, repository, state.defaultBranch);
    const now = new Date().toISOString();
    const pr: PullRequest = {
      ...pullRequestFields(api.url, bare.get(repository)!, repository, number, base, head),
      url: `${api.url}/repos/${repository}/pulls/${number}`,
      id: 1_900_000_000 + number,
      node_id: pullRequestNodeId(repository, number),
      html_url: `https://github.com/${repository}/pull/${number}`,
      number,
      state: 'open',
      locked: false,
      title,
      user: user(identity.login),
      body: typeof body['body'] === 'string' ? body['body'] : null,
      created_at: now,
      updated_at: now,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      draft: body['draft'] === true,
      head: { label: `${owner}:${headRef}`, ref: headRef, sha: head, user: user(owner), repo },
      base: { label: `${owner}:${baseRef}`, ref: baseRef, sha: base, user: user(owner), repo },
      author_association: 'MEMBER',
      merged: false,
      mergeable: true,
      mergeable_state: 'clean',
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: body['maintainer_can_modify'] === true,
    };
    // "blocked" while the base branch's protection refuses the merge (approvals, required checks), as GitHub says it.
    if (mergeBlockers(state, pr).length) pr.mergeable_state = 'blocked';
    state.pulls.set(number, pr);
    api.send(context.response, 201, pr, { location: pr.url! });
  };

  /** POST …/pulls/{pull_number}/reviews with an event: a submitted review of the head commit (or commit_id). Pull requests: write. */
  const createReview = async (context: RouteContext, identity: TokenIdentity, number: number): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request';
    if (!mayWrite(identity, ['pull-requests'])) return refused(context, documentation);
    const pr = context.state!.pulls.get(number);
    if (!pr) return api.notFound(context.response);
    const body = await api.body(context.request);
    const states: Record<string, string> = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' };
    const reviewState = states[String(body['event'] ?? '')];
    if (!reviewState)
      return api.send(
        context.response,
        422,
        validation('Unprocessable Entity', documentation, ['a submitted review needs an event: APPROVE, REQUEST_CHANGES or COMMENT']),
      );
    if (pr.state !== 'open')
      return api.send(context.response, 422, validation('Unprocessable Entity', documentation, ['Can not review a closed pull request']));
    if (reviewState !== 'COMMENTED' && identity.login === pr.user?.login)
      return api.send(
        context.response,
        422,
        validation('Unprocessable Entity', documentation, [`Can not ${reviewState === 'APPROVED' ? 'approve' : 'request changes on'} your own pull request`]),
      );
    nextId += 1;
    const review: Review = {
      id: nextId,
      node_id: `PRR_${nextId}`,
      user: user(identity.login),
      body: typeof body['body'] === 'string' ? body['body'] : '',
      state: reviewState,
      commit_id: typeof body['commit_id'] === 'string' ? body['commit_id'] : pr.head!.sha!,
      submitted_at: new Date().toISOString(),
      author_association: 'MEMBER',
      html_url: `${pr.html_url}#pullrequestreview-${nextId}`,
    };
    context.state!.reviews.set(number, [...(context.state!.reviews.get(number) ?? []), review]);
    api.send(context.response, 200, review);
  };

  /**
   * PUT …/pulls/{pull_number}/merge: merges into the base branch as GitHub does (a merge commit with the
   * base and the head as parents, or a squash: one parent), the merger as author and GitHub as committer.
   * 405 when the pull request cannot be merged, 409 when `sha` is not the head. Contents: write.
   * 405 too when the repository's settings do not allow the merge method ("Squash merges are not
   * allowed on this repository.") and when the base branch's protection blocks the merge
   * ({@link mergeBlockers}: required approvals and status checks), unless the merger is an
   * administrator and the protection does not include administrators (enforce_admins off).
   */
  const merge = async (context: RouteContext, identity: TokenIdentity, number: number): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request';
    if (!mayWrite(identity, ['contents'])) return refused(context, documentation);
    const state = context.state!;
    const repository = context.repository!;
    const directory = bare.get(repository)!;
    const pr = state.pulls.get(number);
    if (!pr) return api.notFound(context.response);
    const body = await api.body(context.request);
    const method = String(body['merge_method'] ?? 'merge');
    if (pr.state !== 'open' || pr.draft) return api.send(context.response, 405, { message: 'Pull Request is not mergeable', documentation_url: documentation });
    if (typeof body['sha'] === 'string' && body['sha'] !== pr.head!.sha)
      return api.send(context.response, 409, { message: 'Head branch was modified. Review and try the merge again.', documentation_url: documentation });
    const disallowed = endpoints.mergeMethodRefusal?.(repository, method);
    if (disallowed) return api.send(context.response, 405, { message: disallowed, documentation_url: documentation });
    if (method !== 'merge' && method !== 'squash')
      return api.send(context.response, 405, { message: `${method} merges are not allowed on this repository.`, documentation_url: documentation });
    const protection = state.protection.get(pr.base!.ref!);
    const bypass = state.permissions.get(identity.login) === 'admin' && protection?.enforceAdmins !== true;
    const [blocked] = bypass ? [] : mergeBlockers(state, pr);
    if (blocked) return api.send(context.response, 405, { message: blocked, documentation_url: documentation });
    const base = pr.base!.sha!;
    const head = pr.head!.sha!;
    const tree = git(directory, ['merge-tree', '--write-tree', base, head]);
    if (tree.status !== 0) return api.send(context.response, 405, { message: 'Pull Request is not mergeable', documentation_url: documentation });
    const title =
      typeof body['commit_title'] === 'string'
        ? body['commit_title']
        : method === 'merge'
          ? `Merge pull request #${number} from ${pr.head!.label!.replace(':', '/')}`
          : `${pr.title} (#${number})`;
    const message = typeof body['commit_message'] === 'string' ? body['commit_message'] : method === 'merge' ? pr.title! : '';
    const env = {
      GIT_AUTHOR_NAME: identity.login,
      GIT_AUTHOR_EMAIL: noreply(identity),
      GIT_COMMITTER_NAME: 'GitHub',
      GIT_COMMITTER_EMAIL: 'noreply@github.com',
    };
    const parents = method === 'merge' ? ['-p', base, '-p', head] : ['-p', base];
    const commit = git(directory, ['commit-tree', tree.stdout.split('\n')[0]!, ...parents, '-m', message ? `${title}\n\n${message}` : title], { env });
    if (commit.status !== 0) throw new Error(`git commit-tree: ${commit.stderr}`);
    const moved = git(directory, ['update-ref', `refs/heads/${pr.base!.ref}`, commit.stdout, base]);
    if (moved.status !== 0)
      return api.send(context.response, 409, { message: 'Base branch was modified. Review and try the merge again.', documentation_url: documentation });
    const now = new Date().toISOString();
    Object.assign(pr, {
      state: 'closed',
      merged: true,
      merged_at: now,
      closed_at: now,
      updated_at: now,
      merge_commit_sha: commit.stdout,
      merged_by: user(identity.login),
      mergeable: null,
    });
    sync(repository);
    api.send(context.response, 200, { sha: commit.stdout, merged: true, message: 'Pull Request successfully merged' });
  };

  /** GET …/tags: every tag with the commit it points to, highest version first. */
  const listTags = (context: RouteContext): void => {
    const repository = context.repository!;
    const directory = bare.get(repository)!;
    const lines = git(directory, ['for-each-ref', '--sort=-v:refname', '--format=%(refname:strip=2) %(objectname) %(*objectname)', 'refs/tags']).stdout;
    const tags = lines
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name, object, peeled] = line.split(' ') as [string, string, string | undefined];
        const sha = peeled || object;
        return {
          name,
          commit: { sha, url: `${api.url}/repos/${repository}/commits/${sha}` },
          zipball_url: `${api.url}/repos/${repository}/zipball/refs/tags/${name}`,
          tarball_url: `${api.url}/repos/${repository}/tarball/refs/tags/${name}`,
          node_id: `REF_${name}`,
        };
      });
    api.paginate(context.url, tags, (page) => page, context.response);
  };

  /** GET …/git/ref/{ref}: one reference (`tags/X`, `heads/Y`), 404 when absent. */
  const getRef = (context: RouteContext, ref: string): void => {
    const repository = context.repository!;
    const result = git(bare.get(repository)!, ['for-each-ref', '--format=%(objectname) %(objecttype)', `refs/${ref}`]);
    const [sha, type] = result.stdout.split(' ');
    if (!sha || result.stdout.includes('\n')) return api.notFound(context.response);
    api.send(context.response, 200, {
      ref: `refs/${ref}`,
      node_id: `REF_${ref}`,
      url: `${api.url}/repos/${repository}/git/refs/${ref}`,
      object: { type, sha, url: `${api.url}/repos/${repository}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}` },
    });
  };

  /** A release request's `tag_name`; without one, answers 422 missing_field and returns undefined. */
  const tagName = (context: RouteContext, body: Record<string, unknown>, documentation: string): string | undefined => {
    const tag = typeof body['tag_name'] === 'string' ? body['tag_name'] : '';
    if (tag) return tag;
    api.send(context.response, 422, validation('Validation Failed', documentation, [{ resource: 'Release', field: 'tag_name', code: 'missing_field' }]));
    return undefined;
  };

  /** The generated notes: the merged pull requests whose merge commits the range holds, then the compare link. */
  const notes = (state: GitHubState, repository: string, tag: string, target: string, previous: string | undefined): string => {
    const directory = bare.get(repository)!;
    const range = git(directory, ['rev-list', previous ? `${previous}..${target}` : target]).stdout.split('\n');
    const merged = [...state.pulls.values()].filter((pr) => pr.merged && pr.merge_commit_sha && range.includes(pr.merge_commit_sha));
    const lines = merged.map((pr) => `* ${pr.title} by @${pr.user?.login} in ${pr.html_url}`);
    const changelog = previous
      ? `**Full Changelog**: https://github.com/${repository}/compare/${previous}...${tag}`
      : `**Full Changelog**: https://github.com/${repository}/commits/${tag}`;
    return `${lines.length ? `## What's Changed\n${lines.join('\n')}\n\n` : ''}${changelog}`;
  };

  /** POST …/releases/generate-notes. Contents: write. */
  const generateNotes = async (context: RouteContext, identity: TokenIdentity): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/releases/releases#generate-release-notes-content-for-a-release';
    if (!mayWrite(identity, ['contents'])) return refused(context, documentation);
    const repository = context.repository!;
    const directory = bare.get(repository)!;
    const body = await api.body(context.request);
    const tag = tagName(context, body, documentation);
    if (!tag) return;
    const target = tagCommit(directory, tag) ?? (typeof body['target_commitish'] === 'string' ? body['target_commitish'] : undefined);
    if (!target)
      return api.send(
        context.response,
        422,
        validation('Validation Failed', documentation, [{ resource: 'Release', field: 'target_commitish', code: 'missing_field' }]),
      );
    let previous = typeof body['previous_tag_name'] === 'string' ? body['previous_tag_name'] : undefined;
    if (previous && !tagCommit(directory, previous)) return api.notFound(context.response);
    // Unnamed: the tag of the latest published release that precedes the target.
    previous ??= (releases.get(repository) ?? [])
      .filter((release) => !release.draft && release.tag_name !== tag)
      .map((release) => release.tag_name!)
      .reverse()
      .find((name) => git(directory, ['merge-base', '--is-ancestor', `refs/tags/${name}`, target]).status === 0);
    api.send(context.response, 200, { name: tag, body: notes(context.state!, repository, tag, target, previous) });
  };

  /**
   * POST …/releases. The tag is created at `target_commitish` (default branch) when it does not exist;
   * one release a tag (422 already_exists); `make_latest` defaults to true, and drafts and prereleases
   * are never latest. Contents: write.
   */
  const createRelease = async (context: RouteContext, identity: TokenIdentity): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/releases/releases#create-a-release';
    if (!mayWrite(identity, ['contents'])) return refused(context, documentation);
    const repository = context.repository!;
    const directory = bare.get(repository)!;
    const state = context.state!;
    const body = await api.body(context.request);
    const tag = tagName(context, body, documentation);
    if (!tag) return;
    const list = releases.get(repository) ?? [];
    if (list.some((release) => release.tag_name === tag))
      return api.send(
        context.response,
        422,
        validation('Validation Failed', documentation, [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]),
      );
    const makeLatest = String(body['make_latest'] ?? 'true');
    if (!['true', 'false', 'legacy'].includes(makeLatest))
      return api.send(context.response, 422, validation('Validation Failed', documentation, [{ resource: 'Release', field: 'make_latest', code: 'invalid' }]));
    const target = typeof body['target_commitish'] === 'string' ? body['target_commitish'] : state.defaultBranch;
    if (!tagCommit(directory, tag)) {
      const commit = git(directory, ['rev-parse', '--verify', '--quiet', `${target}^{commit}`]);
      if (commit.status !== 0)
        return api.send(
          context.response,
          422,
          validation('Validation Failed', documentation, [{ resource: 'Release', field: 'target_commitish', code: 'invalid' }]),
        );
      git(directory, ['update-ref', `refs/tags/${tag}`, commit.stdout, '']);
      sync(repository);
    }
    const uploadsUrl = await startUploads();
    nextId += 1;
    const draft = body['draft'] === true;
    const prerelease = body['prerelease'] === true;
    const now = new Date().toISOString();
    const release: Release = {
      id: nextId,
      node_id: `RE_${nextId}`,
      url: `${api.url}/repos/${repository}/releases/${nextId}`,
      html_url: `https://github.com/${repository}/releases/tag/${encodeURIComponent(tag)}`,
      assets_url: `${api.url}/repos/${repository}/releases/${nextId}/assets`,
      upload_url: `${uploadsUrl}/repos/${repository}/releases/${nextId}/assets{?name,label}`,
      tarball_url: `${api.url}/repos/${repository}/tarball/${tag}`,
      zipball_url: `${api.url}/repos/${repository}/zipball/${tag}`,
      tag_name: tag,
      target_commitish: target,
      name: typeof body['name'] === 'string' ? body['name'] : tag,
      body: typeof body['body'] === 'string' ? body['body'] : '',
      draft,
      prerelease,
      created_at: now,
      published_at: draft ? null : now,
      author: user(identity.login),
      assets: [],
    };
    releases.set(repository, [...list, release]);
    applyLatest(repository, release, makeLatest);
    api.send(context.response, 201, release, { location: release.url! });
  };

  /**
   * make_latest as repos/create-release and repos/update-release describe it: "Drafts and prereleases
   * cannot be set as latest"; `true` (the default for a newly published release) makes it the
   * latest, `legacy` only when its tag is the higher one, `false` leaves the latest as it is.
   */
  const applyLatest = (repository: string, release: Release, makeLatest: string): void => {
    if (release.draft || release.prerelease || makeLatest === 'false') return;
    const directory = bare.get(repository)!;
    const tag = release.tag_name!;
    const current = latestTag.get(repository);
    const higher =
      !current ||
      git(directory, ['for-each-ref', '--sort=-v:refname', '--count=1', '--format=%(refname:strip=2)', `refs/tags/${current}`, `refs/tags/${tag}`]).stdout ===
        tag;
    if (makeLatest === 'true' || higher) latestTag.set(repository, tag);
  };

  /** Starts the uploads origin once (GitHub's uploads.github.com: the origin of each release's `upload_url`). */
  const startUploads = async (): Promise<string> => {
    starting ??= (async () => {
      const server = createServer((request, response) => void handleUpload(request, response));
      // Not kept alive by its own socket: a caller that never stops it (the rehearsal) still exits.
      server.unref();
      uploads = { server, url: await listenOnLoopback(server) };
    })();
    await starting;
    return uploads!.url;
  };

  const findRelease = (repository: string, id: number): Release | undefined => (releases.get(repository) ?? []).find((release) => release.id === id);
  const findAsset = (repository: string, id: number): { release: Release; asset: ReleaseAsset } | undefined => {
    for (const release of releases.get(repository) ?? []) {
      const asset = (release.assets ?? []).find((entry) => entry?.id === id);
      if (asset) return { release, asset };
    }
    return undefined;
  };
  /** An asset as the API serves it: `digest` null when the stand-in serves none (withoutDigests). */
  const served = (asset: ReleaseAsset): ReleaseAsset => (endpoints.withoutDigests ? { ...asset, digest: null } : asset);
  const servedRelease = (release: Release): Release => ({ ...release, assets: (release.assets ?? []).map((asset) => served(asset!)) });

  /**
   * The uploads origin: POST /repos/{owner}/{repo}/releases/{release_id}/assets?name=…&label=…
   * (repos/upload-release-asset) with the raw bytes, and GET /download/{asset_id}, where
   * GET …/releases/assets/{id} with `accept: application/octet-stream` redirects (the endpoint
   * "will either redirect the client to the location, or stream it directly"). An upload of a name
   * the release already has is answered 422 ("Response if you upload an asset with the same filename
   * as another uploaded asset"), with GitHub's validation error `already_exists`. Contents: write.
   */
  const handleUpload = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://uploads');
    const documentation = 'https://docs.github.com/rest/releases/assets#upload-a-release-asset';
    const download = /^\/download\/(\d+)$/.exec(url.pathname);
    if (request.method === 'GET' && download) {
      const bytes = assetBytes.get(Number(download[1]));
      if (!bytes) return api.notFound(response);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
      return void response.end(bytes);
    }
    const match = /^\/repos\/([^/]+\/[^/]+)\/releases\/(\d+)\/assets$/.exec(url.pathname);
    const repository = match ? decodeURIComponent(match[1]!) : '';
    const release = match ? findRelease(repository, Number(match[2])) : undefined;
    api.requests.push({ method: request.method ?? 'GET', path: `uploads:${url.pathname}`, query: url.search });
    if (request.method !== 'POST' || !release) return api.notFound(response);
    if (!mayWrite(api.identity(request), ['contents'])) return api.send(response, 403, NOT_ACCESSIBLE(documentation));
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const name = url.searchParams.get('name') ?? '';
    if (!name)
      return api.send(response, 422, validation('Validation Failed', documentation, [{ resource: 'ReleaseAsset', field: 'name', code: 'missing_field' }]));
    if (request.headers['content-length'] === undefined || Number(request.headers['content-length']) !== bytes.length)
      return api.send(response, 400, { message: 'Bad Content-Length', documentation_url: documentation });
    if ((release.assets ?? []).some((asset) => asset?.name === name))
      return api.send(response, 422, validation('Validation Failed', documentation, [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]));
    nextId += 1;
    const now = new Date().toISOString();
    const asset: ReleaseAsset = {
      url: `${api.url}/repos/${repository}/releases/assets/${nextId}`,
      browser_download_url: `${uploads!.url}/download/${nextId}`,
      id: nextId,
      node_id: `RA_${nextId}`,
      name,
      label: url.searchParams.get('label'),
      state: 'uploaded',
      content_type: request.headers['content-type'] ?? 'application/octet-stream',
      size: bytes.length,
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      download_count: 0,
      created_at: now,
      updated_at: now,
      uploader: user(api.identity(request).login),
    };
    assetBytes.set(nextId, bytes);
    release.assets = [...(release.assets ?? []), asset];
    api.send(response, 201, served(asset));
  };

  /** PATCH …/releases/{release_id} (repos/update-release): the fields given; publishing a draft sets published_at; make_latest as on create. Contents: write. */
  const updateRelease = async (context: RouteContext, identity: TokenIdentity, id: number): Promise<void> => {
    const documentation = 'https://docs.github.com/rest/releases/releases#update-a-release';
    if (!mayWrite(identity, ['contents'])) return refused(context, documentation);
    const repository = context.repository!;
    const release = findRelease(repository, id);
    if (!release) return api.notFound(context.response);
    const body = await api.body(context.request);
    const makeLatest = String(body['make_latest'] ?? 'true');
    if (!['true', 'false', 'legacy'].includes(makeLatest))
      return api.send(context.response, 422, validation('Validation Failed', documentation, [{ resource: 'Release', field: 'make_latest', code: 'invalid' }]));
    if (typeof body['tag_name'] === 'string' && body['tag_name'] !== release.tag_name) {
      if ((releases.get(repository) ?? []).some((other) => other !== release && other.tag_name === body['tag_name']))
        return api.send(
          context.response,
          422,
          validation('Validation Failed', documentation, [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]),
        );
      release.tag_name = body['tag_name'];
    }
    for (const field of ['name', 'body'] as const) if (typeof body[field] === 'string') release[field] = body[field];
    if (typeof body['prerelease'] === 'boolean') release.prerelease = body['prerelease'];
    if (typeof body['draft'] === 'boolean') {
      if (release.draft && !body['draft']) release.published_at = new Date().toISOString();
      release.draft = body['draft'];
    }
    if (latestTag.get(repository) === release.tag_name && (release.draft || release.prerelease)) latestTag.delete(repository);
    if ('make_latest' in body || body['draft'] === false) applyLatest(repository, release, makeLatest);
    api.send(context.response, 200, servedRelease(release));
  };

  /** DELETE …/releases/{release_id}: the release and its assets; the tag stays. Contents: write. */
  const deleteRelease = (context: RouteContext, identity: TokenIdentity, id: number): void => {
    if (!mayWrite(identity, ['contents'])) return refused(context, 'https://docs.github.com/rest/releases/releases#delete-a-release');
    const repository = context.repository!;
    const release = findRelease(repository, id);
    if (!release) return api.notFound(context.response);
    releases.set(
      repository,
      (releases.get(repository) ?? []).filter((entry) => entry !== release),
    );
    for (const asset of release.assets ?? []) assetBytes.delete(asset!.id!);
    if (latestTag.get(repository) === release.tag_name) latestTag.delete(repository);
    context.response.writeHead(204).end();
  };

  /** GET, PATCH (name, label) and DELETE …/releases/assets/{asset_id}; GET with accept application/octet-stream redirects to the bytes (302). */
  const releaseAsset = async (context: RouteContext, identity: TokenIdentity, id: number): Promise<void> => {
    const repository = context.repository!;
    const found = findAsset(repository, id);
    if (!found) return api.notFound(context.response);
    const { release, asset } = found;
    if (context.method === 'GET') {
      if ((context.request.headers.accept ?? '').includes('application/octet-stream')) {
        context.response.writeHead(302, { location: asset.browser_download_url! }).end();
        return;
      }
      return api.send(context.response, 200, served(asset));
    }
    if (context.method === 'PATCH') {
      const documentation = 'https://docs.github.com/rest/releases/assets#update-a-release-asset';
      if (!mayWrite(identity, ['contents'])) return refused(context, documentation);
      const body = await api.body(context.request);
      if (typeof body['name'] === 'string' && body['name'] !== asset.name) {
        if ((release.assets ?? []).some((other) => other !== asset && other?.name === body['name']))
          return api.send(
            context.response,
            422,
            validation('Validation Failed', documentation, [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]),
          );
        asset.name = body['name'];
      }
      if (typeof body['label'] === 'string') asset.label = body['label'];
      asset.updated_at = new Date().toISOString();
      return api.send(context.response, 200, served(asset));
    }
    if (!mayWrite(identity, ['contents'])) return refused(context, 'https://docs.github.com/rest/releases/assets#delete-a-release-asset');
    release.assets = (release.assets ?? []).filter((entry) => entry !== asset);
    assetBytes.delete(id);
    context.response.writeHead(204).end();
  };

  const latest = (repository: string): Release | undefined =>
    (releases.get(repository) ?? []).find((release) => release.tag_name === latestTag.get(repository));

  api.routes.push(async (context) => {
    const { method, route, repository } = context;
    if (!repository || !context.state || !bare.has(repository)) return false;
    sync(repository);
    const identity = api.identity(context.request);
    let match: RegExpExecArray | null;
    if (method === 'POST' && route === '/pulls') return (await createPull(context, identity), true);
    if (method === 'POST' && (match = /^\/pulls\/(\d+)\/reviews$/.exec(route))) return (await createReview(context, identity, Number(match[1])), true);
    if (method === 'PUT' && (match = /^\/pulls\/(\d+)\/merge$/.exec(route))) return (await merge(context, identity, Number(match[1])), true);
    if (method === 'GET' && route === '/tags') return (listTags(context), true);
    // Octokit writes the ref's slash as %2F (RFC 6570 simple expansion); GitHub takes either.
    if (method === 'GET' && (match = /^\/git\/ref\/((?:tags|heads)(?:\/|%2F).+)$/i.exec(route))) return (getRef(context, decodeURIComponent(match[1]!)), true);
    if (method === 'POST' && route === '/releases/generate-notes') return (await generateNotes(context, identity), true);
    if (method === 'POST' && route === '/releases') return (await createRelease(context, identity), true);
    if (method === 'GET' && route === '/releases') {
      // "Only users with push access will receive listings for draft releases."
      const listed = [...(releases.get(repository) ?? [])].reverse().filter((release) => !release.draft || mayWrite(identity, ['contents']));
      return (api.paginate(context.url, listed.map(servedRelease), (page) => page, context.response), true);
    }
    if (method === 'GET' && route === '/releases/latest') {
      const release = latest(repository);
      return (release ? api.send(context.response, 200, servedRelease(release)) : api.notFound(context.response), true);
    }
    if (method === 'GET' && (match = /^\/releases\/tags\/(.+)$/.exec(route))) {
      // "Get a published release with the specified tag": drafts are not found by their tag.
      const release = (releases.get(repository) ?? []).find((entry) => !entry.draft && entry.tag_name === decodeURIComponent(match![1]!));
      return (release ? api.send(context.response, 200, servedRelease(release)) : api.notFound(context.response), true);
    }
    if ((match = /^\/releases\/assets\/(\d+)$/.exec(route)) && ['GET', 'PATCH', 'DELETE'].includes(method))
      return (await releaseAsset(context, identity, Number(match[1])), true);
    if ((match = /^\/releases\/(\d+)$/.exec(route))) {
      const id = Number(match[1]);
      if (method === 'GET') {
        const release = findRelease(repository, id);
        return (
          release && (!release.draft || mayWrite(identity, ['contents']))
            ? api.send(context.response, 200, servedRelease(release))
            : api.notFound(context.response),
          true
        );
      }
      if (method === 'PATCH') return (await updateRelease(context, identity, id), true);
      if (method === 'DELETE') return (deleteRelease(context, identity, id), true);
    }
    if (method === 'GET' && (match = /^\/releases\/(\d+)\/assets$/.exec(route))) {
      const release = findRelease(repository, Number(match[1]));
      if (!release) return (api.notFound(context.response), true);
      return (
        api.paginate(
          context.url,
          (release.assets ?? []).map((asset) => served(asset!)),
          (page) => page,
          context.response,
        ),
        true
      );
    }
    return false;
  });

  const endpoints: ReleaseEndpoints = {
    bare,
    releases,
    latest,
    sync,
    assetBytes,
    withoutDigests: false,
    uploadsUrl: () => uploads?.url ?? '',
    stop: async () => closeServer(uploads?.server),
  };
  return endpoints;
}
