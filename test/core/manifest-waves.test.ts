import { describe, expect, it } from 'vitest';
import { childManifestWaves, type ManifestTree } from '@exegol-release/core/registry';

const manifest = (name: string) => ({ digest: `sha256:${name}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: Buffer.from(name) });
const leaf = (name: string): ManifestTree => ({ manifest: manifest(name), children: [], blobs: [] });
const index = (name: string, children: ManifestTree['children']): ManifestTree => ({ manifest: manifest(name), children, blobs: [] });
const names = (waves: { digest: string }[][]) => waves.map((wave) => wave.map((entry) => entry.digest.slice('sha256:'.length)).sort());

describe('childManifestWaves', () => {
  it('puts the platform manifests of every tag in one wave, once each, and leaves the tagged indexes out', () => {
    const full = index('full', [leaf('amd64'), leaf('arm64'), { digest: 'sha256:present', present: true }]);
    const versioned = index('full-5.1.5', [leaf('amd64'), leaf('arm64')]);
    expect(names(childManifestWaves([full, versioned]))).toEqual([['amd64', 'arm64']]);
  });

  it('pushes a nested index after its children, even when another tag holds it with fewer children lacking', () => {
    const nestedWithChild = index('nested', [leaf('a')]);
    const nestedAlone = index('nested', []);
    const other = index('other', [nestedAlone]);
    const parent = index('parent', [index('outer', [nestedWithChild])]);
    expect(names(childManifestWaves([other, parent]))).toEqual([['a'], ['nested'], ['outer']]);
    expect(names(childManifestWaves([parent, other]))).toEqual([['a'], ['nested'], ['outer']]);
  });

  it('gives no wave for tags whose children the target holds', () => {
    expect(childManifestWaves([index('full', [{ digest: 'sha256:present', present: true }])])).toEqual([]);
  });
});
