import { createHash, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import * as pep440 from '@renovatebot/pep440';
import { blake2b } from 'hash-wasm';
import { Parser } from 'tar';
import { closeServer, listenOnLoopback } from './loopback.js';
import type { AttestationObject, GitHubIdentity } from './sigstore.js';

// A stand-in for PyPI's upload endpoint. Every rule below is re-derived from warehouse's upload
// handler (pypi/warehouse warehouse/forklift/legacy.py, forms.py, metadata.py, utils/zipfiles.py,
// attestations/services.py, oidc/views.py; packaging 26.2; pypi-attestations), read for
// /work/notes/warehouse-upload.md: "§N" cites that note's section, which names the code. Not
// mirrored: classifiers against trove-classifiers, e-mail and URL syntax, PEP 508 parsing beyond
// direct references, the description's rendering, the 14-day rule, YARA scans, organisations.

/** A multipart part: a field, or the file. */
interface Part {
  name: string;
  value: Buffer;
  filename?: string;
  contentType?: string;
}

/**
 * Parses a multipart/form-data body (RFC 7578) with Buffer searches, keeping every value's bytes
 * as sent (undici's formData() is slow on a 20 MB file).
 */
export function parseMultipart(
  body: Buffer,
  contentType: string,
): { fields: [string, string][]; parts: Part[]; content?: { name: string; bytes: Buffer; contentType?: string } } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  const fields: [string, string][] = [];
  const parts: Part[] = [];
  let content: { name: string; bytes: Buffer; contentType?: string } | undefined;
  if (!boundary) return { fields, parts };
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headersEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headersEnd);
    if (headersEnd === -1 || next === -1) break;
    const headers = body.subarray(start + 2, headersEnd).toString('utf8');
    const value = body.subarray(headersEnd + 4, next - 2);
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    const partType = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim();
    parts.push({ name, value, ...(filename !== undefined ? { filename } : {}), ...(partType ? { contentType: partType } : {}) });
    if (filename !== undefined && name === 'content') content = { name: filename, bytes: value, ...(partType ? { contentType: partType } : {}) };
    else if (filename === undefined) fields.push([name, value.toString('utf8')]);
    position = next;
  }
  return { fields, parts, ...(content ? { content } : {}) };
}

/** A file the index holds, with every form field of its upload (content left out) and the attestations it verified. */
export interface ReceivedFile {
  readonly filename: string;
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly blake2b256: string;
  readonly project: string;
  readonly version: string;
  readonly filetype: string;
  readonly fields: [string, string][];
  /** The core metadata as warehouse reads it from the form: only the keys it knows (§4), by form key. */
  readonly metadata: Record<string, string[]>;
  /** The attestations stored as provenance (§8), when the upload carried them. */
  readonly attestations?: AttestationObject[];
}

/** Who may publish through trusted publishing: the claims the job's OIDC token must carry. */
export interface TrustedPublisher {
  repository: string;
  workflow: string;
  environment?: string;
  /** The project it publishes (created on first upload, as a pending publisher does); unset: any. */
  project?: string;
}

/** An answer to give to the next upload before anything else is checked: a status, or a status with a reason and headers. */
export type InjectedAnswer = number | { status: number; reason?: string; headers?: Record<string, string> };

const normalise = (name: string): string => name.replace(/[-_.]+/g, '-').toLowerCase();

/**
 * A distribution file name "ultranormalised" as pypi-attestations compares an attestation's subject
 * with the uploaded file (`_ultranormalize_dist_filename`, used by Attestation.verify on both names):
 * the name canonicalised with `_` for `-`, the version normalised (PEP 440), and a wheel's compressed
 * tag sets sorted. Packaging's parse_sdist_filename / parse_wheel_filename split the name.
 *
 * @throws Error "unknown distribution format: <name>" or "invalid … filename" for a name neither parses
 */
