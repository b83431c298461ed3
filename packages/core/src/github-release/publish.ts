import { randomBytes } from 'node:crypto';
import { ActionError, InputError } from '../action/errors.js';
import type { Logger } from '../action/logger.js';
import { errorStatus, type GitHubClient } from '../github/client.js';
import { generateReleaseNotes } from '../github/release-notes.js';
import { logValue } from '../text/untrusted.js';
import { comparePythonVersions, parsePythonVersion } from '../versions/python-version.js';
import { previousReleaseTag } from '../versions/previous-tag.js';
import { assetContentType, sha256Hex, type LocalAsset } from './local-assets.js';

type Release = Awaited<ReturnType<GitHubClient['rest']['repos']['getReleaseByTag']>>['data'];
type RemoteAsset = Release['assets'][number];

/** GitHub's limit on a release body ("body is too long (maximum is 125000 characters)"). */
export const MAX_RELEASE_BODY = 125_000;

/** Where the notes of a release come from. */
export type ReleaseNotesSource = { readonly kind: 'generated' } | { readonly kind: 'file'; readonly path: string; readonly text: string };

/** `auto`, or a fixed choice. */
export type AutoFlag = 'auto' | boolean;

/** What {@link publishGitHubRelease} is asked. */
export interface PublishReleaseRequest {
  readonly client: GitHubClient;
  readonly repository: { readonly owner: string; readonly repo: string };
  /** The tag, which must exist in the repository: the release never creates one. */
  readonly tag: string;
  /** The release's title, its template already filled. */
  readonly name: string;
  readonly notes: ReleaseNotesSource;
  /** auto: true for a PEP 440 pre-release (`a`, `b`, `rc`, `.dev`). */
  readonly prerelease: AutoFlag;
  /** auto: a final release is the latest when no final tag is higher; a pre-release never is. */
  readonly latest: AutoFlag;
  /** The files to attach (see resolveLocalAssets). */
  readonly assets: readonly LocalAsset[];
  /** Replace an asset of the same name and other bytes instead of refusing. */
  readonly overwriteFiles: boolean;
  /** Leave the release a draft. */
  readonly draft: boolean;
  readonly logger: Logger;
}

/** What happened to one asset of the `files` input. */
export interface AssetOutcome {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  /** uploaded: new; kept: already there with the same bytes; replaced: other bytes, overwrite-files. */
  readonly action: 'uploaded' | 'kept' | 'replaced';
}

/** The release as it is after {@link publishGitHubRelease}. */
export interface PublishReleaseResult {
  readonly releaseId: number;
  /** The release's page (html_url). */
  readonly url: string;
  /** true when this run created the release. */
  readonly created: boolean;
  /** The fields this run changed on an existing release (name, body, prerelease, draft, make_latest); empty when none. */
  readonly updated: readonly string[];
  readonly prerelease: boolean;
  readonly latest: boolean;
  readonly draft: boolean;
  /** The tag the generated notes start from, when generated now. */
  readonly previousTag?: string;
  /** generated, file, or kept (an existing release's notes, left as they are). */
  readonly notes: 'generated' | 'file' | 'kept';
  readonly assets: readonly AssetOutcome[];
  /** Assets already on the release that `files` does not name: kept as they are. */
  readonly otherAssets: readonly string[];
}

/** Turns an API refusal into one clear error naming the token's missing permission; rethrows anything else. */
function refusal(error: unknown, repository: string, doing: string): never {
  const status = errorStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 403 || status === 401)
    throw new ActionError(
      `input 'github-token' may not ${doing} on ${repository} (HTTP ${status}: ${message}): the token needs Contents: write there (a job's \`permissions: contents: write\`). Nothing was created or changed.`,
    );
  if (status === 404)
    throw new ActionError(`${doing} on ${repository}: not found (HTTP 404: ${message}); a private repository the token cannot see answers 404 too`);
  throw error;
}

/** The asset's SHA-256: GitHub's `digest` ("sha256:<hex>"), or the bytes downloaded and hashed when GitHub has none (assets uploaded before digests). */
async function remoteSha256(request: PublishReleaseRequest, asset: RemoteAsset): Promise<string> {
  const digest = /^sha256:([0-9a-f]{64})$/i.exec(asset.digest ?? '')?.[1];
  if (digest) return digest.toLowerCase();
  request.logger.info(`Asset ${logValue(asset.name)} has no digest on GitHub: downloading it to compare`);
  const { data } = await request.client.rest.repos.getReleaseAsset({
    ...request.repository,
    asset_id: asset.id,
    headers: { accept: 'application/octet-stream' },
  });
  return sha256Hex(new Uint8Array(data as unknown as ArrayBuffer));
}

