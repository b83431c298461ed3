// check-runners' bundle against the GitHub stand-in's runners endpoints (test/stand-ins/github-api-runners.ts):
// a repository's runners and an organization's, every page, labels compared as GitHub compares them, the
// 403 of a token without the permission, and a wait that sees a runner come online.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { GitHubApiStandIn, type Route } from '@exegol-release/testbed/stand-ins/github-api.js';
import { runner, serveRunnerEndpoints, type RunnerEndpoints } from '@exegol-release/testbed/stand-ins/github-api-runners.js';

const REPOSITORY = 'ThePorgs/Pipelines';
const ADMIN_TOKEN = 'github_pat_runners_admin_read';
const ORG_TOKEN = 'github_pat_runners_org_read';
const NO_PERMISSION_TOKEN = 'github_pat_contents_read_only';

const api = new GitHubApiStandIn('ThePorgs', 'Pipelines');
let endpoints: RunnerEndpoints;

beforeAll(async () => {
  endpoints = serveRunnerEndpoints(api);
  api.tokens.set(ADMIN_TOKEN, { login: 'maintainer', installation: false, permissions: { administration: 'read' } });
  api.tokens.set(ORG_TOKEN, { login: 'maintainer', installation: false, permissions: { organization_self_hosted_runners: 'read' } });
  api.tokens.set(NO_PERMISSION_TOKEN, { login: 'maintainer', installation: false, permissions: { contents: 'read' } });
  await api.start();
});
afterAll(async () => api.stop());
beforeEach(() => {
  endpoints.repositories.clear();
  endpoints.organizations.clear();
  api.requests.length = 0;
});

/** Exegol's fleet: a builder and a tester for each architecture, AMD64 and ARM64 as custom labels on x64 hosts, ARM64 read-only on arm64 hosts. */
function fleet(overrides: { testerArm?: 'online' | 'offline'; builderAmdBusy?: boolean } = {}) {
  return [
    runner('builder-amd-1', { custom: ['builder', 'AMD64'], busy: overrides.builderAmdBusy ?? false }),
    runner('tester-amd-1', { custom: ['tester', 'AMD64'] }),
    runner('builder-arm-1', { custom: ['builder'], os: 'macOS', arch: 'ARM64' }),
    runner('tester-arm-1', { custom: ['tester'], os: 'macOS', arch: 'ARM64', status: overrides.testerArm ?? 'online' }),
  ];
}

const FLEET_GROUPS = ['self-hosted, builder, AMD64', 'self-hosted, tester, AMD64', 'self-hosted, builder, ARM64', 'self-hosted, tester, ARM64'].join('\n');

function check(inputs: Record<string, string>, token = ADMIN_TOKEN): Promise<BundleRun> {
  return runBundle('check-runners', {
    inputs: { 'github-token': token, repository: REPOSITORY, ...inputs },
    env: { GITHUB_API_URL: api.url },
  });
}

interface GroupReport {
  group: string;
  minimum: number;
  ok: boolean;
  idle: string[];
  busy: string[];
  offline: string[];
}
const report = (run: BundleRun): GroupReport[] => JSON.parse(run.outputs['report'] ?? '[]') as GroupReport[];

