// Docker Hub as a registry client meets it (packages/testbed/src/stand-ins/docker-hub.ts): pulls counted, the pull limit,
// the CDN redirect, and Docker's credential helpers. Split from docker-hub.bundle.test.ts to keep each file short.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tagDigest } from '@exegol-release/testbed/fixtures/images.js';
import { HUB_HOSTS } from '@exegol-release/testbed/stand-ins/docker-hub.js';
import { USER, VERSION, useDockerHub } from './docker-hub-fixture.js';

const fixture = useDockerHub();
const { pushPreprod, hubDigest, promote } = fixture;

describe('promote-images-preprod-to-prod bundle as a client of Docker Hub', () => {
  it('re-run: reads nothing with GET, writes nothing, and deletes nothing more', async () => {
    await pushPreprod('nwodtuhs/exegol-rerun-preprod');
    const first = await promote({ 'source-repository': 'nwodtuhs/exegol-rerun-preprod', 'target-repository': 'nwodtuhs/exegol-rerun' });
    expect(first.code, first.stdout).toBe(0);
    fixture.hub.requests.length = 0;
    const again = await promote({ 'source-repository': 'nwodtuhs/exegol-rerun-preprod', 'target-repository': 'nwodtuhs/exegol-rerun' });
    expect(again.code, again.stdout).toBe(0);
    expect(fixture.hub.matching(HUB_HOSTS.registry, 'GET', /\/manifests\//)).toEqual([]);
    expect(again.summary).toContain('Manifest GETs: 0 on docker.io');
  });

  it('fails at once on the pull limit, saying when it frees up, instead of retrying', async () => {
    await pushPreprod('nwodtuhs/exegol-limited-preprod');
    Object.assign(fixture.hub.pullLimit, { remaining: 0, retryAfter: '3600' });
    const started = Date.now();
    const run = await promote({ 'source-repository': 'nwodtuhs/exegol-limited-preprod', 'target-repository': 'nwodtuhs/exegol-limited' });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(
      /HTTP 429 TOOMANYREQUESTS: You have reached your pull rate limit\. .* \(rate limited: Retry-After: 3600; try again after \d{4}-\d\d-\d\dT[\d:.]+Z, in about 60 minutes\)/,
    );
    // One GET a flavour's index, started together, and none retried.
    const gets = fixture.hub.matching(HUB_HOSTS.registry, 'GET', /\/manifests\//).map((request) => request.path);
    expect(gets.length).toBeGreaterThan(0);
    expect(new Set(gets).size).toBe(gets.length);
    expect(Date.now() - started).toBeLessThan(15_000);
    Object.assign(fixture.hub.pullLimit, { remaining: 0, retryAfter: undefined });
    const windowOnly = await promote({ 'source-repository': 'nwodtuhs/exegol-limited-preprod', 'target-repository': 'nwodtuhs/exegol-limited' });
    expect(windowOnly.errors[0]).toContain('(rate limited: pull limit used up (ratelimit-limit: 100;w=21600); try again after');
  });

  it("waits the Retry-After of the Hub API's 429, then deletes the promoted tags", async () => {
    await pushPreprod('nwodtuhs/exegol-hubrate-preprod');
    const inputs = { 'source-repository': 'nwodtuhs/exegol-hubrate-preprod', 'target-repository': 'nwodtuhs/exegol-hubrate', 'delete-source-tags': 'true' };
    // The Hub API's window used up for two seconds from the first Hub API call (however late the bundle makes it):
    // that call gets 429.
    fixture.hub.beforeDelete = undefined;
    fixture.hub.hubApiLimit.usedUpFor = 2;
    // Real waits for this run (the harness scales retry delays to nothing): the client must wait what Retry-After says.
    const started = Date.now();
    const run = await promote(inputs, { RELEASE_ACTIONS_RETRY_DELAY_SCALE: '1' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const api = fixture.hub.requests.filter((request) => request.host === HUB_HOSTS.api);
    // The stand-in's answer: 429 while the window lasts, then the same call again answered once it reset.
    expect(api[0]).toMatchObject({ method: 'POST', path: '/v2/auth/token', status: 429 });
    expect(api.filter((request) => request.status === 429).every((request) => request.path === '/v2/auth/token')).toBe(true);
    expect(api.some((request) => request.path === '/v2/auth/token' && request.status === 200)).toBe(true);
    expect(run.stdout).toMatch(/Docker Hub: retrying in [12]\.\d+s after HTTP 429 \(Retry-After: [12]\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(fixture.hub.tagDeletions.sort()).toEqual(
      ['full', `full-${VERSION}`, 'light', `light-${VERSION}`].map((tag) => `nwodtuhs/exegol-hubrate-preprod:${tag}`).sort(),
    );
  });

  it('follows blob redirects to the CDN without credentials (Docker Hub to another registry)', async () => {
    await pushPreprod('nwodtuhs/exegol-cdn-preprod');
    const run = await promote({
      'source-repository': 'nwodtuhs/exegol-cdn-preprod',
      'target-registry': fixture.local.url,
      'target-repository': 'nwodtuhs/exegol',
    });
    expect(run.code, run.stdout).toBe(0);
    expect(await tagDigest(fixture.local.url, 'nwodtuhs/exegol', `full-${VERSION}`)).toBe(fixture.images.get('full')!.index.digest);
    const redirected = fixture.hub.matching(HUB_HOSTS.registry, 'GET', /\/blobs\/sha256:/);
    const fetched = fixture.hub.requests.filter((request) => request.host === HUB_HOSTS.cdn);
    expect(redirected.length).toBeGreaterThan(0);
    expect(redirected.every((request) => request.status === 307 && request.authorization === 'Bearer')).toBe(true);
    expect(fetched).toHaveLength(redirected.length);
    expect(fetched.every((request) => request.status === 200 && request.authorization === undefined)).toBe(true);
  });

  it('reads credentials from a Docker credential helper (credsStore), and explains a locked macOS keychain', async () => {
    await pushPreprod('nwodtuhs/exegol-helper-preprod');
    const bin = await mkdtemp(path.join(tmpdir(), 'credential-helper-'));
    const config = path.join(bin, 'config');
    await import('node:fs/promises').then((fs) => fs.mkdir(config));
    await writeFile(path.join(config, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'fake' }));
    const helper = path.join(bin, 'docker-credential-fake');
    await writeFile(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 1\nread url\necho "$url" >> ${JSON.stringify(path.join(bin, 'asked'))}\n[ "$url" = "https://index.docker.io/v1/" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"https://index.docker.io/v1/","Username":"${USER.username}","Secret":"${USER.password}"}'\n`,
    );
    await chmod(helper, 0o755);
    const env = { DOCKER_CONFIG: config, PATH: `${bin}:${process.env['PATH']}` };
    const run = await promote(
      { username: '', password: '', 'source-repository': 'nwodtuhs/exegol-helper-preprod', 'target-repository': 'nwodtuhs/exegol-helper' },
      env,
    );
    expect(run.code, run.stdout).toBe(0);
    expect(await hubDigest('nwodtuhs/exegol-helper', 'light')).toBe(fixture.images.get('light')!.index.digest);
    expect(await import('node:fs/promises').then((fs) => fs.readFile(path.join(bin, 'asked'), 'utf8'))).toBe('https://index.docker.io/v1/\n');

    await writeFile(helper, '#!/bin/sh\necho "User interaction is not allowed."\nexit 1\n');
    const locked = await promote(
      { username: '', password: '', 'source-repository': 'nwodtuhs/exegol-helper-preprod', 'target-repository': 'nwodtuhs/exegol-helper' },
      env,
    );
    expect(locked.code, locked.stdout + locked.stderr).toBe(1);
    expect(locked.errors[0]).toBe(
      'promote-images-preprod-to-prod failed: docker-credential-fake get failed for https://index.docker.io/v1/: User interaction is not allowed.; set the username and password inputs: they avoid docker login and its credential store altogether',
    );
  });
});
