/**
 * GitHub's runner protocol for JavaScript actions, as the toolkit's
 * @actions/core speaks it: inputs from `INPUT_<NAME>` variables, outputs and
 * state appended to the GITHUB_OUTPUT and GITHUB_STATE files as
 * `name<<ghadelimiter_<uuid>` blocks, and `::command::` lines on stdout
 * (docs.github.com, "Workflow commands for GitHub Actions").
 *
 * Why not @actions/core itself: importing it evaluates its HTTP client
 * (undici), which takes a bundle's start-up from about 20 ms to 80 ms on
 * these machines; check-runner-disk must start within 1.5× of `node -e 0`.
 * test/core/runner.test.ts checks this module against @actions/core.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/** Escapes a command's message (`%`, CR, LF), as @actions/core does. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property's value (also `:` and `,`). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Writes one `::command key=value::message` line to stdout. */
export function issueCommand(command: string, properties: Record<string, string | undefined>, message: string): void {
  const entries = Object.entries(properties).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  const props = entries.length ? ` ${entries.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}` : '';
  process.stdout.write(`::${command}${props}::${escapeData(message)}${EOL}`);
}

/** Appends `name<<delimiter` … `delimiter` to the file named by GITHUB_<command>. @throws Error when that file does not exist */
function appendKeyValue(command: 'OUTPUT' | 'STATE', name: string, value: string): boolean {
  const file = process.env[`GITHUB_${command}`];
  if (!file) return false;
  if (!existsSync(file)) throw new Error(`Missing file at path: ${file} (GITHUB_${command})`);
  // The containment check below is what makes a delimiter safe, not its unpredictability;
  // Math.random avoids loading crypto (about 5 ms of start-up).
  const delimiter = `ghadelimiter_${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`Unexpected input: contains the delimiter "${delimiter}"`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
  return true;
}

/** The raw value of an input (`INPUT_<NAME>`, spaces as `_`, hyphens kept), trimmed; empty when not set. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** Sets a step output (GITHUB_OUTPUT; the legacy `::set-output` command when the variable is unset). */
export function setOutput(name: string, value: string): void {
  if (!appendKeyValue('OUTPUT', name, value)) issueCommand('set-output', { name }, value);
}

/** Saves state for the post step, which reads it as `STATE_<name>` (GITHUB_STATE). */
export function saveState(name: string, value: string): void {
  if (!appendKeyValue('STATE', name, value)) issueCommand('save-state', { name }, value);
}

/** State saved by the main step, in the post step; empty when absent. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

/** Masks a value in every later log line. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

/** Writes a line to the log. */
export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

/** Writes a debug line (shown when step debug logging is on). */
export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

/** Optional place of an annotation. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
}

function annotate(kind: 'error' | 'warning' | 'notice', message: string, properties: AnnotationProperties): void {
  issueCommand(kind, { title: properties.title, file: properties.file, line: properties.startLine?.toString() }, message);
}

/** An error annotation. */
export function error(message: string, properties: AnnotationProperties = {}): void {
  annotate('error', message, properties);
}

/** A warning annotation. */
export function warning(message: string, properties: AnnotationProperties = {}): void {
  annotate('warning', message, properties);
}

/** A notice annotation. */
export function notice(message: string, properties: AnnotationProperties = {}): void {
  annotate('notice', message, properties);
}

/** Fails the step: an error annotation and exit code 1. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}
