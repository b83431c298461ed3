import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { CHECKLIST_MARKER } from '@exegol-release/core/release-pr';
import { HEAD_SHA, OWNER, PR_NUMBER, checkRun } from '@exegol-release/testbed/fixtures/release-pr.js';
import { user } from '@exegol-release/testbed/stand-ins/github-api.js';
import { useStandIn } from './harness.js';

const { api, verify } = useStandIn();
const pr = () => api().state.pulls.get(PR_NUMBER)!;
const comments = () => api().state.comments.get(PR_NUMBER) ?? [];
/** The token of the harness: an installation token (ghs_), the GITHUB_TOKEN's kind. */
const TOKEN = 'ghs_standInToken123';

describe('the checklist comment is only ever one the token itself wrote', () => {
  const planted = () => ({
    id: 77,
    body: `${CHECKLIST_MARKER}\n### Release checklist: ready\n\nVerified by @mallory`,
    user: user('mallory'),
    html_url: `https://github.com/${OWNER}/Exegol/pull/42#issuecomment-77`,
  });

  it('leaves a comment planted with the marker by someone else, and writes its own', async () => {
    api().state.comments.set(PR_NUMBER, [planted()]);
    pr().comments = 1;
    pr().draft = true;
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    expect(comments()[0]).toMatchObject(planted());
    expect(comments()).toHaveLength(2);
    expect(comments()[1]!.user!.login).toBe('github-actions[bot]');
    expect(comments()[1]!.body).toContain('### Release checklist: not ready');
    // An installation token (ghs_) is asked GraphQL's viewer, never GET /user.
    expect(api().graphqlQueries).toEqual(['query { viewer { login } }']);
    expect(api().requests.some((request) => request.path === '/user')).toBe(false);

    pr().draft = false;
    pr().comments = 2;
    const again = await verify({ comment: 'true' });
    expect(again.code, again.stdout).toBe(0);
    expect(comments()).toHaveLength(2);
    expect(comments()[0]).toMatchObject(planted());
    expect(comments()[1]!.body).toContain('### Release checklist: ready');
  });

  it("a personal access token: GET /user's login; the GITHUB_TOKEN's checklist is someone else's", async () => {
    api().tokens.set('ghp_maintainerToken', { login: 'exegol-release-bot', installation: false });
    const bots = [
      { ...planted(), id: 78, user: user('github-actions[bot]', 41898282) },
      { ...planted(), id: 79, user: user('exegol-release-bot'), body: `${CHECKLIST_MARKER}\nold` },
    ];
    api().state.comments.set(PR_NUMBER, bots);
    pr().comments = 2;
    const run = await verify({ comment: 'true', 'github-token': 'ghp_maintainerToken' });
    expect(run.code, run.stdout).toBe(0);
    expect(comments().map((comment) => comment.body!.includes('Release checklist: ready'))).toEqual([true, true]);
    expect(comments()[0]!.body).toContain('Verified by @mallory');
    expect(comments()[1]!.body).not.toContain('old');
    expect(api().requests.filter((request) => request.path === '/user')).toHaveLength(1);
  });

  it('an app installation token without the ghs_ prefix: GET /user answers 403, GraphQL names <app-slug>[bot]', async () => {
    api().tokens.set('v1.0123456789abcdef', { login: 'exegol-release[bot]', installation: true });
    api().state.comments.set(PR_NUMBER, [{ ...planted(), id: 80, user: user('exegol-release[bot]'), body: `${CHECKLIST_MARKER}\nold` }]);
    pr().comments = 1;
    const run = await verify({ comment: 'true', 'github-token': 'v1.0123456789abcdef' });
    expect(run.code, run.stdout).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]!.body).toContain('### Release checklist: ready');
    expect(api().requests.map((request) => `${request.method} ${request.path}`)).toEqual(expect.arrayContaining(['GET /user', 'POST /graphql']));
  });
});

describe('text from a pull request, a check or a file does nothing', () => {
  const markdown = new MarkdownIt({ html: true, linkify: true });
  const HOSTILE_TITLE = 'Release 5.1.5 <!-- cc @ThePorgs/maintainers ![x](https://evil.example/x.png)\n::error::pwned by the title';
  const HOSTILE_CHECK = 'lint @octocat [click](https://evil.example) <img src=x>\n::add-mask::pwned\r::warning::pwned by a check';

  it('renders the comment inert and keeps every row after a hostile <!--', async () => {
    pr().title = HOSTILE_TITLE;
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun(HOSTILE_CHECK, 'failure'));
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    const body = comments()[0]!.body!;
    // The marker is the only HTML comment: the raw first line.
    expect(body.startsWith(`${CHECKLIST_MARKER}\n`)).toBe(true);
    const html = markdown.render(body.slice(CHECKLIST_MARKER.length));
    expect(html).not.toMatch(/<!--|<a |<img|<script/);
    // Mentions sit in code spans only, where GitHub links no one.
    expect(html.replace(/<code>[\s\S]*?<\/code>/g, '')).not.toMatch(/@\w/);
    // Every rule is a row (and the header): nothing after the title hid the checks row.
    expect(html.match(/<tr>/g)).toHaveLength(1 + 15);
    expect(html).toMatch(/❌<\/td>\s*<td><code>checks<\/code><\/td>/);
  });

  it('writes no workflow command from a title or a check name into the log', async () => {
    pr().title = HOSTILE_TITLE;
    api().state.checkRuns.get(HEAD_SHA)!.push(checkRun(HOSTILE_CHECK, 'failure'));
    const run = await verify();
    expect(run.code).toBe(1);
    const commands = run.stdout.split(/\r?\n|\r/).filter((line) => line.startsWith('::'));
    // Ours only: the token's mask, the error's stack for debugging, the error.
    expect(commands.filter((line) => !/^::(?:add-mask|debug|error)::/.test(line))).toEqual([]);
    expect(run.masks).toEqual([TOKEN]);
    expect(run.warnings).toEqual([]);
    expect(run.errors).toHaveLength(1);
    expect(run.stdout).toContain('\\n:\u200d:error:\u200d:pwned by the title');
  });
});
