import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isValidBranchName, parseSyncCommand } from '@exegol-release/core/pull-request-sync';
import { gitEnvironment } from '../../packages/core/src/git/environment.js';
import { redactCredentials } from '../../packages/core/src/git/redact.js';
import { fencedBlock, mergeRecipe, shellWord } from '../../packages/core/src/pull-request-sync/reply.js';

describe('parseSyncCommand', () => {
  it.each([
    ['/sync', { kind: 'sync' }],
    ['  /sync  \r\nplease, the CI needs 5.1.5b1', { kind: 'sync' }],
    ['/sync master', { kind: 'sync', branch: 'master' }],
    ['/sync feature/compose', { kind: 'sync', branch: 'feature/compose' }],
    ['/synchronize', { kind: 'unknown', word: '/synchronize', problem: 'unknown command' }],
    ['/sync dev master', { kind: 'unknown', word: '/sync dev master', problem: 'takes at most one argument, the upstream branch' }],
    ['/sync -f', { kind: 'unknown', word: '/sync -f', problem: 'names no valid branch' }],
    ['LGTM /sync', { kind: 'not-a-command' }],
    ['', { kind: 'not-a-command' }],
  ])('%j', (body, expected) => {
    expect(parseSyncCommand(body, '/sync')).toEqual(expected);
  });
});

describe('isValidBranchName agrees with git check-ref-format --branch', () => {
  const names = [
    'dev',
    'feature/compose',
    'x/@ThePorgs/core<img_src=x>$(id)`',
    'a..b',
    '-f',
    '/dev',
    'dev/',
    'dev.',
    '.hidden',
    'a/.b',
    'a.lock',
    'a/b.lock/c',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[b',
    'a\\b',
    'a@{1}',
    '@',
    'a//b',
    'tab\there',
    'ünïcode',
  ];
  it.each(names)('%j', (name) => {
    let git: boolean;
    try {
      execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
      git = true;
    } catch {
      git = false;
    }
    // `--branch` also accepts `-f` and `@` (which it expands to the current branch, as `@{-1}`): the action refuses both.
    expect(isValidBranchName(name)).toBe(name.startsWith('-') || name === '@' ? false : git);
  });
});

describe('the reply', () => {
  it('quotes shell words only when they need it, and quotes a quote', () => {
    expect(shellWord('feature/compose-1.2')).toBe('feature/compose-1.2');
    expect(shellWord('x$(id)')).toBe(`'x$(id)'`);
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
    expect(execFileSync('sh', ['-c', `printf %s ${shellWord("a'$(id)`b")}`], { encoding: 'utf8' })).toBe("a'$(id)`b");
  });

  it('fences a block longer than any backtick run inside', () => {
    expect(fencedBlock('git checkout a', 'sh')).toBe('```sh\ngit checkout a\n```');
    expect(fencedBlock('a ```` b')).toBe('`````\na ```` b\n`````');
  });

  it('fills in the recipe for a branch of the repository itself, with origin', () => {
    expect(
      mergeRecipe({
        upstreamCloneUrl: 'https://github.com/ThePorgs/Exegol.git',
        upstreamBranch: 'dev',
        headCloneUrl: 'https://github.com/ThePorgs/Exegol.git',
        headBranch: 'fix/x',
        fork: false,
      }),
    ).toBe(
      [
        'git clone https://github.com/ThePorgs/Exegol.git',
        'cd Exegol',
        'git checkout fix/x',
        'git merge --no-edit origin/dev',
        '# resolve the conflicts, then: git add <files> && git commit --no-edit',
        'git push origin fix/x',
      ].join('\n'),
    );
  });
});

describe('git credentials', () => {
  it('give the token as an extra header scoped to the server origin, through GIT_CONFIG_*', () => {
    const environment = gitEnvironment({ serverUrl: 'https://github.com/', token: 'ghs_abc' });
    const config = Object.fromEntries(
      Array.from({ length: Number(environment['GIT_CONFIG_COUNT']) }, (_, index) => [
        environment[`GIT_CONFIG_KEY_${index}`],
        environment[`GIT_CONFIG_VALUE_${index}`],
      ]),
    );
    expect(config).toEqual({
      'core.hooksPath': '/dev/null',
      'credential.helper': '',
      'http.followRedirects': 'false',
      'http.https://github.com/.extraheader': `AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`,
    });
    expect(environment).toMatchObject({ GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' });
    expect(gitEnvironment()['GIT_CONFIG_COUNT']).toBe('3');
  });

  it('redact the token and its Basic form', () => {
    const basic = Buffer.from('x-access-token:ghs_abc').toString('base64');
    expect(redactCredentials(`fatal: ghs_abc and ${basic}`, { serverUrl: 'https://github.com', token: 'ghs_abc' })).toBe('fatal: *** and ***');
  });

  it('redact the credentials of URLs, with or without a token given', () => {
    expect(redactCredentials('fatal: https://x:ghp_secret@example.com/a.git')).toBe('fatal: https://***@example.com/a.git');
    expect(redactCredentials('https://x:ghp_secret@example.com ghs_abc', { serverUrl: 'https://github.com', token: 'ghs_abc' })).toBe(
      'https://***@example.com ***',
    );
  });
});
