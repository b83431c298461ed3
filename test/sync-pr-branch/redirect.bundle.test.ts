// A hostile git host on 127.0.0.1 (the GitHub server the token is scoped to) that answers every
// request with a redirect to a second local server, of another origin, which records the
// Authorization headers it receives and serves the repositories (git-http-backend), so that a git
// that followed the redirect would succeed there. The token must never reach the second server.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback } from '@exegol-release/testbed/stand-ins/loopback.js';
import { GitHttpServer } from './git-http.js';
import { HEAD_BRANCH, TOKEN, tip, useSyncWorld } from './fixtures.js';

let hostile: Server;
let hostileUrl = '';
let target: GitHttpServer;
const world = useSyncWorld({ cloneUrl: (_, fullName) => `${hostileUrl}/${fullName}.git`, serverUrl: () => hostileUrl });

beforeAll(async () => {
  target = await new GitHttpServer('', new Set([TOKEN])).start();
  // RFC 9110 §15.4.3: 302 Found with a Location of another origin (another port of 127.0.0.1).
  hostile = createServer((request, response) => {
    response.writeHead(302, { location: `${target.url}${request.url ?? '/'}` });
    response.end();
  });
  hostileUrl = await listenOnLoopback(hostile);
});
afterAll(async () => {
  await closeServer(hostile);
  await target?.stop();
});

describe('sync-pr-branch bundle: git and redirects', () => {
  it('follows no redirect to another origin: the token never reaches the server redirected to', async () => {
    const { root, fork } = await world.prepare();
    target.root = root;
    target.requests.length = 0;
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync master');
    expect(run.code).toBe(1);
    expect(target.requests.filter((request) => request.authorization !== undefined)).toEqual([]);
    expect(target.requests).toEqual([]);
    expect(tip(fork, HEAD_BRANCH)).toBe(before);
    expect(run.errors.at(-1)).toMatch(
      /^sync-pr-branch failed: git ls-remote --heads upstream refs\/heads\/master exited with 128: fatal: unable to access .*: The requested URL returned error: 302$/,
    );
    expect((run.stdout + run.stderr).replace(/^::add-mask::.*$/gm, '')).not.toContain(TOKEN);
  });
});
