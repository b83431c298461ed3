/**
 * An error the user can act on: a bad input, a missing file, a refused
 * request. Its message is shown as it is, after "<action> failed: ".
 */
export class ActionError extends Error {
  override name = 'ActionError';
}

/** An input that failed validation. The message always starts with the input's name. */
export class InputError extends ActionError {
  override name = 'InputError';

  /**
   * @param input the input's name as users write it in YAML, e.g. `min-free`
   * @param problem what is wrong, e.g. `must be true or false, got "yes"`
   */
  constructor(
    readonly input: string,
    problem: string,
  ) {
    super(`input '${input}' ${problem}`);
  }
}

/** The message of anything thrown, including non-Error values and an Error's `cause`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message} (${cause})` : error.message;
}
