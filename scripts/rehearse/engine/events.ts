// Events as GitHub sends them, and which workflows they start. A workflow starts when its `on:` names the
// event and every filter holds (docs.github.com, "Events that trigger workflows" and "Workflow syntax":
// on.<event>.types, on.<push|pull_request>.<branches|tags|paths>[-ignore]); an event caused by a job's
// GITHUB_TOKEN starts none, workflow_dispatch and repository_dispatch excepted ("Triggering a workflow
// from a workflow"). Payloads are checked against GitHub's webhook schemas (@octokit/webhooks-schemas).
import type { WorkflowTemplate } from '@actions/workflow-parser';

/** An event: its name, its webhook payload, who caused it, and (push, pull_request) the files it changes. */
export interface WebhookEvent {
  readonly name: string;
  readonly payload: Record<string, unknown> & { action?: string };
  /** Caused by a job's GITHUB_TOKEN: starts no workflow (but workflow_dispatch and repository_dispatch). */
  readonly byGithubToken?: boolean;
  /** For paths filters: the files the push or pull request changes. */
  readonly changedFiles?: readonly string[];
  /** GITHUB_SHA where the payload does not carry it: workflow_dispatch, the last commit of `ref`; repository_dispatch, of the default branch. */
  readonly sha?: string;
  /** workflow_dispatch: the `inputs` context, typed as the workflow declares them (booleans and numbers as such). */
  readonly inputs?: Record<string, unknown>;
}

/** A workflow_dispatch input as `on.workflow_dispatch.inputs.<id>` declares it. */
interface DispatchInput {
  type?: 'string' | 'choice' | 'boolean' | 'number' | 'environment';
  required?: boolean;
  default?: unknown;
  options?: string[];
}

/**
 * The workflow_dispatch event a maintainer's "Run workflow" causes (REST: POST
 * /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches, which the web interface calls with
 * every input of the form): its webhook payload (`inputs`, `ref`, `repository`, `sender`, `workflow`,
 * the dispatched file's path; @octokit/webhooks-schemas "workflow_dispatch"), and the `inputs` context.
 * Unset inputs take their default. As GitHub documents ("Contexts: inputs" and "Events that trigger
 * workflows: workflow_dispatch"), `github.event.inputs` holds every value as a string (a boolean as
 * `true`/`false`), and `inputs` holds booleans and numbers typed.
 *
 * @param declared the workflow's `on.workflow_dispatch` (its parsed template's `events.workflow_dispatch`)
 * @throws Error as GitHub answers 422: an input the workflow does not declare ("Unexpected inputs
 *   provided"), a required one missing, a choice outside its options, a boolean or number that is not one
 */
