import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { parsePullRequestRef } from '@exegol-release/core/github';
import { detail, joinDetails, parseGitmodules, submoduleRepository } from '@exegol-release/core/release-pr';

const markdown = new MarkdownIt({ html: true, linkify: true });

describe('Detail: our words around quoted values', () => {
  const title = 'Release 1.0 @octocat <!-- ![x](https://evil.example/x.png) | cell\n::error::x';
  const built = joinDetails([detail`"${title}" does not match ${'^Release (?<version>.+)$'}`, detail`${2} item(s)`], '; ');

  it('is the raw text in plain form', () => {
    expect(built.plain()).toBe(`"${title}" does not match ^Release (?<version>.+)$; 2 item(s)`);
  });

  it('quotes each value as one inert code span in Markdown, without the surrounding quotes', () => {
    const cell = built.markdown();
    expect(cell.startsWith('`')).toBe(true);
    const html = markdown.render(`| a | b |\n| --- | --- |\n| x | ${cell} |\n`);
    expect(html).not.toMatch(/<a |<img|<!--/);
    expect(html.match(/<td>/g)).toHaveLength(2);
    expect(html).toContain('; 2 item(s)');
  });

  it('keeps each value on one line in the log, with no workflow command', () => {
    expect(built.log()).not.toMatch(/\n|\r/);
    expect(built.log()).toContain('\\n:\u200d:error:\u200d:x');
  });
});

describe('.gitmodules and submodule URLs', () => {
  it('reads git-config sections, quoting and comments', () => {
    const text =
      '# comment\n[core]\n\tpath = no\n[submodule "exegol-images"]\n\tpath = exegol-images\n\tURL = "https://github.com/ThePorgs/Exegol-images" ; trailing\n\tbranch = main\n[submodule "other"]\n\tpath = a/b\n';
    expect(parseGitmodules(text)).toEqual([
      { name: 'exegol-images', path: 'exegol-images', url: 'https://github.com/ThePorgs/Exegol-images', branch: 'main' },
      { name: 'other', path: 'a/b' },
    ]);
  });

  it.each([
    ['https://github.com/ThePorgs/Exegol-images', 'ThePorgs/Exegol-images'],
    ['https://github.com/ThePorgs/Exegol-images.git/', 'ThePorgs/Exegol-images'],
    ['git@github.com:ThePorgs/Exegol-resources.git', 'ThePorgs/Exegol-resources'],
    ['ssh://git@github.com/ThePorgs/Exegol-resources', 'ThePorgs/Exegol-resources'],
    ['../Exegol-resources.git', 'ThePorgs/Exegol-resources'],
    ['./sub', undefined],
    ['https://gitlab.com/ThePorgs/Exegol-images', undefined],
  ])('%s names %s', (url, repository) => {
    expect(submoduleRepository(url, 'ThePorgs/Exegol', 'github.com')).toBe(repository);
  });
});

describe('pull-request in any form', () => {
  it.each([
    ['42', { ref: { number: 42 } }],
    ['#42', { ref: { number: 42 } }],
    ['https://github.com/ThePorgs/Exegol-images/pull/42', { ref: { number: 42 }, repository: 'ThePorgs/Exegol-images' }],
    ['https://api.github.com/repos/ThePorgs/Exegol-images/pulls/42', { ref: { number: 42 }, repository: 'ThePorgs/Exegol-images' }],
    ['{"number": 42}', { ref: { number: 42 } }],
    ['"42"', { ref: { number: 42 } }],
    ['{"sha": "' + 'A'.repeat(40) + '"}', { ref: { commit: 'a'.repeat(40) } }],
  ])('%s', (value, parsed) => {
    expect(parsePullRequestRef('pull-request', value)).toEqual(parsed);
  });
});
