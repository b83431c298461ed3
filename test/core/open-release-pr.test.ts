import { describe, expect, it } from 'vitest';
import { InputError } from '@exegol-release/core/action';
import {
  BEGIN_MARKER,
  END_MARKER,
  applyRewritePatterns,
  buildDescription,
  markedVersion,
  neutraliseNotes,
  parseRewritePatterns,
  resolveSubmoduleUrl,
  writtenPart,
} from '@exegol-release/core/open-release-pr';
import { parsePythonVersion } from '@exegol-release/core/versions';

const SPAWN = String.raw`exegol/utils/imgsync/spawn.sh: ^# Spawn Version:(\d+)[a-z]*\d*$ = # Spawn Version:$1`;
const SPAWN_SCRIPT =
  '#!/bin/bash\n# DO NOT CHANGE the syntax or text of the following line, only increment the version number\n# Spawn Version:2b\n# The spawn version allow…\n';
const v = (text: string) => parsePythonVersion(text)!;

describe('patterns', () => {
  it("drops spawn.sh's beta letter, and leaves a final spawn version as it is", () => {
    const [pattern] = parseRewritePatterns([SPAWN], 'patterns');
    expect(pattern!.path).toBe('exegol/utils/imgsync/spawn.sh');
    const once = applyRewritePatterns(SPAWN_SCRIPT, [pattern!], v('5.1.5'));
    expect(once).toContain('\n# Spawn Version:2\n');
    expect(applyRewritePatterns(once, [pattern!], v('5.1.5'))).toBe(once);
  });

  it('fills {version}, {major}, {minor} and {patch} before the groups', () => {
    const [pattern] = parseRewritePatterns(['chart.yaml: ^appVersion: .*$ = appVersion: {version} ({major}.{minor}.{patch})'], 'patterns');
    expect(applyRewritePatterns('name: x\nappVersion: 1\n', [pattern!], v('5.1.5b2'))).toBe('name: x\nappVersion: 5.1.5b2 (5.1.5)\n');
  });

  it('reads a literal " = " in the expression written " \\= "', () => {
    const [pattern] = parseRewritePatterns([String.raw`setup.cfg: ^spawn \= (\d+)$ = spawn = {major}`], 'patterns');
    expect(applyRewritePatterns('spawn = 2\n', [pattern!], v('6.0.0'))).toBe('spawn = 6\n');
  });

  it('refuses a pattern matching no line or several, writing nothing', () => {
    const [pattern] = parseRewritePatterns([SPAWN], 'patterns');
    expect(() => applyRewritePatterns('#!/bin/bash\n', [pattern!], v('5.1.5'))).toThrow(/matches no line; it must match exactly one/);
    expect(() => applyRewritePatterns('# Spawn Version:2\n# Spawn Version:3\n', [pattern!], v('5.1.5'))).toThrow(/matches 2 lines \(1, 2\)/);
  });

  it('refuses a malformed line or an unknown placeholder, naming the input', () => {
    expect(() => parseRewritePatterns(['spawn.sh ^x$ = y'], 'patterns')).toThrow(InputError);
    expect(() => parseRewritePatterns(['spawn.sh: ^(x$ = y'], 'patterns')).toThrow(/input 'patterns' has an expression that does not compile/);
    expect(() => parseRewritePatterns(['spawn.sh: ^x$ = {tag}'], 'patterns')).toThrow(/input 'patterns' has an unknown placeholder \{tag\}/);
  });
});

describe('the description', () => {
  const notes = [
    "## What's Changed",
    '* <img src=x onerror=alert(1)> @ThePorgs/maintainers ::set-output name=v::1 by @contributor in https://github.com/ThePorgs/Exegol/pull/12',
    '* Compose support by @dependabot[bot] in https://github.com/ThePorgs/Exegol/pull/13',
    '',
    '## New Contributors',
    '* @contributor made their first contribution in https://github.com/ThePorgs/Exegol/pull/12',
    '',
    '**Full Changelog**: https://github.com/ThePorgs/Exegol/compare/5.1.4...5.1.5',
  ].join('\n');

  it('neutralises the titles of generated notes and keeps GitHub’s links', () => {
    const text = neutraliseNotes(notes);
    expect(text).not.toMatch(/<img|(?<!\\)@\w|^::/m);
    expect(text).toContain('<https://github.com/ThePorgs/Exegol/pull/12>');
    expect(text).toContain('**Full Changelog**: <https://github.com/ThePorgs/Exegol/compare/5.1.4...5.1.5>');
    expect(text).toContain("#### What\\'s Changed");
  });

  it('wraps what it writes between the markers, the checklist as unticked task items under a heading', () => {
    const body = buildDescription({ version: '5.1.5', previousTag: '5.1.4', notes, submodules: [], checklist: ['README reviewed', 'Docs  ready'] });
    expect(markedVersion(body)).toBe('5.1.5');
    expect(body.indexOf(BEGIN_MARKER)).toBeLessThan(body.indexOf(END_MARKER));
    expect(writtenPart(body)).toMatch(/### Checklist\n\n- \[ \] README reviewed\n- \[ \] Docs ready\n/);
  });

  it('keeps ticked items and the maintainers’ text after the end marker on a refresh', () => {
    const first = buildDescription({ version: '5.1.5', submodules: [], checklist: ['README reviewed', 'Docs ready'] });
    const edited = first.replace('- [ ] Docs ready', '- [x] Docs ready') + '\nMajor changes: Compose.\n';
    const second = buildDescription({ version: '5.1.5', submodules: [], checklist: ['README reviewed', 'Docs ready'], current: edited });
    expect(writtenPart(second)).toContain('- [ ] README reviewed\n- [x] Docs ready');
    expect(second.endsWith('\nMajor changes: Compose.\n')).toBe(true);
  });

  it('says no description without the marker is its own', () => {
    expect(markedVersion('Fix f-string typo')).toBeUndefined();
    expect(markedVersion(null)).toBeUndefined();
  });

  it('lists submodule commits as inert text', () => {
    const body = buildDescription({
      version: '5.1.5',
      submodules: [
        {
          name: 'exegol-images',
          path: 'exegol-images',
          url: 'https://github.com/ThePorgs/Exegol-images.git',
          branch: 'main',
          from: 'a'.repeat(40),
          to: 'b'.repeat(40),
          count: 1,
          commits: [{ sha: 'b'.repeat(40), subject: 'Fix <script> for @everyone' }],
        },
      ],
      checklist: [],
    });
    expect(body).toContain('`exegol-images` (`main`): `aaaaaaaaaaaa` → `bbbbbbbbbbbb`, 1 commit');
    expect(body).not.toMatch(/<script>|(?<!\\)@every/);
  });
});

describe('resolveSubmoduleUrl', () => {
  it('resolves a relative URL against the superproject’s, as gitmodules(5) says', () => {
    expect(resolveSubmoduleUrl('../Exegol-images.git', 'https://github.com/ThePorgs/Exegol.git')).toBe('https://github.com/ThePorgs/Exegol-images.git');
    expect(resolveSubmoduleUrl('https://github.com/ThePorgs/Exegol-resources', 'https://github.com/ThePorgs/Exegol.git')).toBe(
      'https://github.com/ThePorgs/Exegol-resources',
    );
  });
});
