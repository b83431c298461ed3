import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveLocalAssets } from '@exegol-release/core/github-release';

async function workspace(files: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'release-assets-'));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(directory, file)), { recursive: true });
    await writeFile(path.join(directory, file), text);
  }
  return directory;
}

describe('resolveLocalAssets', () => {
  it('reads each file a glob matches, in the order of the globs, with its size and sha256; a file matched twice counts once', async () => {
    const directory = await workspace({ 'dist/b.whl': 'wheel', 'dist/a.tar.gz': 'sdist', 'dist/sub/c.whl': 'other' });
    const assets = await resolveLocalAssets(['dist/*.tar.gz', 'dist/*.whl', 'dist/*'], directory);
    expect(assets.map(({ name, relativePath, size, sha256 }) => ({ name, relativePath, size, sha256 }))).toEqual([
      { name: 'a.tar.gz', relativePath: 'dist/a.tar.gz', size: 5, sha256: createHash('sha256').update('sdist').digest('hex') },
      { name: 'b.whl', relativePath: 'dist/b.whl', size: 5, sha256: createHash('sha256').update('wheel').digest('hex') },
    ]);
  });

  it('refuses a glob that matches no file, or only directories', async () => {
    const directory = await workspace({ 'dist/sub/c.whl': 'other' });
    await expect(resolveLocalAssets(['dist/*.tar.gz'], directory)).rejects.toThrow(/input 'files' has "dist\/\*\.tar\.gz", which matches no file/);
    await expect(resolveLocalAssets(['dist/*'], directory)).rejects.toThrow(/matches no file/);
  });

  it('refuses what leaves the workspace: an absolute glob, a .. segment, a link to a file outside', async () => {
    const outside = await workspace({ 'secret.txt': 'token' });
    const directory = await workspace({ 'dist/a.tar.gz': 'sdist' });
    await symlink(path.join(outside, 'secret.txt'), path.join(directory, 'dist', 'notes.txt'));
    await expect(resolveLocalAssets([path.join(outside, '*.txt')], directory)).rejects.toThrow(/must stay inside the workspace/);
    await expect(resolveLocalAssets(['../*/secret.txt'], directory)).rejects.toThrow(/must stay inside the workspace/);
    await expect(resolveLocalAssets(['dist/*.txt'], directory)).rejects.toThrow(/a link to .*secret\.txt, outside the workspace/);
  });

  it('refuses two files of one name, and a name GitHub would rename', async () => {
    const directory = await workspace({ 'amd64/tools.csv': 'a', 'arm64/tools.csv': 'b', 'lists/tools list.csv': 'c', 'lists/.hidden.csv': 'd' });
    await expect(resolveLocalAssets(['*/tools.csv'], directory)).rejects.toThrow(
      /matches two files named tools\.csv \(amd64\/tools\.csv and arm64\/tools\.csv\)/,
    );
    await expect(resolveLocalAssets(['lists/tools*'], directory)).rejects.toThrow(/whose name GitHub would rename/);
  });
});
