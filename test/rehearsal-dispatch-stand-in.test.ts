// The endpoints through which one repository's workflows drive another's in the rehearsal
// (packages/testbed/src/stand-ins/github-api-dispatch.ts): repository dispatches and commit statuses,
// refused where GitHub refuses them, so that the pipelines form cannot pass where GitHub would not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn } from '@exegol-release/testbed/stand-ins/github-api.js';
import { serveDispatchEndpoints, type DispatchEndpoints } from '@exegol-release/testbed/stand-ins/github-api-dispatch.js';

const IMAGES = 'ThePorgs/Exegol-images';
const PIPELINES = 'ThePorgs/Pipelines';
const HEAD = 'c'.repeat(40);
const TOKENS = {
  dispatcher: 'github_pat_dispatch',
  statuses: 'github_pat_statuses',
  contentsOnly: 'github_pat_contents_only',
  job: 'ghs_job_contents_read',
};
let api: GitHubApiStandIn;
let endpoints: DispatchEndpoints;

async function post(token: string, repository: string, route: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api.url}/repos/${repository}${route}`, {
    method: 'POST',
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function combined(sha: string): Promise<{ state: string; statuses: { context: string; state: string }[] }> {
  const response = await fetch(`${api.url}/repos/${IMAGES}/commits/${sha}/status`);
  return (await response.json()) as { state: string; statuses: { context: string; state: string }[] };
}

beforeAll(async () => {
  api = new GitHubApiStandIn('ThePorgs', 'Exegol-images');
  api.repository(PIPELINES);
  endpoints = serveDispatchEndpoints(api, (repository, sha) => repository === IMAGES && sha === HEAD);
  endpoints.privateRepositories.add(PIPELINES);
  api.tokens.set(TOKENS.dispatcher, { login: 'maintainer-alice', installation: false, permissions: { contents: 'write' } });
  api.tokens.set(TOKENS.statuses, { login: 'maintainer-alice', installation: false, permissions: { statuses: 'write' } });
  api.tokens.set(TOKENS.contentsOnly, { login: 'maintainer-alice', installation: false, permissions: { contents: 'write' } });
  api.tokens.set(TOKENS.job, { ...GITHUB_ACTIONS_BOT, permissions: { contents: 'read' } });
  endpoints.access.set(TOKENS.dispatcher, [PIPELINES]);
  endpoints.access.set(TOKENS.statuses, [IMAGES]);
  await api.start();
});

afterAll(async () => {
  await api?.stop();
});

describe('repository dispatches', () => {
  it('are accepted with 204 from a token with contents: write on that repository, and queued with their payload', async () => {
    const sent = await post(TOKENS.dispatcher, PIPELINES, '/dispatches', {
      event_type: 'preprod-base-pipeline',
      client_payload: { sha: HEAD, image_version: '3.1.6' },
    });
    expect(sent.status).toBe(204);
    expect(endpoints.dispatches.splice(0)).toEqual([
      { repository: PIPELINES, eventType: 'preprod-base-pipeline', clientPayload: { sha: HEAD, image_version: '3.1.6' }, sender: 'maintainer-alice' },
    ]);
  });

  it('are refused without contents: write (403), from a token made for another repository (404 on a private one), and queue nothing', async () => {
    expect((await post(TOKENS.job, PIPELINES, '/dispatches', { event_type: 'build-pipeline' })).status).toBe(403);
    expect((await post(TOKENS.statuses, PIPELINES, '/dispatches', { event_type: 'build-pipeline' })).status).toBe(404);
    expect((await post(TOKENS.dispatcher, IMAGES, '/dispatches', { event_type: 'build-pipeline' })).json['message']).toBe(
      'Resource not accessible by personal access token',
    );
    expect(endpoints.dispatches).toEqual([]);
  });

  it('refuse, 422, an event type of no or more than 100 characters and a payload of more than 10 top-level properties', async () => {
    expect((await post(TOKENS.dispatcher, PIPELINES, '/dispatches', {})).status).toBe(422);
    expect((await post(TOKENS.dispatcher, PIPELINES, '/dispatches', { event_type: 'x'.repeat(101) })).status).toBe(422);
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, index) => [`field${index}`, index]));
    expect((await post(TOKENS.dispatcher, PIPELINES, '/dispatches', { event_type: 'build-pipeline', client_payload: eleven })).status).toBe(422);
    expect(endpoints.dispatches).toEqual([]);
  });
});

describe('commit statuses', () => {
  it('need statuses: write on the repository: contents: write is not enough, nor a token made for another repository', async () => {
    expect((await post(TOKENS.contentsOnly, IMAGES, `/statuses/${HEAD}`, { state: 'success', context: 'Pipelines / x' })).status).toBe(403);
    expect((await post(TOKENS.job, IMAGES, `/statuses/${HEAD}`, { state: 'success' })).json['message']).toBe('Resource not accessible by integration');
    expect((await combined(HEAD)).statuses).toEqual([]);
  });

  it('refuse an unknown state (422) and a SHA that names no commit (422 "No commit found for SHA")', async () => {
    expect((await post(TOKENS.statuses, IMAGES, `/statuses/${HEAD}`, { state: 'passed' })).status).toBe(422);
    const unknown = await post(TOKENS.statuses, IMAGES, `/statuses/${'d'.repeat(40)}`, { state: 'success' });
    expect(unknown.status).toBe(422);
    expect(unknown.json['message']).toBe(`No commit found for SHA: ${'d'.repeat(40)}`);
  });

  it('are created (201); the combined status keeps the latest of each context, case-insensitively, and the history every one', async () => {
    expect((await post(TOKENS.statuses, IMAGES, `/statuses/${HEAD}`, { state: 'pending', context: 'Pipelines / pre-release' })).status).toBe(201);
    expect((await combined(HEAD)).state).toBe('pending');
    await post(TOKENS.statuses, IMAGES, `/statuses/${HEAD}`, { state: 'success', context: 'pipelines / PRE-RELEASE', description: 'pre-release success' });
    await post(TOKENS.statuses, IMAGES, `/statuses/${HEAD}`, { state: 'success' });
    const now = await combined(HEAD);
    expect(now.state).toBe('success');
    expect(now.statuses.map((status) => [status.context, status.state])).toEqual([
      ['pipelines / PRE-RELEASE', 'success'],
      ['default', 'success'],
    ]);
    expect(
      endpoints.history
        .get(IMAGES)
        ?.get(HEAD)
        ?.map((status) => status.state),
    ).toEqual(['pending', 'success', 'success']);
  });
});
