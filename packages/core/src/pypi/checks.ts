import type { DistributionFile } from './distribution.js';
import { pep625Filename, sdistFilenameProblem, wheelFilenameProblem } from './filenames.js';
import { FIELD_INTRODUCED, fieldValues, metadataError, metadataProblem, sendsLicenseFiles, type CoreMetadata } from './metadata.js';
import type { Sdist } from './sdist.js';
import type { Wheel } from './wheel.js';

/** The fields an upload sends that PyPI checks against the declared Metadata-Version (License-File only from 2.4: see uploadFields). */
function sentFields(metadata: CoreMetadata): Set<string> {
  return new Set([...metadata.fields.keys()].filter((name) => name in FIELD_INTRODUCED && (name !== 'license-file' || sendsLicenseFiles(metadata))));
}

/**
 * The first refusal PyPI's upload endpoint would answer for this file (warehouse forklift/legacy.py),
 * in PyPI's words, with what to do about it; undefined when PyPI would take it. Checked: the
 * metadata (see metadataProblem), the file name (PEP 625 for an sdist; the wheel rules), and that
 * each License-File is in the archive where PyPI looks for it.
 */
export function pypiRefusal(file: Sdist | Wheel): string | undefined {
  const problem = metadataProblem(file.metadata, sentFields(file.metadata));
  if (problem)
    return `PyPI would answer 400 ${problem.includes(' See http') ? problem : metadataError(problem)} (from ${file.kind === 'sdist' ? 'PKG-INFO' : 'METADATA'})`;
  if (file.kind === 'sdist') {
    const name = sdistFilenameProblem(file.filename, file.metadata.name, file.metadata.version);
    if (name) {
      const expected = pep625Filename(file.metadata.name, file.metadata.version);
      return `PyPI would answer 400 ${name} An sdist must be named ${expected} (PEP 625: the normalised name with underscores, the normalised version, .tar.gz), as current build backends name it (setuptools 69.3 and later, hatchling, pdm-backend, flit-core 3.11, poetry-core 2); rebuild it with one`;
    }
  } else {
    const name = wheelFilenameProblem(file.filename, file.metadata.name, file.metadata.version);
    if (name) return `PyPI would answer 400 ${name}`;
  }
  if (sendsLicenseFiles(file.metadata)) {
    for (const license of fieldValues(file.metadata, 'license-file')) {
      const at = file.kind === 'sdist' ? `${file.topLevel}/${license}` : `${file.distInfo}/licenses/${license}`;
      if (!file.members.has(at))
        return `PyPI would answer 400 License-File ${license} does not exist in distribution file ${file.filename} at ${at} (the metadata lists a License-File the archive lacks: the build backend must include it)`;
    }
  }
  return undefined;
}

/** A short description of a distribution file for messages: `exegol-5.1.5.tar.gz (sdist)`. */
export function describeFile(file: DistributionFile): string {
  return `${file.filename} (${file.kind})`;
}
