import { InputError } from '../action/errors.js';

/** The `{name}` placeholders of a template, in order. */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1]!);
}

/**
 * Fills the `{name}` placeholders of a template given in the input `input`
 * (a commit or tag message, a tag name template).
 *
 * @throws InputError naming `input` when the template holds a placeholder not in `values`
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>, input: string): string {
  const unknown = templatePlaceholders(template).find((name) => !Object.hasOwn(values, name));
  if (unknown !== undefined) {
    throw new InputError(
      input,
      `has an unknown placeholder {${unknown}} in "${template}"; known: ${Object.keys(values)
        .map((key) => `{${key}}`)
        .join(', ')}`,
    );
  }
  return template.replace(/\{([^{}]*)\}/g, (_, name: string) => values[name]!);
}
