// The parts of webhook payloads the rehearsal builds itself, shaped as GitHub sends them (docs.github.com
// "Webhook events and payloads"; checked against @octokit/webhooks-schemas by engine/webhook-schemas.ts):
// the repository and the sender, a review and the pull request it is on (`simple-pull-request`), and
// a push with its commits read from the bare repository. Pull requests themselves come from the GitHub
// stand-in, which shapes them as GitHub's REST API does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { git, gitOutcome } from '@exegol-release/testbed/fixtures/git.js';
import { repositoryObject, user, type PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';

/** Webhook payloads carry API URLs of api.github.com. */
const API = 'https://api.github.com';

/** The `repository` of a webhook payload: `fullName`, public, owned by an organization, `defaultBranch` its default. */
export function repositoryPayload(fullName: string, defaultBranch: string): Record<string, unknown> {
  return repositoryObject(API, fullName, defaultBranch);
}

/** The `sender` of a webhook payload (the `user` schema). */
export function senderPayload(login: string): Record<string, unknown> {
  return user(login) as Record<string, unknown>;
}

/** The default branch of each bare repository read so far, with its HEAD file's text then. */
const defaultBranches = new Map<string, { head: string; branch: string }>();

/** The default branch of a bare repository (its HEAD), asked of git again only once the HEAD file changed. */
export function defaultBranchOf(bare: string): string {
  const head = readFileSync(path.join(bare, 'HEAD'), 'utf8');
  const known = defaultBranches.get(bare);
  if (known?.head === head) return known.branch;
  const branch = git(bare, 'symbolic-ref', '--short', 'HEAD');
  defaultBranches.set(bare, { head, branch });
  return branch;
}

/** The fields of `simple-pull-request` (pull_request_review's `pull_request`: a pull request without its merge state and counts). */
const SIMPLE_PULL_REQUEST = [
  'url',
  'id',
  'node_id',
  'html_url',
  'diff_url',
  'patch_url',
  'issue_url',
  'number',
  'state',
  'locked',
  'title',
  'user',
  'body',
  'created_at',
  'updated_at',
  'closed_at',
  'merged_at',
  'merge_commit_sha',
  'assignee',
  'assignees',
  'requested_reviewers',
  'requested_teams',
  'labels',
  'milestone',
  'draft',
  'commits_url',
  'review_comments_url',
  'review_comment_url',
  'comments_url',
  'statuses_url',
  'head',
  'base',
  '_links',
  'author_association',
  'auto_merge',
  'active_lock_reason',
] as const;

/** A pull request as pull_request_review events carry it (`simple-pull-request`). */
export function simplePullRequest(pull: PullRequest): Record<string, unknown> {
  const full = pull as Record<string, unknown>;
  return Object.fromEntries(SIMPLE_PULL_REQUEST.filter((key) => key in full).map((key) => [key, full[key]]));
}

/**
 * A review as pull_request_review events carry it (`pull-request-review`): the REST review with its
 * state lowercased (`approved`, `changes_requested`, `commented`) and its links.
 */
export function reviewPayload(
  review: { state: string; commit_id: string } & Record<string, unknown>,
  pull: PullRequest,
  login: string,
): Record<string, unknown> {
  const pullUrl = String(pull.url ?? '');
  return {
    id: review['id'] ?? 1,
    node_id: review['node_id'] ?? 'PRR_1',
    user: review['user'] ?? user(login),
    body: review['body'] ?? null,
    commit_id: review.commit_id,
    submitted_at: review['submitted_at'] ?? new Date().toISOString(),
    state: review.state.toLowerCase(),
    html_url: review['html_url'] ?? `${pull.html_url}#pullrequestreview-1`,
    pull_request_url: pullUrl,
    author_association: review['author_association'] ?? 'MEMBER',
    _links: { html: { href: String(review['html_url'] ?? pull.html_url) }, pull_request: { href: pullUrl } },
  };
}

/** Commits already read, by `<bare>\0<full name>\0<sha>`: a commit never changes. */
const commitPayloads = new Map<string, Record<string, unknown>>();

/** A commit of a push payload (the `commit` schema), read from `bare` once (each call returns a copy). */
function commitPayload(bare: string, fullName: string, sha: string): Record<string, unknown> {
  const key = `${bare}\0${fullName}\0${sha}`;
  const read = commitPayloads.get(key) ?? readCommitPayload(bare, fullName, sha);
  commitPayloads.set(key, read);
  return structuredClone(read);
}

function readCommitPayload(bare: string, fullName: string, sha: string): Record<string, unknown> {
  const [tree, name, email, authorDate, committerName, committerEmail, committerDate, ...message] = git(
    bare,
    'show',
    '-s',
    '--format=%T%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B',
    sha,
  ).split('\n');
  const changes = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  for (const line of git(bare, 'diff-tree', '--no-commit-id', '--root', '-r', '-m', '--first-parent', '--name-status', sha).split('\n').filter(Boolean)) {
    const [status, file] = line.split('\t') as [string, string];
    (status.startsWith('A') ? changes.added : status.startsWith('D') ? changes.removed : changes.modified).push(file);
  }
  return {
    id: sha,
    tree_id: tree,
    distinct: true,
    message: message.join('\n').trim(),
    timestamp: committerDate,
    url: `https://github.com/${fullName}/commit/${sha}`,
    author: { name, email, date: authorDate },
    committer: { name: committerName, email: committerEmail, date: committerDate },
    ...changes,
  };
}

/**
 * The payload of a push of `ref` from `before` to `after` (40 zeros for a created ref) in `bare`, by
 * `login` ("Webhook events and payloads: push"): the commits new to the ref, oldest first (none for a
 * tag), `head_commit` the commit `after` peels to, `base_ref` the branch whose head it is when a tag or
 * a new branch is pushed onto one, `compare` the range's page.
 */
export function pushPayload(
  bare: string,
  fullName: string,
  push: { ref: string; before: string; after: string; login: string; email?: string },
): Record<string, unknown> {
  const zero = '0'.repeat(40);
  const created = push.before === zero;
  const deleted = push.after === zero;
  const head = deleted ? undefined : git(bare, 'rev-parse', `${push.after}^{commit}`);
  const tag = push.ref.startsWith('refs/tags/');
  let shas: string[] = [];
  if (head && !tag)
    shas = created
      ? git(bare, 'rev-list', '--reverse', head, '--not', ...otherBranches(bare, push.ref))
          .split('\n')
          .filter(Boolean)
      : git(bare, 'rev-list', '--reverse', `${push.before}..${head}`).split('\n').filter(Boolean);
  const baseRef =
    head && (tag || created)
      ? (git(bare, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads')
          .split('\n')
          .map((line) => line.split(' '))
          .find(([ref, sha]) => ref !== push.ref && sha === head)?.[0] ?? null)
      : null;
  const forced = !created && !deleted && gitOutcome(bare, {}, 'merge-base', '--is-ancestor', push.before, head!).status !== 0;
  return {
    ref: push.ref,
    before: push.before,
    after: push.after,
    created,
    deleted,
    forced,
    base_ref: baseRef,
    compare: created
      ? `https://github.com/${fullName}/compare/${push.ref.replace(/^refs\/(heads|tags)\//, '')}`
      : `https://github.com/${fullName}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
    commits: shas.map((sha) => commitPayload(bare, fullName, sha)),
    head_commit: head ? commitPayload(bare, fullName, head) : null,
    repository: repositoryPayload(fullName, defaultBranchOf(bare)),
    pusher: { name: push.login, email: push.email ?? `${push.login}@users.noreply.github.com` },
    sender: senderPayload(push.login),
  };
}

/** `--not` arguments: every branch but `ref` (a new branch's commits are those no other branch holds). */
function otherBranches(bare: string, ref: string): string[] {
  return git(bare, 'for-each-ref', '--format=%(refname)', 'refs/heads')
    .split('\n')
    .filter((name) => name && name !== ref);
}
