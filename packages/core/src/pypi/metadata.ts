import { isUtf8 } from 'node:buffer';
import { ActionError } from '../action/errors.js';
import { parsePythonVersion } from '../versions/python-version.js';

/**
 * The core metadata versions PyPI accepts (warehouse's SUPPORTED_METADATA_VERSIONS, the same as
 * packaging's): 2.0 was never a released specification and is refused.
 */
export const METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'] as const;

/** The metadata version each field appeared in (core metadata specifications; packaging.metadata's `added`). */
export const FIELD_INTRODUCED: Readonly<Record<string, string>> = {
  'metadata-version': '1.0',
  name: '1.0',
  version: '1.0',
  platform: '1.0',
  summary: '1.0',
  description: '1.0',
  keywords: '1.0',
  'home-page': '1.0',
  author: '1.0',
  'author-email': '1.0',
  license: '1.0',
  'supported-platform': '1.1',
  'download-url': '1.1',
  classifier: '1.1',
  requires: '1.1',
  provides: '1.1',
  obsoletes: '1.1',
  maintainer: '1.2',
  'maintainer-email': '1.2',
  'requires-dist': '1.2',
  'provides-dist': '1.2',
  'obsoletes-dist': '1.2',
  'requires-python': '1.2',
  'requires-external': '1.2',
  'project-url': '1.2',
  'description-content-type': '2.1',
  'provides-extra': '2.1',
  dynamic: '2.2',
  'license-expression': '2.4',
  'license-file': '2.4',
  'import-name': '2.5',
  'import-namespace': '2.5',
};

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
  'import-name',
  'import-namespace',
]);

/** PKG-INFO or METADATA parsed: each field by its lower-case name, every value a list (in file order); `description` from the body or the header. */
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

/** Every value of a field, in file order. */
export function fieldValues(metadata: CoreMetadata, name: string): readonly string[] {
  return metadata.fields.get(name.toLowerCase()) ?? [];
}

/**
 * The offset of the first byte that is not part of a valid UTF-8 sequence (RFC 3629 §3: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1 when every byte is.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return -1;
  for (let index = 0; index < bytes.length;) {
    const byte = bytes[index]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0) return index;
    if (length === 1) {
      index += 1;
      continue;
    }
    const second = bytes[index + 1];
    const low = byte === 0xe0 ? 0xa0 : byte === 0xf0 ? 0x90 : 0x80;
    const high = byte === 0xed ? 0x9f : byte === 0xf4 ? 0x8f : 0xbf;
    if (second === undefined || second < low || second > high) return index;
    for (let next = 2; next < length; next += 1) {
      const continuation = bytes[index + next];
      if (continuation === undefined || (continuation & 0xc0) !== 0x80) return index;
    }
    index += length;
  }
  return -1;
}

/**
 * Decodes a metadata file, which the core metadata specification requires in UTF-8.
 * @throws ActionError naming `source` and the byte offset of the first byte that is not UTF-8 (a lenient decoder would put U+FFFD in its place and upload mangled metadata)
 */
