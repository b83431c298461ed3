import { createHash } from 'node:crypto';
import { ActionError } from '../action/errors.js';
import { describeError } from '../action/errors.js';
import type { RegistryClient } from './client.js';

/** A blob in one repository of one registry. */
export interface BlobLocation {
  readonly client: RegistryClient;
  readonly repository: string;
}

/**
 * Streams one blob from `source` to `target` (GET, then a monolithic PUT
 * upload), hashing it on the way: the blob is never held whole in memory,
 * and bytes whose sha256 or length differ from the descriptor are refused
 * with an error naming the blob. The registry verifies the digest too.
 *
 * @param location an upload session already open on the target (from a refused mount), or undefined to open one
 * @returns the bytes that passed through
 * @throws ActionError when the source's bytes are corrupted or either side fails
 */
export async function streamBlob(source: BlobLocation, target: BlobLocation, digest: string, size: number, location?: string): Promise<number> {
  const response = await source.client.getBlob(source.repository, digest);
  const hash = createHash('sha256');
  let bytes = 0;
  let corruption: ActionError | undefined;
  const verifying = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
      flush(controller) {
        const got = `sha256:${hash.digest('hex')}`;
        if (got === digest && bytes === size) return;
        corruption = new ActionError(`blob ${digest} from ${source.client.endpoint.name}/${source.repository} is corrupted: ${bytes} bytes with digest ${got}, expected ${size} bytes`);
        controller.error(corruption);
      },
    }),
  );
  const upload = location ?? (await target.client.startUpload(target.repository));
  try {
    await target.client.putBlob(upload, digest, verifying, size);
  } catch (error) {
    await target.client.cancelUpload(upload);
    throw corruption ?? error;
  }
  if (corruption) throw corruption;
  return bytes;
}

/**
 * {@link streamBlob} with retries: a dropped connection or corrupted bytes
 * start the copy again from a fresh GET and a fresh upload session.
 *
 * @param attempts copies tried in all (default 3)
 * @throws ActionError after the last attempt, with the last reason
 */
export async function streamBlobWithRetries(source: BlobLocation, target: BlobLocation, digest: string, size: number, options: { location?: string; attempts?: number; log?: (message: string) => void } = {}): Promise<number> {
  const attempts = options.attempts ?? 3;
  let location = options.location;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await streamBlob(source, target, digest, size, location);
    } catch (error) {
      location = undefined;
      if (attempt >= attempts) throw new ActionError(`copy of blob ${digest} failed after ${attempts} attempts: ${describeError(error)}`, { cause: error });
      options.log?.(`copy of blob ${digest} failed (${describeError(error)}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