/** The release of `tag`: the published one (GET …/releases/tags/{tag}), else a draft of that tag from the list (drafts have no tag to be found by). */
async function findRelease(request: PublishReleaseRequest): Promise<Release | undefined> {
  const { client, repository, tag } = request;
  try {
    return (await client.rest.repos.getReleaseByTag({ ...repository, tag })).data;
  } catch (error) {
    if (errorStatus(error) !== 404) throw error;
  }
  const drafts = (await client.paginate(client.rest.repos.listReleases, { ...repository, per_page: 100 })).filter(
    (release) => release.draft && release.tag_name === tag,
  );
  if (drafts.length > 1)
    throw new ActionError(
      `${repository.owner}/${repository.repo} has ${drafts.length} draft releases of tag ${tag} (ids ${drafts.map((release) => release.id).join(', ')}): delete all but one, then run again`,
    );
  return drafts[0] as Release | undefined;
}

/** prerelease and latest, resolved from the tag under PEP 440 and the repository's other tags. */
export function releaseFlags(tag: string, tags: readonly string[], prerelease: AutoFlag, latest: AutoFlag): { prerelease: boolean; latest: boolean } {
  const version = parsePythonVersion(tag);
  if (!version && (prerelease === 'auto' || latest === 'auto'))
    throw new InputError(
      prerelease === 'auto' ? 'prerelease' : 'latest',
      `is auto, but tag ${tag} is not a PEP 440 version: set prerelease and latest to true or false`,
    );
  const isPrerelease = prerelease === 'auto' ? version!.isPrerelease : prerelease;
  if (latest === true && isPrerelease)
    throw new InputError('latest', `is true for a pre-release (${tag}): GitHub never makes a pre-release the latest release`);
  if (latest !== 'auto') return { prerelease: isPrerelease, latest };
  if (isPrerelease) return { prerelease: true, latest: false };
  const higher = tags.find((other) => {
    const parsed = parsePythonVersion(other);
    return parsed && !parsed.local && !parsed.isPrerelease && comparePythonVersions(parsed, version!) > 0;
  });
  return { prerelease: false, latest: higher === undefined };
}

