import { describe, expect, it } from 'vitest';
import type { CheckFacts } from '../../packages/core/src/release-pr/checks.js';
import type { PullRequestFacts, ReviewFacts } from '../../packages/core/src/release-pr/facts.js';
import {
  approvalCandidates,
  approvalRule,
  branchRule,
  checkLabel,
  checklistRule,
  checksRule,
  companionRule,
  descriptionRule,
  filePatternRule,
  globToRegExp,
  isReleaseTitle,
  mergeCommitRule,
  parseCheckEntries,
  relevantChecks,
  releaseChecklist,
  stateRules,
  submoduleRule,
  tagRules,
  titleRules,
  versionFileRule,
  type RuleResult,
} from '../../packages/core/src/release-pr/rules.js';
import { parseCompanionPullRequest } from '../../packages/core/src/release-pr/companion.js';
import { parsePythonVersion } from '../../packages/core/src/versions/python-version.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const TITLE = /^Release (?<version>\d+\.\d+\.\d+(?:b\d+)?)$/;

function pullRequest(overrides: Partial<PullRequestFacts> = {}): PullRequestFacts {
  return {
    number: 42,
    state: 'open',
    merged: false,
    draft: false,
    title: 'Release 5.1.5',
    body: '- change\n',
    baseRef: 'master',
    headRef: 'dev',
    headSha: HEAD,
    headRepository: 'ThePorgs/Exegol',
    author: 'alice',
    comments: 0,
    ...overrides,
  };
}

const run = (name: string, state: CheckFacts['state'], app = 'github-actions', extra: Partial<CheckFacts> = {}): CheckFacts => ({
  name,
  kind: 'check run',
  state,
  detail: state === 'pass' ? 'success' : state === 'fail' ? 'failure' : 'in_progress',
  app,
  ...extra,
});
const status = (name: string, state: CheckFacts['state']): CheckFacts => ({ name, kind: 'status', state, detail: state === 'pass' ? 'success' : 'error' });
const summary = (result: RuleResult) => ({ rule: result.rule, status: result.status, detail: result.detail.plain() });

