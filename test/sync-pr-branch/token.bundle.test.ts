// The push to a fork over HTTP(S), against git's own smart HTTP server: the token travels only
// in an Authorization header to the GitHub server's origin, never in a URL, an argument or the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHttpServer } from './git-http.js';
import { HEAD_BRANCH, TOKEN, parents, tip, useSyncWorld } from './fixtures.js';

let server: GitHttpServer;
const world = useSyncWorld({ cloneUrl: (_, fullName) => `${server.url}/${fullName}.git`, serverUrl: () => server.url });

beforeAll(async () => {
  server = await new GitHttpServer('', new Set([TOKEN])).start();
});
afterAll(async () => server?.stop());

/** What the run printed and wrote, the `::add-mask::` commands left out (the runner consumes them). */
function everythingShown(run: { stdout: string; stderr: string; summary: string }): string {
  const replies = world
    .replies()
    .map((comment) => comment.body)
    .join('\n');
  return `${run.stdout.replace(/^::add-mask::.*$/gm, '')}${run.stderr}${run.summary}${replies}`;
}

describe('sync-pr-branch bundle: git over HTTP with the token', () => {
  it('pushes the merge to the fork with the token in an Authorization header only, masked, in no URL', async () => {
    const { root, fork, upstream } = await world.prepare();
    server.root = root;
    server.requests.length = 0;
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync master');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const after = tip(fork, HEAD_BRANCH);
    expect(parents(fork, after)).toEqual([before, tip(upstream, 'master')]);

    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    const pushes = server.requests.filter((request) => request.url.includes('git-receive-pack'));
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.every((request) => request.url.startsWith('/contributor/Exegol.git/') && request.authorization === `basic ${basic}`)).toBe(true);
    expect(server.requests.some((request) => request.url.includes(TOKEN) || request.url.includes(basic))).toBe(false);
    expect(run.masks).toEqual(expect.arrayContaining([TOKEN, basic]));
    expect(everythingShown(run)).not.toContain(TOKEN);
    expect(everythingShown(run)).not.toContain(basic);
    expect(run.stdout).toContain(`Pushing ${after} to ${HEAD_BRANCH} at ${server.url}/contributor/Exegol.git`);
  });

  it('sends the token to no other origin than the GitHub server: the push is refused, and the error holds no secret', async () => {
    const { root, fork } = await world.prepare();
    server.root = root;
    server.requests.length = 0;
    const before = tip(fork, HEAD_BRANCH);
    const run = await world.sync('/sync master', {}, { GITHUB_SERVER_URL: 'https://github.com' });
    expect(run.code).toBe(1);
    expect(tip(fork, HEAD_BRANCH)).toBe(before);
    expect(server.requests.filter((request) => request.authorization !== undefined)).toEqual([]);
    expect(run.errors.at(-1)).toMatch(
      /^sync-pr-branch failed: git push to http:\/\/127\.0\.0\.1:\d+\/contributor\/Exegol\.git refs\/heads\/feature\/compose-support failed: .*for a fork's branch, pass a maintainer's token in github-token\)$/,
    );
    expect(everythingShown(run)).not.toContain(TOKEN);
    expect(world.replies()[0]!.body).toContain('`/sync` failed: see https://github.com/ThePorgs/Exegol/actions/runs/424242.');
    expect(world.endpoints.reactionLog).toEqual(['add eyes', 'remove eyes', 'add confused']);
  });
});
