import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { logValue, markdownCode, markdownText } from '@exegol-release/core/text';

/** A CommonMark + GFM renderer with raw HTML and autolinks on, as GitHub renders comments. */
const markdown = new MarkdownIt({ html: true, linkify: true });
const ZWJ = /\u200d/g;

const HOSTILE = [
  'Release 5.1.5 @ThePorgs/maintainers cc @octocat',
  '![pwned](https://evil.example/x.png) [click](https://evil.example) <https://evil.example>',
  'visit www.evil.example or https://evil.example/path?x=1#frag',
  'fix #123 and GH-4 <!-- hide everything after this',
  '<img src=x onerror=alert(1)><script>alert(1)</script><details open>',
  '| a | b |\n| --- | --- |\n**bold** _it_ `code` ``` fence',
  '::error::fake annotation\n::add-mask::secret',
  'trailing backslash \\',
];

describe('markdownText', () => {
  it.each(HOSTILE)('renders %j as its own text, with no link, image, HTML or mention', (text) => {
    const html = markdown.renderInline(markdownText(text));
    expect(html).not.toMatch(/<a |<img|<script|<details|<!--|<strong>|<em>|<code>/);
    const shown = html
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(ZWJ, '');
    expect(shown).toBe(text.replace(/\r?\n/g, ' '));
  });

  it('breaks mentions and issue references with a zero-width joiner', () => {
    expect(markdownText('@octocat #1')).toBe('@\u200doctocat \\#\u200d1');
  });
});

describe('markdownCode', () => {
  it.each(HOSTILE)('renders %j as one code span, in a table cell too', (text) => {
    const table = markdown.render(`| Rule | Detail |\n| --- | --- |\n| title | ${markdownCode(text, { inTable: true })} |\n`);
    expect(table.match(/<td>/g)).toHaveLength(2);
    expect(table).not.toMatch(/<a |<img|<script|<!--/);
    const code = /<td><code>([\s\S]*)<\/code><\/td>/
      .exec(table)?.[1]
      ?.replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(code).toBe(text.replace(/\r?\n/g, '↵'));
  });

  it('uses a fence longer than any run of backticks inside', () => {
    expect(markdownCode('a ``` b')).toBe('````a ``` b````');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
  });
});

describe('logValue', () => {
  it('keeps a value on one line and starts no workflow command', () => {
    const value = logValue('title\n::error::x\r\n::set-output name=a::b\u001b[31m\\n');
    // eslint-disable-next-line no-control-regex -- the escape character must be gone
    expect(value).not.toMatch(/[\r\n\u001b]/);
    expect(value).not.toContain('::');
    expect(value).toBe('title\\n:\u200d:error:\u200d:x\\r\\n:\u200d:set-output name=a:\u200d:b\\u001b[31m\\\\n');
  });
});