describe('release-pr rules: state, branches, title', () => {
  it('a release title starts with the prefix in any case', () => {
    expect(isReleaseTitle('  release 5.1.5', 'Release')).toBe(true);
    expect(isReleaseTitle('Fix release notes', 'Release')).toBe(false);
  });

  it('open and ready, or merged with state: merged', () => {
    expect(stateRules(pullRequest()).map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(stateRules(pullRequest({ draft: true })).map((r) => r.status)).toEqual(['passed', 'failed']);
    expect(summary(stateRules(pullRequest({ state: 'closed', merged: true }))[0]!)).toMatchObject({
      status: 'failed',
      detail: 'the pull request is already merged',
    });
    expect(stateRules(pullRequest({ state: 'closed', merged: true, mergeCommitSha: OLD }), 'merged')[0]!.status).toBe('passed');
    expect(stateRules(pullRequest(), 'merged')[0]!.status).toBe('failed');
  });

  it('branches: base, head and the head repository must match', () => {
    expect(branchRule(pullRequest(), 'master', 'dev', 'ThePorgs/Exegol').status).toBe('passed');
    expect(branchRule(pullRequest({ headRepository: 'mallory/Exegol' }), 'master', 'dev', 'ThePorgs/Exegol').detail.plain()).toBe(
      'its head is in mallory/Exegol, not ThePorgs/Exegol',
    );
    const deleted: PullRequestFacts = { ...pullRequest(), headRepository: undefined } as PullRequestFacts;
    expect(branchRule(deleted, 'master', 'dev', 'ThePorgs/Exegol').detail.plain()).toBe('its head is in a deleted repository, not ThePorgs/Exegol');
    expect(branchRule(pullRequest({ baseRef: 'main', headRef: 'x' }), 'master', 'dev', 'ThePorgs/Exegol').detail.plain()).toBe(
      'its base is main, not master; its head is x, not dev',
    );
  });

  it('title: the version group, PEP 440 valid, canonical form named', () => {
    expect(titleRules('Release 5.1.5', TITLE).version?.text).toBe('5.1.5');
    expect(titleRules('Release 5.1.5 (cancelled)', TITLE).results.map((r) => r.status)).toEqual(['failed', 'skipped']);
    const loose = /^Release (?<version>.+)$/;
    expect(titleRules('Release 5.1.5-beta.1', loose).results[1]!.detail.plain()).toBe('5.1.5-beta.1 is a PEP 440 pre-release (canonical form 5.1.5b1)');
    expect(titleRules('Release five', loose).results[1]!.status).toBe('failed');
  });

  it.each([
    ['\uFEFF', 'U+FEFF'],
    ['\u200B', 'U+200B'],
    ['\u00A0', 'U+00A0'],
    [' ', 'U+0020'],
    ['\t', 'U+0009'],
    ['\u2060', 'U+2060'],
  ])('title: a version holding %j is refused, naming %s', (char, name) => {
    for (const title of [`Release 5.1.5${char}`, `Release ${char}5.1.5`]) {
      const { results, version } = titleRules(title, /^Release (?<version>.+)$/);
      expect(version).toBeUndefined();
      expect(results[1]!.status).toBe('failed');
      expect(results[1]!.detail.plain()).toContain(`holds ${name}`);
    }
  });

  it('PEP 440 parsing takes Python’s white space, not U+FEFF', () => {
    expect(parsePythonVersion('5.1.5\uFEFF')).toBeUndefined();
    expect(parsePythonVersion('\uFEFF5.1.5')).toBeUndefined();
    expect(parsePythonVersion(' 5.1.5\n')?.text).toBe('5.1.5');
  });
});

describe('release-pr rules: tags and description', () => {
  it('not tagged, newer than every version tag; the previous final release below it', () => {
    const { results, previousRelease } = tagRules(parsePythonVersion('5.1.5')!, ['5.1.3', '5.1.4', '5.1.5b2', 'latest']);
    expect(results.map((r) => r.status)).toEqual(['passed', 'passed']);
    expect(previousRelease).toBe('5.1.4');
    expect(tagRules(parsePythonVersion('5.1.5')!, ['5.1.5'])!.results[0]!.status).toBe('failed');
    expect(tagRules(parsePythonVersion('5.1.4b9')!, ['5.1.5b2']).results[1]!.detail.plain()).toBe('5.1.4b9 is not greater than the latest tag 5.1.5b2');
    expect(tagRules(parsePythonVersion('5.1.5')!, ['v5.1.5.0']).results[0]!.detail.plain()).toBe('tag v5.1.5.0 already exists');
  });

  it('description: a list item, unless not required', () => {
    expect(descriptionRule('- a change', true).status).toBe('passed');
    expect(descriptionRule('1. a change', true).status).toBe('passed');
    expect(descriptionRule('prose only', true).status).toBe('failed');
    expect(descriptionRule('', false).status).toBe('skipped');
  });
});

describe('release-pr rules: the release checklist', () => {
  const BEGIN = '<!-- open-release-pr:begin -->';
  const END = '<!-- open-release-pr:end -->';
  const part = (items: string) => `- [ ] outside\n${BEGIN}\n## Checklist\n${items}\n${END}\n- [ ] after`;

  it('no markers: passes, says there is no release checklist', () => {
    expect(summary(checklistRule('- [ ] a hand-written task', true))).toEqual({
      rule: 'checklist',
      status: 'passed',
      detail: 'no release checklist in the description (no part written by open-release-pr)',
    });
  });

  it('fails on each unticked item between the markers, naming them; -, *, +, ordered and quoted items; tabs', () => {
    const result = checklistRule(part('- [x] done\n* [ ] docs ready\n+ [ ]\tREADME reviewed\n1. [ ] numbered\n> - [ ] quoted\n  - [X] nested'), true);
    expect(summary(result)).toEqual({
      rule: 'checklist',
      status: 'failed',
      detail: '4 of 6 checklist item(s) not ticked: docs ready; README reviewed; numbered; quoted',
    });
  });

  it('passes when every item is ticked; items outside the markers do not count', () => {
    expect(summary(checklistRule(part('- [x] docs ready\n- [X] README reviewed'), true)).detail).toBe('2 checklist item(s) ticked');
    expect(checklistRule(part('no item here'), true).detail.plain()).toBe('the release checklist holds no item');
  });

  it('a begin marker without its end fails; two parts both count; CRLF lines', () => {
    expect(checklistRule(`${BEGIN}\n- [x] done`, true).status).toBe('failed');
    expect(releaseChecklist(`${part('- [x] one')}\r\n${BEGIN}\r\n- [ ] two\r\n${END}`).items).toEqual([
      { ticked: true, text: 'one' },
      { ticked: false, text: 'two' },
    ]);
  });

  it('[ ] not at a list item, or [y], is no task item', () => {
    expect(releaseChecklist(part('[ ] no marker\n- [y] not a box\n-[ ] no space')).items).toEqual([]);
  });

  it('an unticked item is a quoted value: inert in the comment, one line in the log', () => {
    const result = checklistRule(part('- [ ] @everyone <img src=x> ::error::boom'), true);
    expect(result.detail.markdown()).toContain('`@everyone <img src=x> ::error::boom`');
    expect(result.detail.log()).toContain(':\u200d:error:\u200d:boom');
  });

  it('require-checklist: false skips it', () => {
    expect(checklistRule(part('- [ ] x'), false).status).toBe('skipped');
  });
});

describe('release-pr rules: approvals', () => {
  const review = (user: string, state: string, commitId = HEAD): ReviewFacts => ({ user, state, commitId });
  const permissions = new Map([
    ['bob', 'write' as const],
    ['carol', 'read' as const],
  ]);
  const options = { required: 1, level: 'write' as const, allowStale: false };

  it('counts the latest decisive review of each user but the author, on the head commit, from holders of the level', () => {
    expect(approvalRule(pullRequest(), [review('bob', 'APPROVED')], permissions, options).status).toBe('passed');
    expect(approvalRule(pullRequest(), [review('alice', 'APPROVED')], permissions, options).status).toBe('failed');
    expect(approvalRule(pullRequest(), [review('carol', 'APPROVED')], permissions, options).detail.plain()).toContain(
      'carol holds read permission, under write',
    );
    expect(approvalRule(pullRequest(), [review('bob', 'APPROVED', OLD)], permissions, options).status).toBe('failed');
    expect(approvalRule(pullRequest(), [review('bob', 'APPROVED', OLD)], permissions, { ...options, allowStale: true }).status).toBe('passed');
    expect(approvalRule(pullRequest(), [review('bob', 'APPROVED'), review('bob', 'DISMISSED')], permissions, options).status).toBe('failed');
    expect(approvalRule(pullRequest(), [review('bob', 'APPROVED'), review('bob', 'COMMENTED')], permissions, options).status).toBe('passed');
  });

  it('a change request from anyone fails it; 0 required skips it; candidates are the approvers', () => {
    const reviews = [review('bob', 'APPROVED'), review('carol', 'CHANGES_REQUESTED')];
    expect(approvalRule(pullRequest(), reviews, permissions, options).status).toBe('failed');
    expect(approvalRule(pullRequest(), [], permissions, { ...options, required: 0 }).status).toBe('skipped');
    expect(approvalCandidates(pullRequest(), [review('bob', 'APPROVED'), review('dave', 'APPROVED', OLD)], false)).toEqual(['bob']);
  });
});

describe('release-pr rules: checks, each named with its app', () => {
  it('parses entries: plain names, <app-slug>/<name>, /<name> for a name holding "/"', () => {
    expect(parseCheckEntries('checks', ['test', 'github-actions/build / amd64', '/docs/readthedocs', 'GitHub-Actions/x'])).toEqual([
      { text: 'test', name: 'test' },
      { text: 'github-actions/build / amd64', app: 'github-actions', name: 'build / amd64' },
      { text: '/docs/readthedocs', name: 'docs/readthedocs' },
      { text: 'GitHub-Actions/x', app: 'github-actions', name: 'x' },
    ]);
    expect(() => parseCheckEntries('checks', ['build (x)/y'])).toThrow(
      `input 'checks' holds "build (x)/y": the part before the first "/" names the GitHub App`,
    );
    expect(() => parseCheckEntries('checks', ['github-actions/'])).toThrow("input 'checks'");
    expect(() => parseCheckEntries('checks', ['/'])).toThrow("input 'checks'");
  });

  it('an app-bound entry counts only that app’s check run; another app’s of that name is named and does not count', () => {
    const mode = { mode: 'named' as const, entries: parseCheckEntries('checks', ['github-actions/test']) };
    expect(summary(checksRule([run('test', 'pass', 'impostor-ci')], mode, HEAD))).toEqual({
      rule: 'checks',
      status: 'failed',
      detail: 'test of app github-actions did not run (one of that name came from impostor-ci, which does not count)',
    });
    expect(checksRule([run('test', 'pass'), run('test', 'fail', 'impostor-ci')], mode, HEAD).status).toBe('passed');
    expect(checksRule([status('test', 'pass')], mode, HEAD).status).toBe('failed');
  });

  it('a plain entry takes every check of that name, check runs of any app and statuses: each must pass', () => {
    const mode = { mode: 'named' as const, entries: parseCheckEntries('checks', ['test']) };
    expect(checksRule([run('test', 'pass'), run('test', 'fail', 'circleci-checks')], mode, HEAD).detail.plain()).toBe(
      'test [circleci-checks] (failure) failed',
    );
    expect(checksRule([status('test', 'pass')], mode, HEAD).status).toBe('passed');
    expect(checksRule([run('lint', 'pass')], mode, HEAD).detail.plain()).toBe('test did not run');
  });

  it('all: every check passes, each named with its app or as a commit status; zero fails; none skips', () => {
    const checks = [run('test', 'pass'), run('test', 'pass', 'github-actions', { source: 'workflow .github/workflows/ci.yml' }), status('docs', 'pass')];
    expect(checksRule(checks, { mode: 'all' }, HEAD).detail.plain()).toBe(
      `3 check(s) passed on ${HEAD.slice(0, 7)}: test [github-actions], test [github-actions, workflow .github/workflows/ci.yml], docs [commit status]`,
    );
    expect(checksRule([run('build', 'pending')], { mode: 'all' }, HEAD).detail.plain()).toBe('build [github-actions] (in_progress) is pending');
    expect(checksRule([], { mode: 'all' }, HEAD).status).toBe('failed');
    expect(checksRule([], { mode: 'none' }, HEAD).status).toBe('skipped');
  });

  it('labels, ignore patterns and globs', () => {
    expect(checkLabel(run('x', 'pass', 'circleci-checks', { source: 'app circleci-checks' })).plain()).toBe('x [circleci-checks]');
    expect(relevantChecks([run('build (amd64)', 'fail'), run('lint', 'pass')], ['build (*)']).map((check) => check.name)).toEqual(['lint']);
    expect(globToRegExp('a?c*').test('abcdef')).toBe(true);
    expect(globToRegExp('a.c').test('abc')).toBe(false);
  });
});

describe('release-pr rules: files, submodules, merge commit', () => {
  const pattern = /^__version__ = "(?<version>[^"]+)"$/m;

  it('version files hold the title’s version (PEP 440 equality) at the head commit', () => {
    const version = parsePythonVersion('5.1.5')!;
    expect(versionFileRule([{ path: 'v.py', pattern, text: '__version__ = "5.1.5.0"' }], version).status).toBe('passed');
    expect(versionFileRule([{ path: 'v.py', pattern, text: '__version__ = "5.1.5b2"' }], version).detail.plain()).toBe('v.py holds 5.1.5b2, not 5.1.5');
    expect(versionFileRule([{ path: 'v.py', pattern }], version).detail.plain()).toBe('v.py does not exist at the head commit');
    expect(versionFileRule([{ path: 'v.py', pattern, text: 'nothing' }], version).status).toBe('failed');
    expect(versionFileRule([], version).status).toBe('skipped');
    expect(versionFileRule([{ path: 'v.py', pattern, text: '' }], undefined).status).toBe('skipped');
  });

  it('file patterns match at the head commit', () => {
    const spawn = /^# Spawn Version:[0-9]+$/m;
    expect(filePatternRule([{ path: 'spawn.sh', pattern: spawn, text: '#!/bin/bash\n# Spawn Version:2\n' }]).status).toBe('passed');
    expect(filePatternRule([{ path: 'spawn.sh', pattern: spawn, text: '# Spawn Version:2b\n' }]).status).toBe('failed');
    expect(filePatternRule([{ path: 'spawn.sh', pattern: spawn }]).status).toBe('failed');
  });

  it('submodules: off skips, no .gitmodules or no submodule fails', () => {
    expect(submoduleRule('off', undefined).status).toBe('skipped');
    expect(submoduleRule('current', undefined).status).toBe('failed');
    expect(submoduleRule('current', { states: [] }).status).toBe('failed');
  });

  it('merge commit: two parents, the second the head commit', () => {
    const merged = pullRequest({ state: 'closed', merged: true, mergeCommitSha: 'c'.repeat(40) });
    expect(mergeCommitRule(merged, [OLD, HEAD]).status).toBe('passed');
    expect(mergeCommitRule(merged, [OLD]).detail.plain()).toContain('squashed or rebased');
    expect(mergeCommitRule(merged, [OLD, OLD]).status).toBe('failed');
    expect(mergeCommitRule(pullRequest(), undefined).status).toBe('skipped');
  });
});

