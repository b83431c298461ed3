// publish-github-release against the GitHub stand-in (test/stand-ins/github-api-release.ts: releases,
// their assets on an uploads origin of their own, generated notes, make_latest, token permissions),
// on a repository served from a real bare git repository with the tags 5.1.4, 5.1.5b1, nightly,
// 5.1.5b2 and 5.1.5.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISTRIBUTIONS, MERGED, READER, useReleaseWorld } from './harness.js';

const world = useReleaseWorld();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const FILES = 'dist/*.tar.gz\ndist/*.whl';

describe('publish-github-release', { timeout: 120_000 }, () => {
  it('creates the release of a tag with its files attached, uploaded to the upload_url origin, then published as the latest', async () => {
    const { api, endpoints, repository, workspace, publish } = world();
    const name = repository();
    const run = await publish(name, await workspace(DISTRIBUTIONS), { tag: '5.1.5', name: 'Exegol {version}', files: FILES });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['created']).toBe('true');
    const [release] = endpoints.releases.get(name)!;
    expect(release).toMatchObject({ tag_name: '5.1.5', name: 'Exegol 5.1.5', draft: false, prerelease: false });
    expect(run.outputs['release-id']).toBe(String(release!.id));
    expect(run.outputs['url']).toBe(release!.html_url);
    expect(endpoints.latest(name)?.tag_name).toBe('5.1.5');
    expect(JSON.parse(run.outputs['assets']!)).toEqual([
      { name: 'exegol-5.1.5.tar.gz', size: DISTRIBUTIONS['dist/exegol-5.1.5.tar.gz'].length, sha256: sha256(DISTRIBUTIONS['dist/exegol-5.1.5.tar.gz']) },
      {
        name: 'exegol-5.1.5-py3-none-any.whl',
        size: DISTRIBUTIONS['dist/exegol-5.1.5-py3-none-any.whl'].length,
        sha256: sha256(DISTRIBUTIONS['dist/exegol-5.1.5-py3-none-any.whl']),
      },
    ]);
    for (const asset of release!.assets!)
      expect(endpoints.assetBytes.get(asset!.id!)?.toString()).toBe(DISTRIBUTIONS[`dist/${asset!.name}` as keyof typeof DISTRIBUTIONS]);
    expect(api.requests.filter((request) => request.path.startsWith('uploads:')).length).toBe(2);
    expect(run.summary).toContain(sha256(DISTRIBUTIONS['dist/exegol-5.1.5.tar.gz']));
  });

  it('changes nothing on a re-run: the same files are kept by their sha256, the notes kept, no write sent', async () => {
    const { api, endpoints, repository, workspace, publish, writesSince } = world();
    const name = repository();
    const directory = await workspace(DISTRIBUTIONS);
    expect((await publish(name, directory, { tag: '5.1.5', files: FILES })).code).toBe(0);
    const before = JSON.stringify(endpoints.releases.get(name));
    const from = api.requests.length;
    const again = await publish(name, directory, { tag: '5.1.5', files: FILES });
    expect(again.errors).toEqual([]);
    expect(again.outputs['created']).toBe('false');
    expect(writesSince(from)).toEqual([]);
    expect(JSON.stringify(endpoints.releases.get(name))).toBe(before);
    expect(again.summary).toContain('already there, kept');
  });

  it('compares by downloading an asset GitHub serves without a digest', async () => {
    const { api, endpoints, repository, workspace, publish, writesSince } = world();
    const name = repository();
    const directory = await workspace(DISTRIBUTIONS);
    expect((await publish(name, directory, { tag: '5.1.5', files: FILES })).code).toBe(0);
    endpoints.withoutDigests = true;
    try {
      const from = api.requests.length;
      const again = await publish(name, directory, { tag: '5.1.5', files: FILES });
      expect(again.errors).toEqual([]);
      expect(writesSince(from)).toEqual([]);
      expect(api.requests.slice(from).filter((request) => /\/releases\/assets\/\d+$/.test(request.path)).length).toBe(2);
    } finally {
      endpoints.withoutDigests = false;
    }
  });

  it('updates an existing release: a new name set, a new file uploaded, the files already there kept', async () => {
    const { endpoints, repository, workspace, publish } = world();
    const name = repository();
    const directory = await workspace({ ...DISTRIBUTIONS, 'tools.md': '| tool |\n' });
    expect((await publish(name, directory, { tag: '5.1.5', files: 'dist/*.tar.gz' })).code).toBe(0);
    const run = await publish(name, directory, { tag: '5.1.5', name: 'Exegol {tag}', files: `${FILES}\ntools.md` });
    expect(run.errors).toEqual([]);
    expect(run.outputs['created']).toBe('false');
    const releases = endpoints.releases.get(name)!;
    expect(releases).toHaveLength(1);
    expect(releases[0]!.name).toBe('Exegol 5.1.5');
    expect(releases[0]!.assets!.map((asset) => asset!.name).sort()).toEqual(['exegol-5.1.5-py3-none-any.whl', 'exegol-5.1.5.tar.gz', 'tools.md']);
    expect(run.summary).toMatch(/exegol-5\.1\.5\.tar\.gz.*already there, kept/s);
  });

  it('refuses an asset of the same name with other bytes, changing nothing; overwrite-files replaces it under its name', async () => {
    const { api, endpoints, repository, workspace, publish, writesSince } = world();
    const name = repository();
    const directory = await workspace(DISTRIBUTIONS);
    expect((await publish(name, directory, { tag: '5.1.5', files: FILES })).code).toBe(0);
    await writeFile(path.join(directory, 'dist/exegol-5.1.5-py3-none-any.whl'), 'another wheel\n');
    const from = api.requests.length;
    const refused = await publish(name, directory, { tag: '5.1.5', files: FILES });
    expect(refused.code).toBe(1);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toContain('exegol-5.1.5-py3-none-any.whl');
    expect(refused.errors[0]).toContain('overwrite-files: true');
    expect(writesSince(from)).toEqual([]);
    const wheel = () => endpoints.releases.get(name)![0]!.assets!.find((asset) => asset!.name === 'exegol-5.1.5-py3-none-any.whl')!;
    expect(endpoints.assetBytes.get(wheel().id!)?.toString()).toBe('wheel of exegol 5.1.5\n');

    const replaced = await publish(name, directory, { tag: '5.1.5', files: FILES, 'overwrite-files': 'true' });
    expect(replaced.errors).toEqual([]);
    expect(endpoints.releases.get(name)![0]!.assets).toHaveLength(2);
    expect(endpoints.assetBytes.get(wheel().id!)?.toString()).toBe('another wheel\n');
    expect(JSON.parse(replaced.outputs['assets']!)[1]).toEqual({ name: 'exegol-5.1.5-py3-none-any.whl', size: 14, sha256: sha256('another wheel\n') });
    expect(replaced.summary).toContain('replaced (overwrite-files)');
  });

  it('makes a PEP 440 pre-release a pre-release, never the latest; a final the latest only when no final tag is higher', async () => {
    const { endpoints, repository, workspace, publish } = world();
    const name = repository();
    const directory = await workspace({});
    expect((await publish(name, directory, { tag: '5.1.5b2' })).code).toBe(0);
    expect(endpoints.releases.get(name)![0]).toMatchObject({ tag_name: '5.1.5b2', prerelease: true });
    expect(endpoints.latest(name)).toBeUndefined();
    expect((await publish(name, directory, { tag: '5.1.5' })).code).toBe(0);
    expect(endpoints.latest(name)?.tag_name).toBe('5.1.5');
    // 5.1.4 published after 5.1.5 (a re-run of an older release): not the latest.
    const older = await publish(name, directory, { tag: '5.1.4' });
    expect(older.errors).toEqual([]);
    expect(endpoints.releases.get(name)!.find((release) => release.tag_name === '5.1.4')).toMatchObject({ prerelease: false, draft: false });
    expect(endpoints.latest(name)?.tag_name).toBe('5.1.5');
    const refused = await publish(name, directory, { tag: '5.1.5b1', latest: 'true' });
    expect(refused.errors[0]).toMatch(/input 'latest' is true for a pre-release/);
  });

  it('generates the notes from the previous tag under PEP 440: a beta from the tag below it, a final from the previous final', async () => {
    const { endpoints, repository, workspace, publish } = world();
    const name = repository();
    const directory = await workspace({});
    expect((await publish(name, directory, { tag: '5.1.5b2' })).code).toBe(0);
    const beta = endpoints.releases.get(name)![0]!.body!;
    expect(beta).toContain(MERGED[1]);
    expect(beta).not.toContain(MERGED[0]);
    expect(beta).toContain('compare/5.1.5b1...5.1.5b2');
    const final = await publish(name, directory, { tag: '5.1.5' });
    expect(final.summary).toContain('notes generated from 5.1.4');
    const body = endpoints.releases.get(name)!.find((release) => release.tag_name === '5.1.5')!.body!;
    for (const title of MERGED) expect(body).toContain(title);
    expect(body).toContain('compare/5.1.4...5.1.5');
  });

  it('takes the notes from a file with notes: file:<path>', async () => {
    const { endpoints, repository, workspace, publish } = world();
    const name = repository();
    const run = await publish(name, await workspace({ 'NOTES.md': '## Exegol images 5.1.5\n' }), { tag: '5.1.5', notes: 'file:NOTES.md' });
    expect(run.errors).toEqual([]);
    expect(endpoints.releases.get(name)![0]!.body).toBe('## Exegol images 5.1.5\n');
  });

  it('deletes the draft it created when publishing it fails: no half release is left', async () => {
    const { api, endpoints, repository, workspace, publish } = world();
    const name = repository();
    api.faults.push({ method: 'PATCH', path: new RegExp(`^/repos/${name}/releases/\\d+$`), status: 422, body: { message: 'Validation Failed' }, times: 1 });
    const run = await publish(name, await workspace(DISTRIBUTIONS), { tag: '5.1.5', files: FILES });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Deleted the draft release \d+ this run created/);
    expect(endpoints.releases.get(name)).toEqual([]);
    expect(endpoints.latest(name)).toBeUndefined();
  });

  it('refuses a token without contents: write with one clear error, and creates nothing', async () => {
    const { api, endpoints, repository, workspace, publish } = world();
    const name = repository();
    const from = api.requests.length;
    const run = await publish(name, await workspace(DISTRIBUTIONS), { tag: '5.1.5', files: FILES, 'github-token': READER });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/input 'github-token' may not .* Contents: write .*Nothing was created/);
    expect(endpoints.releases.get(name) ?? []).toEqual([]);
    expect(api.requests.slice(from).filter((request) => request.method !== 'GET' && request.status !== 403)).toEqual([]);
  });

  it('refuses, before any request, a glob that matches no file, a glob leaving the workspace, and a tag that does not exist', async () => {
    const { api, endpoints, repository, workspace, publish } = world();
    const name = repository();
    const directory = await workspace(DISTRIBUTIONS);
    const from = api.requests.length;
    const none = await publish(name, directory, { tag: '5.1.5', files: 'dist/*.tar.gz\ndist/*.whl.asc' });
    expect(none.errors).toEqual([expect.stringMatching(/input 'files' has "dist\/\*\.whl\.asc", which matches no file/)]);
    const outside = await publish(name, directory, { tag: '5.1.5', files: '../*' });
    expect(outside.errors).toEqual([expect.stringMatching(/input 'files' has "\.\.\/\*": a glob must stay inside the workspace/)]);
    expect(api.requests.length).toBe(from);
    const missing = await publish(name, directory, { tag: '5.1.6', files: FILES });
    expect(missing.errors).toEqual([expect.stringMatching(/input 'tag' names 5\.1\.6, which is not a tag/)]);
    expect(endpoints.releases.get(name) ?? []).toEqual([]);
  });
});
