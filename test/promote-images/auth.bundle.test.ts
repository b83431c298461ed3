import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';
import { buildImage, listTags, pushImage, tagDigest, type TestImage } from '@exegol-release/testbed/fixtures/images.js';
import { startRegistry, type TestRegistry } from '@exegol-release/testbed/stand-ins/registry.js';
import { startTokenServer, type TokenServer } from '@exegol-release/testbed/stand-ins/token-server.js';

const PREPROD = 'nwodtuhs/exegol-preprod';
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

function promote(registryUrl: string, target: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runBundle('promote-images-preprod-to-prod', {
    inputs: { registry: registryUrl, 'source-repository': PREPROD, 'target-repository': target, version: '5.1.5', flavours: 'full\nlight', ...inputs },
    env,
  });
}

async function pushFlavours(registryUrl: string, headers: Record<string, string>): Promise<Map<string, TestImage>> {
  const images = new Map<string, TestImage>();
  for (const flavour of ['full', 'light']) {
    const image = buildImage({ format: 'oci', sharedLayers: [], perArchLayerSizes: [8 * 1024], attestation: flavour === 'full' });
    images.set(flavour, image);
    await pushImage(registryUrl, PREPROD, [flavour, `${flavour}-5.1.5`], image, async () => headers);
  }
  return images;
}

describe('promote-images-preprod-to-prod bundle: htpasswd Basic auth', () => {
  let registry: TestRegistry;
  let images: Map<string, TestImage>;
  const admin = basic('maintainer', 's3cret-Passw0rd');
  beforeAll(async () => {
    registry = await startRegistry({ mode: 'htpasswd', users: { maintainer: 's3cret-Passw0rd' } });
    images = await pushFlavours(registry.url, admin);
  });
  afterAll(async () => registry?.stop());

  it('promotes with username and password, masking the password', async () => {
    const run = await promote(registry.url, 'nwodtuhs/exegol', { username: 'maintainer', password: 's3cret-Passw0rd' });
    expect(run.code, run.stdout).toBe(0);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol', 'full-5.1.5', admin)).toBe(images.get('full')!.index.digest);
    expect(run.masks).toContain('s3cret-Passw0rd');
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain('s3cret-Passw0rd');
  });

  it('reads the credentials docker/login-action wrote to the Docker config file', async () => {
    const config = await mkdtemp(path.join(tmpdir(), 'docker-config-'));
    await writeFile(
      path.join(config, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('maintainer:s3cret-Passw0rd').toString('base64') } } }),
    );
    const run = await promote(registry.url, 'nwodtuhs/exegol-from-config', {}, { DOCKER_CONFIG: config });
    expect(run.code, run.stdout).toBe(0);
    expect(await tagDigest(registry.url, 'nwodtuhs/exegol-from-config', 'light', admin)).toBe(images.get('light')!.index.digest);
  });

  it('ends with a clear error on wrong credentials, writing nothing', async () => {
    const run = await promote(registry.url, 'nwodtuhs/exegol-wrong', { username: 'maintainer', password: 'wrong' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toBe(`promote-images-preprod-to-prod failed: registry ${registry.host} refused the credentials of maintainer`);
    expect(await listTags(registry.url, 'nwodtuhs/exegol-wrong', admin)).toEqual([]);
  });

  it('says what to do when no credentials are given', async () => {
    const run = await promote(registry.url, 'nwodtuhs/exegol-anonymous', {}, { DOCKER_CONFIG: '/nonexistent' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('needs credentials: set username and password, or log in with docker/login-action');
  });
});

describe('promote-images-preprod-to-prod bundle: Bearer tokens from a token server', () => {
  let tokens: TokenServer;
  let registry: TestRegistry;
  let images: Map<string, TestImage>;
  const tokenFor = async (user: string, password: string, scope: string): Promise<Record<string, string>> => {
    const response = await fetch(`${tokens.url}/token?service=${tokens.service}&scope=${encodeURIComponent(scope)}`, { headers: basic(user, password) });
    return { authorization: `Bearer ${((await response.json()) as { token: string }).token}` };
  };
  beforeAll(async () => {
    tokens = await startTokenServer({
      maintainer: { password: 'dckr_pat_maintainer', access: { '*': ['pull', 'push'] } },
      reader: { password: 'dckr_pat_reader', access: { '*': ['pull'] } },
    });
    registry = await startRegistry({ mode: 'token', tokenServer: tokens });
    images = await pushFlavours(registry.url, await tokenFor('maintainer', 'dckr_pat_maintainer', `repository:${PREPROD}:pull,push`));
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
  });

  it('promotes with one token carrying pull on the source and pull,push on the target', async () => {
    tokens.requests.length = 0;
    const run = await promote(registry.url, 'nwodtuhs/exegol', { username: 'maintainer', password: 'dckr_pat_maintainer' });
    expect(run.code, run.stdout + registry.log()).toBe(0);
    const requested = [...tokens.requests];
    const read = await tokenFor('maintainer', 'dckr_pat_maintainer', 'repository:nwodtuhs/exegol:pull');
    for (const tag of ['full', 'full-5.1.5', 'light', 'light-5.1.5'])
      expect(await tagDigest(registry.url, 'nwodtuhs/exegol', tag, read)).toBe(images.get(tag.split('-')[0]!)!.index.digest);
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ account: 'maintainer', scopes: [`repository:${PREPROD}:pull`, 'repository:nwodtuhs/exegol:pull,push'] });
    const token = run.masks.find((mask) => mask.split('.').length === 3);
    expect(token).toBeDefined();
    expect(run.stdout.replace(/::add-mask::.*\n/g, '')).not.toContain(token!);
  });

  it('ends with a clear error on a wrong password, writing nothing', async () => {
    const run = await promote(registry.url, 'nwodtuhs/exegol-wrong', { username: 'maintainer', password: 'nope' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`the token server of ${registry.host} refused the credentials of maintainer (HTTP 401)`);
  });

  it('refuses before writing when the token does not grant push on the target', async () => {
    const run = await promote(registry.url, 'nwodtuhs/exegol-readonly', { username: 'reader', password: 'dckr_pat_reader' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain(`the credentials of reader may not push to nwodtuhs/exegol-readonly on ${registry.host}`);
    const read = await tokenFor('maintainer', 'dckr_pat_maintainer', 'repository:nwodtuhs/exegol-readonly:pull');
    expect(await listTags(registry.url, 'nwodtuhs/exegol-readonly', read)).toEqual([]);
  });
});
