import { describe, expect, it } from 'vitest';
import { runBundle } from '@exegol-release/testbed/harness/run-bundle.js';

const VALID = {
  registry: 'http://127.0.0.1:9',
  'source-repository': 'nwodtuhs/exegol-preprod',
  'target-repository': 'nwodtuhs/exegol',
  version: '5.1.5',
  flavours: 'full\nlight',
};

describe('promote-images-preprod-to-prod bundle: bad input ends with a clear error before any request', () => {
  it.each([
    [{ 'source-repository': 'NwodTuhs/Exegol-Preprod' }, `input 'source-repository' "NwodTuhs/Exegol-Preprod" is not a repository name`],
    [{ 'target-repository': 'nwodtuhs/exegol:latest' }, `input 'target-repository' "nwodtuhs/exegol:latest" is not a repository name`],
    [{ registry: 'http:/registry' }, `input 'registry' "http:/registry" is not a registry`],
    [{ flavours: '' }, `input 'flavours' is empty`],
    [{ tags: 'latest' }, `input 'tags' template "latest" has no {flavour} placeholder`],
    [{ tags: '{flavour}-{release}' }, `input 'tags' has an unknown placeholder {release} in "{flavour}-{release}"`],
    [{ version: '' }, `input 'version' is needed by the tag template "{flavour}-{version}"`],
    [{ flavours: 'full edition' }, `input 'tags' template "{flavour}" makes "full edition" for flavour "full edition", which is not a valid tag`],
    [{ username: 'maintainer' }, `input 'password' is empty: give both username and password, or neither`],
    [{ concurrency: '0' }, `input 'concurrency' must be a whole number from 1 to 32`],
    [{ 'delete-source-tags': 'true' }, `input 'delete-source-tags' deletes tags through Docker Hub's API, but the source registry is 127.0.0.1:9`],
    [{ 'delete-source-tags': 'true', registry: 'docker.io' }, `input 'delete-source-tags' needs Docker Hub credentials`],
    [{ 'target-repository': 'nwodtuhs/exegol-preprod' }, `input 'target-repository' is the source repository 127.0.0.1:9/nwodtuhs/exegol-preprod`],
    [{ 'source-registry': 'HTTP://127.0.0.1:9/', 'target-repository': 'nwodtuhs/exegol-preprod' }, `input 'target-repository' is the source repository`],
    [{ 'target-repository': 'docker.io/nwodtuhs/exegol' }, `input 'target-repository' "docker.io/nwodtuhs/exegol" starts with the registry docker.io`],
    [{ 'hub-api-url': 'hub.docker.com' }, `input 'hub-api-url' is not a URL`],
    [{ 'hub-api-url': 'http://hub.docker.com' }, `input 'hub-api-url' must be an https URL`],
    [{ 'hub-api-url': 'javascript:alert(1)' }, `input 'hub-api-url' must be an https URL (credentials are sent there), not javascript`],
    [{ 'hub-api-url': 'https://hub.docker.com/?next=evil' }, `input 'hub-api-url' must have no query or fragment`],
    [{ 'hub-api-url': 'https://nwodtuhs:dckr_pat_SECRET@hub.docker.com' }, `input 'hub-api-url' holds credentials`],
    [{ registry: 'https://nwodtuhs:dckr_pat_SECRET@registry.example' }, `input 'registry' holds credentials (user:password@)`],
    [{ registry: 'registry.example:99999' }, `input 'registry' "registry.example:99999" is not a registry`],
  ])('%j', async (inputs, message) => {
    const run = await runBundle('promote-images-preprod-to-prod', { inputs: { ...VALID, ...inputs } });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`promote-images-preprod-to-prod failed: ${message}`);
    expect(run.stdout).not.toContain('dckr_pat_SECRET');
  });

  it('takes the version from the pushed tag', async () => {
    const run = await runBundle('promote-images-preprod-to-prod', {
      inputs: { ...VALID, version: '' },
      env: { GITHUB_REF: 'refs/tags/5.1.5', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: '5.1.5' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).not.toContain(`input 'version'`);
    expect(run.errors[0]).toContain('127.0.0.1:9');
  });
});
