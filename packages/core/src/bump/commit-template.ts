import { InputError } from '../action/errors.js';

/**
 * Fills `{name}` placeholders of a message template.
 * @throws InputError naming `input` when the template holds a placeholder not in `values`
 */
export function fillTemplate(template: string, values: Record<string, string>, input: string): string {
  for (const [, name] of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(name! in values)) throw new InputError(input, `has an unknown placeholder {${name}}; known: ${Object.keys(values).map((key) => `{${key}}`).join(', ')}`);
  }
  return template.replace(/\{([^{}]*)\}/g, (_, name: string) => values[name]!);
}
