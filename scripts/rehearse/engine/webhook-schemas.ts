// Every event the rehearsal sends is checked against GitHub's webhook payload schemas before any
// workflow runs: @octokit/webhooks-schemas (JSON Schema draft-07, one definition an event and action:
// `pull_request$opened`, `push$event`, `workflow_dispatch$event`…), validated with Ajv (the draft-07
// validator already in node_modules). A payload GitHub would never send stops the rehearsal, naming the
// event and the first schema error, so the `github` context the runner derives is one GitHub could give.
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import type { WebhookEvent } from './events.js';

const SCHEMAS = '@octokit/webhooks-schemas/schema.json';
const KEY = 'webhooks';

let validator: Ajv.Ajv | undefined;

/** The schemas compiled once (their definitions compile on first use, about a second for the first one). */
function ajv(): Ajv.Ajv {
  if (!validator) {
    const schema = createRequire(import.meta.url)(SCHEMAS) as object;
    // jsonPointers: error paths as /pull_request/head/repo; formats checked ('fast': date-time, uri, email…).
    validator = new Ajv({ jsonPointers: true, allErrors: false, format: 'fast' });
    validator.addSchema(schema, KEY);
  }
  return validator;
}

/** The names of the schema's definitions (`<event>$<action>`, `<event>$event`, shared objects). */
function definitions(): Record<string, unknown> {
  return (createRequire(import.meta.url)(SCHEMAS) as { definitions: Record<string, unknown> }).definitions;
}

/**
 * The definition an event's payload must match: `<event>$<action>` for an event with actions
 * (pull_request opened, pull_request_review submitted…), `<event>$event` for one without (push,
 * workflow_dispatch, repository_dispatch).
 *
 * @returns the definition's name, or undefined when the schemas know no such event or action
 */
export function webhookDefinition(event: Pick<WebhookEvent, 'name' | 'payload'>): string | undefined {
  const known = definitions();
  const action = event.payload.action;
  if (typeof action === 'string' && `${event.name}$${action}` in known) return `${event.name}$${action}`;
  if (`${event.name}$event` in known) return `${event.name}$event`;
  return undefined;
}

/**
 * Checks `event`'s payload against GitHub's webhook schema for its event and action.
 *
 * @returns undefined when it matches; otherwise the problem: `<event> (<action>): <path>: <message>`,
 *   the path a JSON pointer into the payload (`(root)` for the payload itself), the first schema error only
 */
export function webhookProblem(event: Pick<WebhookEvent, 'name' | 'payload'>): string | undefined {
  const what = `${event.name}${typeof event.payload.action === 'string' ? ` (${event.payload.action})` : ''}`;
  const definition = webhookDefinition(event);
  if (!definition) return `${what}: GitHub's webhook schemas (${SCHEMAS}) know no such event or action`;
  const validate = ajv().getSchema(`${KEY}#/definitions/${definition}`);
  if (!validate) throw new Error(`${SCHEMAS}: definition ${definition} did not compile`);
  if (validate(event.payload)) return undefined;
  const [error] = validate.errors ?? [];
  if (!error) return `${what}: does not match ${definition}`;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `${what}: ${error.dataPath || '(root)'}: ${error.message ?? error.keyword}${extra} [${definition}]`;
}

/**
 * Stops on a payload GitHub would not send.
 *
 * @throws Error `event <name> (<action>) is not shaped as GitHub sends it: <path>: <message>` (the
 *   caller wraps it in its own stop), before any workflow runs
 */
export function assertWebhookPayload(event: Pick<WebhookEvent, 'name' | 'payload'>): void {
  const problem = webhookProblem(event);
  if (problem) throw new Error(`event ${problem.replace(/^([^:]+):/, '$1 is not shaped as GitHub sends it:')}`);
}