/** A name for an upload that replaces an asset: the new bytes go up under it, then take the old name once the old asset is deleted. */
function temporaryName(name: string): string {
  return `${name}.upload-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates or updates the GitHub release of an existing tag and attaches files to it, safe to
 * re-run (REST: "Releases" and "Release assets"). Read and plan first, with every refusal before
 * the first write: the tag must exist (GET …/git/ref/tags/{tag}); the release of the tag is found
 * published (GET …/releases/tags/{tag}) or as a draft (GET …/releases); each file is compared
 * with the asset of its name by SHA-256 (the asset's `digest`, or its bytes downloaded): the same
 * bytes are kept, other bytes are refused unless `overwriteFiles`; the notes are generated (POST
 * …/releases/generate-notes, from {@link previousReleaseTag}: a token without Contents: write is
 * refused there, before anything is written) or read from a file.
 *
 * Then apply: a new release is created as a draft (POST …/releases), the files uploaded to its
 * `upload_url` (POST {upload_url}?name=), and only then published with `make_latest` (PATCH
 * …/releases/{id}): nobody watching the repository sees a release without its files. A
 * replacement goes up under a temporary name, the old asset is deleted, and the new one renamed
 * (PATCH …/releases/assets/{id}). If a write fails, what this run wrote is undone: a release it
 * created is deleted, the assets it uploaded to an existing release are deleted.
 *
 * An existing release keeps its notes when they are `generated` (a maintainer's edits survive a
 * re-run) and takes the file's otherwise; its name, prerelease flag and latest flag are set when
 * they differ. Assets that `files` does not name are kept.
 *
 * @throws InputError or ActionError naming what to change; Octokit's RequestError for other answers
 */
export async function publishGitHubRelease(request: PublishReleaseRequest): Promise<PublishReleaseResult> {
  const { client, repository, tag, logger } = request;
  const fullName = `${repository.owner}/${repository.repo}`;

  // Read and plan.
  try {
    await client.rest.git.getRef({ ...repository, ref: `tags/${tag}` });
  } catch (error) {
    if (errorStatus(error) === 404)
      throw new InputError('tag', `names ${tag}, which is not a tag of ${fullName}: push the tag first (this action never creates a tag)`);
    refusal(error, fullName, 'read the tags');
  }
  const tags = (
    await client.paginate(client.rest.repos.listTags, { ...repository, per_page: 100 }).catch((error: unknown) => refusal(error, fullName, 'list the tags'))
  ).map((entry) => entry.name);
  const flags = releaseFlags(tag, tags, request.prerelease, request.latest);
  const existing = await findRelease(request).catch((error: unknown) => refusal(error, fullName, 'read the releases'));
  if (existing && !existing.draft && request.draft)
    throw new InputError('draft', `is true, but the release of ${tag} is published (${existing.html_url}): this action never unpublishes a release`);

  const remote = existing
    ? await client
        .paginate(client.rest.repos.listReleaseAssets, { ...repository, release_id: existing.id, per_page: 100 })
        .catch((error: unknown) => refusal(error, fullName, 'list the release assets'))
    : [];
  const plan: { local: LocalAsset; action: AssetOutcome['action']; replaces?: RemoteAsset }[] = [];
  const conflicts: string[] = [];
  for (const local of request.assets) {
    const same = remote.find((asset) => asset.name === local.name);
    if (!same) {
      plan.push({ local, action: 'uploaded' });
      continue;
    }
    // An upload that broke off leaves an asset that is not `uploaded` ("starter"): GitHub says it can be deleted.
    if (same.state !== 'uploaded') {
      plan.push({ local, action: 'replaced', replaces: same });
      continue;
    }
    const sha256 = await remoteSha256(request, same);
    if (sha256 === local.sha256) plan.push({ local, action: 'kept' });
    else if (request.overwriteFiles) plan.push({ local, action: 'replaced', replaces: same });
    else conflicts.push(`${local.name} (release: sha256 ${sha256}, ${same.size} bytes; ${local.relativePath}: sha256 ${local.sha256}, ${local.size} bytes)`);
  }
  if (conflicts.length)
    throw new ActionError(
      `the release of ${tag} already has ${conflicts.length === 1 ? 'an asset' : 'assets'} of the same name with other bytes: ${conflicts.join('; ')}. Nothing was changed; set overwrite-files: true to replace ${conflicts.length === 1 ? 'it' : 'them'}`,
    );

  let body: string | undefined;
  let notes: PublishReleaseResult['notes'] = 'kept';
  let previousTag: string | undefined;
  if (request.notes.kind === 'file') {
    body = request.notes.text;
    notes = 'file';
  } else if (!existing || !existing.body) {
    previousTag = previousReleaseTag(tags, tag);
    body = (
      await generateReleaseNotes(client, repository, { tag, ...(previousTag ? { previousTag } : {}) }).catch((error: unknown) =>
        refusal(error, fullName, 'generate the release notes'),
      )
    ).body;
    notes = 'generated';
  }
  if (body !== undefined && body.length > MAX_RELEASE_BODY)
    throw new ActionError(`the release notes hold ${body.length} characters; GitHub takes at most ${MAX_RELEASE_BODY}`);
  logger.info(
    `Release ${tag} of ${fullName}: ${existing ? `exists (id ${existing.id}${existing.draft ? ', draft' : ''})` : 'new'}; prerelease ${flags.prerelease}, latest ${flags.latest}; ` +
      `notes ${notes}${previousTag ? ` from ${previousTag}` : ''}; assets: ${plan.map((entry) => `${entry.local.name} ${entry.action === 'kept' ? 'kept' : entry.action === 'replaced' ? 'to replace' : 'to upload'}`).join(', ') || 'none'}`,
  );

  // Apply.
  let release: Release = existing!;
  const created = !existing;
  const uploaded: number[] = [];
  try {
    if (created) {
      release = (
        await client.rest.repos
          .createRelease({ ...repository, tag_name: tag, name: request.name, body: body ?? '', draft: true, prerelease: flags.prerelease })
          .catch((error: unknown) => refusal(error, fullName, 'create a release'))
      ).data as Release;
      logger.info(`Created draft release ${release.id}`);
    }
    for (const entry of plan) {
      if (entry.action === 'kept') {
        logger.info(`${entry.local.name}: already on the release with sha256 ${entry.local.sha256}, kept`);
        continue;
      }
      const name = entry.replaces ? temporaryName(entry.local.name) : entry.local.name;
      const { data: asset } = await client.rest.repos
        .uploadReleaseAsset({
          ...repository,
          release_id: release.id,
          url: release.upload_url,
          name,
          data: entry.local.bytes as unknown as string,
          headers: { 'content-type': assetContentType(entry.local.name), 'content-length': entry.local.size },
        })
        .catch((error: unknown) => refusal(error, fullName, 'upload a release asset'));
      uploaded.push(asset.id);
      if (asset.digest && asset.digest.toLowerCase() !== `sha256:${entry.local.sha256}`)
        throw new ActionError(`GitHub holds ${entry.local.name} with digest ${asset.digest}, not the sha256 ${entry.local.sha256} sent`);
      if (entry.replaces) {
        await client.rest.repos.deleteReleaseAsset({ ...repository, asset_id: entry.replaces.id });
        await client.rest.repos.updateReleaseAsset({ ...repository, asset_id: asset.id, name: entry.local.name });
        logger.info(`${entry.local.name}: replaced (sha256 ${entry.local.sha256}, ${entry.local.size} bytes)`);
      } else logger.info(`${entry.local.name}: uploaded (sha256 ${entry.local.sha256}, ${entry.local.size} bytes)`);
    }
    const changes: Record<string, unknown> = {};
    if (!created && request.name !== release.name) changes['name'] = request.name;
    if (!created && body !== undefined && body !== release.body) changes['body'] = body;
    if (!created && flags.prerelease !== release.prerelease) changes['prerelease'] = flags.prerelease;
    if (release.draft && !request.draft) changes['draft'] = false;
    const publishedNow = changes['draft'] === false;
    if (!request.draft && flags.latest) {
      const current = publishedNow
        ? undefined
        : await client.rest.repos.getLatestRelease(repository).then(
            ({ data }) => data,
            (error: unknown) => (errorStatus(error) === 404 ? undefined : refusal(error, fullName, 'read the latest release')),
          );
      if (publishedNow || current?.id !== release.id) changes['make_latest'] = 'true';
    } else if (publishedNow) changes['make_latest'] = 'false';
    if (Object.keys(changes).length) {
      release = (
        await client.rest.repos
          .updateRelease({ ...repository, release_id: release.id, ...changes })
          .catch((error: unknown) => refusal(error, fullName, 'update the release'))
      ).data as Release;
      logger.info(`Release ${release.id}: set ${Object.keys(changes).join(', ')}`);
    }
    return {
      releaseId: release.id,
      url: release.html_url,
      created,
      updated: created ? [] : Object.keys(changes),
      prerelease: release.prerelease,
      latest: flags.latest && !release.draft,
      draft: release.draft,
      ...(previousTag ? { previousTag } : {}),
      notes,
      assets: plan.map(({ local, action }) => ({ name: local.name, size: local.size, sha256: local.sha256, action })),
      otherAssets: remote.filter((asset) => !request.assets.some((local) => local.name === asset.name)).map((asset) => asset.name),
    };
  } catch (error) {
    await undo(request, created ? release : undefined, created ? [] : uploaded);
    throw error;
  }
}

/** Deletes what a failed run wrote: the draft release it created (its assets go with it), else the assets it uploaded to an existing release. */
async function undo(request: PublishReleaseRequest, createdRelease: Release | undefined, uploaded: readonly number[]): Promise<void> {
  const { client, repository, logger } = request;
  try {
    if (createdRelease) {
      await client.rest.repos.deleteRelease({ ...repository, release_id: createdRelease.id });
      logger.info(`Deleted the draft release ${createdRelease.id} this run created`);
    }
    for (const id of uploaded) {
      await client.rest.repos.deleteReleaseAsset({ ...repository, asset_id: id });
      logger.info(`Deleted asset ${id}, which this run uploaded`);
    }
  } catch (error) {
    logger.warning(`Could not undo what this run wrote (${error instanceof Error ? error.message : String(error)}): check the release of ${request.tag}`);
  }
}
