import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import type { Workflow } from './workflow-facts.js';

interface ActionInputs {
  inputs?: Record<string, { required?: boolean; default?: string }>;
}

/**
 * The name of this repository's action a `uses:` refers to, or undefined for any other action. The examples pin our
 * actions as `OWNER/exegol-release-actions/actions/<name>@<sha> # v1.0.0`: `<sha>` stands for the release's commit.
 */
export function ourActionName(uses: string): string | undefined {
  return /^(?:\.\/|[\w.-]+\/exegol-release-actions\/)actions\/([a-z-]+)(?:@(?:[\w.-]+|<sha>))?$/.exec(uses)?.[1];
}

/** The placeholder pin of our actions in the examples and the READMEs: `@<sha> # v1.0.0` (a commit SHA and its tag). */
export const OUR_PIN = /@<sha> # v\d+\.\d+\.\d+$/;

/**
 * Checks every step that uses one of this repository's actions against that
 * action's action.yml: each `with:` key must be an input, and every required
 * input without a default must be given. actionlint does not check this for
 * actions it cannot fetch.
 *
 * @returns one message a problem, `<job>/<step>: …`
 */
export function checkActionInputs(workflowText: string): string[] {
  // The raw YAML: a step's `with:` is what GitHub's converted model leaves out.
  const workflow = parse(workflowText) as Partial<Workflow>;
  const problems: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const action = step.uses ? ourActionName(step.uses) : undefined;
      if (!action) continue;
      const where = `${jobName}/${step.id ?? step.name ?? `step ${index + 1}`}`;
      let metadata: ActionInputs;
      try {
        metadata = parse(readFileSync(path.join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8')) as ActionInputs;
      } catch {
        problems.push(`${where}: uses ${step.uses}, and there is no action ${action} in this repository`);
        continue;
      }
      const inputs = metadata.inputs ?? {};
      for (const key of Object.keys(step.with ?? {})) if (!(key in inputs)) problems.push(`${where}: ${action} has no input "${key}"`);
      for (const [name, input] of Object.entries(inputs)) {
        if (input.required && input.default === undefined && !(name in (step.with ?? {}))) problems.push(`${where}: ${action} needs input "${name}"`);
      }
    }
  }
  return problems;
}

/** Untrusted event fields (titles, bodies, branch names, commit messages) expanded inside `run:` scripts, one a line. */
export function untrustedExpansions(workflowText: string): string[] {
  const findings: string[] = [];
  const lines = workflowText.split('\n');
  let runIndent = -1;
  for (const line of lines) {
    const indent = line.search(/\S/);
    const run = /^(\s*)(?:- )?run:\s*(.*)$/.exec(line);
    if (run) runIndent = indent;
    else if (runIndent >= 0 && indent !== -1 && indent <= runIndent) runIndent = -1;
    const inRun = run !== null || runIndent >= 0;
    if (inRun && /\$\{\{\s*github\.(event\.(pull_request|issue|comment|review|head_commit|commits|discussion|pages)\b|head_ref\b)/.test(line))
      findings.push(line.trim());
  }
  return findings;
}
