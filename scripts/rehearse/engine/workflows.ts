// The example workflows as GitHub reads them: each file parsed and converted by GitHub's own workflow
// parser (@actions/workflow-parser: parseWorkflow, then convertWorkflowTemplate), a file the parser
// reports errors for refused with them. A repository's workflows are one directory of workflows-examples/
// (or of REHEARSAL_EXAMPLES, a changed copy), standing for its .github/workflows/.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { convertWorkflowTemplate, isMapping, isSequence, NoOperationTraceWriter, parseWorkflow, type WorkflowTemplate } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { parse } from 'yaml';
import { EXAMPLES_DIRECTORY } from '../../../test/workflows/workflow-facts.js';

/** The raw YAML of what the converted template does not carry: permissions, and a called workflow's outputs. */
export interface RawWorkflow {
  readonly name?: string;
  readonly permissions?: string | Record<string, string>;
  readonly on?: { workflow_call?: { outputs?: Record<string, { value?: string }> } } | unknown;
  readonly jobs: Record<string, { permissions?: string | Record<string, string>; name?: string }>;
}

/** One workflow: where it is, its converted template, its raw YAML. */
export interface LoadedWorkflow {
  /** Relative to the examples directory, e.g. images/release.yml. */
  readonly file: string;
  /** `.github/workflows/<name>` in its repository. */
  readonly path: string;
  readonly template: WorkflowTemplate;
  /** The parser's token tree, for what the converted template leaves out (a step's `with:` and `working-directory`). */
  readonly root: TemplateToken;
  readonly raw: RawWorkflow;
  /** Its `name:`, or its path when it has none (as GitHub shows it). */
  readonly name: string;
}

/** A part of the rehearsal that lays out examples of its own reads them, and only it (parts run side by side). */
const examplesOfPart = new AsyncLocalStorage<string>();

/**
 * Runs `work` with the examples read from `directory`: that part's own layout (e.g. the pipelines form's
 * repositories), without changing what the parts running beside it read.
 */
export function withExamples<T>(directory: string, work: () => Promise<T>): Promise<T> {
  return examplesOfPart.run(directory, work);
}

/** The examples directory the rehearsal reads: the running part's own, else REHEARSAL_EXAMPLES, or workflows-examples/. */
export function examplesDirectory(): string {
  return examplesOfPart.getStore() ?? (process.env['REHEARSAL_EXAMPLES'] || EXAMPLES_DIRECTORY);
}

const cache = new Map<string, Promise<LoadedWorkflow>>();

/**
 * Reads one example workflow with GitHub's parser. @param file relative to the examples directory
 * @throws Error naming the file and the parser's errors
 */
export function loadWorkflow(file: string): Promise<LoadedWorkflow> {
  const key = `${examplesDirectory()}\0${file}`;
  let loaded = cache.get(key);
  if (!loaded) {
    loaded = (async () => {
      const content = readFileSync(path.join(examplesDirectory(), file), 'utf8');
      const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
      const parseErrors = result.context.errors.getErrors();
      if (parseErrors.length || !result.value) throw new Error(`${file}: GitHub's parser refuses it: ${parseErrors.map((error) => error.message).join('; ')}`);
      const template = await convertWorkflowTemplate(result.context, result.value);
      if (template.errors?.length) throw new Error(`${file}: GitHub's parser refuses it: ${template.errors.map((error) => error.Message).join('; ')}`);
      const raw = parse(content) as RawWorkflow;
      return {
        file,
        path: `.github/workflows/${path.basename(file)}`,
        template,
        root: result.value,
        raw,
        name: raw.name ?? `.github/workflows/${path.basename(file)}`,
      };
    })();
    cache.set(key, loaded);
  }
  return loaded;
}

/** The workflows of one repository: every .yml/.yaml file of `directory` (relative to the examples) that declares `on:`, by file name. */
export async function repositoryWorkflows(directory: string): Promise<LoadedWorkflow[]> {
  const names = readdirSync(path.join(examplesDirectory(), directory))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const workflows: LoadedWorkflow[] = [];
  for (const name of names) {
    const content = readFileSync(path.join(examplesDirectory(), directory, name), 'utf8');
    // dependabot.yml and the like are not workflows.
    if (!/^on:/m.test(content)) continue;
    workflows.push(await loadWorkflow(path.join(directory, name)));
  }
  return workflows;
}

/** The file a `uses: ./.github/workflows/<name>` of a workflow in `directory` stands for. */
export function calledWorkflowFile(callerFile: string, reference: string): string {
  const match = /^\.\/\.github\/workflows\/([^/@]+\.ya?ml)$/.exec(reference);
  if (!match) throw new Error(`${callerFile}: uses: ${reference}: only reusable workflows of the same repository (./.github/workflows/…) are rehearsed`);
  return path.join(path.dirname(callerFile), match[1]!);
}

function member(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  if (!token || !isMapping(token)) return undefined;
  for (let index = 0; index < token.count; index += 1) {
    const pair = token.get(index);
    if (pair.key.toString() === key) return pair.value;
  }
  return undefined;
}

/**
 * A key of step `index` of job `job` as GitHub's parser read it (expressions already parsed), for the
 * keys its converted model leaves out: `with`, `working-directory`, `shell`.
 */
export function stepToken(workflow: LoadedWorkflow, job: string, index: number, key: string): TemplateToken | undefined {
  const steps = member(member(member(workflow.root, 'jobs'), job), 'steps');
  if (!steps || !isSequence(steps)) return undefined;
  return member(steps.get(index), key);
}
