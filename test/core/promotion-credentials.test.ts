// The credential policy of promote-images (packages/core/src/registry/credentials.ts): who the
// promotion authenticates as on each registry, for which token scopes, and who deletes tags on
// Docker Hub; and Docker's config file read as docker reads it.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@exegol-release/core/action';
import { dockerConfigCredentials, parseRegistry, promotionAccess, type RegistryEndpoint, type PromotionAccessRequest } from '@exegol-release/core/registry';

const hub = parseRegistry('docker.io', 'registry');
const ghcr = parseRegistry('ghcr.io', 'registry');
const given = { username: 'maintainer', password: 'dckr_pat_given' };
const request = (extra: Partial<PromotionAccessRequest> = {}): PromotionAccessRequest => ({
  sourceEndpoint: hub,
  targetEndpoint: hub,
  sourceRepository: 'nwodtuhs/exegol-preprod',
  targetRepository: 'nwodtuhs/exegol',
  dryRun: false,
  deleteSourceTags: false,
  ...extra,
});
/** A config lookup that records the registries asked for and answers from `found`. */
const lookupOf = (found: Record<string, { username: string; password: string }>) => {
  const asked: string[] = [];
  const lookup = async (endpoint: RegistryEndpoint) => {
    asked.push(endpoint.name);
    return found[endpoint.name];
  };
  return { asked, lookup };
};

describe('promotionAccess', () => {
  it('gives one registry one token carrying pull on the source and pull,push on the target, with the given credentials, and never reads Docker\u2019s config', async () => {
    const { asked, lookup } = lookupOf({ 'docker.io': { username: 'config', password: 'from-config' } });
    const access = await promotionAccess(request({ credentials: given }), lookup);
    expect(access.shared).toBe(true);
    expect(access.source).toBe(access.target);
    expect(access.target).toEqual({
      endpoint: hub,
      credentials: given,
      scopes: ['repository:nwodtuhs/exegol-preprod:pull', 'repository:nwodtuhs/exegol:pull,push'],
      pushRepositories: ['nwodtuhs/exegol'],
    });
    expect(access.targetHub).toEqual(given);
    expect(access.sourceHub).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('asks a dry run for pull only, and requires push nowhere', async () => {
    const access = await promotionAccess(request({ credentials: given, dryRun: true }), lookupOf({}).lookup);
    expect(access.target.scopes).toEqual(['repository:nwodtuhs/exegol-preprod:pull', 'repository:nwodtuhs/exegol:pull']);
    expect(access.target.pushRepositories).toEqual([]);
  });

  it('reads each registry\u2019s own entry of Docker\u2019s config across two registries, pull only on the source, and goes anonymous where there is none', async () => {
    const { asked, lookup } = lookupOf({ 'ghcr.io': { username: 'bot', password: 'ghp_target' } });
    const access = await promotionAccess(request({ targetEndpoint: ghcr }), lookup);
    expect(access.shared).toBe(false);
    expect(access.source).toEqual({ endpoint: hub, scopes: ['repository:nwodtuhs/exegol-preprod:pull'], pushRepositories: [] });
    expect(access.target).toEqual({
      endpoint: ghcr,
      credentials: { username: 'bot', password: 'ghp_target' },
      scopes: ['repository:nwodtuhs/exegol:pull,push'],
      pushRepositories: ['nwodtuhs/exegol'],
    });
    // The target is not Docker Hub: its API is not used to delete anything there.
    expect(access.targetHub).toBeUndefined();
    expect(asked.sort()).toEqual(['docker.io', 'ghcr.io']);
  });

  it('gives delete-source-tags the source\u2019s Docker Hub credentials, and refuses it without any, naming the input', async () => {
    const withConfig = await promotionAccess(request({ deleteSourceTags: true }), lookupOf({ 'docker.io': given }).lookup);
    expect(withConfig.sourceHub).toEqual(given);
    const refused = promotionAccess(request({ deleteSourceTags: true }), lookupOf({}).lookup);
    await expect(refused).rejects.toBeInstanceOf(InputError);
    await expect(refused).rejects.toThrow('delete-source-tags');
  });
});

describe('dockerConfigCredentials', () => {
  it('reads the auths entry docker/login-action writes for Docker Hub, and nothing for another registry', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'docker-config-'));
    const auth = Buffer.from('maintainer:dckr_pat_config').toString('base64');
    await writeFile(path.join(directory, 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth } } }));
    expect(await dockerConfigCredentials(hub, directory)).toEqual({ username: 'maintainer', password: 'dckr_pat_config' });
    expect(await dockerConfigCredentials(ghcr, directory)).toBeUndefined();
    expect(await dockerConfigCredentials(hub, path.join(directory, 'absent'))).toBeUndefined();
  });
});
