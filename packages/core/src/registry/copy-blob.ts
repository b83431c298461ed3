import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { ActionError, describeError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { withRetries } from '../http/retry.js';
import type { StreamAnswer } from '../http/stream-request.js';
import type { RegistryClient } from './client.js';

/** A blob in one repository of one registry. */
export interface BlobLocation {
  readonly client: RegistryClient;
  readonly repository: string;
}

/**
 * Streams one blob from `source` to `target` (GET, then a monolithic PUT
 * upload; the GET and the upload session are opened at once), hashing it on
 * the way: the blob is never held whole in memory, and bytes whose sha256 or
 * length differ from the descriptor are refused with an error naming the
 * blob, before the upload is completed. The registry verifies the digest too.
 *
 * @param location an upload session already open on the target (from a refused mount), or undefined to open one
 * @returns the bytes that passed through
 * @throws ActionError when the source's bytes are corrupted or either side fails
 */
export async function streamBlob(source: BlobLocation, target: BlobLocation, digest: string, size: number, location?: string): Promise<number> {
  const opening = location !== undefined ? Promise.resolve(location) : target.client.startUpload(target.repository);
  // Its failure is handled below, once the GET is answered.
  opening.catch(() => undefined);
  let response: StreamAnswer;
  try {
    response = await source.client.getBlob(source.repository, digest);
  } catch (error) {
    const upload = await opening.catch(() => undefined);
    if (upload !== undefined) await target.client.cancelUpload(upload);
    throw error;
  }
  let upload: string;
  try {
    upload = await opening;
  } catch (error) {
    response.body.destroy();
    throw error;
  }
  let corruption: ActionError | undefined;
  const checked = verifiedBytes(digest, size, (bytes, got) => {
    corruption = new ActionError(
      `blob ${digest} from ${source.client.endpoint.name}/${source.repository} is corrupted: ${bytes} bytes with digest ${got}, expected ${size} bytes`,
    );
    return corruption;
  });
  // A failure on either side ends both: the PUT with the source's error, named; the GET when the PUT fails or the bytes are refused.
  response.body.once('error', (error) =>
    checked.destroy(new ActionError(`the GET of blob ${digest} from ${source.client.endpoint.name}/${source.repository} broke off: ${describeError(error)}`)),
  );
  checked.once('close', () => response.body.destroy());
  response.body.pipe(checked);
  try {
    await target.client.putBlob(upload, digest, checked, size);
  } catch (error) {
    response.body.destroy();
    await target.client.cancelUpload(upload);
    throw corruption ?? error;
  }
  if (corruption) throw corruption;
  return size;
}

/**
 * A pass-through that hashes the bytes and counts them, holding the last chunk back until the
 * whole blob is checked: bytes that are not `digest`'s (or not `size` of them) end the stream
 * with the error `corrupted` gives, before the upload can complete.
 */
function verifiedBytes(digest: string, size: number, corrupted: (bytes: number, got: string) => Error): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      if (bytes > size) return done(corrupted(bytes, '(not computed: more bytes than the descriptor says)'));
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest || bytes !== size) return done(corrupted(bytes, got));
      done(null, held);
    },
  });
}

/**
 * {@link streamBlob} with retries ({@link withRetries}): a dropped connection
 * or corrupted bytes start the copy again from a fresh GET and a fresh upload session.
 *
 * @param options.attempts copies tried in all (default 3)
 * @throws ActionError after the last attempt, with the last reason
 */
export async function streamBlobWithRetries(
  source: BlobLocation,
  target: BlobLocation,
  digest: string,
  size: number,
  options: { location?: string; attempts?: number; logger?: Logger } = {},
): Promise<number> {
  const attempts = options.attempts ?? 3;
  let location = options.location;
  try {
    return await withRetries(
      `copy of blob ${digest}`,
      async () => {
        const session = location;
        location = undefined;
        // One slot of each registry for the whole copy (one slot when they are the same client).
        const copy = () => streamBlob(source, target, digest, size, session);
        return { value: await source.client.limit.run(() => target.client.limit.run(copy)) };
      },
      {
        retries: attempts - 1,
        minDelaySeconds: 0.25,
        onRetry: ({ reason }) => options.logger?.info(`copy of blob ${digest} failed (${reason}); trying again`),
      },
    );
  } catch (error) {
    throw new ActionError(
      `copy of blob ${digest} failed after ${attempts} attempts: ${describeError(error instanceof Error && error.cause !== undefined ? error.cause : error)}`,
      { cause: error },
    );
  }
}
