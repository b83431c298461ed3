import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { comparePythonVersions, parsePythonVersion } from '../versions/python-version.js';
import { signPublishAttestations, type Attestation } from './attestations.js';
import { buildDistributions, checkWheelBuilds } from './build.js';
import { pypiRefusal } from './checks.js';
import { withDigests, type HashedDistribution } from './distribution.js';
import { parseWheelFilename } from './filenames.js';
import { normaliseProjectName } from './metadata.js';
import { findSdist, readSdist, type Sdist } from './sdist.js';
import { mintTrustedPublishingToken } from './trusted-publishing.js';
import { basicAuthorization, indexUrlOf, uploadDistribution } from './upload.js';
import { readWheel, type Wheel } from './wheel.js';

/** One index to upload to, in order. */
export interface PublishTarget {
  readonly label: string;
  /** The upload URL without credentials. */
  readonly url: string;
  /** The upload URL as shown: credentials redacted. */
  readonly display: string;
  /** The Basic user: `__token__` unless the repository URL named another. */
  readonly username: string;
  /** An API token; empty for trusted publishing. */
  readonly password: string;
}

/** What publish-pypi-sdist is asked to do, already validated. */
export interface PublishRequest {
  readonly build: boolean;
  readonly python: string;
  readonly workingDirectory: string;
  readonly buildArgs: readonly string[];
  readonly packagesDirectory: string;
  readonly expectedVersion?: string;
  readonly checkInstall: boolean;
  /** Also publish the wheels of the sdist's name and version (built with it, or found beside it). */
  readonly wheels: boolean;
  /** Sign and send PEP 740 publish attestations with trusted-publishing uploads. */
  readonly attestations: boolean;
  readonly fulcioUrl: string;
  readonly rekorUrl: string;
  readonly targets: readonly PublishTarget[];
  readonly skipExisting: boolean;
  readonly dryRun: boolean;
  readonly tempDirectory: string;
  readonly getIdToken: (audience: string) => Promise<string>;
  readonly logger: Logger;
}

/** What happened at one index. */
export interface UploadReport {
  readonly repository: string;
  /** The upload URL, credentials redacted. */
  readonly url: string;
  /** uploaded when a file was uploaded; skipped when every file was already there; dry-run. */
  readonly result: 'uploaded' | 'skipped' | 'dry-run';
  readonly auth: 'token' | 'trusted publishing';
  /** Whether the uploads carried PEP 740 attestations. */
  readonly attestations: boolean;
  readonly files: readonly { readonly filename: string; readonly result: 'uploaded' | 'skipped' | 'dry-run' }[];
}

/** What was published: the sdist, its wheels (the sdist first in every upload), with their digests, each index's report, the warnings. */
export interface PublishResult {
  readonly sdist: HashedDistribution<Sdist>;
  readonly wheels: readonly HashedDistribution<Wheel>[];
  readonly uploads: readonly UploadReport[];
  readonly warnings: readonly string[];
}

/**
 * The wheels of the sdist's project and version among `names` (by their file names), and the
 * other wheels, which are left out.
 */
function matchingWheels(names: readonly string[], sdist: Sdist): { matching: string[]; others: string[] } {
  const matching: string[] = [];
  const others: string[] = [];
  for (const name of names.filter((file) => file.endsWith('.whl')).sort()) {
    const parsed = parseWheelFilename(name);
    const same =
      typeof parsed !== 'string' &&
      normaliseProjectName(parsed.rawName) === sdist.normalisedName &&
      comparePythonVersions(parsed.rawVersion, sdist.canonicalVersion) === 0;
    (same ? matching : others).push(name);
  }
  return { matching, others };
}

