import * as core from '@actions/core';
import { describeError } from './errors.js';

/**
 * The one error boundary of every action: runs `body` and turns anything it
 * throws into `core.setFailed("<action> failed: <message>")`, which sets the
 * process exit code to 1. Inner code throws; it never calls setFailed or
 * process.exit itself. The stack goes to the debug log (ACTIONS_STEP_DEBUG).
 *
 * @param action the action's name, e.g. `bump-version`
 * @param body the action's work
 */
export async function runAction(action: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(`${action} failed: ${describeError(error)}`);
    // @actions/core sets it too; @github/local-action's stand-in for it does not.
    process.exitCode = 1;
  }
}