export function ultranormaliseDistFilename(filename: string): string {
  const version = (text: string): string => {
    const clean = pep440.clean(text);
    if (!clean) throw new Error(`invalid version in ${filename}`);
    return clean;
  };
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) throw new Error(`invalid wheel filename (wrong number of parts): ${filename}`);
    const [name, ver] = parts as [string, string];
    const tags = parts.slice(-3).map((set) => set.split('.').sort().join('.'));
    const build = parts.length === 6 ? [parts[2]!] : [];
    return `${[normalise(name).replace(/-/g, '_'), version(ver), ...build, ...tags].join('-')}.whl`;
  }
  if (filename.endsWith('.tar.gz')) {
    const stem = filename.slice(0, -'.tar.gz'.length);
    const dash = stem.lastIndexOf('-');
    if (dash <= 0) throw new Error(`invalid sdist filename: ${filename}`);
    return `${normalise(stem.slice(0, dash)).replace(/-/g, '_')}-${version(stem.slice(dash + 1))}.tar.gz`;
  }
  throw new Error(`unknown distribution format: ${filename}`);
}
const base64url = (value: object | Buffer): string => (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');
const HELP = 'https://pypi.org/help/';
const CORE_METADATA = 'https://packaging.python.org/specifications/core-metadata';

/**
 * A stand-in for GitHub's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL): answers
 * `GET /token?api-version=2.0&audience=…` with `{"value": <RS256 JWT>}` carrying GitHub's claims,
 * each token with its own `jti` (as GitHub's do: PyPI burns them).
 */
export class OidcIssuerStandIn {
  readonly requestToken = 'runner-request-token';
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  claims: Record<string, string> = {};
  /** The audiences asked for, in order. */
  readonly audiences: string[] = [];
  private server?: Server;
  url = '';

  async start(claims: Record<string, string>): Promise<this> {
    this.claims = claims;
    this.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://oidc');
      if (request.headers.authorization !== `Bearer ${this.requestToken}`) return void response.writeHead(401).end();
      const now = Math.floor(Date.now() / 1000);
      const audience = url.searchParams.get('audience') ?? '';
      this.audiences.push(audience);
      const payload = {
        iss: 'https://token.actions.githubusercontent.com',
        aud: audience,
        iat: now,
        nbf: now - 5,
        exp: now + 300,
        jti: randomUUID(),
        ...this.claims,
      };
      const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${base64url(payload)}`;
      const value = `${unsigned}.${base64url(sign('sha256', Buffer.from(unsigned), this.keys.privateKey))}`;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value }));
    });
    this.url = `${await listenOnLoopback(this.server)}/token?api-version=2.0`;
    return this;
  }

  /** The environment the runner gives a job with `permissions: id-token: write`. */
  env(): Record<string, string> {
    return { ACTIONS_ID_TOKEN_REQUEST_URL: this.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken };
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

/** Why an upload is refused: the status and PyPI's message, which goes into the reason phrase (§0). */
class Refusal {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}
const refuse = (status: number, message: string): never => {
  throw new Refusal(status, message);
};
const metadataRefusal = (message: string): never => refuse(400, `${message}${message.endsWith('.') ? '' : '.'} See ${CORE_METADATA} for more information.`);

/** Form keys warehouse reads as core metadata (§4 table): key → [core metadata name, version added, multiple use]. */
const METADATA_KEYS: Record<string, [string, string, boolean]> = {
  metadata_version: ['metadata-version', '1.0', false],
  name: ['name', '1.0', false],
  version: ['version', '1.0', false],
  summary: ['summary', '1.0', false],
  description: ['description', '1.0', false],
  author: ['author', '1.0', false],
  author_email: ['author-email', '1.0', false],
  license: ['license', '1.0', false],
  home_page: ['home-page', '1.0', false],
  keywords: ['keywords', '1.0', false],
  platform: ['platform', '1.0', true],
  supported_platform: ['supported-platform', '1.1', true],
  download_url: ['download-url', '1.1', false],
  classifiers: ['classifier', '1.1', true],
  requires: ['requires', '1.1', true],
  provides: ['provides', '1.1', true],
  obsoletes: ['obsoletes', '1.1', true],
  maintainer: ['maintainer', '1.2', false],
  maintainer_email: ['maintainer-email', '1.2', false],
  requires_python: ['requires-python', '1.2', false],
  requires_dist: ['requires-dist', '1.2', true],
  provides_dist: ['provides-dist', '1.2', true],
  obsoletes_dist: ['obsoletes-dist', '1.2', true],
  requires_external: ['requires-external', '1.2', true],
  project_urls: ['project-url', '1.2', true],
  description_content_type: ['description-content-type', '2.1', false],
  provides_extra: ['provides-extra', '2.1', true],
  dynamic: ['dynamic', '2.2', true],
  license_expression: ['license-expression', '2.4', false],
  license_file: ['license-file', '2.4', true],
  import_name: ['import-name', '2.5', true],
  import_namespace: ['import-namespace', '2.5', true],
};
const METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'];
const NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const versionNumber = (version: string): number => Number(version.replace('.', ''));

/** The core metadata warehouse reads from the form (§4): known keys only, `[""]` as absent, single-valued fields once. */
function formMetadata(fields: [string, string][]): Record<string, string[]> {
  const metadata: Record<string, string[]> = {};
  for (const [key, value] of fields) if (key in METADATA_KEYS) (metadata[key] ??= []).push(value);
  for (const [key, values] of Object.entries(metadata)) {
    if (values.length === 1 && values[0] === '') delete metadata[key];
    else if (!METADATA_KEYS[key]![2] && values.length > 1) metadataRefusal(`'${key}' has invalid data`);
  }
  return metadata;
}

/** packaging.metadata's and warehouse's checks of the form's metadata (§4), in their order of report (§3.7). */
function checkMetadata(metadata: Record<string, string[]>): void {
  const one = (key: string): string | undefined => metadata[key]?.[0];
  const declared = one('metadata_version');
  if (declared === undefined) metadataRefusal('None is not a valid metadata version');
  if (!METADATA_VERSIONS.includes(declared!)) metadataRefusal(`'${declared}' is not a valid metadata version`);
  const name = one('name');
  const version = one('version');
  if (!name) metadataRefusal("'name' is a required field");
  if (!version) metadataRefusal("'version' is a required field");
  if (!NAME.test(name!)) metadataRefusal(`'${name}' is invalid for 'name'`);
  const parsed = pep440.explain(version!);
  if (!parsed) metadataRefusal(`'${version}' is invalid for 'version'`);
  if (parsed!.local)
    refuse(
      400,
      `The use of local versions in '${version}' is not allowed. See https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.`,
    );
  // Then the alphabetically first failing field (§3.7).
  const problems: [string, string][] = [];
  for (const key of Object.keys(metadata)) {
    const [email, added] = METADATA_KEYS[key]!;
    if (versionNumber(added) > versionNumber(declared!)) problems.push([email, `${email} introduced in metadata version ${added}, not ${declared}`]);
  }
  const summary = one('summary');
  if (summary && summary.length > 512) problems.push(['summary', "'summary' field must be 512 characters or less."]);
  if (summary?.includes('\n')) problems.push(['summary', "'summary' must be a single line"]);
  for (const extra of metadata['provides_extra'] ?? []) if (!NAME.test(extra)) problems.push(['provides-extra', `'${extra}' is invalid for 'provides-extra'`]);
  for (const file of metadata['license_file'] ?? []) {
    const why = file.split('/').includes('..')
      ? 'parent directory indicators are not allowed'
      : file.includes('*')
        ? 'paths must be resolved'
        : file.startsWith('/')
          ? 'paths must be relative'
          : file.includes('\\')
            ? "paths must use '/' delimiter"
            : undefined;
    if (why) problems.push(['license-file', `'${file}' is invalid for 'license-file', ${why}`]);
  }
  for (const value of metadata['dynamic'] ?? []) {
    const lower = value.toLowerCase();
    if (['name', 'version', 'metadata-version'].includes(lower)) problems.push(['dynamic', `'${lower}' is not allowed as a dynamic field`]);
    else if (!Object.values(METADATA_KEYS).some(([email]) => email === lower)) problems.push(['dynamic', `'${lower}' is not a valid dynamic field`]);
  }
  for (const key of ['import_name', 'import_namespace'])
    for (const value of metadata[key] ?? []) {
      const [dotted = '', option] = value.split(';').map((part) => part.trim());
      if (option !== undefined && option !== 'private')
        problems.push([METADATA_KEYS[key]![0], `'${value}' is invalid for '${METADATA_KEYS[key]![0]}'; the only valid option is 'private'`]);
      const bad = dotted.split('.').find((part) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(part));
      if (bad !== undefined)
        problems.push([METADATA_KEYS[key]![0], `'${value}' is invalid for '${METADATA_KEYS[key]![0]}'; '${bad}' is not a valid identifier`]);
    }
  const labels = new Set<string>();
  for (const entry of metadata['project_urls'] ?? []) {
    const [label = '', url = ''] = entry.split(/,(.*)/s).map((part) => part.trim());
    if (!label) problems.push(['project-url', 'Must have a label']);
    else if (label.length > 32) problems.push(['project-url', `'${label}' must be 32 characters or less.`]);
    else if (!url) problems.push(['project-url', 'Must have a URL']);
    else if (labels.has(label)) problems.push(['project-url', "'project_urls' has invalid data"]);
    labels.add(label);
  }
  for (const requirement of metadata['requires_dist'] ?? [])
    if (/^[^;]*@/.test(requirement)) problems.push(['requires-dist', `Can't have direct dependency: ${requirement}`]);
  const contentType = one('description_content_type');
  if (contentType && !['text/plain', 'text/x-rst', 'text/markdown'].includes(contentType.split(';')[0]!.trim().toLowerCase()))
    problems.push(['description-content-type', `'${contentType}' is invalid for 'description-content-type'`]);
  problems.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (problems.length) metadataRefusal(problems[0]![1]);
  if (one('license') !== undefined && one('license_expression') !== undefined)
    metadataRefusal('License is deprecated when License-Expression is present. Only License-Expression should be present.');
}

/** The form fields warehouse's UploadForm validates (§3.6). */
function checkForm(fields: Map<string, string>): void {
  const name = fields.get('name') ?? '';
  const shown = name.length > 60 ? `${name.slice(0, 30)}...${name.slice(-30)}` : name;
  if (!name) refuse(400, `'' is an invalid value for Name. Error: This field is required. See ${CORE_METADATA} for more information.`);
  if (!NAME.test(name))
    refuse(
      400,
      `'${shown}' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. See ${CORE_METADATA} for more information.`,
    );
  const errors: [string, string][] = [];
  const filetype = fields.get('filetype');
  if (!filetype) errors.push(['filetype', 'Invalid value for filetype. Error: This field is required.']);
  else if (!['sdist', 'bdist_wheel'].includes(filetype)) errors.push(['filetype', 'Invalid value for filetype. Error: Use a known file type.']);
  const pyversion = fields.get('pyversion');
  if (filetype && filetype !== 'sdist' && !pyversion)
    errors.push(['pyversion', 'Invalid value for pyversion. Error: Python version is required for binary distribution uploads.']);
  if (filetype === 'sdist' && pyversion && pyversion !== 'source')
    errors.push(['pyversion', "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."]);
  for (const [key, what] of [
    ['sha256_digest', 'SHA256'],
    ['blake2_256_digest', 'BLAKE2'],
  ] as const) {
    const value = fields.get(key);
    if (value && !/^[a-f0-9]{64}$/i.test(value)) errors.push([key, `Invalid value for ${key}. Error: Use a valid, hex-encoded, ${what} message digest.`]);
  }
  errors.sort(([a], [b]) => (a < b ? -1 : 1));
  if (errors.length) refuse(400, errors[0]![1]);
  if (!fields.get('md5_digest') && !fields.get('sha256_digest') && !fields.get('blake2_256_digest')) refuse(400, 'Error: Include at least one message digest.');
}

/** The valid platform tags of a wheel (§6.22, `_valid_platform_tag`). */
function validPlatform(platform: string): boolean {
  const linux = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64', 'ppc64'];
  const mac = ['ppc', 'ppc64', 'i386', 'x86_64', 'arm64', 'intel', 'fat', 'fat3', 'fat64', 'universal', 'universal2'];
  if (['any', 'win32', 'win_arm64', 'win_amd64', 'win_ia64', 'linux_armv6l', 'linux_armv7l'].includes(platform)) return true;
  if (/^manylinux(1|2010)_(x86_64|i686)$/.test(platform) || /^manylinux2014_(x86_64|i686|aarch64|armv7l|ppc64|ppc64le|s390x)$/.test(platform)) return true;
  const many = /^(manylinux|musllinux)_\d+_\d+_(.+)$/.exec(platform);
  if (many) return linux.includes(many[2]!) && !(many[1] === 'musllinux' && many[2] === 'ppc64');
  const macos = /^macosx_(\d+)_(\d+)_(.+)$/.exec(platform);
  if (macos) return (macos[1] === '10' || (['11', '12', '13', '14', '15', '26'].includes(macos[1]!) && macos[2] === '0')) && mac.includes(macos[3]!);
  return /^(ios_\d+_\d+_(arm64|x86_64)_(iphoneos|iphonesimulator)|android_\d+_(armeabi_v7a|arm64_v8a|x86|x86_64)|pyemscripten_\d+_\d+_wasm32)$/.test(platform);
}

/**
 * A zip archive walked from byte 0 record by record, as warehouse utils/zipfiles.py walks it,
 * every local header matched with its central directory record (§6.20).
 * @returns the members, their bytes read on demand
 */
function walkZip(bytes: Buffer): { has(name: string): boolean; get(name: string): Buffer | undefined } {
  const notAccepted = (reason: string): never =>
    refuse(400, `Invalid distribution file. ZIP archive not accepted: ${reason}. See https://docs.pypi.org/archives for more information`);
  const local = new Map<string, { compressed: number; size: number; data: Buffer; method: number }>();
  const central = new Map<string, { compressed: number; size: number }>();
  let offset = 0;
  let ended = false;
  while (offset + 4 <= bytes.length && !ended) {
    const signature = bytes.readUInt32LE(offset);
    if (signature === 0x04034b50) {
      const flags = bytes.readUInt16LE(offset + 6);
      if (flags & 0x8) notAccepted('ZIP contains a data descriptor');
      const method = bytes.readUInt16LE(offset + 8);
      const compressed = bytes.readUInt32LE(offset + 18);
      const size = bytes.readUInt32LE(offset + 22);
      const nameLength = bytes.readUInt16LE(offset + 26);
      const extraLength = bytes.readUInt16LE(offset + 28);
      const name = bytes.subarray(offset + 30, offset + 30 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
      if (local.has(name)) notAccepted('Duplicate filename in local headers');
      const start = offset + 30 + nameLength + extraLength;
      local.set(name, { compressed, size, method, data: bytes.subarray(start, start + compressed) });
      offset = start + compressed;
    } else if (signature === 0x02014b50) {
      const flags = bytes.readUInt16LE(offset + 8);
      const nameLength = bytes.readUInt16LE(offset + 28);
      const extraLength = bytes.readUInt16LE(offset + 30);
      const commentLength = bytes.readUInt16LE(offset + 32);
      const name = bytes.subarray(offset + 46, offset + 46 + nameLength).toString(flags & 0x800 ? 'utf8' : 'latin1');
      if (commentLength) notAccepted('Comment in central directory');
      if (central.has(name)) notAccepted('Duplicate filename in central directory');
      if (!local.has(name)) notAccepted('Filename not in central directory');
      const record = { compressed: bytes.readUInt32LE(offset + 20), size: bytes.readUInt32LE(offset + 24) };
      if (record.compressed !== local.get(name)!.compressed) notAccepted('Mis-matched data size');
      if (record.size !== local.get(name)!.size) notAccepted('Mis-matched file size');
      central.set(name, record);
      offset += 46 + nameLength + extraLength + commentLength;
    } else if (signature === 0x06054b50) {
      ended = true;
    } else if (signature === 0x06064b50 || signature === 0x07064b50) {
      notAccepted('ZIP64 extensible data not allowed');
    } else {
      notAccepted('Unknown record signature');
    }
  }
  if (!ended) refuse(400, 'Invalid distribution file. File is not a zipfile');
  if ([...local.keys()].some((name) => !central.has(name))) notAccepted('Missing filename in local headers');
  for (const member of local.values())
    if (member.method !== 0 && member.method !== 8) refuse(400, 'Invalid distribution file. File does not use a supported compression type');
  // Inflated when read: the handler reads a few small members of the .dist-info directory.
  return {
    has: (name: string) => local.has(name),
    get: (name: string) => {
      const member = local.get(name);
      return member && (member.method === 0 ? member.data : inflateRawSync(member.data));
    },
  };
}

/** The members of a gzipped tar (§6.20: opened `r:gz`), or PyPI's refusal. */
function tarMembers(bytes: Buffer): { names: string[]; sparse: boolean } {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch {
    return refuse(400, 'Invalid distribution file. File is not a tarfile');
  }
  const names: string[] = [];
  let sparse = false;
  let failed = false;
  const parser = new Parser({ strict: true, onReadEntry: (entry) => (names.push(entry.path), (sparse ||= entry.type === 'SparseFile'), entry.resume()) });
  parser.on('error', () => (failed = true));
  parser.end(tar);
  if (failed || names.length === 0) refuse(400, 'Invalid distribution file. File is not a tarfile');
  return { names, sparse };
}

/**
 * A stand-in for a package index (PyPI, TestPyPI): the upload API at /legacy/ answering as
 * warehouse does (§0–§8: PyPI's message in the reason phrase and an HTML body), trusted publishing
 * (/_/oidc/audience, /_/oidc/mint-token with JTI reuse refused, §9), and a simple index of what it
 * holds (PEP 503 HTML, PEP 691 JSON) with the files at /packages/. Faults for tests: injected
 * answers, dropped connections, read-only mode, a lost mint answer, an index echoing headers.
 */
export class PackageIndexStandIn {
  readonly files = new Map<string, ReceivedFile>();
  readonly uploads: { status: number; reason: string; fields: [string, string][]; contentFilename?: string }[] = [];
  /** API tokens of a user who may create projects. */
  readonly tokens = new Set<string>();
  /** Minted trusted-publishing tokens and the publisher each stands for. */
  readonly minted = new Map<string, TrustedPublisher>();
  /** Answers for the next uploads, before anything else is checked, e.g. [503, 503]. */
  readonly failNext: InjectedAnswer[] = [];
  /** How many of the next uploads lose their connection unanswered (reset once half the body arrived). */
  dropNext = 0;
  /** Uploads whose connection was dropped so far. */
  dropped = 0;
  /** For each answered upload, milliseconds from the request's arrival to the answer sent. */
  readonly uploadMilliseconds: number[] = [];
  /** For each answered upload, milliseconds from the whole body received to the answer sent: the index's own work. */
  readonly checkMilliseconds: number[] = [];
  /** How an identical re-upload is answered: 200 as PyPI does (§6.16), or 400 as older indexes did. */
  identicalReupload: 200 | 400 = 200;
  /** The READ_ONLY admin flag (§2). */
  readOnly = false;
  /** A misconfigured index (or proxy) that answers 403 "Forbidden" with the request's headers in its body. */
  echoHeadersOn403 = false;
  /** How many of the next mints are carried out (the JTI burnt, the token made) and then lose their answer. */
  dropNextMintAnswer = 0;
  /** Mint requests received. */
  mintRequests = 0;
  /** File names of deleted files (§6.17). */
  readonly deletedFilenames = new Set<string>();
  /** Largest file, bytes (§6.14: MAX_FILESIZE). */
  uploadLimit = 100 * 1024 * 1024;
  trustedPublisher?: TrustedPublisher;
  oidcPublicKey?: KeyObject;
  /** Verifies an attestation's Sigstore bundle and publisher identity (the Sigstore stand-in's verifyAttestation); without it every attestation is refused, as an unverifiable one is. */
  attestationVerifier?: (attestation: AttestationObject, identity: GitHubIdentity) => Buffer;
  private readonly usedJtis = new Set<string>();
  private readonly projects = new Map<string, { name: string; releases: Map<string, { sdist: boolean }> }>();
  private server?: Server;
  url = '';

  constructor(readonly audience: string) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response).catch((error: Error) => response.writeHead(500).end(error.message)));
    this.url = await listenOnLoopback(this.server);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Forgets every file, project, token and fault. */
  reset(): void {
    this.files.clear();
    this.projects.clear();
    this.uploads.length = 0;
    this.failNext.length = 0;
    this.dropNext = 0;
    this.dropped = 0;
    this.uploadMilliseconds.length = 0;
    this.checkMilliseconds.length = 0;
    this.tokens.clear();
    this.minted.clear();
    this.usedJtis.clear();
    this.deletedFilenames.clear();
    this.identicalReupload = 200;
    this.readOnly = false;
    this.echoHeadersOn403 = false;
    this.dropNextMintAnswer = 0;
    this.mintRequests = 0;
  }

  /** Warehouse's answer (§0): the message as the reason phrase (Latin-1, other characters as `?`) and in Pyramid's HTML page. */
  private answer(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, body?: string): void {
    const reason = message.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
    const page = `<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1>${reason}</body></html>`;
    response.writeHead(status, reason, { 'content-type': 'text/html; charset=UTF-8', ...headers }).end(body ?? page);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    // A wrong URL (not the upload endpoint) that redirects, as a web server in front of an index would.
    if (request.method === 'POST' && url.pathname === '/') return void response.writeHead(301, 'Moved Permanently', { location: `${this.url}/legacy/` }).end();
    // §1: /legacy without its slash.
    if (request.method === 'POST' && url.pathname === '/legacy')
      return void response
        .writeHead(308, 'An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)', { location: '/legacy/' })
        .end();
    if (request.method === 'POST' && url.pathname === '/legacy/') return this.upload(request, response);
    if (request.method === 'GET' && url.pathname === '/_/oidc/audience')
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ audience: this.audience }));
    if (request.method === 'POST' && url.pathname === '/_/oidc/mint-token') return this.mint(request, response);
    const project = /^\/simple\/([^/]+)\/$/.exec(url.pathname)?.[1];
    if (request.method === 'GET' && project) return this.simple(request, response, normalise(project));
    const file = /^\/packages\/([^/]+)$/.exec(url.pathname)?.[1];
    if (request.method === 'GET' && file && this.files.has(decodeURIComponent(file)))
      return void response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(this.files.get(decodeURIComponent(file))!.bytes);
    this.answer(response, 404, 'Not Found');
  }

  /** The whole request body; undefined when the connection was dropped on purpose (dropNext). */
  private async receive(request: IncomingMessage): Promise<Buffer | undefined> {
    const declared = Number(request.headers['content-length']) || 0;
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      received += chunk.length;
      if (this.dropNext > 0 && received >= declared / 2) {
        this.dropNext -= 1;
        this.dropped += 1;
        request.socket.resetAndDestroy();
        return undefined;
      }
    }
    return Buffer.concat(chunks);
  }

  private async upload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    response.on('finish', () => this.uploadMilliseconds.push(performance.now() - started));
    const received = await this.receive(request);
    if (!received) return;
    const checking = performance.now();
    response.on('finish', () => this.checkMilliseconds.push(performance.now() - checking));
    const { fields, parts, content } = parseMultipart(received, request.headers['content-type'] ?? '');
    const record = (status: number, reason: string): void =>
      void this.uploads.push({ status, reason, fields, ...(content ? { contentFilename: content.name } : {}) });
    const injected = this.failNext.shift();
    if (injected !== undefined) {
      const { status, reason = 'Service Unavailable', headers = {} } = typeof injected === 'number' ? { status: injected } : injected;
      record(status, reason);
      return this.answer(response, status, reason, headers);
    }
    try {
      await this.accept(request, fields, parts, content);
      record(200, 'OK');
      this.answer(response, 200, 'OK', {}, '');
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      record(error.status, error.message);
      if (error.status === 403 && this.echoHeadersOn403) {
        const echoed = Object.entries(request.headers)
          .map(([name, value]) => `${name}: ${String(value)}`)
          .join('\n');
        return this.answer(response, 403, 'Forbidden', {}, `<html><body><h1>403 Forbidden</h1><pre>${echoed}</pre></body></html>`);
      }
      this.answer(response, error.status, error.message);
    }
  }

  /** Who the request authenticates as (§2, "Authentication details"). */
  private identity(request: IncomingMessage): { kind: 'user' } | { kind: 'publisher'; publisher: TrustedPublisher } | undefined {
    const header = request.headers.authorization ?? '';
    let token: string | undefined;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = decoded.slice(0, colon);
      if (user !== '__token__')
        refuse(
          403,
          `Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers instead. See ${HELP}#apitoken and ${HELP}#trusted-publishers`,
        );
      token = decoded.slice(colon + 1).trim();
    } else if (/^(token|bearer) /i.test(header)) {
      token = header.replace(/^\S+ /, '').trim();
    }
    if (!token?.startsWith('pypi-')) return undefined;
    if (this.tokens.has(token)) return { kind: 'user' };
    const publisher = this.minted.get(token);
    return publisher ? { kind: 'publisher', publisher } : undefined;
  }

  /** The upload handler's checks in warehouse's order (§11), then the file is stored. */
  private async accept(
    request: IncomingMessage,
    fieldList: [string, string][],
    parts: Part[],
    content?: { name: string; bytes: Buffer; contentType?: string },
  ): Promise<void> {
    // §2.1 sanitize: UNKNOWN values dropped; only content (and gpg_signature) may be file parts.
    const tuple = parts.find((part) => part.filename !== undefined && part.name !== 'content' && part.name !== 'gpg_signature');
    if (tuple) refuse(400, `${tuple.name}: Should not be a tuple.`);
    const clean = fieldList.filter(([, value]) => value.trim() !== 'UNKNOWN');
    const fields = new Map<string, string>();
    for (const [key, value] of clean) if (!fields.has(key)) fields.set(key, value);
    // §1: the action decides what the request is.
    const action = fields.get(':action');
    if (action === 'submit' || action === 'submit_pkg_info')
      refuse(410, 'Project pre-registration is no longer required or supported, upload your files instead.');
    if (action === 'doc_upload') refuse(410, 'Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.');
    if (action !== 'file_upload') refuse(400, 'This URL is an API endpoint for uploading files to PyPI (no :action=file_upload was sent).');
    // §2.2–2.4
    if (this.readOnly) refuse(403, 'Read-only mode: Uploads are temporarily disabled.');
    const identity = this.identity(request);
    if (!identity) refuse(403, `Invalid or non-existent authentication information. See ${HELP}#invalid-auth for more information.`);
    // §3.5–3.8
    if ((fields.get('protocol_version') ?? '1') !== '1') refuse(400, 'Unknown protocol version.');
    checkForm(fields);
    const metadata = formMetadata(clean);
    checkMetadata(metadata);
    if (!content) refuse(400, 'Upload payload does not have a file.');
    const file = content!;
    // §5.9–5.10: the project, created by a user's upload or for its trusted publisher.
    const name = fields.get('name')!;
    const normalised = normalise(name);
    const version = pep440.explain(metadata['version']![0]!)!;
    const versionText = version.public;
    let project = this.projects.get(normalised);
    if (identity!.kind === 'publisher') {
      const allowed = identity!.publisher.project;
      if (allowed !== undefined && normalise(allowed) !== normalised) {
        if (!project)
          refuse(
            400,
            "Non-user identities cannot create new projects. This was probably caused by successfully using a pending publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/",
          );
        refuse(403, `The given token isn't allowed to upload to project '${project!.name}'. See ${HELP}#project-name for more information.`);
      }
    }
    if (!project) {
      project = { name, releases: new Map() };
      this.projects.set(normalised, project);
    }
    // §6.12 the file name's characters and extension
    const filename = file.name;
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(filename))
      refuse(400, 'Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.');
    if (/[/\\]/.test(filename)) refuse(400, "Cannot upload a file with '/' or '\\' in the name.");
    if (!/^.+?\.(tar\.gz|zip|whl)$/i.test(filename))
      refuse(
        400,
        'Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information',
      );
    const filetype = fields.get('filetype')!;
    const extension = filename.endsWith('.whl')
      ? '.whl'
      : filename.endsWith('.zip')
        ? '.zip'
        : filename.endsWith('.tar.gz')
          ? '.tar.gz'
          : filename.slice(filename.indexOf('.'));
    if (filetype === 'sdist' ? !['.tar.gz', '.zip'].includes(extension) : extension !== '.whl')
      refuse(
        400,
        `Invalid file extension: Extension ${extension} is invalid for filetype ${filetype}. See https://www.python.org/dev/peps/pep-0527 for more information.`,
      );
    // §6.13 content type, §6.14 size
    if (!file.contentType || file.contentType.startsWith('image/')) refuse(400, 'Invalid distribution file.');
    if (file.bytes.length > this.uploadLimit)
      refuse(
        400,
        `File too large. Limit for project '${project.name}' is ${Math.floor(this.uploadLimit / 1048576)} MB. See https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information.`,
      );
    // §6.15 every digest sent must match
    const blakeDigest = blake2b(file.bytes, 256);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const md5 = createHash('md5').update(file.bytes).digest('hex');
    const blake = await blakeDigest;
    for (const [key, actual] of [
      ['md5_digest', md5],
      ['sha256_digest', sha256],
      ['blake2_256_digest', blake],
    ] as const) {
      const sent = fields.get(key);
      if (sent && sent.toLowerCase() !== actual) refuse(400, 'The digest supplied does not match a digest calculated from the uploaded file.');
    }
    // §6.16 duplicates, by file name or BLAKE2b-256: identical is 200, anything else "File already exists"
    const existing = [...this.files.values()].find((held) => held.filename === filename || held.blake2b256 === blake);
    if (existing) {
      if (existing.filename === filename && existing.sha256 === sha256 && existing.blake2b256 === blake && this.identicalReupload === 200) return;
      refuse(400, `File already exists ('${filename}', with blake2_256 hash '${blake}'). See ${HELP}#file-name-reuse for more information.`);
    }
    // §6.17–6.19
    if (this.deletedFilenames.has(filename))
      refuse(
        400,
        `This filename was previously used by a file that has since been deleted. Use a different version. See ${HELP}#file-name-reuse for more information.`,
      );
    const release = project.releases.get(versionText) ?? { sdist: false };
    if (filetype === 'sdist' && release.sdist) refuse(400, 'Only one sdist may be uploaded per release.');
    // §6.20–6.22 the archive and the file name rules
    const component = normalised.replace(/-/g, '_');
    if (filetype === 'sdist') this.checkSdist(filename, file.bytes, project.name, component, metadata, version.public);
    else this.checkWheel(filename, file.bytes, project.name, component, metadata);
    // §8 attestations
    const attestations = fields.has('attestations') ? this.checkAttestations(fields.get('attestations')!, identity!, filename, sha256) : undefined;
    if (filetype === 'sdist') release.sdist = true;
    project.releases.set(versionText, release);
    this.files.set(filename, {
      filename,
      bytes: Buffer.from(file.bytes),
      sha256,
      blake2b256: blake,
      project: normalised,
      version: versionText,
      filetype,
      fields: fieldList,
      metadata,
      ...(attestations ? { attestations } : {}),
    });
  }

  /** §6.20 (tar) and §6.21: an sdist's archive, its PEP 625 name, its License-File entries. */
  private checkSdist(filename: string, bytes: Buffer, projectName: string, component: string, metadata: Record<string, string[]>, version: string): void {
    if (!filename.endsWith('.tar.gz')) {
      walkZip(bytes);
    } else {
      const { names, sparse } = tarMembers(bytes);
      if (sparse)
        refuse(
          400,
          'Invalid distribution file. tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information',
        );
      const tops = new Set(names.map((name) => name.replace(/^\.\//, '').split('/')[0]));
      const top = tops.size === 1 ? [...tops][0]! : '';
      if (!top || top === '.' || top === '/') refuse(400, 'Invalid distribution file. Incorrect number of top-level directories in sdist');
      if (!names.some((name) => name.replace(/^\.\//, '') === `${top}/PKG-INFO`))
        refuse(400, `Invalid distribution file. PKG-INFO not found at ${top}/PKG-INFO`);
      this.sdistName(filename, projectName, component, version);
      for (const license of metadata['license_file'] ?? [])
        if (!names.some((name) => name.replace(/^\.\//, '') === `${top}/${license}`))
          refuse(400, `License-File ${license} does not exist in distribution file ${filename} at ${top}/${license}`);
      return;
    }
    this.sdistName(filename, projectName, component, version);
  }

  /** §6.21: packaging's parse_sdist_filename, the project's name, the exact PEP 625 name. */
  private sdistName(filename: string, projectName: string, component: string, version: string): void {
    const stem = filename.replace(/\.(tar\.gz|zip)$/, '');
    let dash = stem.lastIndexOf('-');
    // "1.0-9" is a post release with a dash: packaging reads it from the dash before.
    if (/^\d+$/.test(stem.slice(dash + 1)) && stem.lastIndexOf('-', dash - 1) > 0 && pep440.explain(stem.slice(stem.lastIndexOf('-', dash - 1) + 1)))
      dash = stem.lastIndexOf('-', dash - 1);
    const namePart = dash > 0 ? stem.slice(0, dash) : '';
    if (!namePart || !pep440.explain(stem.slice(dash + 1))) refuse(400, `Invalid source distribution filename: ${filename}`);
    if (normalise(namePart) !== normalise(projectName)) refuse(400, `Start filename for '${projectName}' with '${component}'.`);
    const expected = `${component}-${version}.tar.gz`;
    if (filename !== expected) refuse(400, `Filename '${filename}' is invalid, should be '${expected}'.`);
  }

  /** §6.20 (zip) and §6.22: a wheel's archive, name, tags, version, License-File entries, RECORD, entry points, METADATA. */
  private checkWheel(filename: string, bytes: Buffer, projectName: string, component: string, metadata: Record<string, string[]>): void {
    const members = walkZip(bytes);
    const [rawName = '', rawVersion = ''] = filename.split('-', 2);
    if (!rawVersion) refuse(400, 'Invalid distribution file. Unable to parse name and version from wheel filename');
    const distInfo = `${rawName}-${rawVersion}.dist-info`;
    if (!members.has(`${distInfo}/WHEEL`)) refuse(400, `Invalid distribution file. WHEEL not found at ${distInfo}/WHEEL`);
    const stem = filename.slice(0, -'.whl'.length);
    const parts = stem.split('-');
    if (parts.length !== 5 && parts.length !== 6) refuse(400, `Invalid wheel filename (wrong number of parts): '${stem}'`);
    if (rawName.includes('__') || !/^[\w.]+$/.test(rawName)) refuse(400, `Invalid project name: '${stem}'`);
    const fileVersion = pep440.explain(rawVersion);
    if (!fileVersion) refuse(400, `Invalid wheel filename (invalid version): '${stem}'`);
    if (parts.length === 6 && !/^\d/.test(parts[2]!)) refuse(400, `Invalid build number: ${parts[2]} in '${stem}'`);
    for (const platform of parts.at(-1)!.split('.'))
      if (!validPlatform(platform)) refuse(400, `Binary wheel '${filename}' has an unsupported platform tag '${platform}'.`);
    if (normalise(metadata['name']![0]!) !== normalise(rawName))
      refuse(400, `Start filename for '${projectName}' with '${normalise(metadata['name']![0]!).replace(/-/g, '_')}'.`);
    if (rawName !== component) refuse(400, `Filename '${filename}' should contain the normalized project name '${component}', not '${rawName}'.`);
    const metaVersion = pep440.explain(metadata['version']![0]!)!.public;
    if (!pep440.eq(metaVersion, rawVersion)) refuse(400, `Version in filename should be '${metaVersion}' not '${rawVersion}'.`);
    for (const license of metadata['license_file'] ?? [])
      if (!members.has(`${distInfo}/licenses/${license}`))
        refuse(400, `License-File ${license} does not exist in distribution file ${filename} at ${distInfo}/licenses/${license}`);
    if (!members.has(`${distInfo}/RECORD`)) refuse(400, `Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD`);
    const entryPoints = members.get(`${distInfo}/entry_points.txt`);
    if (entryPoints) {
      let section = '';
      for (const line of entryPoints
        .toString('utf8')
        .split(/\r?\n/)
        .map((text) => text.trim())) {
        if (!line || line.startsWith('#') || line.startsWith(';')) continue;
        if (/^\[.+\]$/.test(line)) section = line.slice(1, -1);
        else if (!line.includes('=') || (['console_scripts', 'gui_scripts'].includes(section) && !/^[\w.-]+$/.test(line.split('=')[0]!.trim())))
          refuse(400, `Wheel '${filename}' has invalid entry points defined in the entry_points.txt file`);
      }
    }
    if (!members.has(`${distInfo}/METADATA`)) refuse(400, `Wheel '${filename}' does not contain the required METADATA file: ${distInfo}/METADATA`);
  }

  /** §8: PEP 740 attestations: trusted publishing only, the JSON shape, at most one per predicate type, each verified against the file. */
  private checkAttestations(
    text: string,
    identity: NonNullable<ReturnType<PackageIndexStandIn['identity']>>,
    filename: string,
    sha256: string,
  ): AttestationObject[] {
    const invalid = (message: string): never => refuse(400, `Invalid attestations supplied during upload: ${message}`);
    if (identity.kind !== 'publisher') invalid('Attestations are only supported when using Trusted Publishing');
    let attestations: AttestationObject[];
    try {
      attestations = JSON.parse(text) as AttestationObject[];
    } catch (error) {
      return invalid(`Malformed attestations: ${(error as Error).message}`);
    }
    if (!Array.isArray(attestations)) invalid('Malformed attestations: Input should be a valid list');
    if (attestations.length === 0) invalid('Malformed attestations: an empty attestation set is not permitted');
    if (attestations.length > 2) invalid('A maximum of 2 attestations per file are supported');
    const publisher = (identity as { publisher: TrustedPublisher }).publisher;
    const types = new Set<string>();
    for (const attestation of attestations) {
      if (
        attestation?.version !== 1 ||
        !attestation.verification_material?.certificate ||
        !attestation.verification_material.transparency_entries?.length ||
        !attestation.envelope?.statement
      )
        invalid('Malformed attestations: the attestation does not have the shape of pypi-attestations\u2019 Attestation');
      let statementBytes: Buffer;
      try {
        if (!this.attestationVerifier) throw new Error('no Sigstore trust root to verify against');
        statementBytes = this.attestationVerifier(attestation, { repository: publisher.repository, workflow: publisher.workflow });
      } catch (error) {
        return invalid(`Could not verify the uploaded artifact using the included attestation: Verification failed: ${(error as Error).message}`);
      }
      const statement = JSON.parse(statementBytes.toString('utf8')) as { subject?: { name?: string; digest?: { sha256?: string } }[]; predicateType?: string };
      const verification = (detail: string): never =>
        invalid(`Could not verify the uploaded artifact using the included attestation: Verification failed: ${detail}`);
      if (statement.subject?.length !== 1) verification('too many subjects in statement (must be exactly one)');
      const [subject] = statement.subject!;
      if (!subject?.name) verification('invalid subject: missing name');
      // pypi-attestations ultranormalises both names before it compares them (other signers need not normalise).
      let subjectName = '';
      try {
        subjectName = ultranormaliseDistFilename(subject!.name!);
      } catch (error) {
        verification(`invalid subject: ${(error as Error).message}`);
      }
      const distName = ultranormaliseDistFilename(filename);
      if (subjectName !== distName) verification(`subject does not match distribution name: ${subjectName} != ${distName}`);
      if (subject!.digest?.sha256 !== sha256) verification('subject does not match distribution digest');
      const type = statement.predicateType ?? '';
      if (!['https://docs.pypi.org/attestations/publish/v1', 'https://slsa.dev/provenance/v1'].includes(type))
        invalid(`Attestation with unsupported predicate type: ${type}`);
      if (types.has(type)) invalid(`Multiple attestations for the same file with the same predicate type (${type}) are not supported`);
      types.add(type);
    }
    return attestations;
  }

  private simple(request: IncomingMessage, response: ServerResponse, project: string): void {
    const files = [...this.files.values()].filter((file) => file.project === project);
    if (files.length === 0) return this.answer(response, 404, 'Not Found');
    if ((request.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json')) {
      const body = {
        meta: { 'api-version': '1.0' },
        name: project,
        files: files.map((file) => ({ filename: file.filename, url: `${this.url}/packages/${file.filename}`, hashes: { sha256: file.sha256 } })),
      };
      return void response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify(body));
    }
    const links = files.map((file) => `<a href="/packages/${file.filename}#sha256=${file.sha256}">${file.filename}</a><br/>`).join('\n');
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.0"><title>Links for ${project}</title></head><body><h1>Links for ${project}</h1>\n${links}\n</body></html>`,
      );
  }

  /** §9: the mint, every refusal a 422 with PyPI's codes; a JTI is burnt before the token is made, whether or not the answer arrives. */
  private async mint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.mintRequests += 1;
    let body = '';
    for await (const chunk of request) body += String(chunk);
    const refuseMint = (code: string, description: string): void =>
      void response
        .writeHead(422, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Token request failed', errors: [{ code, description }] }));
    let token: unknown;
    try {
      token = (JSON.parse(body) as { token?: unknown }).token;
    } catch {
      return refuseMint('invalid-payload', 'Invalid JSON');
    }
    if (typeof token !== 'string') return refuseMint('invalid-payload', 'Input should be a valid string');
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return refuseMint('invalid-payload', 'malformed JWT');
    if (!this.oidcPublicKey || !verify('sha256', Buffer.from(`${header}.${payload}`), this.oidcPublicKey, Buffer.from(signature, 'base64url')))
      return refuseMint('invalid-token', 'malformed or invalid token');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, string | number>;
    if (claims['aud'] !== this.audience || typeof claims['exp'] !== 'number' || claims['exp'] * 1000 < Date.now() - 30_000)
      return refuseMint('invalid-token', 'malformed or invalid token');
    const jti = String(claims['jti'] ?? '');
    if (!jti || this.usedJtis.has(jti)) return refuseMint('invalid-reuse-token', 'invalid token: already used');
    const publisher = this.trustedPublisher;
    const matches =
      publisher &&
      claims['repository'] === publisher.repository &&
      String(claims['job_workflow_ref'] ?? '').startsWith(`${publisher.repository}/.github/workflows/${publisher.workflow}@`) &&
      // warehouse/oidc/models/github.py _check_environment: environment names compared lowercased on both sides.
      (!publisher.environment || String(claims['environment'] ?? '').toLowerCase() === publisher.environment.toLowerCase());
    if (!matches) return refuseMint('invalid-publisher', 'valid token, but no corresponding publisher (Publisher with matching claims was not found)');
    // warehouse/oidc/models/github.py _check_event_name: runs of pull_request_target may not publish, whatever else matches.
    if (claims['event_name'] === 'pull_request_target')
      return refuseMint('invalid-publisher', 'valid token, but no corresponding publisher (Publishing from a pull_request_target event is not supported)');
    this.usedJtis.add(jti);
    const minted = `pypi-minted-${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
    this.minted.set(minted, publisher);
    if (this.dropNextMintAnswer > 0) {
      this.dropNextMintAnswer -= 1;
      request.socket.resetAndDestroy();
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ success: true, token: minted, expires: Math.floor(Date.now() / 1000) + 900 }));
  }
}
