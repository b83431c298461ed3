import { comparePythonVersions, parsePythonVersion } from '../versions/python-version.js';
import { normaliseProjectName } from './metadata.js';

/** The name part of a distribution file name: the normalised project name with `_` for `-` (PEP 625, the binary distribution format). */
export function filenameComponent(name: string): string {
  return normaliseProjectName(name).replace(/-/g, '_');
}

/**
 * The PEP 625 file name of an sdist, as PyPI requires it exactly:
 * `{normalised name with _}-{version}.tar.gz`, the version in its normalised form (packaging's `str(Version)`).
 */
export function pep625Filename(name: string, version: string): string {
  return `${filenameComponent(name)}-${parsePythonVersion(version)?.text ?? version}.tar.gz`;
}

/**
 * What PyPI's upload endpoint says of an sdist's file name (warehouse forklift/legacy.py, after the
 * archive checks): packaging's parse_sdist_filename must read it, its name must be the project's,
 * and it must be exactly the PEP 625 name. The messages are PyPI's.
 *
 * @param projectName the project's name as PyPI shows it (here the metadata's Name)
 * @returns PyPI's 400 reason, or undefined when the name is the one PyPI requires
 */
export function sdistFilenameProblem(filename: string, projectName: string, version: string): string | undefined {
  const extension = ['.tar.gz', '.zip'].find((suffix) => filename.endsWith(suffix));
  const stem = extension ? filename.slice(0, -extension.length) : undefined;
  const dash = stem?.lastIndexOf('-') ?? -1;
  // packaging's parse_sdist_filename splits at the last dash; PyPI first tries the "1.0-9" post-release spelling.
  let split = stem && dash > 0 ? { name: stem.slice(0, dash), version: stem.slice(dash + 1) } : undefined;
  if (stem && split && /^\d+$/.test(split.version)) {
    const previous = stem.lastIndexOf('-', dash - 1);
    if (previous > 0 && parsePythonVersion(stem.slice(previous + 1))) split = { name: stem.slice(0, previous), version: stem.slice(previous + 1) };
  }
  if (!split || !parsePythonVersion(split.version)) return `Invalid source distribution filename: ${filename}`;
  if (normaliseProjectName(split.name) !== normaliseProjectName(projectName))
    return `Start filename for '${projectName}' with '${filenameComponent(projectName)}'.`;
  const expected = pep625Filename(projectName, version);
  if (filename !== expected) return `Filename '${filename}' is invalid, should be '${expected}'.`;
  return undefined;
}

/** A wheel file name read (the binary distribution format: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`). */
export interface WheelFilename {
  /** The name part as written, e.g. `exegol`. */
  readonly rawName: string;
  /** The version part as written. */
  readonly rawVersion: string;
  readonly build?: string;
  /** The Python tag, e.g. `py3` (what twine sends as `pyversion`). */
  readonly pythonTag: string;
  readonly abiTag: string;
  readonly platformTag: string;
}

/**
 * Reads a wheel's file name as packaging's parse_wheel_filename does.
 * @returns the parts, or the packaging error PyPI answers with (400), as a string
 */
export function parseWheelFilename(filename: string): WheelFilename | string {
  const stem = filename.replace(/\.whl$/, '');
  const parts = stem.split('-');
  if (!filename.endsWith('.whl')) return `Invalid wheel filename (extension must be '.whl'): '${filename}'`;
  if (parts.length !== 5 && parts.length !== 6) return `Invalid wheel filename (wrong number of parts): '${stem}'`;
  const [rawName = '', rawVersion = ''] = parts;
  if (rawName.includes('__') || !/^[\w.]+$/.test(rawName)) return `Invalid project name: '${stem}'`;
  if (!parsePythonVersion(rawVersion)) return `Invalid wheel filename (invalid version): '${stem}'`;
  const build = parts.length === 6 ? parts[2] : undefined;
  if (build !== undefined && !/^\d/.test(build)) return `Invalid build number: ${build} in '${stem}'`;
  const [pythonTag = '', abiTag = '', platformTag = ''] = parts.slice(-3);
  return { rawName, rawVersion, ...(build !== undefined ? { build } : {}), pythonTag, abiTag, platformTag };
}

const MANYLINUX_ARCHES = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64', 'ppc64'];
const MACOS_ARCHES = ['ppc', 'ppc64', 'i386', 'x86_64', 'arm64', 'intel', 'fat', 'fat3', 'fat64', 'universal', 'universal2'];
const PLATFORMS = new Set([
  'any',
  'win32',
  'win_arm64',
  'win_amd64',
  'win_ia64',
  'linux_armv6l',
  'linux_armv7l',
  'manylinux1_x86_64',
  'manylinux1_i686',
  'manylinux2010_x86_64',
  'manylinux2010_i686',
  ...['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64', 'ppc64le', 's390x'].map((arch) => `manylinux2014_${arch}`),
]);

/** Whether PyPI accepts a wheel's platform tag (warehouse forklift/legacy.py `_valid_platform_tag`). */
export function isUploadablePlatform(platform: string): boolean {
  if (PLATFORMS.has(platform)) return true;
  let match = /^(manylinux|musllinux)_\d+_\d+_(.+)$/.exec(platform);
  if (match) return MANYLINUX_ARCHES.filter((arch) => match![1] === 'manylinux' || arch !== 'ppc64').includes(match[2]!);
  match = /^macosx_(\d+)_(\d+)_(.+)$/.exec(platform);
  if (match) return (match[1] === '10' || (['11', '12', '13', '14', '15', '26'].includes(match[1]!) && match[2] === '0')) && MACOS_ARCHES.includes(match[3]!);
  return (
    /^ios_\d+_\d+_(arm64|x86_64)_(iphoneos|iphonesimulator)$/.test(platform) ||
    /^android_\d+_(armeabi_v7a|arm64_v8a|x86|x86_64)$/.test(platform) ||
    /^pyemscripten_\d+_\d+_wasm32$/.test(platform)
  );
}

/**
 * What PyPI's upload endpoint says of a wheel's file name against its project and version
 * (warehouse forklift/legacy.py): every platform tag allowed, the name part exactly the normalised
 * name with `_`, the version equal under PEP 440. The messages are PyPI's.
 *
 * @returns PyPI's 400 reason, or undefined
 */
export function wheelFilenameProblem(filename: string, projectName: string, version: string): string | undefined {
  const parsed = parseWheelFilename(filename);
  if (typeof parsed === 'string') return parsed;
  for (const platform of parsed.platformTag.split('.'))
    if (!isUploadablePlatform(platform)) return `Binary wheel '${filename}' has an unsupported platform tag '${platform}'.`;
  if (normaliseProjectName(parsed.rawName) !== normaliseProjectName(projectName))
    return `Start filename for '${projectName}' with '${filenameComponent(projectName)}'.`;
  if (parsed.rawName !== filenameComponent(projectName))
    return `Filename '${filename}' should contain the normalized project name '${filenameComponent(projectName)}', not '${parsed.rawName}'.`;
  const fileVersion = parsePythonVersion(parsed.rawVersion)!.text;
  const metadataVersion = parsePythonVersion(version)?.text ?? version;
  if (comparePythonVersions(fileVersion, metadataVersion) !== 0) return `Version in filename should be '${metadataVersion}' not '${parsed.rawVersion}'.`;
  return undefined;
}
