import { InputError } from '../action/errors.js';
import { fillTemplate, templatePlaceholders } from '../util/template.js';
import { isValidTag } from './reference.js';
import type { TagPair } from './plan.js';

/**
 * Expands tag templates for every flavour: `{flavour}` and `{version}` are
 * replaced; the same tag name is used in the source and the target. A tag
 * made from a template holding `{version}` is versioned: it must not move.
 *
 * @throws InputError naming `flavours`, `tags` or `version` for an empty list, a template without {flavour}, an unknown placeholder, a missing version, or an invalid tag
 */
export function expandTagTemplates(flavours: readonly string[], templates: readonly string[], version: string): TagPair[] {
  if (flavours.length === 0) throw new InputError('flavours', 'is empty: list at least one flavour, e.g. full');
  if (templates.length === 0) throw new InputError('tags', 'is empty: list at least one template, e.g. {flavour}');
  for (const template of templates) {
    fillTemplate(template, { flavour: '', version: '' }, 'tags');
    if (!templatePlaceholders(template).includes('flavour'))
      throw new InputError('tags', `template "${template}" has no {flavour} placeholder: every flavour would write the same tag`);
    if (template.includes('{version}') && !version)
      throw new InputError('version', `is needed by the tag template "${template}": set version, or run on a pushed tag`);
  }
  const pairs: TagPair[] = [];
  for (const flavour of flavours) {
    for (const template of templates) {
      const tag = fillTemplate(template, { flavour, version }, 'tags');
      if (!isValidTag(tag))
        throw new InputError(
          'tags',
          `template "${template}" makes "${tag}" for flavour "${flavour}"${template.includes('{version}') ? ` and version "${version}"` : ''}, which is not a valid tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})`,
        );
      pairs.push({ sourceTag: tag, targetTag: tag, flavour, versioned: template.includes('{version}') });
    }
  }
  return pairs;
}