/**
 * Builds (or finds) the sdist and, with `wheels`, its wheels; validates every file as PyPI's
 * upload endpoint would (archive, metadata, file names, License-File entries), the expected
 * version, and that a wheel builds from the sdist alone; obtains every index's token and signs
 * the attestations; then uploads to each target in order, the sdist first. The expected version
 * is checked before the build, and the built files are copied to the packages directory only
 * once they passed. Nothing is uploaded until every check has passed, every token is in hand and
 * every attestation is signed. Each file but the first is hashed while the one before it uploads
 * (the digests are form fields sent before the file's bytes).
 *
 * @throws ActionError naming what failed
 */
export async function publishDistributions(request: PublishRequest): Promise<PublishResult> {
  const { logger } = request;
  const expected = request.expectedVersion ? parsePythonVersion(request.expectedVersion) : undefined;
  if (request.expectedVersion && !expected)
    throw new ActionError(
      `expected version "${request.expectedVersion}" is not a PEP 440 version (input expected-version, default the pushed tag): nothing was built or uploaded`,
    );

  let sourceDirectory = request.packagesDirectory;
  if (request.build) {
    // The build's own output is long: folded in one log group.
    sourceDirectory = await logger.group(
      `Building ${request.wheels ? 'the sdist, then a wheel from it' : 'the sdist'} with ${request.python} -m build in ${request.workingDirectory}`,
      async () =>
        (await buildDistributions(request.python, request.workingDirectory, request.buildArgs, request.tempDirectory, { wheel: request.wheels })).outdir,
    );
  }
  const sdistPath = await findSdist(sourceDirectory);
  const names = await readdir(sourceDirectory);
  // The wheels are read while the sdist is gunzipped in the thread pool; those of another name or version are dropped after.
  const candidates = request.wheels ? names.filter((name) => name.endsWith('.whl') && typeof parseWheelFilename(name) !== 'string') : [];
  const reading = candidates.map((name) => readWheel(path.join(sourceDirectory, name)));
  for (const wheel of reading) wheel.catch(() => undefined);
  const sdist = await readSdist(sdistPath);
  const warnings: string[] = [];
  const { matching, others } = matchingWheels(names, sdist);
  if (others.length) warnings.push(`${others.join(', ')} left out: not a wheel of ${sdist.metadata.name} ${sdist.canonicalVersion}`);
  if (!request.wheels && matching.length) logger.info(`wheels: false: ${matching.join(', ')} left out`);
  const wheels = await Promise.all(matching.filter((name) => candidates.includes(name)).map((name) => reading[candidates.indexOf(name)]!));
  const files: (Sdist | Wheel)[] = [sdist, ...wheels];

  const refusals = files.flatMap((file) => {
    const mismatch =
      file.kind === 'wheel' && (file.normalisedName !== sdist.normalisedName || comparePythonVersions(file.canonicalVersion, sdist.canonicalVersion) !== 0)
        ? `its METADATA names ${file.metadata.name} ${file.metadata.version}, its sdist ${sdist.metadata.name} ${sdist.metadata.version}`
        : undefined;
    const refusal = mismatch ?? pypiRefusal(file);
    return refusal ? [`${file.filename}: ${refusal}`] : [];
  });
  if (refusals.length) throw new ActionError(`${refusals.join('\n')}\nNothing was uploaded.`);
  if (expected && comparePythonVersions(expected.text, sdist.canonicalVersion) !== 0) {
    throw new ActionError(
      `${sdist.filename} holds version ${sdist.metadata.version}, but ${expected.text} was expected (input expected-version, default the pushed tag): nothing was uploaded`,
    );
  }
  if (request.checkInstall && !(request.build && request.wheels)) {
    await logger.group(`Install check: building a wheel from ${sdist.filename} alone`, () =>
      checkWheelBuilds(request.python, sdist.path, sdist.topLevel, request.buildArgs, request.tempDirectory),
    );
  }
  const placed = request.build ? await place(files, request.packagesDirectory) : files;
  const hashedFiles = (): Promise<HashedDistribution[]> => Promise.all(placed.map((file) => withDigests(file)));
  const resultWith = async (uploads: UploadReport[]): Promise<PublishResult> => {
    const [hashedSdist, ...hashedWheels] = await hashedFiles();
    return { sdist: hashedSdist as HashedDistribution<Sdist>, wheels: hashedWheels as HashedDistribution<Wheel>[], uploads, warnings };
  };
  const trusted = (target: PublishTarget): boolean => !target.password;
  const attests = (target: PublishTarget): boolean => request.attestations && trusted(target);
  const report = (target: PublishTarget, outcomes: ('uploaded' | 'skipped' | 'dry-run')[]): UploadReport => ({
    repository: target.label,
    url: target.display,
    result: outcomes.includes('dry-run') ? 'dry-run' : outcomes.includes('uploaded') ? 'uploaded' : 'skipped',
    auth: trusted(target) ? 'trusted publishing' : 'token',
    attestations: attests(target),
    files: placed.map((file, index) => ({ filename: file.filename, result: outcomes[index]! })),
  });
  if (request.dryRun)
    return resultWith(
      request.targets.map((target) =>
        report(
          target,
          placed.map(() => 'dry-run'),
        ),
      ),
    );

  const tokens: string[] = [];
  for (const target of request.targets) {
    let token = target.password;
    if (!token) {
      const index = indexUrlOf(target.url);
      logger.info(`Trusted publishing: exchanging the job's OIDC token with ${index}`);
      token = await mintTrustedPublishingToken(index, request.getIdToken, {
        onRetry: ({ reason, delaySeconds }) => logger.info(`minting again at ${index} in ${delaySeconds.toFixed(1)}s after ${reason}`),
      });
    }
    logger.mask(token);
    logger.mask(basicAuthorization(target.username, token).slice('Basic '.length));
    tokens.push(token);
  }
  let attestations: Attestation[] | undefined;
  if (request.targets.some(attests)) {
    logger.info(
      `Signing PEP 740 publish attestations for ${placed.map((file) => file.filename).join(', ')} (Fulcio ${request.fulcioUrl}, Rekor ${request.rekorUrl})`,
    );
    attestations = await signPublishAttestations(await hashedFiles(), {
      fulcioUrl: request.fulcioUrl,
      rekorUrl: request.rekorUrl,
      getIdToken: () => request.getIdToken('sigstore'),
    });
  }

  const uploads: UploadReport[] = [];
  for (const [index, target] of request.targets.entries()) {
    const outcomes: ('uploaded' | 'skipped')[] = [];
    for (const [position, file] of placed.entries()) {
      const digests = await file.digests();
      // The next file is hashed while this one uploads and the index checks it.
      placed[position + 1]?.digests().catch(() => undefined);
      const outcome = await uploadDistribution(
        { ...file, ...digests },
        { label: target.label, url: target.url, indexUrl: indexUrlOf(target.url), username: target.username, token: tokens[index]! },
        {
          skipExisting: request.skipExisting,
          ...(attests(target) && attestations ? { attestations: [attestations[position]!] } : {}),
          retry: {
            onRetry: ({ reason, delaySeconds }) =>
              logger.info(`retrying the upload of ${file.filename} to ${target.label} in ${delaySeconds.toFixed(1)}s after ${reason}`),
          },
        },
      );
      logger.info(
        `${target.label}: ${outcome === 'uploaded' ? `uploaded ${file.filename}${attests(target) ? ' with its attestation' : ''}` : `${file.filename} is already there with the same sha256: skipped`}`,
      );
      outcomes.push(outcome);
    }
    uploads.push(report(target, outcomes));
  }
  return resultWith(uploads);
}

/** Copies built files into the packages directory. @returns the files at their new paths */
async function place(files: readonly (Sdist | Wheel)[], directory: string): Promise<(Sdist | Wheel)[]> {
  await mkdir(directory, { recursive: true });
  return Promise.all(
    files.map(async (file) => {
      const destination = path.join(directory, file.filename);
      await copyFile(file.path, destination);
      return { ...file, path: destination };
    }),
  );
}
