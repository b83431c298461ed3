import { errorStatus, type GitHubClient } from './client.js';

/** The GraphQL query for the login the token acts as (GitHub's GraphQL schema: `Query.viewer: User!`, `User.login: String!`). */
export const VIEWER_LOGIN_QUERY = 'query { viewer { login } }';

/**
 * The login of the account a token acts as, the author of what it writes.
 *
 * - A user's token (personal access token, classic or fine-grained; OAuth or
 *   user-to-server token): `GET /user` answers the user, whose `login` this is.
 * - An installation access token (GitHub's token formats: prefix `ghs_`): the
 *   workflow's GITHUB_TOKEN is one of the GitHub Actions app, and
 *   actions/create-github-app-token makes one for your app. `GET /user`
 *   answers it 403 "Resource not accessible by integration"; it acts as the
 *   app's bot user, `github-actions[bot]` for the GITHUB_TOKEN and
 *   `<app-slug>[bot]` for an app, which GraphQL's `viewer { login }` answers.
 *   So for `ghs_` tokens the GraphQL query is asked first, and for any token
 *   whose `GET /user` is refused with 403.
 *
 * One request for a `ghs_` token or a user's token; two for an installation token without the prefix.
 *
 * @returns the login, e.g. `maintainer-alice` or `github-actions[bot]`
 * @throws the API's error when neither endpoint answers
 */
export async function authenticatedLogin(client: GitHubClient, token: string): Promise<string> {
  const viewer = async (): Promise<string> => (await client.graphql<{ viewer: { login: string } }>(VIEWER_LOGIN_QUERY)).viewer.login;
  if (token.startsWith('ghs_')) return viewer();
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    if (errorStatus(error) === 403) return viewer();
    throw error;
  }
}
