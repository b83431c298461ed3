import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ActionError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { comparePythonVersions, parsePythonVersion } from '../versions/python-version.js';
import { buildSdist, checkWheelBuilds } from './build.js';
import { findSdist, readSdist, type Sdist } from './sdist.js';
import { mintTrustedPublishingToken } from './trusted-publishing.js';
import { indexUrlOf, uploadSdist } from './upload.js';
import { normaliseProjectName } from './metadata.js';

/** One index to upload to, in order. */
export interface PublishTarget {
  readonly label: string;
  readonly url: string;
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
  readonly url: string;
  readonly result: 'uploaded' | 'skipped' | 'dry-run';
  readonly auth: 'token' | 'trusted publishing';
}

/**
 * Checks the sdist's file name against PEP 625 (`{name with underscores}-{version}.tar.gz`).
 * @returns a warning for a legacy name (e.g. Exegol-4.3.5.tar.gz), or undefined
 * @throws ActionError when the file name does not name this package and version at all
 */
export function checkFilename(sdist: Sdist): string | undefined {
  if (sdist.filename === sdist.expectedFilename) return undefined;
  const match = /^(.+)-([^-]+)\.tar\.gz$/.exec(sdist.filename);
  const version = match ? parsePythonVersion(match[2]!) : undefined;
  if (match && normaliseProjectName(match[1]!) === sdist.normalisedName && version && comparePythonVersions(version.text, sdist.canonicalVersion) === 0) {
    return `${sdist.filename} is a legacy sdist name; PEP 625 names it ${sdist.expectedFilename} (a newer build backend writes that name)`;
  }
  throw new ActionError(
    `${sdist.filename} does not name the package inside it (${sdist.metadata.name} ${sdist.metadata.version}): expected ${sdist.expectedFilename}`,
  );
}

/**
 * Builds (or finds) the sdist, validates it (archive, PKG-INFO, names,
 * expected version), checks that a wheel builds from it, obtains every
 * index's token, then uploads to each target in order. Nothing is uploaded
 * until every check has passed and every token is in hand.
 *
 * @throws ActionError naming what failed
 */
export async function publishSdist(request: PublishRequest): Promise<{ sdist: Sdist; uploads: UploadReport[]; warnings: string[] }> {
  let sdistPath: string;
  if (request.build) {
    request.logger.info(`Building the sdist: ${request.python} -m build --sdist ${request.buildArgs.join(' ')} in ${request.workingDirectory}`);
    const { outdir } = await buildSdist(request.python, request.workingDirectory, request.buildArgs, request.tempDirectory);
    const built = await findSdist(outdir);
    await mkdir(request.packagesDirectory, { recursive: true });
    sdistPath = path.join(request.packagesDirectory, path.basename(built));
    await copyFile(built, sdistPath);
  } else {
    sdistPath = await findSdist(request.packagesDirectory);
  }

  const sdist = await readSdist(sdistPath);
  const warnings: string[] = [];
  const filenameWarning = checkFilename(sdist);
  if (filenameWarning) warnings.push(filenameWarning);
  if (request.expectedVersion) {
    const expected = parsePythonVersion(request.expectedVersion);
    if (!expected) throw new ActionError(`expected version "${request.expectedVersion}" is not a PEP 440 version (input expected-version, or the pushed tag)`);
    if (comparePythonVersions(expected.text, sdist.canonicalVersion) !== 0) {
      throw new ActionError(
        `${sdist.filename} holds version ${sdist.metadata.version}, but ${expected.text} was expected (input expected-version, default the pushed tag): nothing was uploaded`,
      );
    }
  }
  if (request.checkInstall) {
    request.logger.info(`Install check: building a wheel from ${sdist.filename} alone`);
    await checkWheelBuilds(request.python, sdist.path, sdist.topLevel, request.buildArgs, request.tempDirectory);
  }
  if (request.dryRun)
    return {
      sdist,
      uploads: request.targets.map((target) => ({
        repository: target.label,
        url: target.url,
        result: 'dry-run',
        auth: target.password ? 'token' : 'trusted publishing',
      })),
      warnings,
    };

  const tokens: string[] = [];
  for (const target of request.targets) {
    if (target.password) {
      tokens.push(target.password);
      continue;
    }
    request.logger.info(`Trusted publishing: exchanging the job's OIDC token with ${indexUrlOf(target.url)}`);
    const token = await mintTrustedPublishingToken(indexUrlOf(target.url), request.getIdToken);
    request.logger.mask(token);
    tokens.push(token);
  }
  const uploads: UploadReport[] = [];
  for (const [index, target] of request.targets.entries()) {
    const result = await uploadSdist(
      sdist,
      { label: target.label, url: target.url, indexUrl: indexUrlOf(target.url), token: tokens[index]! },
      {
        skipExisting: request.skipExisting,
        retry: {
          onRetry: ({ reason, delaySeconds }) => request.logger.info(`retrying the upload to ${target.label} in ${delaySeconds.toFixed(1)}s after ${reason}`),
        },
      },
    );
    request.logger.info(
      `${target.label}: ${result === 'uploaded' ? `uploaded ${sdist.filename}` : `${sdist.filename} is already there with the same sha256: skipped`}`,
    );
    uploads.push({ repository: target.label, url: target.url, result, auth: target.password ? 'token' : 'trusted publishing' });
  }
  return { sdist, uploads, warnings };
}
