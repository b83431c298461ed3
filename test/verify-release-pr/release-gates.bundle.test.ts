import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { HEAD_SHA, OWNER, PR_NUMBER, checkRun, releasePullRequest } from '@exegol-release/testbed/fixtures/release-pr.js';
import { user, type RouteContext } from '@exegol-release/testbed/stand-ins/github-api.js';
import { failuresOf, useStandIn } from './harness.js';

/**
 * The gates a release pull request adds to its rules: each check named with the app it comes from (and a
 * required check bound to one), the title's version free of invisible characters, open-release-pr's checklist
 * ticked, and the docs' companion pull request open.
 */

const { api, verify } = useStandIn();
const pr = () => api().state.pulls.get(PR_NUMBER)!;
const CIRCLECI = { id: 18001, slug: 'circleci-checks', name: 'CircleCI Checks' };
const IMPOSTOR = { id: 66601, slug: 'impostor-ci', name: 'Totally GitHub Actions' };

describe('verify-release-pr bundle: a check is named with its app, and a required check may be bound to one', () => {
  it('names the app of every passing check in the summary and the comment', async () => {
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('tests', 'success', { app: IMPOSTOR }));
    const run = await verify({ comment: 'true' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('tests [impostor-ci]');
    expect(run.summary).toContain('pre-commit [github-actions]');
    expect(run.summary).toContain('docs/readthedocs [commit status]');
    const comment = api().state.comments.get(PR_NUMBER)![0]!.body!;
    expect(comment).toContain('`tests` [`impostor-ci`]');
  });

  it('github-actions/tests is satisfied only by the check run of GitHub Actions, not by another app’s of that name', async () => {
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('tests', 'success', { app: IMPOSTOR }));
    const run = await verify({ checks: 'github-actions/tests\npre-commit' });
    expect(run.code).toBe(1);
    expect(failuresOf(run)).toEqual([
      { rule: 'checks', detail: 'tests of app github-actions did not run (one of that name came from impostor-ci, which does not count)' },
    ]);
  });

  it('github-actions/tests passes on the check run of GitHub Actions, whatever another app says', async () => {
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('tests', 'success'), checkRun('tests', 'failure', { app: CIRCLECI }));
    const run = await verify({ checks: 'github-actions/tests' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('✓ checks: 1 check(s) passed on 4f3e2a1: tests [github-actions]');
  });

  it('a plain name still takes every check of that name, from any app: each must pass', async () => {
    api()
      .state.checkRuns.get(HEAD_SHA)!
      .push(checkRun('tests', 'success'), checkRun('tests', 'failure', { app: CIRCLECI }));
    const run = await verify({ checks: 'tests' });
    expect(failuresOf(run)).toEqual([{ rule: 'checks', detail: 'tests [circleci-checks] (failure) failed' }]);
  });

  it('a name holding "/" is read as <app-slug>/<name>; the refusal says how to name it from any app', async () => {
    const run = await verify({ checks: 'docs/readthedocs' });
    expect(failuresOf(run)).toEqual([
      {
        rule: 'checks',
        detail: 'readthedocs of app docs did not run; a check named docs/readthedocs ran: write /docs/readthedocs to take it from any app',
      },
    ]);
    expect((await verify({ checks: '/docs/readthedocs' })).code).toBe(0);
  });

  it('refuses an entry whose part before the first "/" is no app slug, naming the input', async () => {
    const run = await verify({ checks: 'build (amd64)/push' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'checks' holds "build (amd64)/push": the part before the first "/" names the GitHub App`);
    expect(run.errors[0]).toContain('write "/build (amd64)/push"');
    expect(api().requests).toHaveLength(0);
  });
});

describe('verify-release-pr bundle: the title’s version holds no invisible character', () => {
  it.each([
    ['U+FEFF', '\uFEFF'],
    ['U+200B', '\u200B'],
    ['U+00A0', '\u00A0'],
  ])('a version followed by %s fails the version rule under a permissive title-pattern', async (name, char) => {
    pr().title = `Release 5.1.5${char}`;
    const run = await verify({ 'title-pattern': '^Release (?<version>.+)$' });
    expect(run.code).toBe(1);
    expect(run.outputs['version']).toBe('');
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['version']);
    expect(failuresOf(run)[0]!.detail).toContain(`holds ${name}`);
  });
});

const BEGIN = '<!-- open-release-pr:begin -->';
const END = '<!-- open-release-pr:end -->';
const description = (items: string) =>
  `Written by hand.\n\n- [ ] a task outside the release part does not count\n\n${BEGIN}\n## Major changes\n\n- Python 3.14 supported (#801)\n\n## Checklist\n\n${items}\n${END}\n`;

describe('verify-release-pr bundle: the checklist open-release-pr wrote must be ticked', () => {
  it('fails while an item is unticked, naming it inert in the comment and on one line in the log', async () => {
    pr().body = description('- [x] README reviewed\n* [ ] Exegol-docs pull request dev-wrapper → main ready\n+ [ ] @everyone <img src=x> ::error::boom');
    const run = await verify({ comment: 'true' });
    expect(run.code).toBe(1);
    expect(failuresOf(run)).toEqual([
      {
        rule: 'checklist',
        detail: '2 of 3 checklist item(s) not ticked: Exegol-docs pull request dev-wrapper → main ready; @everyone <img src=x> ::error::boom',
      },
    ]);
    const comment = api().state.comments.get(PR_NUMBER)![0]!.body!;
    const html = new MarkdownIt({ html: true }).render(comment);
    expect(html).toContain('<code>@everyone &lt;img src=x&gt; ::error::boom</code>');
    expect(html).not.toContain('<img');
    expect(run.stdout).not.toMatch(/^::error::boom/m);
  });

  it('passes once every item is ticked ([x] or [X]); items outside the markers do not count', async () => {
    pr().body = description('- [x] README reviewed\n- [X] Exegol-docs pull request dev-wrapper → main ready');
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('✓ checklist: 2 checklist item(s) ticked');
  });

  it('passes a description without the markers: no release checklist', async () => {
    pr().body = '- [ ] a hand-written task\n- Python 3.14 supported\n';
    const run = await verify();
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('✓ checklist: no release checklist in the description');
  });

  it('fails a begin marker without its end', async () => {
    pr().body = `- change\n\n${BEGIN}\n- [x] README reviewed\n`;
    expect(failuresOf(await verify()).map((failure) => failure.rule)).toEqual(['checklist']);
  });

  it('require-checklist: false skips the rule', async () => {
    pr().body = description('- [ ] README reviewed');
    const run = await verify({ 'require-checklist': 'false' });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('<tr><td>checklist</td><td>skipped</td>');
  });
});

describe('verify-release-pr bundle: the companion pull request must be open', () => {
  const DOCS = `${OWNER}/Exegol-docs`;
  /** An open pull request dev-images → main in Exegol-docs, #17, as GET …/pulls lists it. */
  function docsPullRequest(overrides: Parameters<typeof releasePullRequest>[0] = {}) {
    const docs = api().repository(DOCS);
    docs.defaultBranch = 'main';
    const pull = releasePullRequest({ number: 17, title: 'Docs for the images 3.1.7', ...overrides }, DOCS);
    pull.head = { ...pull.head, ref: 'dev-images', label: `${OWNER}:dev-images` };
    pull.html_url = `https://github.com/${DOCS}/pull/17`;
    docs.pulls.set(17, pull);
    return pull;
  }

  it('finds the open pull request from the branch into the default branch, with the companion token; number and URL as outputs', async () => {
    docsPullRequest();
    const seen: string[] = [];
    const record = (context: RouteContext): boolean => {
      if (context.repository === DOCS) seen.push(`${context.request.headers.authorization} ${context.url.pathname}${context.url.search}`);
      return false;
    };
    api().routes.push(record);
    try {
      const run = await verify({ 'companion-pull-request': `${DOCS}:dev-images`, 'companion-token': 'ghs_docsToken456' });
      expect(run.code, run.stdout).toBe(0);
      expect(run.outputs['companion-pull-request-number']).toBe('17');
      expect(run.outputs['companion-pull-request-url']).toBe(`https://github.com/${DOCS}/pull/17`);
      expect(run.stdout).toContain(`✓ companion: #17 from dev-images into main in ${DOCS} is open`);
      expect(seen).toEqual([
        `token ghs_docsToken456 /repos/${DOCS}`,
        `token ghs_docsToken456 /repos/${DOCS}/pulls?state=open&head=${OWNER}%3Adev-images&base=main&per_page=100`,
      ]);
      expect(run.masks).toContain('ghs_docsToken456');
    } finally {
      api().routes.splice(api().routes.indexOf(record), 1);
    }
  });

  it.each([
    ['no pull request at all', () => api().repository(DOCS), `no open pull request from dev-images into main in ${DOCS}`],
    ['a closed one', () => docsPullRequest({ state: 'closed' }), `no open pull request from dev-images into main in ${DOCS}`],
    [
      'one into another branch',
      () => void (docsPullRequest().base!.ref = 'dev'),
      `no open pull request from dev-images into main in ${DOCS}: open it before the release`,
    ],
    ['an unknown repository', () => 'Exegol-unknown', `cannot read the pull requests of ${OWNER}/Exegol-unknown with companion-token: GitHub answered 404`],
  ])('fails the companion rule on %s', async (_name, arrange, detail) => {
    const other = arrange();
    const run = await verify({ 'companion-pull-request': `${typeof other === 'string' ? `${OWNER}/${other}` : DOCS}:dev-images` });
    expect(run.code).toBe(1);
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['companion']);
    expect(failuresOf(run)[0]!.detail).toContain(detail);
    expect(run.outputs['companion-pull-request-number']).toBe('');
  });

  it.each([
    'ThePorgs/Exegol-docs',
    'ThePorgs:dev-images',
    '-ThePorgs/Exegol-docs:dev-images',
    'The--Porgs/Exegol-docs:dev-images',
    'ThePorgs/Exegol docs:dev-images',
    'ThePorgs/Exegol-docs.git:dev-images',
    'ThePorgs/..:dev-images',
    'ThePorgs/Exegol-docs:dev..images',
    'ThePorgs/Exegol-docs:dev-images.lock',
    'ThePorgs/Exegol-docs:-dev',
    'ThePorgs/Exegol-docs:HEAD',
    'ThePorgs/Exegol-docs:',
  ])('refuses companion-pull-request %j before any request', async (value) => {
    const run = await verify({ 'companion-pull-request': value });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`input 'companion-pull-request' must be owner/repository:branch`);
    expect(api().requests).toHaveLength(0);
  });

  it('an open companion pull request of another owner’s fork does not count', async () => {
    const pull = docsPullRequest();
    pull.head = { ...pull.head, repo: { ...pull.head!.repo, full_name: 'mallory/Exegol-docs', owner: user('mallory') } };
    const run = await verify({ 'companion-pull-request': `${DOCS}:dev-images` });
    expect(failuresOf(run).map((failure) => failure.rule)).toEqual(['companion']);
  });
});
