// Facts about this repository's own workflows (.github/workflows), shared by the tests that check them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { parseWorkflow, type Job, type Step, type WorkflowFile } from './workflow-facts.js';

/** One of this repository's workflows, parsed. */
export const ownWorkflow = (name: string): WorkflowFile =>
  parseWorkflow(readFileSync(path.join(REPO_ROOT, '.github', 'workflows', name), 'utf8'), `.github/workflows/${name}`);

/** Whether a job runs a dependency's code: npm ci/install (its install scripts), any npm script, or .ci/run. */
export const runsDependencyCode = (job: Job): boolean =>
  (job.steps ?? []).some((step) => /\bnpm\s+(ci|install|i|test|run|exec|rebuild)\b|\bnpx\b|\.ci\/run\b|scripts\/setup\.sh\b/.test(step.run ?? ''));

/** The permission scopes a job is granted `write` on (a job without `permissions:` inherits the workflow's). */
export function writeScopes(file: WorkflowFile, job: Job): string[] {
  const permissions = job.permissions ?? file.workflow.permissions ?? 'write-all';
  if (typeof permissions === 'string') return permissions === 'read-all' ? [] : [permissions];
  return Object.entries(permissions)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);
}

/** The steps of a job that use actions/checkout. */
export const checkouts = (job: Job): Step[] => (job.steps ?? []).filter((step) => step.uses?.startsWith('actions/checkout@'));
