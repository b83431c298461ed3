import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { validate as validateGraphQL } from '@octokit/graphql-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { VIEWER_LOGIN_QUERY } from '@exegol-release/core/github';
import { CHECKLIST_MARKER } from '@exegol-release/core/release-pr';
import { BASE_SHA, CI_RUN_ID, HEAD_SHA, OWNER, PR_NUMBER, checkRun, releasePullRequest, workflowRun } from '@exegol-release/testbed/fixtures/release-pr.js';
import { user, type RecordedRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import { WRAPPER_INPUTS, useStandIn } from './harness.js';

/**
 * The stand-in's answers, checked against GitHub's published OpenAPI description (@octokit/openapi,
 * api.github.com) for every operation verify-release-pr uses and every field it reads. A small schema
 * walk of our own: $ref, allOf, oneOf/anyOf, nullable, required, type and enum; formats are not checked.
 * Besides the stand-in's values, it checks the action's assumptions: a field read as always there
 * (no `?` below) must be required and not nullable in GitHub's description.
 */

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};
interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  'x-multi-segment'?: boolean;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Parameter>; responses: Record<string, unknown> };
}

/**
 * Every field the action reads, by operation: dotted paths, `[]` for an array's items; `?` after a
 * segment where the action copes with it missing or null.
 */
const FIELDS: Record<string, readonly string[]> = {
  'pulls/get': [
    'number',
    'state',
    'merged',
    'draft?',
    'title',
    'body?',
    'base.ref',
    'head.ref',
    'head.sha',
    'head.repo?.full_name',
    'user.login',
    'comments',
    'merge_commit_sha?',
  ],
  'pulls/list-reviews': ['[].user?.login', '[].state', '[].commit_id?'],
  'repos/get-collaborator-permission-level': ['permission', 'role_name'],
  'checks/list-for-ref': [
    'total_count',
    'check_runs[].id',
    'check_runs[].name',
    'check_runs[].app?.slug?',
    'check_runs[].app?.id',
    'check_runs[].check_suite?.id',
    'check_runs[].status',
    'check_runs[].conclusion?',
    'check_runs[].details_url?',
    'check_runs[].html_url?',
  ],
  'actions/list-jobs-for-workflow-run': [
    'total_count',
    'jobs[].id',
    'jobs[].name',
    'jobs[].status',
    'jobs[].conclusion?',
    'jobs[].html_url?',
    'jobs[].runner_name?',
    'jobs[].check_run_url?',
  ],
  'actions/list-workflow-runs-for-repo': ['total_count', 'workflow_runs[].id', 'workflow_runs[].check_suite_id?', 'workflow_runs[].path'],
  'repos/get-combined-status-for-ref': ['total_count', 'statuses[].context', 'statuses[].state', 'statuses[].target_url?'],
  'git/list-matching-refs': ['[].ref'],
  /** Read raw (`application/vnd.github.raw`): the text is the answer, no field. */
  'repos/get-content': [],
  'git/get-tree': ['truncated?', 'tree[].type?', 'tree[].path?', 'tree[].sha?'],
  'repos/get-branch': ['commit.sha'],
  'repos/get': ['default_branch'],
  'pulls/list': ['[].number', '[].html_url', '[].state', '[].draft?', '[].head.ref', '[].head.repo?.full_name', '[].base.ref'],
  'repos/list-pull-requests-associated-with-commit': ['[].number', '[].head.sha', '[].base.ref', '[].merged_at?', '[].merge_commit_sha?'],
  'git/get-commit': ['parents[].sha'],
  'issues/list-comments': ['[].id', '[].body?', '[].user?.login', '[].html_url'],
  'issues/create-comment': ['html_url'],
  'issues/update-comment': ['html_url'],
  'users/get-authenticated': ['login'],
};

const require = createRequire(import.meta.url);
let document: Document;
const resolve = <T extends object>(value: T & { $ref?: string }): T => {
  let current: T & { $ref?: string } = value;
  while (current.$ref) {
    const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(current.$ref)!;
    current = (document.components as unknown as Record<string, Record<string, T>>)[section!]![name!] as T & { $ref?: string };
  }
  return current;
};

/** The alternatives a value of `schema` may match: allOf merged, oneOf/anyOf spread. */
function alternatives(schema: Schema): Schema[] {
  const resolved = resolve(schema);
  if (resolved.allOf) {
    const parts = resolved.allOf.flatMap(alternatives);
    return [
      {
        ...resolved,
        allOf: undefined,
        properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})) as Record<string, Schema>,
        required: parts.flatMap((part) => part.required ?? []),
        nullable: resolved.nullable || parts.some((part) => part.nullable),
        ...(parts.find((part) => part.type) ? { type: parts.find((part) => part.type)!.type } : {}),
      },
    ];
  }
  const choices = resolved.oneOf ?? resolved.anyOf;
  if (choices) return choices.flatMap(alternatives).map((choice) => ({ ...choice, nullable: choice.nullable || resolved.nullable }));
  return [resolved];
}