export function workflowDispatchEvent(
  declared: { inputs?: Record<string, DispatchInput> } | null | undefined,
  dispatch: {
    workflowPath: string;
    ref: string;
    sha: string;
    inputs: Record<string, string>;
    repository: Record<string, unknown>;
    sender: Record<string, unknown>;
  },
): WebhookEvent {
  if (declared === undefined)
    throw new Error(`${dispatch.workflowPath}: on: has no workflow_dispatch (GitHub answers 422 "Workflow does not have 'workflow_dispatch' trigger")`);
  const inputs = declared?.inputs ?? {};
  const unexpected = Object.keys(dispatch.inputs).filter((name) => !(name in inputs));
  if (unexpected.length) throw new Error(`${dispatch.workflowPath}: Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const strings: Record<string, string> = {};
  const typed: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(inputs)) {
    const given = dispatch.inputs[name];
    const text = given ?? (input.default === undefined ? undefined : String(input.default));
    if (text === undefined || (text === '' && input.required)) {
      if (input.required) throw new Error(`${dispatch.workflowPath}: Required input '${name}' not provided`);
    }
    const value = text ?? '';
    if (input.type === 'choice' && text !== undefined && !(input.options ?? []).includes(value))
      throw new Error(`${dispatch.workflowPath}: Provided value '${value}' for input '${name}' not in the list of allowed values`);
    if (input.type === 'boolean') {
      if (text !== undefined && value !== 'true' && value !== 'false')
        throw new Error(`${dispatch.workflowPath}: Provided value '${value}' for input '${name}' is not a valid boolean`);
      typed[name] = value === 'true';
    } else if (input.type === 'number') {
      if (text !== undefined && !Number.isFinite(Number(value)))
        throw new Error(`${dispatch.workflowPath}: Provided value '${value}' for input '${name}' is not a valid number`);
      typed[name] = text === undefined ? '' : Number(value);
    } else typed[name] = value;
    if (text !== undefined) strings[name] = value;
  }
  return {
    name: 'workflow_dispatch',
    payload: { inputs: strings, ref: dispatch.ref, repository: dispatch.repository, sender: dispatch.sender, workflow: dispatch.workflowPath },
    sha: dispatch.sha,
    inputs: typed,
  };
}

/** The types an event's workflows run for when `types:` is absent (docs.github.com, per event). */
const DEFAULT_TYPES: Record<string, readonly string[] | undefined> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
};

function escape(character: string): string {
  return /[\\^$.|()[\]{}*+?/]/.test(character) ? `\\${character}` : character;
}

/**
 * GitHub's filter pattern as a regular expression ("Filter pattern cheat sheet"): `*` any characters but
 * `/`, `**` any characters, `?` zero or one of the preceding character, `+` one or more of it, `[…]` a
 * class (ranges), every other character (`.` included) itself.
 */
export function filterPattern(pattern: string): RegExp {
  let out = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index]!;
    if (character === '*') {
      if (pattern[index + 1] === '*') {
        out += '.*';
        index += 1;
      } else out += '[^/]*';
    } else if (character === '?' || character === '+') out += character;
    else if (character === '[') {
      const end = pattern.indexOf(']', index);
      if (end < 0) throw new Error(`filter pattern ${JSON.stringify(pattern)}: [ without ]`);
      out += pattern.slice(index, end + 1);
      index = end;
    } else out += escape(character);
  }
  return new RegExp(`^${out}$`);
}

/**
 * Whether `name` passes `include`/`exclude` as GitHub applies them: with only `include`, some pattern
 * matches; with only `exclude`, none matches; a list may hold `!pattern`, the last matching pattern wins.
 */
export function passesFilter(name: string, include: readonly string[] | undefined, exclude: readonly string[] | undefined): boolean {
  if (include) {
    let passed = false;
    for (const pattern of include)
      if (pattern.startsWith('!')) {
        if (filterPattern(pattern.slice(1)).test(name)) passed = false;
      } else if (filterPattern(pattern).test(name)) passed = true;
    return passed;
  }
  if (exclude) return !exclude.some((pattern) => filterPattern(pattern).test(name));
  return true;
}

function pathsPass(config: { paths?: string[]; 'paths-ignore'?: string[] }, files: readonly string[] | undefined): boolean {
  if (!config.paths && !config['paths-ignore']) return true;
  if (!files) throw new Error('a paths filter needs the files the event changes');
  if (config.paths) return files.some((file) => passesFilter(file, config.paths, undefined));
  return files.some((file) => passesFilter(file, undefined, config['paths-ignore']));
}

/**
 * Why `workflow` does (undefined) or does not (the reason) start on `event`. A workflow_dispatch event
 * starts only the workflow it was dispatched to (its payload's `workflow`, compared with `workflowPath`
 * when given).
 */
export function whyNot(template: WorkflowTemplate, event: WebhookEvent, workflowPath?: string): string | undefined {
  if (event.name === 'workflow_dispatch' && workflowPath !== undefined && event.payload['workflow'] !== workflowPath)
    return `dispatched to ${String(event.payload['workflow'])}`;
  if (event.byGithubToken && event.name !== 'workflow_dispatch' && event.name !== 'repository_dispatch')
    return 'caused by the GITHUB_TOKEN: starts no workflow';
  const config = template.events[event.name] as
    (Record<string, string[] | undefined> & { types?: string[]; paths?: string[]; 'paths-ignore'?: string[] }) | undefined;
  if (config === undefined) return `on: has no ${event.name}`;
  const types = config.types ?? DEFAULT_TYPES[event.name];
  if (types && event.payload.action !== undefined && !types.includes(event.payload.action)) return `types: ${types.join(', ')} (not ${event.payload.action})`;
  if (event.name === 'push') {
    const ref = String(event.payload['ref']);
    const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
    const branchFilter = config['branches'] !== undefined || config['branches-ignore'] !== undefined;
    const tagFilter = config['tags'] !== undefined || config['tags-ignore'] !== undefined;
    if (tag !== undefined) {
      if (!tagFilter && branchFilter) return 'a tag, and on.push filters branches only';
      if (!passesFilter(tag, config['tags'], config['tags-ignore'])) return `tag ${tag} filtered out`;
      // Path filters are not evaluated for pushes of tags.
      return undefined;
    }
    if (branch !== undefined) {
      if (!branchFilter && tagFilter) return 'a branch, and on.push filters tags only';
      if (!passesFilter(branch, config['branches'], config['branches-ignore'])) return `branch ${branch} filtered out`;
    }
    return pathsPass(config, event.changedFiles) ? undefined : 'paths filtered out';
  }
  if (event.name === 'pull_request' || event.name === 'pull_request_target') {
    const base = (event.payload['pull_request'] as { base: { ref: string } }).base.ref;
    if (!passesFilter(base, config['branches'], config['branches-ignore'])) return `base branch ${base} filtered out`;
    return pathsPass(config, event.changedFiles) ? undefined : 'paths filtered out';
  }
  return undefined;
}
