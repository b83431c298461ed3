// Expressions evaluated as GitHub evaluates them: every `${{ }}` and every `if:` goes through GitHub's own
// lexer, parser and evaluator (@actions/expressions, the package of github.com/actions/languageservices),
// with the functions the runner adds: the status functions success(), failure(), always(), cancelled()
// (docs.github.com: "Status check functions") and hashFiles() (docs.github.com: "hashFiles"). The
// evaluator's data types go in and out through JSON (its reviver), so a context is plain JSON here.
import { createHash } from 'node:crypto';
import { globSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { isBasicExpression, isBoolean, isMapping, isNumber, isSequence, isString } from '@actions/workflow-parser';

/** Named contexts (github, env, inputs, needs, steps, matrix, secrets, vars, runner, job, strategy, jobs): plain JSON. */
export type Contexts = Record<string, unknown>;

/** What the status functions read: whether something before failed, or the run was cancelled. */
export interface Status {
  /** Job level: a job in `needs` failed (or was cancelled); step level: a step before failed. */
  readonly failed: boolean;
  /** Job level: a job in `needs` did not succeed (skipped counts), so success() is false. Default: `failed`. */
  readonly notSucceeded?: boolean;
  readonly cancelled: boolean;
  /** For hashFiles(): GITHUB_WORKSPACE. */
  readonly workspace?: string;
}

/** How many expressions GitHub's evaluator answered: `if:` conditions, and every other `${{ }}`. */
export class EvaluationCount {
  conditions = 0;
  expressions = 0;
  reset(): { conditions: number; expressions: number } {
    const counted = { conditions: this.conditions, expressions: this.expressions };
    this.conditions = 0;
    this.expressions = 0;
    return counted;
  }
}

export const COUNT = new EvaluationCount();

const CONTEXT_NAMES = ['github', 'env', 'inputs', 'needs', 'steps', 'matrix', 'secrets', 'vars', 'runner', 'job', 'strategy', 'jobs'];

/**
 * hashFiles(patterns…) as the runner computes it: the sha256 of the concatenated sha256 digests of every
 * regular file under GITHUB_WORKSPACE matching a pattern (sorted by path), '' when none matches.
 * Source: actions/runner src/Misc/expressionFunc/hashFiles.
 */
function hashFiles(workspace: string | undefined, patterns: string[]): string {
  if (!workspace) throw new Error('hashFiles() needs a workspace');
  const files = new Set<string>();
  for (const pattern of patterns)
    for (const file of globSync(pattern, { cwd: workspace })) if (statSync(path.join(workspace, file)).isFile()) files.add(path.join(workspace, file));
  if (files.size === 0) return '';
  const all = createHash('sha256');
  for (const file of [...files].sort()) all.update(createHash('sha256').update(readFileSync(file)).digest());
  return all.digest('hex');
}

function functions(
  status: Status,
): Map<string, { name: string; minArgs: number; maxArgs: number; call: (...args: data.ExpressionData[]) => data.ExpressionData }> {
  const define = (name: string, minArgs: number, maxArgs: number, call: (...args: data.ExpressionData[]) => data.ExpressionData) =>
    [name.toLowerCase(), { name, minArgs, maxArgs, call }] as const;
  return new Map([
    define('success', 0, 0, () => new data.BooleanData(!(status.notSucceeded ?? status.failed) && !status.cancelled)),
    define('failure', 0, 0, () => new data.BooleanData(status.failed && !status.cancelled)),
    define('always', 0, 0, () => new data.BooleanData(true)),
    define('cancelled', 0, 0, () => new data.BooleanData(status.cancelled)),
    define(
      'hashFiles',
      1,
      255,
      (...args) =>
        new data.StringData(
          hashFiles(
            status.workspace,
            args.map((arg) => arg.coerceString()),
          ),
        ),
    ),
  ]);
}

const FUNCTION_INFO = ['success', 'failure', 'always', 'cancelled', 'hashFiles'].map((name) => ({ name, minArgs: 0, maxArgs: 255 }));

/** JSON → the evaluator's data. */
export function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

/** The evaluator's data → JSON. */
export function fromData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

/**
 * Evaluates one expression (the text inside `${{ }}`) with GitHub's evaluator.
 * @throws Error naming `where` and the expression when it does not parse or evaluate
 */
export function evaluate(expression: string, contexts: Contexts, status: Status, where: string): unknown {
  try {
    const lexed = new Lexer(expression).lex();
    const parsed = new Parser(lexed.tokens, CONTEXT_NAMES, FUNCTION_INFO).parse();
    const dictionary = new data.Dictionary(...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })));
    COUNT.expressions += 1;
    return fromData(new Evaluator(parsed, dictionary, functions(status)).evaluate());
  } catch (error) {
    throw new Error(`${where}: \${{ ${expression} }}: ${(error as Error).message}`, { cause: error });
  }
}

/** GitHub's truthiness: false, 0, -0, '', null and NaN are false (docs.github.com: "Operators"). */
export function truthy(value: unknown): boolean {
  return !(value === false || value === 0 || value === '' || value === null || value === undefined || Number.isNaN(value));
}

/** An `if:` as the parser left it (already wrapped in `success() && (…)` when it names no status function). */
export function condition(expression: string, contexts: Contexts, status: Status, where: string): boolean {
  COUNT.conditions += 1;
  return truthy(evaluate(expression, contexts, status, `${where} if`));
}

/** A value as the runner passes it to an input or the environment: strings as they are, null as '', the rest as JSON. */
export function asString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

/** A template token (a mapping, a sequence, a scalar, an expression) evaluated to JSON. */
export function evaluateToken(token: TemplateToken | undefined, contexts: Contexts, status: Status, where: string): unknown {
  if (token === undefined) return undefined;
  if (isBasicExpression(token)) return evaluate(token.expression, contexts, status, where);
  if (isString(token)) return token.value;
  if (isBoolean(token) || isNumber(token)) return token.value;
  if (isSequence(token)) {
    const out: unknown[] = [];
    for (let index = 0; index < token.count; index += 1) out.push(evaluateToken(token.get(index), contexts, status, where));
    return out;
  }
  if (isMapping(token)) {
    const out: Record<string, unknown> = {};
    for (let index = 0; index < token.count; index += 1) {
      const pair = token.get(index);
      out[asString(evaluateToken(pair.key, contexts, status, where))] = evaluateToken(pair.value, contexts, status, `${where}.${pair.key.toString()}`);
    }
    return out;
  }
  return null;
}

/**
 * A string with `${{ }}` inside (a raw YAML value the converted template does not carry, such as a
 * reusable workflow's `on.workflow_call.outputs.*.value`): each expression evaluated, the pieces joined.
 */
export function interpolate(text: string, contexts: Contexts, status: Status, where: string): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => asString(evaluate(expression.trim(), contexts, status, where)));
}
