import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { create } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '@exegol-release/core/action';
import { readSdist } from '@exegol-release/core/pypi';
import { writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';

const execute = promisify(execFile);
let sdist: string;

/** An sdist-shaped tar.gz: PKG-INFO and 3 MB of incompressible payload under one directory. */
beforeAll(async () => {
  const source = await mkdtemp(path.join(tmpdir(), 'sdist-source-'));
  await writeFiles(source, { 'exegol-5.1.5/PKG-INFO': 'Metadata-Version: 2.1\nName: Exegol\nVersion: 5.1.5\nSummary: Python wrapper\n\nThe description.\n' });
  await writeFile(path.join(source, 'exegol-5.1.5', 'payload.bin'), randomBytes(3 * 1024 * 1024));
  sdist = path.join(await mkdtemp(path.join(tmpdir(), 'sdist-')), 'exegol-5.1.5.tar.gz');
  await create({ gzip: true, file: sdist, cwd: source, portable: true }, ['exegol-5.1.5']);
});

describe('readSdist', () => {
  it('gives the digests Python\u2019s hashlib gives (sha256, BLAKE2b with a 32-byte digest)', async () => {
    const read = await readSdist(sdist);
    const script = 'import hashlib,sys; b=open(sys.argv[1],"rb").read(); print(hashlib.sha256(b).hexdigest(), hashlib.blake2b(b, digest_size=32).hexdigest())';
    const { stdout } = await execute('python3', ['-c', script, sdist]);
    const { sha256, blake2b256 } = await read.digests();
    expect(`${sha256} ${blake2b256}`).toBe(stdout.trim());
    expect(read.digests()).toBe(read.digests());
    expect(read.size).toBe(read.bytes.length);
    expect(read).toMatchObject({
      kind: 'sdist',
      topLevel: 'exegol-5.1.5',
      normalisedName: 'exegol',
      canonicalVersion: '5.1.5',
      filetype: 'sdist',
      pyversion: 'source',
    });
  });

  it('reads an archive larger than the in-memory limit as a stream, with the same result', async () => {
    const inMemory = await readSdist(sdist);
    const streamed = await readSdist(sdist, 1024 * 1024);
    expect(streamed.metadata).toEqual(inMemory.metadata);
    expect({ ...streamed, bytes: undefined, digests: undefined }).toEqual({ ...inMemory, bytes: undefined, digests: undefined });
    expect(await streamed.digests()).toEqual(await inMemory.digests());
  });

  it('refuses an uncompressed tar named .tar.gz', async () => {
    const source = await mkdtemp(path.join(tmpdir(), 'sdist-source-'));
    await writeFiles(source, { 'exegol-5.1.5/PKG-INFO': 'Metadata-Version: 2.1\nName: exegol\nVersion: 5.1.5\n' });
    const plain = path.join(await mkdtemp(path.join(tmpdir(), 'sdist-')), 'exegol-5.1.5.tar.gz');
    await create({ file: plain, cwd: source, portable: true }, ['exegol-5.1.5']);
    await expect(readSdist(plain)).rejects.toThrow(ActionError);
    await expect(readSdist(plain)).rejects.toThrow('exegol-5.1.5.tar.gz is not a readable gzipped tar archive');
  });
});
