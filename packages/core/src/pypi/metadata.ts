import { ActionError } from '../action/errors.js';

/** Core metadata versions this action reads (packaging.python.org, "Core metadata specifications"). */
export const METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.0', '2.1', '2.2', '2.3', '2.4'];

/** Fields that may appear more than once (core metadata: "Multiple use"). */
const MULTIPLE_USE = new Set([
  'platform',
  'supported-platform',
  'classifier',
  'requires-dist',
  'requires-external',
  'project-url',
  'provides-extra',
  'provides-dist',
  'obsoletes-dist',
  'requires',
  'provides',
  'obsoletes',
  'dynamic',
  'license-file',
]);

/** PKG-INFO parsed: each field by its lower-case name, every value a list (in file order); `description` from the body or the header. */
export interface CoreMetadata {
  readonly fields: ReadonlyMap<string, readonly string[]>;
  readonly metadataVersion: string;
  readonly name: string;
  readonly version: string;
  readonly description?: string;
}

/** The first value of a field, or undefined. */
export function field(metadata: CoreMetadata, name: string): string | undefined {
  return metadata.fields.get(name.toLowerCase())?.[0];
}

/**
 * Parses a PKG-INFO file: RFC 822 style headers, continuation lines (a line
 * starting with white space continues the previous field; the 1.x
 * Description's `        |` prefix is removed), then the description in the
 * body after the first blank line (Metadata 2.1+).
 *
 * @throws ActionError naming `source` for a missing Metadata-Version, Name or Version, or a Metadata-Version outside 1.0–2.4
 */
export function parseCoreMetadata(text: string, source: string): CoreMetadata {
  const normalised = text.replace(/\r\n?/g, '\n');
  const split = normalised.search(/\n\n/);
  const head = split === -1 ? normalised : normalised.slice(0, split);
  const body = split === -1 ? '' : normalised.slice(split + 2);
  const fields = new Map<string, string[]>();
  let last: { name: string; index: number } | undefined;
  for (const line of head.split('\n')) {
    if (/^[ \t]/.test(line) && last) {
      const values = fields.get(last.name)!;
      const continuation = last.name === 'description' ? line.replace(/^ {7,8}\|/, '') : line.trim();
      values[last.index] = `${values[last.index]}\n${continuation}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = fields.get(name) ?? [];
    values.push(value);
    fields.set(name, values);
    last = { name, index: values.length - 1 };
  }
  for (const [name, values] of fields) if (values.length > 1 && !MULTIPLE_USE.has(name)) fields.set(name, [values[values.length - 1]!]);
  const get = (name: string): string | undefined => fields.get(name)?.[0];
  const metadataVersion = get('metadata-version');
  if (!metadataVersion) throw new ActionError(`${source} has no Metadata-Version`);
  if (!METADATA_VERSIONS.includes(metadataVersion))
    throw new ActionError(`${source} has Metadata-Version ${metadataVersion}; this action reads ${METADATA_VERSIONS[0]} to ${METADATA_VERSIONS.at(-1)}`);
  const name = get('name');
  const version = get('version');
  if (!name) throw new ActionError(`${source} has no Name`);
  if (!version) throw new ActionError(`${source} has no Version`);
  const description = body.trim() ? body : get('description');
  return { fields, metadataVersion, name, version, ...(description !== undefined ? { description } : {}) };
}

/** A project name normalised as PEP 503 says: runs of `-`, `_` and `.` become one `-`, all lower case. */
export function normaliseProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * The upload form fields twine sends (twine 4.0.2, PackageFile.metadata_dictionary),
 * from core metadata, in twine's order: a single-value field is sent empty
 * when absent, as twine does; a repeated field appears once a value, and not
 * at all when absent. Metadata 2.4's license_expression and license_file,
 * which newer twine sends, are added when present. `pyversion` is `source`,
 * as PyPI's upload API documents it for an sdist (twine 4.0.2 sends it empty).
 */
export function uploadFields(metadata: CoreMetadata): [string, string][] {
  const one = (name: string): string[] => [field(metadata, name) ?? ''];
  const optional = (name: string): string[] => {
    const value = field(metadata, name);
    return value === undefined ? [] : [value];
  };
  const all = (name: string): string[] => [...(metadata.fields.get(name) ?? [])];
  const entries: [string, string[]][] = [
    ['name', [metadata.name.replace(/[^A-Za-z0-9.]+/g, '-')]],
    ['version', [metadata.version]],
    ['filetype', ['sdist']],
    ['pyversion', ['source']],
    ['metadata_version', [metadata.metadataVersion]],
    ['summary', one('summary')],
    ['home_page', one('home-page')],
    ['author', one('author')],
    ['author_email', one('author-email')],
    ['maintainer', one('maintainer')],
    ['maintainer_email', one('maintainer-email')],
    ['license', one('license')],
    ['description', [metadata.description ?? '']],
    ['keywords', one('keywords')],
    ['platform', all('platform')],
    ['classifiers', all('classifier')],
    ['download_url', one('download-url')],
    ['supported_platform', all('supported-platform')],
    ['comment', ['']],
    ['provides', all('provides')],
    ['requires', all('requires')],
    ['obsoletes', all('obsoletes')],
    ['project_urls', all('project-url')],
    ['provides_dist', all('provides-dist')],
    ['obsoletes_dist', all('obsoletes-dist')],
    ['requires_dist', all('requires-dist')],
    ['requires_external', all('requires-external')],
    ['requires_python', one('requires-python')],
    ['provides_extras', all('provides-extra')],
    ['description_content_type', one('description-content-type')],
    ['dynamic', all('dynamic')],
    ['license_expression', optional('license-expression')],
    ['license_file', all('license-file')],
  ];
  return entries.flatMap(([name, values]) => values.map((value): [string, string] => [name, value]));
}
