import { ActionError, describeError } from '../action/errors.js';

/**
 * The undo steps of a transaction, recorded before each write and run in
 * reverse order when a later step fails: the checkout goes back to what it
 * was (files, index, local commits, tags).
 */
export class Rollback {
  private readonly steps: { readonly what: string; readonly undo: () => Promise<void> }[] = [];

  /** Records how to undo a write that is about to happen. */
  record(what: string, undo: () => Promise<void>): void {
    this.steps.push({ what, undo });
  }

  /** Runs every undo step, newest first, even when one fails. @returns a description of each step that failed */
  async restore(): Promise<string[]> {
    const failures: string[] = [];
    for (const step of [...this.steps].reverse()) {
      try {
        await step.undo();
      } catch (error) {
        failures.push(`${step.what}: ${describeError(error)}`);
      }
    }
    this.steps.length = 0;
    return failures;
  }

  /**
   * Restores the checkout after `error`, and returns the error to throw: its
   * message, then what was restored, or what could not be.
   */
  async fail(error: unknown): Promise<ActionError> {
    const undone = this.steps.map((step) => step.what);
    const failures = await this.restore();
    const restored =
      undone.length === 0
        ? 'nothing had been written'
        : failures.length === 0
          ? `the checkout was restored as it was (undone: ${undone.reverse().join(', ')})`
          : `restoring the checkout FAILED, check it by hand: ${failures.join('; ')}`;
    return new ActionError(`${describeError(error)}; ${restored}`);
  }
}
