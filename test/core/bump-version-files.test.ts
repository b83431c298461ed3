import { link, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRepository } from '../../packages/core/src/git/git.js';
import {
  DEFAULT_VERSION_PATTERN,
  checkCommittable,
  compileVersionPattern,
  currentVersionOf,
  findMismatches,
  findVersions,
  parseVersionFileSpecs,
  planVersionEdits,
  readVersionFiles,
  resolveVersionFiles,
  unifiedDiff,
  writeVersionEdits,
} from '../../packages/core/src/bump/version-files.js';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { CONSTANT_CONFIG, TEST_FILE, createWrapperRepository } from '@exegol-release/testbed/fixtures/wrapper-repository.js';

/** A plain directory (no git) holding `files`. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'version-files-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

describe('version files: specs and expressions', () => {
  it('parses path and path: expression lines; refuses an empty list, a repeated path, a bad expression', () => {
    const specs = parseVersionFileSpecs(['a.py', 'pyproject.toml: ^version = "(?<version>[^"]+)"'], 'files');
    expect(specs.map((spec) => [spec.path, spec.pattern.source])).toEqual([
      ['a.py', DEFAULT_VERSION_PATTERN],
      ['pyproject.toml', '^version = "(?<version>[^"]+)"'],
    ]);
    expect(() => parseVersionFileSpecs([], 'files')).toThrow(`input 'files' lists no file`);
    expect(() => parseVersionFileSpecs(['a.py', './a.py'], 'files')).toThrow(`input 'files' lists ./a.py twice`);
    expect(() => compileVersionPattern('(', 'files', 'a.py')).toThrow('does not compile');
    expect(() => compileVersionPattern('version', 'files', 'a.py')).toThrow('without a named group');
  });

  it('the default expression finds the four forms, with either quote, and only at the start of a line', () => {
    const text = `__version__ = "5.1.5"\n    version: str = '5.1.5'\nversion = "5.1.5"\nassert __version__ == '5.1.5'\nx = 1  # __version__ = "9.9.9"\n`;
    const found = findVersions(text, compileVersionPattern(DEFAULT_VERSION_PATTERN, 'files', 'x'));
    expect(found.map((occurrence) => [occurrence.text, occurrence.line])).toEqual([
      ['5.1.5', 1],
      ['5.1.5', 2],
      ['5.1.5', 3],
      ['5.1.5', 4],
    ]);
  });
});

describe('version files: where they resolve', () => {
  const specs = (...paths: string[]) => parseVersionFileSpecs(paths, 'files');

  it('resolves inside the root; refuses a path outside it, inside .git, or missing', async () => {
    const root = await tree({ 'a.py': '__version__ = "1.0"\n', '.git/config': '', '../outside.py': '' });
    expect((await resolveVersionFiles(specs('a.py'), root, root))[0]!.rootPath).toBe('a.py');
    await expect(resolveVersionFiles(specs('../outside.py'), root, root)).rejects.toThrow(
      `input 'files' lists ../outside.py, which is outside the working tree`,
    );
    await expect(resolveVersionFiles(specs('.git/config'), root, root)).rejects.toThrow('which is inside .git');
    await expect(resolveVersionFiles(specs('missing.py'), root, root)).rejects.toThrow('version file missing.py does not exist');
    expect((await resolveVersionFiles(specs('missing.py'), root, root, { missingOk: true }))[0]!.rootPath).toBe('missing.py');
  });

  it('follows a symbolic link inside the root, refuses one out of it, and two names of one file', async () => {
    const root = await tree({ 'config/a.py': '__version__ = "1.0"\n' });
    await symlink('config/a.py', path.join(root, 'version.py'));
    expect((await resolveVersionFiles(specs('version.py'), root, root))[0]!.rootPath).toBe('config/a.py');
    await expect(resolveVersionFiles(specs('config/a.py', 'version.py'), root, root)).rejects.toThrow(
      `input 'files' lists config/a.py and version.py, which are the same file`,
    );
    const outside = await tree({ 'b.py': '' });
    await symlink(path.join(outside, 'b.py'), path.join(root, 'b.py'));
    await expect(resolveVersionFiles(specs('b.py'), root, root)).rejects.toThrow('through a symbolic link');
  });

  it('refuses two hard-linked names of one file: the same device and inode', async () => {
    const root = await tree({ 'a.py': '__version__ = "1.0"\n', 'c.py': '__version__ = "1.0"\n' });
    await link(path.join(root, 'a.py'), path.join(root, 'b.py'));
    await expect(resolveVersionFiles(specs('a.py', 'b.py'), root, root)).rejects.toThrow(
      `input 'files' lists a.py and b.py, which are the same file (one inode, hard-linked)`,
    );
    expect(await resolveVersionFiles(specs('a.py', 'c.py'), root, root)).toHaveLength(2);
  });
});

describe('version files: reading, planning and writing', () => {
  it('the current version is the first file’s first match; other versions are mismatches; an invalid first is refused', async () => {
    const root = await tree({ 'a.py': '__version__ = "5.1.5b2"\n', 'b.py': "assert __version__ == '4.3.7'\n__version__ = '5.1.5.0b2'\n" });
    const files = await readVersionFiles(await resolveVersionFiles(parseVersionFileSpecs(['a.py', 'b.py'], 'files'), root, root));
    const current = currentVersionOf(files);
    expect(current.text).toBe('5.1.5b2');
    expect(findMismatches(files, current)).toEqual([{ path: 'b.py', line: 1, found: '4.3.7' }]);
    const bad = await tree({ 'a.py': '__version__ = "five"\n' });
    const badFiles = await readVersionFiles(await resolveVersionFiles(parseVersionFileSpecs(['a.py'], 'files'), bad, bad));
    expect(() => currentVersionOf(badFiles)).toThrow('holds "five", which is not a PEP 440 version');
    const none = await tree({ 'a.py': 'nothing\n' });
    await expect(readVersionFiles(await resolveVersionFiles(parseVersionFileSpecs(['a.py'], 'files'), none, none))).rejects.toThrow('matches nothing');
  });

  it('edits change only the versions’ characters; the diff shows them; only changed files are written, originals handed over first', async () => {
    const root = await tree({ 'a.py': '# header\n__version__ = "5.1.5b2"  # keep\n', 'b.py': '__version__ = "5.1.5"\n' });
    const files = await readVersionFiles(await resolveVersionFiles(parseVersionFileSpecs(['a.py', 'b.py'], 'files'), root, root));
    const edits = planVersionEdits(files, '5.1.5');
    expect(edits[0]!.after).toBe('# header\n__version__ = "5.1.5"  # keep\n');
    expect(edits[1]!.after).toBe(edits[1]!.before);
    expect(unifiedDiff(edits)).toContain('-__version__ = "5.1.5b2"  # keep\n+__version__ = "5.1.5"  # keep');
    expect(unifiedDiff(edits)).not.toContain('b.py');
    const originals: string[] = [];
    expect(await writeVersionEdits(edits, (edit, original) => originals.push(`${edit.path}:${original.toString()}`))).toEqual(['a.py']);
    expect(originals).toEqual(['a.py:# header\n__version__ = "5.1.5b2"  # keep\n']);
    expect(await readFile(path.join(root, 'a.py'), 'utf8')).toBe('# header\n__version__ = "5.1.5"  # keep\n');
  });

  it('checkCommittable refuses an untracked, an ignored and a modified file, naming each', async () => {
    const repository = await createWrapperRepository({ version: '5.1.5b2' });
    await writeFile(path.join(repository.work, '.gitignore'), 'ignored.py\n');
    git(repository.work, 'add', '.gitignore');
    git(repository.work, 'commit', '--quiet', '-m', 'ignore');
    await writeFile(path.join(repository.work, 'ignored.py'), '__version__ = "5.1.5b2"\n');
    await writeFile(path.join(repository.work, 'untracked.py'), '__version__ = "5.1.5b2"\n');
    await writeFile(path.join(repository.work, TEST_FILE), 'changed\n');
    const locations = await resolveVersionFiles(
      parseVersionFileSpecs([CONSTANT_CONFIG, TEST_FILE, 'ignored.py', 'untracked.py'], 'files'),
      repository.work,
      repository.work,
    );
    const problem = checkCommittable(new GitRepository(repository.work), locations);
    await expect(problem).rejects.toThrow(`${TEST_FILE} has uncommitted changes`);
    await expect(checkCommittable(new GitRepository(repository.work), locations)).rejects.toThrow('ignored.py is ignored by git and not tracked');
    await expect(checkCommittable(new GitRepository(repository.work), locations)).rejects.toThrow('untracked.py is not tracked by git');
    await expect(checkCommittable(new GitRepository(repository.work), locations.slice(0, 1))).resolves.toBeUndefined();
  });
});
