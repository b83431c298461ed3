// The rehearsal's log (numbered steps, notes, checks) and the maintainers' own runs of our actions as
// their committed bundles (packages/testbed/src/harness/run-bundle.ts). The example workflows themselves run through
// scripts/rehearse/engine/: GitHub's parser and evaluator decide what runs.
import { mkdir } from 'node:fs/promises';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';

const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/** One step a rehearsal printed. */
export interface StepReport {
  readonly number: number;
  readonly title: string;
  readonly what: string;
  readonly seconds: number;
}

/** The rehearsal's log: numbered steps, notes, checks. */
export class Log {
  readonly steps: StepReport[] = [];

  heading(text: string): void {
    console.log(`\n${bold(text)}`);
  }

  line(text: string): void {
    console.log(`  ${text}`);
  }

  /** Runs `work` as the next numbered step; prints ✓ or ✗, what ran and its time, then the lines `work` returns. */
  async step<T>(title: string, what: string, work: () => Promise<{ value: T; lines?: string[]; ok?: boolean; failure?: string }>): Promise<T> {
    const number = this.steps.length + 1;
    const start = performance.now();
    let outcome: { value: T; lines?: string[]; ok?: boolean; failure?: string };
    try {
      outcome = await work();
    } catch (error) {
      // A step that throws is a step too: counted and timed, so the next one does not take its number.
      const seconds = (performance.now() - start) / 1000;
      this.steps.push({ number, title, what, seconds });
      console.log(`✗ ${bold(`${number}. ${title}`)} (${what}, ${seconds.toFixed(2)} s)`);
      throw error;
    }
    const seconds = (performance.now() - start) / 1000;
    this.steps.push({ number, title, what, seconds });
    const ok = outcome.ok ?? true;
    console.log(`${ok ? '✓' : '✗'} ${bold(`${number}. ${title}`)} (${what}, ${seconds.toFixed(2)} s)`);
    for (const line of outcome.lines ?? []) console.log(`      ${line}`);
    if (!ok) throw new Error(`step ${number} (${what}) failed${outcome.failure ? `: ${outcome.failure}` : ''}`);
    return outcome.value;
  }

  /** A step of the real release that this machine cannot run, and what stands in for its result. */
  skipped(title: string, why: string): void {
    console.log(`– ${title}: ${why}`);
  }
}

function outputLines(outputs: Record<string, string>): string[] {
  return Object.entries(outputs).map(([name, value]) => {
    const flat = value.replace(/\s*\n\s*/g, ' ');
    return `${name.padEnd(18)} ${flat.length > 150 ? `${flat.slice(0, 147)}...` : flat}`;
  });
}

/**
 * Runs one of our actions as its committed bundle, as a numbered step of the log: its outputs, its
 * warnings, and (failing) its errors are printed; a failure stops the rehearsal. `standIns` names the
 * inputs set for the stand-ins rather than taken from the example.
 */
export async function bundleStep(
  log: Log,
  title: string,
  what: string,
  action: string,
  options: {
    inputs: Record<string, string>;
    env: Record<string, string>;
    workspace: string;
    runnerDirectory: string;
    timeoutSeconds?: number;
    standIns?: string[];
  },
): Promise<BundleRun> {
  await mkdir(options.workspace, { recursive: true });
  return log.step(title, what, async () => {
    const run = await runBundle(action, {
      inputs: options.inputs,
      env: options.env,
      workspace: options.workspace,
      runnerDirectory: options.runnerDirectory,
      timeoutSeconds: options.timeoutSeconds ?? 180,
    });
    const lines = [
      ...(options.standIns?.length ? [`stand-ins: ${options.standIns.join(', ')}`] : []),
      ...outputLines(run.outputs),
      ...run.warnings.map((warning) => `warning: ${warning}`),
    ];
    const failure = run.errors.join(' | ') || run.stderr.trim().split('\n').slice(-3).join(' ') || run.stdout.trim().split('\n').slice(-3).join(' ');
    return { value: run, lines: run.code === 0 ? lines : [...lines, ...failure.split('\n')], ok: run.code === 0, failure };
  });
}
