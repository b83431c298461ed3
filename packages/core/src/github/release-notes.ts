import type { GitHubClient } from './client.js';

/** What GitHub's release notes generator is asked for. */
export interface ReleaseNotesRequest {
  readonly owner: string;
  readonly repo: string;
  /** The release's tag: an existing tag, or the one the release will create. */
  readonly tagName: string;
  /** The commit-ish the tag will point to; GitHub requires it when `tagName` does not exist yet. */
  readonly targetCommitish?: string;
  /** The tag the notes start from; unset, GitHub picks the latest release before the target. */
  readonly previousTagName?: string;
}

/** Generated release notes: GitHub's suggested release name, and the Markdown body. */
export interface ReleaseNotes {
  readonly name: string;
  readonly body: string;
}

/**
 * Asks GitHub to generate release notes (`POST /repos/{owner}/{repo}/releases/generate-notes`,
 * REST "Generate release notes content for a release"): the pull requests merged between
 * `previousTagName` and the target, grouped as the repository's `.github/release.yml` says, and a
 * "Full Changelog" compare link. Nothing is written: the notes are only returned. The body holds
 * other people's pull request titles: untrusted text (text/untrusted.ts) for whoever shows it.
 * The token needs "Contents" repository permission (write), as GitHub documents for this endpoint.
 *
 * @throws the API's errors (Octokit's RequestError: 404 for an unknown `previousTagName`, 422 without a target)
 */
export async function generateReleaseNotes(client: GitHubClient, request: ReleaseNotesRequest): Promise<ReleaseNotes> {
  const { data } = await client.rest.repos.generateReleaseNotes({
    owner: request.owner,
    repo: request.repo,
    tag_name: request.tagName,
    ...(request.targetCommitish ? { target_commitish: request.targetCommitish } : {}),
    ...(request.previousTagName ? { previous_tag_name: request.previousTagName } : {}),
  });
  return { name: data.name, body: data.body };
}
