// GitHub Apps in the GitHub stand-in (github-api.ts), through its `routes` hook: an App registered with
// its public key, installed on an account for some repositories with some permissions, and the two
// endpoints actions/create-github-app-token calls to mint an installation access token. Each rule
// mirrors GitHub's docs: "Authenticating as a GitHub App" (a JWT signed RS256 with the App's private
// key, `iss` the App's id, `iat` in the past, `exp` at most 10 minutes after `iat`), and the REST API as
// its OpenAPI description (@octokit/openapi-types): apps/get-repo-installation
// (GET /repos/{owner}/{repo}/installation) and apps/create-installation-access-token
// (POST /app/installations/{installation_id}/access_tokens: `repositories` and `permissions` may only
// narrow the installation's; the token acts as the App's bot user `<slug>[bot]`, and the events it causes
// start workflows, unlike the GITHUB_TOKEN's: "Triggering a workflow from a workflow"), and
// apps/revoke-installation-access-token (DELETE /installation/token with the token itself: 204, and the
// token is then refused 401 "Bad credentials" everywhere; 403 for any other token).
import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { GitHubApiStandIn, RouteContext } from './github-api.js';
import { NOT_ACCESSIBLE, presentedToken, user } from './github-api.js';

/** A registered App and its one installation (on the organization owning the rehearsed repositories). */
export interface GitHubApp {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  /** The App's private key (PKCS#1 PEM, as GitHub lets one download it): the secret a repository stores. */
  readonly privateKey: string;
  readonly publicKey: KeyObject;
  readonly installation: {
    readonly id: number;
    readonly account: string;
    /** `owner/name` of each repository the installation may reach. */
    readonly repositories: readonly string[];
    /** The permissions granted to the installation, as the API names them (`contents`, `pull_requests`…; `metadata: read` always). */
    readonly permissions: Readonly<Record<string, string>>;
  };
}

/** An installation token minted by the stand-in. */
export interface MintedToken {
  readonly token: string;
  readonly app: string;
  readonly installation: number;
  readonly permissions: Readonly<Record<string, string>>;
  readonly repositories: readonly string[];
}

/** What the App endpoints serve and record. */
export interface AppEndpoints {
  /**
   * Registers an App with a fresh key pair, installed on `account` for `repositories` with `permissions`.
   * @returns the App, its private key included
   */
  register(app: { id: number; slug: string; name: string; account: string; repositories: readonly string[]; permissions: Record<string, string> }): GitHubApp;
  readonly apps: Map<number, GitHubApp>;
  /** Every installation token minted, in order. */
  readonly minted: MintedToken[];
}

const LEVEL: Record<string, number> = { read: 1, write: 2, admin: 3 };
const DOCS = {
  jwt: 'https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app',
  installation: 'https://docs.github.com/rest/apps/apps#get-a-repository-installation-for-the-authenticated-app',
  token: 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app',
  revoke: 'https://docs.github.com/rest/apps/installations#revoke-an-installation-access-token',
};

/**
 * The App a request's `Authorization: Bearer <JWT>` authenticates, as GitHub checks it.
 * @returns the App, or the 401 message GitHub answers
 */
function appOf(context: RouteContext, apps: Map<number, GitHubApp>): GitHubApp | string {
  const jwt = /^bearer\s+(\S+)$/i.exec(context.request.headers.authorization ?? '')?.[1] ?? '';
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'A JSON web token could not be decoded';
  let header: { alg?: string };
  let claims: { iss?: string | number; iat?: number; exp?: number };
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (header.alg !== 'RS256') return 'A JSON web token could not be decoded';
  const app = apps.get(Number(claims.iss));
  if (!app) return 'Integration not found';
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.iat !== 'number' || claims.iat > now + 60) return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
  if (typeof claims.exp !== 'number' || claims.exp < now)
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
  if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future.";
  const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), app.publicKey, Buffer.from(parts[2]!, 'base64url'));
  return signed ? app : 'A JSON web token could not be decoded';
}