describe('release-pr rules: the companion pull request', () => {
  const spec = parseCompanionPullRequest('companion-pull-request', 'ThePorgs/Exegol-docs:dev-images');

  it('parses owner/repository:branch strictly', () => {
    expect(spec).toEqual({ owner: 'ThePorgs', repo: 'Exegol-docs', branch: 'dev-images' });
    expect(parseCompanionPullRequest('x', 'a/b.c_d-e:feature/x-1').branch).toBe('feature/x-1');
    for (const bad of ['ThePorgs/Exegol-docs', 'a/b:c:d', 'a-/b:c', 'a/b/c:d', 'a/b:c d', 'a/b:c@{1}', 'a/b:.c', 'a/b:c/', 'x'.repeat(40) + '/b:c'])
      expect(() => parseCompanionPullRequest('companion-pull-request', bad), bad).toThrow("input 'companion-pull-request' must be owner/repository:branch");
  });

  it('passes on the open pull request, fails without one or when the repository cannot be read, skips when none is asked for', () => {
    expect(
      summary(companionRule(spec, { kind: 'read', defaultBranch: 'main', pullRequest: { number: 17, url: 'https://github.com/x', draft: false } })),
    ).toEqual({ rule: 'companion', status: 'passed', detail: '#17 from dev-images into main in ThePorgs/Exegol-docs is open' });
    expect(companionRule(spec, { kind: 'read', defaultBranch: 'main' }).detail.plain()).toContain(
      'no open pull request from dev-images into main in ThePorgs/Exegol-docs',
    );
    expect(companionRule(spec, { kind: 'unreadable', reason: 'GitHub answered 404' }).status).toBe('failed');
    expect(companionRule(undefined, undefined).status).toBe('skipped');
  });
});