export function decodeMetadataFile(bytes: Uint8Array, source: string): string {
  const offset = firstInvalidUtf8Byte(bytes);
  if (offset !== -1) {
    const around = Buffer.from(bytes.subarray(offset, offset + 4)).toString('hex');
    throw new ActionError(
      `${source} is not UTF-8: byte ${offset} (0x${around.slice(0, 2)}, then ${around.slice(2) || 'nothing'}) starts no valid UTF-8 sequence; core metadata must be UTF-8 (rebuild with a current build backend)`,
    );
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses PKG-INFO or METADATA: RFC 822 style headers, continuation lines (a line starting with
 * white space continues the previous field; the 1.x Description's `        |` prefix is removed),
 * then the description in the body after the first blank line (Metadata 2.1+).
 *
 * @throws ActionError naming `source` for a missing Metadata-Version, Name or Version, or a Metadata-Version PyPI refuses, in PyPI's words
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
  if (!metadataVersion)
    throw new ActionError(`${source} has no Metadata-Version: PyPI would answer 400 ${metadataError('None is not a valid metadata version')}`);
  if (!(METADATA_VERSIONS as readonly string[]).includes(metadataVersion))
    throw new ActionError(
      `${source} has Metadata-Version ${metadataVersion}, which PyPI refuses (it accepts ${METADATA_VERSIONS.join(', ')}): 400 ${metadataError(`'${metadataVersion}' is not a valid metadata version`)}`,
    );
  const name = get('name');
  const version = get('version');
  if (!name) throw new ActionError(`${source} has no Name: PyPI would answer 400 ${metadataError("'name' is a required field")}`);
  if (!version) throw new ActionError(`${source} has no Version: PyPI would answer 400 ${metadataError("'version' is a required field")}`);
  const description = body.trim() ? body : get('description');
  return { fields, metadataVersion, name, version, ...(description !== undefined ? { description } : {}) };
}

/** A project name normalised as PEP 503 says: runs of `-`, `_` and `.` become one `-`, all lower case. */
export function normaliseProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** A valid project name (core metadata "Name"; packaging's canonicalize_name(validate=True)). */
export const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** PyPI's metadata error text (warehouse forklift: the message, a final period, then the specification's address). */
export function metadataError(message: string): string {
  return `${message}${message.endsWith('.') ? '' : '.'} See https://packaging.python.org/specifications/core-metadata for more information.`;
}

const versionKey = (version: string): number => Number(version.replace('.', ''));
const DYNAMIC_FORBIDDEN = new Set(['name', 'version', 'metadata-version']);
const CONTENT_TYPES = new Set(['text/plain', 'text/x-rst', 'text/markdown']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

function importNameProblem(value: string, field: string): string | undefined {
  const [dotted = '', ...options] = value.split(';').map((part) => part.trim());
  if (options.length > 1 || (options.length === 1 && options[0] !== 'private'))
    return `'${value}' is invalid for '${field}'; the only valid option is 'private'`;
  for (const part of dotted.split('.')) {
    if (!IDENTIFIER.test(part)) return `'${value}' is invalid for '${field}'; '${part}' is not a valid identifier`;
    if (PYTHON_KEYWORDS.has(part)) return `'${value}' is invalid for '${field}'; '${part}' is a keyword`;
  }
  return undefined;
}

/**
 * The first problem PyPI's upload endpoint would find in this metadata (warehouse
 * forklift/metadata.py over packaging.metadata: fields newer than the declared version, the name,
 * the PEP 440 version without a local part, the summary, License and License-Expression together,
 * License-File paths, Dynamic, Import-Name, Provides-Extra, Project-URL labels, the description's
 * content type), as PyPI words it, or undefined. Not checked here: classifiers against
 * trove-classifiers, e-mail addresses, URLs, PEP 508 requirements, the description's rendering.
 *
 * @param sent the fields that will be sent (License-File is left out below 2.4, see uploadFields)
 */
export function metadataProblem(metadata: CoreMetadata, sent: ReadonlySet<string> = new Set(metadata.fields.keys())): string | undefined {
  const declared = versionKey(metadata.metadataVersion);
  for (const name of metadata.fields.keys()) {
    const added = FIELD_INTRODUCED[name];
    if (added && sent.has(name) && versionKey(added) > declared) return `${name} introduced in metadata version ${added}, not ${metadata.metadataVersion}`;
  }
  if (!PROJECT_NAME.test(metadata.name)) return `'${metadata.name}' is invalid for 'name'`;
  const version = parsePythonVersion(metadata.version);
  if (!version) return `'${metadata.version}' is invalid for 'version'`;
  if (version.text.includes('+'))
    return `The use of local versions in '${metadata.version}' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.`;
  const summary = field(metadata, 'summary');
  if (summary !== undefined && summary.length > 512) return "'summary' field must be 512 characters or less.";
  if (summary?.includes('\n')) return "'summary' must be a single line";
  if (field(metadata, 'license') !== undefined && field(metadata, 'license-expression') !== undefined)
    return 'License is deprecated when License-Expression is present. Only License-Expression should be present.';
  if (sent.has('license-file')) {
    for (const file of fieldValues(metadata, 'license-file')) {
      const problem = file.split('/').includes('..')
        ? 'parent directory indicators are not allowed'
        : file.includes('*')
          ? 'paths must be resolved'
          : file.startsWith('/') || /^[A-Za-z]:/.test(file)
            ? 'paths must be relative'
            : file.includes('\\')
              ? "paths must use '/' delimiter"
              : undefined;
      if (problem) return `'${file}' is invalid for 'license-file', ${problem}`;
    }
  }
  for (const value of fieldValues(metadata, 'dynamic')) {
    const lower = value.toLowerCase();
    if (DYNAMIC_FORBIDDEN.has(lower)) return `'${lower}' is not allowed as a dynamic field`;
    if (!(lower in FIELD_INTRODUCED)) return `'${lower}' is not a valid dynamic field`;
  }
  for (const name of ['import-name', 'import-namespace'])
    for (const value of fieldValues(metadata, name)) {
      const problem = importNameProblem(value, name);
      if (problem) return problem;
    }
  for (const extra of fieldValues(metadata, 'provides-extra')) if (!PROJECT_NAME.test(extra)) return `'${extra}' is invalid for 'provides-extra'`;
  const labels = new Set<string>();
  for (const entry of fieldValues(metadata, 'project-url')) {
    const [label = '', url = ''] = entry.split(/,(.*)/s).map((part) => part.trim());
    if (!label) return 'Must have a label';
    if (label.length > 32) return `'${label}' must be 32 characters or less.`;
    if (!url) return 'Must have a URL';
    if (labels.has(label)) return "'project_urls' has invalid data";
    labels.add(label);
  }
  const contentType = field(metadata, 'description-content-type');
  if (contentType !== undefined) {
    const [type = '', ...parameters] = contentType.split(';').map((part) => part.trim());
    if (!CONTENT_TYPES.has(type.toLowerCase())) return `'${contentType}' is invalid for 'description-content-type'`;
    const charset = parameters.find((parameter) => /^charset=/i.test(parameter));
    if (charset && charset.slice('charset='.length).replace(/"/g, '').toLowerCase() !== 'utf-8')
      return `'${contentType}' is invalid for 'description-content-type'`;
  }
  return undefined;
}

/** The kind of file an upload carries, as PyPI's upload form names it. */
export type FileType = 'sdist' | 'bdist_wheel';

/**
 * The upload form fields twine sends (twine 4.0.2, PackageFile.metadata_dictionary), from core
 * metadata, in twine's order: a single-value field is sent empty when absent, as twine 4.0.2 does;
 * a repeated field appears once a value, and not at all when absent. Where PyPI reads another name
 * than twine 4.0.2 sent, PyPI's name: `provides_extra` (twine 4.0.2 sent `provides_extras`,
 * which warehouse ignores). Newer fields as current twine sends them: `license_expression`,
 * `license_file` (only from Metadata-Version 2.4: below it, like twine, License-File is left out,
 * as setuptools and hatchling wrote it there before PEP 639), and Metadata 2.5's `import_name`
 * and `import_namespace` (warehouse's form names). `pyversion` is `source` for an sdist and the
 * wheel's Python tag for a wheel.
 */
export function uploadFields(
  metadata: CoreMetadata,
  file: { filetype: FileType; pyversion: string } = { filetype: 'sdist', pyversion: 'source' },
): [string, string][] {
  const one = (name: string): string[] => [field(metadata, name) ?? ''];
  const optional = (name: string): string[] => {
    const value = field(metadata, name);
    return value === undefined ? [] : [value];
  };
  const all = (name: string): string[] => [...fieldValues(metadata, name)];
  const entries: [string, string[]][] = [
    ['name', [metadata.name.replace(/[^A-Za-z0-9.]+/g, '-')]],
    ['version', [metadata.version]],
    ['filetype', [file.filetype]],
    ['pyversion', [file.pyversion]],
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
    ['provides_extra', all('provides-extra')],
    ['description_content_type', one('description-content-type')],
    ['dynamic', all('dynamic')],
    ['license_expression', optional('license-expression')],
    ['license_file', sendsLicenseFiles(metadata) ? all('license-file') : []],
    ['import_name', all('import-name')],
    ['import_namespace', all('import-namespace')],
  ];
  return entries.flatMap(([name, values]) => values.map((value): [string, string] => [name, value]));
}

/** Whether License-File is sent (and so checked by PyPI): only from Metadata-Version 2.4, which defines it (PEP 639). */
export function sendsLicenseFiles(metadata: CoreMetadata): boolean {
  return versionKey(metadata.metadataVersion) >= 24;
}