function typeOk(value: unknown, schema: Schema): boolean {
  if (value === null) return schema.nullable === true;
  if (schema.enum && !schema.enum.includes(value)) return false;
  switch (schema.type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    default:
      return true;
  }
}

interface Segment {
  name: string;
  optional: boolean;
}
const parsePath = (path: string): Segment[] =>
  path
    .replace(/\[\]/g, '.[]')
    .split('.')
    .filter(Boolean)
    .map((part) => ({ name: part.replace(/\?$/, ''), optional: part.endsWith('?') }));

/** Problems with `value` (an answer, or part of one) at `path` under `schema`. */
function checkField(value: unknown, schema: Schema, path: Segment[], where: string): string[] {
  const options = alternatives(schema);
  if (path.length === 0)
    return options.some((option) => typeOk(value, option)) ? [] : [`${where}: ${JSON.stringify(value)} is not a ${options.map((o) => o.type).join('|')}`];
  const [step, ...rest] = path as [Segment, ...Segment[]];
  if (step.name === '[]') {
    const array = options.find((option) => option.items);
    if (!array) return [`${where}: the description has no array here`];
    if (!Array.isArray(value)) return [`${where}: the stand-in answered ${typeof value}, not an array`];
    return value.flatMap((item, index) => checkField(item, array.items!, rest, `${where}[${index}]`));
  }
  const holders = options.filter((option) => option.properties?.[step.name]);
  if (holders.length === 0) return [`${where}.${step.name}: not in GitHub's description`];
  const field = holders[0]!.properties![step.name]!;
  const problems: string[] = [];
  const required = holders.every((holder) => holder.required?.includes(step.name));
  const nullable = alternatives(field).some((option) => option.nullable);
  if (!step.optional && (!required || nullable))
    problems.push(`${where}.${step.name}: read as always there, but GitHub's description makes it ${required ? 'nullable' : 'optional'}`);
  const child = (value as Record<string, unknown> | null | undefined)?.[step.name];
  if (child === undefined) return step.optional ? problems : [...problems, `${where}.${step.name}: the stand-in omits it`];
  if (child === null) return nullable ? problems : [...problems, `${where}.${step.name}: the stand-in answers null; GitHub's description does not allow it`];
  return [...problems, ...checkField(child, field, rest, `${where}.${step.name}`)];
}

/** The operation a request is, by method and path template (`{name}` one segment, or several where `x-multi-segment`). */
function operationOf(request: RecordedRequest): { template: string; operation: Operation } | undefined {
  const matches: { template: string; operation: Operation; literal: number }[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    const operation = item[request.method.toLowerCase()];
    if (!operation) continue;
    const multi = new Set(
      (operation.parameters ?? [])
        .map((parameter) => resolve(parameter))
        .filter((p) => p['x-multi-segment'])
        .map((p) => p.name),
    );
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => (multi.has(name) ? '.+' : '[^/]+'));
    if (new RegExp(`^${source}$`).test(request.path)) matches.push({ template, operation, literal: template.replace(/\{[^}]+\}/g, '').length });
  }
  return matches.sort((a, b) => b.literal - a.literal)[0];
}

const { api, verify } = useStandIn();
const recorded: RecordedRequest[] = [];
const IMAGES = `${OWNER}/Exegol-images`;
const RESOURCES = `${OWNER}/Exegol-resources`;
const DOCS = `${OWNER}/Exegol-docs`;