describe('check-runners bundle', () => {
  it('passes when every group has an online runner, and reports each group', async () => {
    endpoints.repositories.set(REPOSITORY, fleet());
    const run = await check({ require: FLEET_GROUPS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['ok']).toBe('true');
    expect(report(run)).toEqual([
      {
        group: 'self-hosted, builder, AMD64',
        labels: ['self-hosted', 'builder', 'AMD64'],
        minimum: 1,
        ok: true,
        idle: ['builder-amd-1'],
        busy: [],
        offline: [],
      },
      { group: 'self-hosted, tester, AMD64', labels: ['self-hosted', 'tester', 'AMD64'], minimum: 1, ok: true, idle: ['tester-amd-1'], busy: [], offline: [] },
      {
        group: 'self-hosted, builder, ARM64',
        labels: ['self-hosted', 'builder', 'ARM64'],
        minimum: 1,
        ok: true,
        idle: ['builder-arm-1'],
        busy: [],
        offline: [],
      },
      { group: 'self-hosted, tester, ARM64', labels: ['self-hosted', 'tester', 'ARM64'], minimum: 1, ok: true, idle: ['tester-arm-1'], busy: [], offline: [] },
    ]);
    // One table a group.
    expect(run.summary.match(/<h3>check-runners: /g)).toHaveLength(4);
    expect(run.summary).toContain('check-runners: self-hosted, tester, ARM64 (at least 1 online): ok');
    // The repository's endpoint, the largest page.
    expect(api.requests.map((request) => `${request.path}${request.query}`)).toEqual([`/repos/${REPOSITORY}/actions/runners?per_page=100`]);
  });

  it('fails when a group has no online runner, naming the group and its offline runners, and saying no job was queued', async () => {
    endpoints.repositories.set(REPOSITORY, fleet({ testerArm: 'offline' }));
    const run = await check({ require: FLEET_GROUPS });
    expect(run.code).toBe(1);
    expect(run.outputs['ok']).toBe('false');
    expect(run.errors.at(-1)).toBe(
      'check-runners failed: no online runner has self-hosted, tester, ARM64 (tester-arm-1 offline). No job was queued for these runners: start them (or register runners with these labels on ThePorgs/Pipelines) and run the workflow again',
    );
    expect(report(run).find((group) => group.group === 'self-hosted, tester, ARM64')).toMatchObject({
      ok: false,
      idle: [],
      busy: [],
      offline: ['tester-arm-1'],
    });
    expect(run.summary).toContain('check-runners: self-hosted, tester, ARM64 (at least 1 online): too few online');
  });

  it('names a group no runner has the labels of', async () => {
    endpoints.repositories.set(REPOSITORY, fleet());
    const run = await check({ require: 'self-hosted, builder, riscv64' });
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toMatch(
      /^check-runners failed: no online runner has self-hosted, builder, riscv64 \(no runner has these labels\)\. No job was queued/,
    );
    expect(run.summary).toContain('no runner of ThePorgs/Pipelines has these labels');
  });

  it('passes a group whose only runner is busy, and reports it busy', async () => {
    endpoints.repositories.set(REPOSITORY, fleet({ builderAmdBusy: true }));
    const run = await check({ require: 'self-hosted, builder, AMD64' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report(run)).toEqual([expect.objectContaining({ ok: true, idle: [], busy: ['builder-amd-1'], offline: [] })]);
    expect(run.summary).toMatch(/builder-amd-1<\/td><td>online<\/td><td>busy/);
  });

  it('matches labels case-insensitively, as GitHub does', async () => {
    endpoints.repositories.set(REPOSITORY, fleet());
    // runs-on: [self-hosted, tester, arm64] reaches the runner labelled ARM64; the custom AMD64 is reached by amd64.
    const run = await check({ require: 'Self-Hosted, TESTER, arm64\nself-hosted, Builder, amd64' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report(run).map((group) => [group.group, group.idle])).toEqual([
      ['Self-Hosted, TESTER, arm64', ['tester-arm-1']],
      ['self-hosted, Builder, amd64', ['builder-amd-1']],
    ]);
  });

  it('fails a group asking for two online runners when one is online', async () => {
    endpoints.repositories.set(REPOSITORY, [...fleet(), runner('builder-amd-2', { custom: ['builder', 'AMD64'], status: 'offline' })]);
    const run = await check({ require: 'self-hosted, builder, AMD64 x2\nself-hosted, tester, AMD64' });
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toMatch(
      /^check-runners failed: 2 online runners needed with self-hosted, builder, AMD64, 1 online \(builder-amd-1 online, builder-amd-2 offline\)\. No job was queued/,
    );
    expect(report(run)[0]).toMatchObject({ minimum: 2, ok: false, idle: ['builder-amd-1'], offline: ['builder-amd-2'] });
    expect(report(run)[1]).toMatchObject({ minimum: 1, ok: true });
  });

  it('reads every page of more than 100 runners', async () => {
    const many = Array.from({ length: 230 }, (_, index) => runner(`spare-${String(index).padStart(3, '0')}`, { custom: ['spare'], status: 'offline' }));
    // The only online tester is on the third page.
    endpoints.repositories.set(REPOSITORY, [...many, runner('tester-late', { custom: ['tester'], arch: 'ARM64' })]);
    const run = await check({ require: 'self-hosted, tester, ARM64' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(report(run)[0]).toMatchObject({ ok: true, idle: ['tester-late'] });
    expect(api.requests.map((request) => request.query)).toEqual(['?per_page=100', '?per_page=100&page=2', '?per_page=100&page=3']);
    expect(run.stdout).toContain('Every group has enough online runners (231 runners on ThePorgs/Pipelines)');
  });

  it("reads an organization's runners with an organization token", async () => {
    endpoints.organizations.set('ThePorgs', fleet());
    const run = await check({ repository: '', organization: 'ThePorgs', require: FLEET_GROUPS }, ORG_TOKEN);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(api.requests.map((request) => request.path)).toEqual(['/orgs/ThePorgs/actions/runners']);
    expect(report(run).every((group) => group.ok)).toBe(true);
  });

  it('names "Administration: read" when GitHub refuses the repository\'s runners to the token', async () => {
    endpoints.repositories.set(REPOSITORY, fleet());
    const run = await check({ require: FLEET_GROUPS }, NO_PERMISSION_TOKEN);
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toContain(
      'check-runners failed: GET /repos/ThePorgs/Pipelines/actions/runners was refused (403 Resource not accessible by personal access token',
    );
    expect(run.errors.at(-1)).toContain('the token needs the repository permission "Administration: read" on ThePorgs/Pipelines');
    expect(run.errors.at(-1)).toMatch(/\. No job was queued for these runners$/);
    expect(run.outputs['ok']).toBeUndefined();
    // A 403 that is no rate limit is not retried.
    expect(api.requests).toHaveLength(1);
  });

  it('names "Self-hosted runners: read" when GitHub refuses the organization\'s runners, the GITHUB_TOKEN included', async () => {
    endpoints.organizations.set('ThePorgs', fleet());
    const run = await check({ repository: '', organization: 'ThePorgs', require: FLEET_GROUPS }, 'ghs_the_workflow_token');
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toMatch(
      /^check-runners failed: GET \/orgs\/ThePorgs\/actions\/runners was refused \(403 Resource not accessible by integration.*\): the token needs the organization permission "Self-hosted runners: read" on ThePorgs.*\. No job was queued for these runners$/,
    );
  });

  it('waits for an offline runner to come online, looking again until it does', async () => {
    const runners = fleet({ testerArm: 'offline' });
    endpoints.repositories.set(REPOSITORY, runners);
    // The runner connects after the first look: the second look sees it online.
    const connect: Route = (context) => {
      if (context.route === '/actions/runners' && api.requests.length === 2) runners.find((entry) => entry.name === 'tester-arm-1')!.status = 'online';
      return false;
    };
    api.routes.unshift(connect);
    try {
      const run = await check({ require: FLEET_GROUPS, wait: '40s' });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(report(run).find((group) => group.group === 'self-hosted, tester, ARM64')).toMatchObject({ ok: true, idle: ['tester-arm-1'] });
      // wait 40s: a look every 2 s; the second one saw it.
      expect(api.requests).toHaveLength(2);
      expect(run.stdout).toContain('self-hosted, tester, ARM64 (x1): short: 0 idle, 0 busy, 1 offline (tester-arm-1 offline)');
      expect(run.stdout).toContain('Waiting for 1 group(s) to come online: next look in 2s (wait 40s)');
      expect(run.stdout).toContain('self-hosted, tester, ARM64 (x1): ok: 1 idle, 0 busy, 0 offline');
    } finally {
      api.routes.splice(api.routes.indexOf(connect), 1);
    }
  });

  it('fails after the wait when the group stays offline, saying how long it waited and that no job was queued', async () => {
    endpoints.repositories.set(REPOSITORY, fleet({ testerArm: 'offline' }));
    const run = await check({ require: FLEET_GROUPS, wait: '3s' });
    expect(run.code).toBe(1);
    // Looks a second apart (a twentieth of 3 s, at least 1 s) for 3 s: up to four, fewer on a loaded machine.
    expect(api.requests.length).toBeGreaterThanOrEqual(2);
    expect(api.requests.length).toBeLessThanOrEqual(4);
    expect(run.errors.at(-1)).toMatch(
      /^check-runners failed: no online runner has self-hosted, tester, ARM64 \(tester-arm-1 offline\) after waiting [34]s\. No job was queued/,
    );
  });

  it('warns instead of failing with fail: false, and sets ok to false', async () => {
    endpoints.repositories.set(REPOSITORY, fleet({ testerArm: 'offline' }));
    const run = await check({ require: FLEET_GROUPS, fail: 'false' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['ok']).toBe('false');
    expect(run.warnings.at(-1)).toMatch(/^no online runner has self-hosted, tester, ARM64 \(tester-arm-1 offline\)\. No job was queued/);
  });

  it('keeps a runner name that holds a workflow command or a line break inert in the log', async () => {
    endpoints.repositories.set(REPOSITORY, [runner('evil\n::error::forged', { custom: ['tester'], status: 'offline' })]);
    const run = await check({ require: 'self-hosted, tester' });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.stdout).not.toMatch(/^::error::forged/m);
  });

  it.each([
    [{ require: '' }, "input 'require' is empty"],
    [{ require: 'self-hosted,, builder' }, 'input \'require\' line "self-hosted,, builder" has an empty label'],
    [{ require: 'self-hosted builder' }, 'holds whitespace'],
    [{ require: 'self-hosted, builder x0' }, 'the number of runners must be from 1'],
    [{ require: 'self-hosted, builder\nBuilder, self-hosted' }, 'twice'],
    [{ require: 'self-hosted', organization: 'ThePorgs' }, "input 'organization' and repository are both given"],
    [{ require: 'self-hosted', repository: 'ThePorgs' }, "input 'repository' must be owner/name"],
    [{ require: 'self-hosted', wait: '7h' }, "input 'wait' must be from 0 to 6h"],
    [{ require: 'self-hosted', wait: 'soon' }, 'input \'wait\' "soon" is not a duration'],
  ])('refuses %j before any request', async (inputs, message) => {
    endpoints.repositories.set(REPOSITORY, fleet());
    const run = await check(inputs);
    expect(run.code).toBe(1);
    expect(run.errors.at(-1)).toContain(message);
    expect(api.requests).toHaveLength(0);
  });
});