/** Adds the App endpoints to `api`, tried before every other route. */
export function serveAppEndpoints(api: GitHubApiStandIn): AppEndpoints {
  const apps = new Map<number, GitHubApp>();
  const minted: MintedToken[] = [];
  const installationBody = (app: GitHubApp) => ({
    id: app.installation.id,
    account: user(app.installation.account),
    repository_selection: 'selected',
    access_tokens_url: `${api.url}/app/installations/${app.installation.id}/access_tokens`,
    repositories_url: `${api.url}/installation/repositories`,
    html_url: `https://github.com/organizations/${app.installation.account}/settings/installations/${app.installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: 1,
    target_type: 'Organization',
    permissions: app.installation.permissions,
    events: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    single_file_name: null,
  });

  /** An error as GitHub's App endpoints answer it: message, documentation_url and status (as a string). @returns true (answered) */
  const refuse = (context: RouteContext, status: 401 | 422, message: string, documentation: string): true => {
    api.send(context.response, status, { message, documentation_url: documentation, status: String(status) });
    return true;
  };

  api.routes.unshift(async (context) => {
    const { method, route, repository } = context;
    let match: RegExpExecArray | null;
    if (method === 'GET' && repository && route === '/installation') {
      const app = appOf(context, apps);
      if (typeof app === 'string') return refuse(context, 401, app, DOCS.jwt);
      // Not installed on this repository: 404, as GitHub answers.
      if (!app.installation.repositories.includes(repository)) return (api.notFound(context.response), true);
      return (api.send(context.response, 200, installationBody(app)), true);
    }
    if (method === 'DELETE' && !repository && route === '/installation/token') {
      // apps/revoke-installation-access-token: revokes the installation token the request authenticates with; 204.
      const token = presentedToken(context.request);
      if (!token || !minted.some((each) => each.token === token)) return (api.send(context.response, 403, NOT_ACCESSIBLE(DOCS.revoke)), true);
      // Kept in `tokens` for who the token was (a push it made is still its App's); refused from now on.
      api.revokedTokens.add(token);
      context.response.writeHead(204).end();
      return true;
    }
    if (method === 'POST' && !repository && (match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(route))) {
      const app = appOf(context, apps);
      if (typeof app === 'string') return refuse(context, 401, app, DOCS.jwt);
      if (app.installation.id !== Number(match[1])) return (api.notFound(context.response), true);
      const body = await api.body(context.request);
      const names = Array.isArray(body['repositories']) ? body['repositories'].map(String) : undefined;
      const owner = app.installation.account;
      const repositories = names ? names.map((name) => (name.includes('/') ? name : `${owner}/${name}`)) : [...app.installation.repositories];
      if (repositories.some((name) => !app.installation.repositories.includes(name)))
        return refuse(context, 422, 'There is at least one repository that does not exist or is not accessible to the parent installation.', DOCS.token);
      const asked = (body['permissions'] ?? undefined) as Record<string, string> | undefined;
      const permissions = asked ?? { ...app.installation.permissions };
      if (Object.entries(permissions).some(([scope, level]) => (LEVEL[level] ?? 9) > (LEVEL[app.installation.permissions[scope] ?? ''] ?? 0)))
        return refuse(context, 422, 'The permissions requested are not granted to this installation.', DOCS.token);
      const token = `ghs_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
      // The token acts as the App's bot; its writes need the scope at write, as any installation token's (the
      // stand-in names scopes as a job's permissions: pull_requests → pull-requests).
      api.tokens.set(token, {
        login: `${app.slug}[bot]`,
        installation: true,
        permissions: Object.fromEntries(Object.entries(permissions).map(([scope, level]) => [scope.replace(/_/g, '-'), level])),
      });
      minted.push({ token, app: app.slug, installation: app.installation.id, permissions, repositories });
      const expires = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      api.send(context.response, 201, {
        token,
        expires_at: expires,
        permissions,
        repository_selection: 'selected',
        repositories: repositories.map((name, index) => ({ id: 1000 + index, name: name.split('/')[1], full_name: name, owner: user(owner) })),
      });
      return true;
    }
    return false;
  });

  return {
    apps,
    minted,
    register(spec) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const app: GitHubApp = {
        id: spec.id,
        slug: spec.slug,
        name: spec.name,
        privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        publicKey: createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })),
        installation: {
          id: spec.id * 10 + 1,
          account: spec.account,
          repositories: [...spec.repositories],
          permissions: { metadata: 'read', ...spec.permissions },
        },
      };
      apps.set(app.id, app);
      return app;
    },
  };
}
