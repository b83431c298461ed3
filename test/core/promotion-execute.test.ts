// The execution of a promotion plan (packages/core/src/registry/promote.ts) on the sources, against
// an in-memory target that answers HEAD, PUT and DELETE of manifests as the distribution spec does,
// where a test can make a rival write land right after one of this run's PUTs: each tag is read back
// right after its write, a put-back too, and per-tag lines go to the log inside one group.
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '@exegol-release/core/action';
import { PromotionFailure, executePromotion, type RawManifest, type RegistryClient, type TagPlan } from '@exegol-release/core/registry';

const manifest = (name: string): RawManifest => ({
  digest: `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  bytes: Buffer.from(name),
});

class MemoryTarget {
  readonly endpoint = { name: 'registry.test', apiBase: 'https://registry.test', isDockerHub: false };
  readonly tags = new Map<string, string>();
  readonly puts: string[] = [];
  /** Runs right after this run's PUT of a tag lands: a rival's write. */
  afterPut?: (reference: string, manifest: RawManifest) => void;
  /** Fails the PUT of this tag. */
  failPut?: string;

  async headManifest(_repository: string, reference: string): Promise<string | undefined> {
    return reference.startsWith('sha256:') ? reference : this.tags.get(reference);
  }

  async putManifest(_repository: string, reference: string, raw: RawManifest): Promise<string> {
    if (reference === this.failPut) throw new Error(`PUT manifest ${reference}: HTTP 503`);
    this.puts.push(reference);
    if (!reference.startsWith('sha256:')) this.tags.set(reference, raw.digest);
    this.afterPut?.(reference, raw);
    return raw.digest;
  }

  async deleteManifest(_repository: string, reference: string): Promise<number> {
    return this.tags.delete(reference) ? 202 : 404;
  }

  async hasBlob(): Promise<boolean> {
    return true;
  }
}

const fresh = manifest('fresh');
const old = manifest('old');
const rival = manifest('rival');
const plan = (targetTag: string, existing?: RawManifest): TagPlan => ({
  sourceTag: targetTag,
  targetTag,
  flavour: 'full',
  versioned: targetTag.includes('-'),
  digest: fresh.digest,
  tree: { manifest: fresh, children: [], blobs: [] },
  ...(existing ? { existingDigest: existing.digest, existing } : {}),
  digestInTarget: false,
  action: 'write',
});

function execute(target: MemoryTarget, plans: TagPlan[]) {
  const logger = memoryLogger();
  const client = target as unknown as RegistryClient;
  const run = executePromotion(plans, { source: client, sourceRepository: 'preprod', target: client, targetRepository: 'prod', concurrency: 2, logger });
  return { logger, run };
}

/** The PromotionFailure a run ends with; a run that succeeds fails the test. */
const failureOf = (run: Promise<unknown>): Promise<PromotionFailure> =>
  run.then(
    () => {
      throw new Error('the promotion succeeded');
    },
    (error: unknown) => error as PromotionFailure,
  );

describe('executePromotion', () => {
  it('writes each tag and reads it back, logging each tag inside one group', async () => {
    const target = new MemoryTarget();
    target.tags.set('full', old.digest);
    const { logger, run } = execute(target, [plan('full', old), plan('full-5.1.5')]);
    expect((await run).map((outcome) => [outcome.targetTag, outcome.action, outcome.finalDigest])).toEqual([
      ['full', 'tagged', fresh.digest],
      ['full-5.1.5', 'tagged', fresh.digest],
    ]);
    expect(logger.lines).toEqual(['group: Tag writes to prod', `prod:full → ${fresh.digest} (read back)`, `prod:full-5.1.5 → ${fresh.digest} (read back)`]);
  });

  it('fails on a rival write landing right after its PUT, before the next tag is written, and leaves the rival\u2019s tag', async () => {
    const target = new MemoryTarget();
    target.afterPut = (reference) => void (reference === 'full' && target.tags.set('full', rival.digest));
    const { run } = execute(target, [plan('full'), plan('full-5.1.5')]);
    const failure = await failureOf(run);
    expect(failure).toBeInstanceOf(PromotionFailure);
    expect(failure.message).toContain(`prod:full reads back as ${rival.digest} right after this run wrote ${fresh.digest}`);
    expect(target.puts).toEqual(['full']);
    expect(failure.outcomes.map((outcome) => [outcome.targetTag, outcome.action, outcome.finalDigest])).toEqual([
      ['full', 'left', rival.digest],
      ['full-5.1.5', 'not written', null],
    ]);
  });

  it('reads a put-back tag back, and reports it left, not restored, when a rival moved it as it was put back', async () => {
    const target = new MemoryTarget();
    target.tags.set('full', old.digest);
    target.failPut = 'full-5.1.5';
    const { run } = execute(target, [plan('full', old), plan('full-5.1.5')]);
    expect((await failureOf(run)).outcomes[0]).toMatchObject({ action: 'restored', finalDigest: old.digest });

    const raced = new MemoryTarget();
    raced.tags.set('full', old.digest);
    raced.failPut = 'full-5.1.5';
    raced.afterPut = (reference, raw) => void (reference === 'full' && raw.digest === old.digest && raced.tags.set('full', rival.digest));
    const { run: racedRun } = execute(raced, [plan('full', old), plan('full-5.1.5')]);
    expect((await failureOf(racedRun)).outcomes[0]).toMatchObject({
      action: 'left',
      finalDigest: rival.digest,
      note: `moved by someone else to ${rival.digest} as it was put back`,
    });
  });
});
