import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback.js';

/**
 * A real git smart-HTTP remote on 127.0.0.1: each request runs
 * `git http-backend` as a CGI program (git-http-backend(1): GIT_PROJECT_ROOT,
 * GIT_HTTP_EXPORT_ALL, PATH_INFO, QUERY_STRING, REQUEST_METHOD, CONTENT_TYPE,
 * REMOTE_USER, GIT_PROTOCOL; the request body on standard input, a CGI
 * response with a `Status:` header on standard output), behind HTTP Basic
 * authentication (RFC 7617). As git-http-backend(1) advises, every request
 * needs the credentials, and only an authenticated user may push
 * (http-backend enables receive-pack when REMOTE_USER is set).
 */
export interface GitHttpRemote {
  /** http://127.0.0.1:<port>: a repository `<name>.git` under the project root is at `${base}/<name>.git`. */
  readonly base: string;
  /** How many requests came without the right credentials (answered 401). */
  readonly refused: () => number;
  close(): Promise<void>;
}

function authorized(request: IncomingMessage, username: string, password: string): boolean {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return false;
  return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${username}:${password}`;
}

/** Splits a CGI response into its status, headers and body (RFC 3875 §6). */
function parseCgi(output: Buffer): { status: number; headers: [string, string][]; body: Buffer } {
  let end = output.indexOf('\r\n\r\n');
  let separator = 4;
  if (end === -1) {
    end = output.indexOf('\n\n');
    separator = 2;
  }
  const head = output.subarray(0, end === -1 ? output.length : end).toString('latin1');
  const body = end === -1 ? Buffer.alloc(0) : output.subarray(end + separator);
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers.push([name, value]);
  }
  return { status, headers, body };
}

/** Runs `git http-backend` for one request, as `user` (REMOTE_USER: set, it enables receive-pack; undefined, fetches only). */
export function runBackend(
  request: IncomingMessage,
  response: ServerResponse,
  projectRoot: string,
  user: string | undefined,
  extraEnv: Record<string, string> = {},
): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      ...(request.headers['content-length'] ? { CONTENT_LENGTH: request.headers['content-length'] } : {}),
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      ...(user ? { REMOTE_USER: user } : {}),
      REMOTE_ADDR: '127.0.0.1',
      ...extraEnv,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.resume();
  request.pipe(child.stdin);
  child.on('close', () => {
    const { status, headers, body } = parseCgi(Buffer.concat(chunks));
    response.writeHead(status, Object.fromEntries(headers));
    response.end(body);
  });
}

/**
 * Serves the bare repositories under `projectRoot` over smart HTTP with
 * Basic authentication for `username`:`password`.
 */
export async function startGitHttpRemote(projectRoot: string, username: string, password: string): Promise<GitHttpRemote> {
  let refused = 0;
  const server: Server = createServer((request, response) => {
    if (!authorized(request, username, password)) {
      refused += 1;
      request.resume();
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      response.end('authentication required\n');
      return;
    }
    runBackend(request, response, projectRoot, username);
  });
  const base = await listenOnLoopback(server);
  return { base, refused: () => refused, close: () => closeServer(server) };
}

/**
 * Serves the bare repositories under `projectRoot` (`<owner>/<name>.git`) over smart HTTP as GitHub serves
 * a public repository: anyone may fetch; a push (git-receive-pack) needs Basic credentials whose
 * password `pusher` maps to an account allowed to write, and is otherwise answered 401 without
 * credentials, or 403 "Permission to <owner>/<name>.git denied to <account>." (GitHub's words) for an
 * account that may not write, such as a GITHUB_TOKEN without `contents: write`.
 */
/**
 * A hooks directory whose pre-receive refuses, for the pushing account:
 * - with GH_REFUSED_REFS (lines `<ref>\t<message>\t<message>…`), an update of one of those refs, printing
 *   its messages as GitHub's pre-receive does for a protected branch ("error: GH006: Protected branch
 *   update failed for refs/heads/main.");
 * - with GH_NO_WORKFLOWS=1, ref updates that change a file under .github/workflows/ (the diff of each
 *   update; for a new ref, the files of its commits new to the repository), as GitHub refuses a push by
 *   a GitHub App or a GITHUB_TOKEN without the `workflows` permission, in its words: "refusing to allow
 *   a GitHub App to create or update workflow `<path>` without `workflows` permission".
 */
async function workflowsHook(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'git-hooks-'));
  const script = `#!/bin/bash
zero=0000000000000000000000000000000000000000
while read -r old new ref; do
  refused="$(awk -F '\\t' -v ref="$ref" '$1 == ref { for (i = 2; i <= NF; i++) print "error: " $i; exit }' <<< "\${GH_REFUSED_REFS:-}")"
  if [ -n "$refused" ]; then
    echo "$refused" >&2
    exit 1
  fi
  [ "\${GH_NO_WORKFLOWS:-}" = 1 ] || continue
  [ "$new" = "$zero" ] && continue
  if [ "$old" = "$zero" ]; then files="$(git log --format= --name-only "$new" --not --all)"; else files="$(git diff --name-only "$old" "$new")"; fi
  workflow="$(grep -m 1 '^\\.github/workflows/' <<< "$files" || true)"
  if [ -n "$workflow" ]; then
    echo "refusing to allow a GitHub App to create or update workflow \\\`$workflow\\\` without \\\`workflows\\\` permission" >&2
    exit 1
  fi
done
`;
  await writeFile(path.join(directory, 'pre-receive'), script, { mode: 0o755 });
  return directory;
}

export async function startPublicGitRemote(
  projectRoot: string,
  pusher: (
    password: string,
    repository: string,
  ) => { login: string; mayPush: boolean; mayChangeWorkflows?: boolean; refusedRefs?: { ref: string; lines: string[] }[] } | undefined,
): Promise<GitHttpRemote> {
  const hooks = await workflowsHook();
  let refused = 0;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const pushing = url.pathname.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
    const header = request.headers.authorization ?? '';
    // The scheme is case-insensitive (RFC 9110 §11.1): actions/checkout sends `AUTHORIZATION: basic …`.
    const password = /^basic /i.test(header) ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':') : '';
    const repository = url.pathname.replace(/^\/(.+?\.git)\/.*$/, '$1');
    const account = password ? pusher(password, repository.replace(/\.git$/, '')) : undefined;
    if (pushing && !account?.mayPush) {
      refused += 1;
      request.resume();
      if (!account) response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"', 'Content-Type': 'text/plain' }).end('authentication required\n');
      else response.writeHead(403, { 'Content-Type': 'text/plain' }).end(`Permission to ${repository} denied to ${account.login}.\n`);
      return;
    }
    // An account without the workflows permission (every GITHUB_TOKEN), or with refs it may not push to, gets the pre-receive hook above.
    const noWorkflows = account?.mayChangeWorkflows === false;
    const refusedRefs = (account?.refusedRefs ?? []).map((entry) => [entry.ref, ...entry.lines].join('\t')).join('\n');
    const hook: Record<string, string> =
      pushing && (noWorkflows || refusedRefs)
        ? {
            GIT_CONFIG_COUNT: '1',
            GIT_CONFIG_KEY_0: 'core.hooksPath',
            GIT_CONFIG_VALUE_0: hooks,
            ...(noWorkflows ? { GH_NO_WORKFLOWS: '1' } : {}),
            ...(refusedRefs ? { GH_REFUSED_REFS: refusedRefs } : {}),
          }
        : {};
    runBackend(request, response, projectRoot, account?.login ?? 'anonymous', hook);
  });
  const base = await listenOnLoopback(server);
  return { base, refused: () => refused, close: () => closeServer(server).then(() => rm(hooks, { recursive: true, force: true })) };
}