describe("the stand-in's answers against GitHub's OpenAPI description", () => {
  beforeAll(() => {
    document = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Document;
  });

  it('runs the action through every operation it uses', async () => {
    // 1. The wrapper's check with submodules (one without a branch: the default branch), a comment to update,
    //    and check runs of one name in two workflow runs; as a personal access token (GET /user).
    const state = api().state;
    state.files
      .get(HEAD_SHA)!
      .set(
        '.gitmodules',
        '[submodule "exegol-images"]\n\tpath = exegol-images\n\turl = https://github.com/ThePorgs/Exegol-images\n\tbranch = main\n[submodule "exegol-resources"]\n\tpath = exegol-resources\n\turl = ../Exegol-resources.git\n',
      );
    state.gitlinks.set(
      HEAD_SHA,
      new Map([
        ['exegol-images', 'a'.repeat(40)],
        ['exegol-resources', 'c'.repeat(40)],
      ]),
    );
    api().repository(IMAGES).branches.set('main', 'a'.repeat(40));
    api().repository(RESOURCES).branches.set('main', 'c'.repeat(40));
    state.checkRuns.get(HEAD_SHA)!.push(checkRun('test', 'failure', { runId: CI_RUN_ID }), checkRun('test', 'success', { runId: '6666' }));
    state.workflowRuns.push(workflowRun('6666', '.github/workflows/ci.yml'));
    state.comments.set(PR_NUMBER, [
      {
        id: 9,
        body: `${CHECKLIST_MARKER}\nold`,
        user: user('release-bot'),
        html_url: `https://github.com/${OWNER}/Exegol/pull/42#issuecomment-9`,
        node_id: 'IC_9',
      },
    ]);
    state.pulls.get(PR_NUMBER)!.comments = 1;
    api().tokens.set('ghp_releaseBot', { login: 'release-bot', installation: false });
    // The docs' companion pull request (pulls/list after repos/get).
    const docs = api().repository(DOCS);
    const companion = releasePullRequest({ number: 17 }, DOCS);
    companion.head = { ...companion.head, ref: 'dev-wrapper', label: `${OWNER}:dev-wrapper` };
    docs.pulls.set(17, companion);
    const first = await verify({
      ...WRAPPER_INPUTS,
      submodules: 'current',
      comment: 'true',
      'github-token': 'ghp_releaseBot',
      'companion-pull-request': `${DOCS}:dev-wrapper`,
    });
    expect(first.outputs['companion-pull-request-number']).toBe('17');
    expect(first.code, first.stdout).toBe(0);
    recorded.push(...api().requests);

    // 2. The tag workflow: the merged pull request found from its merge commit; a new comment as an installation token.
    api().requests.length = 0;
    Object.assign(state.pulls.get(PR_NUMBER)!, { state: 'closed', merged: true, merged_at: '2026-11-21T10:00:00Z', merge_commit_sha: 'e'.repeat(40) });
    state.parents.set('e'.repeat(40), [BASE_SHA, HEAD_SHA]);
    const second = await verify({ state: 'merged', 'pull-request': 'e'.repeat(40), comment: 'true', checks: 'none' });
    expect(second.code, second.stdout).toBe(0);
    recorded.push(...api().requests);

    const used = new Set(
      recorded
        .filter((request) => request.path !== '/graphql')
        .map((request) => operationOf(request)?.operation.operationId ?? `unknown ${request.method} ${request.path}`),
    );
    expect([...used].sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('every request is an operation of the description, with its parameters and a documented status', () => {
    const problems = recorded.flatMap((request) => {
      if (request.path === '/graphql') return [];
      const found = operationOf(request);
      if (!found) return [`${request.method} ${request.path}: no such operation`];
      const query = new Set(
        (found.operation.parameters ?? [])
          .map((parameter) => resolve(parameter))
          .filter((p) => p.in === 'query')
          .map((p) => p.name),
      );
      const unknown = [...new URLSearchParams(request.query).keys()].filter((name) => !query.has(name));
      const status = String(request.status);
      return [
        ...unknown.map((name) => `${found.operation.operationId}: query parameter ${name} is not in the description`),
        ...(found.operation.responses[status] ? [] : [`${found.operation.operationId}: status ${status} is not documented`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('every field the action reads is in the description, as the action reads it, and the stand-in serves it rightly', () => {
    const problems = recorded.flatMap((request) => {
      const found = operationOf(request);
      if (!found || !request.status || request.status >= 300) return [];
      const response = resolve(found.operation.responses[String(request.status)]!) as { content?: Record<string, { schema?: Schema }> };
      const schema = response.content?.['application/json']?.schema;
      const fields = FIELDS[found.operation.operationId] ?? [];
      if (fields.length && !schema) return [`${found.operation.operationId}: no JSON schema for ${request.status}`];
      return fields.flatMap((field) => checkField(request.body, schema!, parsePath(field), `${found.operation.operationId} ${field}:`));
    });
    expect(problems).toEqual([]);
  });

  it("the GraphQL query is valid against GitHub's GraphQL schema, and the stand-in answers its shape", () => {
    expect(validateGraphQL(VIEWER_LOGIN_QUERY)).toEqual([]);
    const graphql = recorded.filter((request) => request.path === '/graphql');
    expect(graphql).toHaveLength(1);
    expect(graphql[0]!.body).toEqual({ data: { viewer: { login: 'github-actions[bot]' } } });
  });
});
