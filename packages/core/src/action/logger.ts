import { randomUUID } from 'node:crypto';
import * as core from '@actions/core';

/**
 * Where core code writes what it does. Actions pass {@link actionsLogger}
 * (the runner's log through @actions/core); unit tests pass {@link memoryLogger}.
 * Messages are trusted text: untrusted values go through `logValue` first
 * (packages/core/src/text/untrusted.ts), untrusted blocks through `untrusted`.
 */
export interface Logger {
  /** A line of the log. */
  info(message: string): void;
  /** A warning annotation. */
  warning(message: string, properties?: core.AnnotationProperties): void;
  /** A line shown only with step debug logging (ACTIONS_STEP_DEBUG). */
  debug(message: string): void;
  /** Masks `secret` in every later line of the log (`::add-mask::`). Empty strings are ignored. */
  mask(secret: string): void;
  /** Runs `body` inside a collapsible log group (`::group::` … `::endgroup::`). */
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
  /**
   * Writes an untrusted block (a file's text, a diff, a description) as it is,
   * with workflow commands stopped around it (`::stop-commands::<token>` …
   * `::<token>::`, the token random), so that no line of it is run as a command.
   */
  untrusted(block: string): void;
}

/** The runner's log, through @actions/core. */
export const actionsLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message, properties) => core.warning(message, properties),
  debug: (message) => core.debug(message),
  mask: (secret) => {
    if (secret !== '') core.setSecret(secret);
  },
  group: (name, body) => core.group(name, body),
  untrusted: (block) => {
    const token = `untrusted-${randomUUID()}`;
    core.info(`::stop-commands::${token}`);
    core.info(block);
    core.info(`::${token}::`);
  },
};

/** A logger that keeps every line in memory, for tests: `lines` holds `info`, `warning: …`, `debug: …`, `group: …` and `untrusted: …` entries; `masked` the masked secrets. */
export function memoryLogger(): Logger & { readonly lines: string[]; readonly masked: string[] } {
  const lines: string[] = [];
  const masked: string[] = [];
  return {
    lines,
    masked,
    info: (message) => void lines.push(message),
    warning: (message) => void lines.push(`warning: ${message}`),
    debug: (message) => void lines.push(`debug: ${message}`),
    mask: (secret) => void (secret !== '' && masked.push(secret)),
    group: async (name, body) => {
      lines.push(`group: ${name}`);
      return body();
    },
    untrusted: (block) => void lines.push(`untrusted: ${block}`),
  };
}
