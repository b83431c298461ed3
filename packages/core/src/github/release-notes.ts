import type { GitHubClient } from './client.js';

/** Release notes as GitHub generates them: a title and a Markdown body. */
export interface GeneratedReleaseNotes {
  /** GitHub's suggested release name (the tag name). */
  readonly name: string;
  /** Markdown: "What's Changed" (the merged pull requests of the range), new contributors, the "Full Changelog" compare link. */
  readonly body: string;
}

/**
 * GitHub's generated release notes for `tag` (POST /repos/{owner}/{repo}/releases/generate-notes,
 * "Generate release notes content for a release"): the pull requests merged between
 * `previousTag` and `tag`, arranged by the repository's `.github/release.yml` when it has one.
 * Nothing is saved; the endpoint needs Contents: write all the same (GitHub's "Permissions required
 * for fine-grained personal access tokens"), so a token without it is refused here, with 403.
 *
 * @param repository the repository, `{ owner, repo }`
 * @param range `tag`: the release's tag (an existing tag, or a new one with `target` the commit it
 *   will point to); `previousTag`: where the notes start (see previousReleaseTag in
 *   versions/previous-tag.ts). Without it GitHub starts at the latest release before `tag`.
 * @throws Octokit's RequestError as the endpoint answers (403 without Contents: write, 404 for an
 *   unknown repository or previous tag, 422 for a new tag without `target`)
 */
export async function generateReleaseNotes(
  client: GitHubClient,
  repository: { readonly owner: string; readonly repo: string },
  range: { readonly tag: string; readonly previousTag?: string; readonly target?: string },
): Promise<GeneratedReleaseNotes> {
  const { data } = await client.rest.repos.generateReleaseNotes({
    ...repository,
    tag_name: range.tag,
    ...(range.previousTag ? { previous_tag_name: range.previousTag } : {}),
    ...(range.target ? { target_commitish: range.target } : {}),
  });
  return { name: data.name, body: data.body };
}
