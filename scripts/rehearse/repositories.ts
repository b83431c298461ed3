// The git side of the rehearsal: bare repositories standing for ThePorgs' repositories on GitHub (served
// by the GitHub stand-in from these very directories), shaped as the facts describe them
// (/work/shared/exegol-release-facts.md), and the maintainers' clones.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { exegolProjectFiles } from '@exegol-release/testbed/fixtures/python-projects.js';
import { FLAVOURS } from '@exegol-release/testbed/fixtures/images.js';
import { BUSYBOX } from '@exegol-release/testbed/harness/docker-engine.js';
import { wrapperFiles, writeFiles } from '@exegol-release/testbed/fixtures/wrapper-repository.js';

/** A repository on "GitHub": its bare directory and default branch. */
export interface HostedRepository {
  readonly fullName: string;
  readonly bare: string;
  readonly defaultBranch: string;
}

/** Where the bare repository of `owner/name` lives under `root`. */
export function barePath(root: string, fullName: string): string {
  return path.join(root, 'github.com', `${fullName}.git`);
}

/** Creates the bare repository of `fullName` and pushes the history `build` makes in a scratch clone. */
async function hosted(root: string, fullName: string, defaultBranch: string, build: (work: string) => Promise<void>): Promise<HostedRepository> {
  const bare = barePath(root, fullName);
  await mkdir(path.dirname(bare), { recursive: true });
  git(root, 'init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, bare);
  const work = path.join(root, 'scratch', fullName);
  await mkdir(work, { recursive: true });
  git(work, 'init', '--quiet', `--initial-branch=${defaultBranch}`);
  git(work, 'remote', 'add', 'origin', `file://${bare}`);
  await build(work);
  git(work, 'push', '--quiet', 'origin', '--all');
  git(work, 'push', '--quiet', 'origin', '--tags');
  await rm(work, { recursive: true, force: true });
  return { fullName, bare, defaultBranch };
}

function commitAll(work: string, message: string): string {
  git(work, 'add', '--all');
  git(work, 'commit', '--quiet', '-m', message);
  return git(work, 'rev-parse', 'HEAD');
}

/** ThePorgs/Exegol-resources: `main` only, two resources updates (the wrapper's submodule records the first). */
export function createResources(root: string): Promise<HostedRepository> {
  return hosted(root, 'ThePorgs/Exegol-resources', 'main', async (work) => {
    await writeFiles(work, { 'update-resources.sh': '#!/bin/bash\n', 'resources_list.csv': 'Name,Link,Description\n' });
    commitAll(work, 'Resources update 01-Nov-26');
    await writeFiles(work, { 'resources_list.csv': 'Name,Link,Description\nwinPEAS,https://github.com/peass-ng/PEASS-ng,Privilege escalation\n' });
    commitAll(work, 'Resources update 01-Dec-26');
  });
}

/**
 * dev's full image, small enough to build for real on the rehearsal's Docker engine (vfs copies every
 * layer): Exegol-images' Dockerfile with its ARGs and labels (org.exegol.tag, org.exegol.version,
 * org.exegol.build_date, org.exegol.build_profile, org.exegol.app=Exegol, org.exegol.src_repository,
 * as in the real Dockerfile), its /opt/.exegol_version, /.exegol/entrypoint.sh as ENTRYPOINT (`endless`
 * keeps the container up until SIGTERM), the tools list /.exegol/installed_tools.csv and the tests'
 * commands /.exegol/build_pipeline_tests/all_commands.txt, on busybox-static (sources/busybox, Debian's
 * /bin/busybox) FROM scratch instead of debian:12-slim and the install scripts. No Python: its
 * /usr/bin/python3 runs the given script with busybox sh (the rehearsal's run_unit_tests.py is one).
 */
function busyboxFull(failing = false): Record<string, string> {
  return {
    Dockerfile: [
      "# The rehearsal's full image: Exegol's labels, entrypoint and test files on busybox-static.",
      'FROM scratch',
      // One ARG and one LABEL instruction where the real Dockerfile has one a line: the classic builder commits
      // a container for each, about a second apiece here; the arguments and labels are the same.
      'ARG TAG="local" VERSION="local" BUILD_DATE="n/a" BUILD_PROFILE="full"',
      'LABEL org.exegol.tag="${TAG}" org.exegol.version="${VERSION}" org.exegol.build_date="${BUILD_DATE}" \\',
      '      org.exegol.build_profile="${BUILD_PROFILE}" org.exegol.app="Exegol" \\',
      '      org.exegol.src_repository="https://github.com/ThePorgs/Exegol-images"',
      'COPY sources/busybox /bin/busybox',
      'COPY sources/assets/exegol /.exegol/',
      // One RUN: each step is a container and a full copy of the root filesystem on the vfs driver.
      'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /usr/bin /sbin /usr/sbin /opt /tmp /workspace && /bin/busybox --install -s && chmod 755 /.exegol/entrypoint.sh /.exegol/python3 && ln -s /.exegol/python3 /usr/bin/python3 && echo $TAG-$VERSION > /opt/.exegol_version"]',
      // The negative rehearsal's failing build: a tool's install that fails, as a gone release asset fails it.
      ...(failing ? ['RUN ["/bin/busybox", "sh", "-c", "echo \'install_sliver: the release asset answered HTTP 404\' >&2; exit 1"]'] : []),
      'WORKDIR /workspace',
      'ENTRYPOINT ["/.exegol/entrypoint.sh"]',
      '',
    ].join('\n'),
    'sources/assets/exegol/entrypoint.sh': [
      '#!/bin/sh',
      "# endless: a process hanging until the container stops (SIGTERM), as Exegol's entrypoint.sh; else the command given.",
      'case "$1" in',
      "  endless) trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done ;;",
      '  *) exec "$@" ;;',
      'esac',
      '',
    ].join('\n'),
    'sources/assets/exegol/python3': '#!/bin/sh\n# No Python in a busybox image: the script given runs with busybox sh.\nexec /bin/sh "$@"\n',
    'sources/assets/exegol/installed_tools.csv':
      'Tool,Version,Description\nbusybox,1.35.0,The applets of the rehearsal image\nwget,1.35.0,busybox applet\nnc,1.35.0,busybox applet\n',
    'sources/assets/exegol/build_pipeline_tests/all_commands.txt': 'busybox --list\nwget --help\nnc --help\ntest -s /opt/.exegol_version\n',
  };
}

/**
 * ThePorgs/Exegol-images: the flavours' one-step Dockerfiles at the root; `main` at the 3.1.5 release
 * (annotated tags 3.1.4 and 3.1.5), `dev` one change ahead for 3.1.6, whose full image is
 * {@link busyboxFull}'s (with sources/busybox when busybox-static is installed; with `failingFullBuild`, one whose
 * build fails at an install step). No version file.
 */
export function createImages(root: string, options: { failingFullBuild?: boolean } = {}): Promise<HostedRepository> {
  return hosted(root, 'ThePorgs/Exegol-images', 'main', async (work) => {
    const dockerfile = (flavour: string, tools: string): string =>
      `FROM debian:12-slim\nARG TAG="${flavour}"\nARG VERSION="local"\nARG BUILD_DATE="n/a"\nLABEL org.exegol.tag="\${TAG}"\nLABEL org.exegol.version="\${VERSION}"\nLABEL org.exegol.app="Exegol"\nRUN /root/sources/install/entrypoint.sh package_base ${tools}\n`;
    const files = (tools: string): Record<string, string> => ({
      Dockerfile: dockerfile('full', tools),
      'light.dockerfile': dockerfile('light', 'package_most_used'),
      'ad.dockerfile': dockerfile('ad', 'package_ad'),
      'web.dockerfile': dockerfile('web', 'package_web'),
      'osint.dockerfile': dockerfile('osint', 'package_osint'),
      'sources/install/entrypoint.sh': '#!/bin/bash\n',
      'README.md': '# Exegol images\n',
    });
    await writeFiles(work, files('package_full'));
    commitAll(work, 'Exegol images 3.1.4');
    git(work, 'tag', '-a', '-m', '3.1.4', '3.1.4');
    await writeFiles(work, { 'sources/install/package_ad.sh': 'install_netexec\n' });
    commitAll(work, 'netexec in the ad flavour');
    git(work, 'tag', '-a', '-m', 'Release 3.1.5', '3.1.5');
    git(work, 'checkout', '--quiet', '-b', 'dev');
    await writeFiles(work, {
      ...files('package_full package_c2'),
      'sources/install/package_c2.sh': 'install_sliver\n',
      ...busyboxFull(options.failingFullBuild),
    });
    if (existsSync(BUSYBOX)) await copyFile(BUSYBOX, path.join(work, 'sources', 'busybox'));
    commitAll(work, 'Sliver in the full image');
  });
}

/**
 * ThePorgs/Exegol: a PEP 621 project with a normalising backend (hatchling here for pdm-backend),
 * `master` at 5.1.4 (annotated tags 5.1.3 and 5.1.4), `dev` at 5.1.5b2, the test file's version stale
 * (`4.3.7`, as on the real master), and the submodules exegol-images and exegol-resources tracking
 * `main` at the commits given (behind the tips of those branches, as on the real master).
 */
export function createWrapper(root: string, submodules: { images: string; resources: string }): Promise<HostedRepository> {
  return hosted(root, 'ThePorgs/Exegol', 'master', async (work) => {
    const files = (version: string): Record<string, string> => ({
      ...exegolProjectFiles(version),
      ...wrapperFiles({ version, testVersion: '4.3.7' }),
      'README.md': '# Exegol\n\nPython wrapper to use Exegol.\n',
      '.gitmodules':
        '[submodule "exegol-images"]\n\tpath = exegol-images\n\turl = https://github.com/ThePorgs/Exegol-images\n\tbranch = main\n' +
        '[submodule "exegol-resources"]\n\tpath = exegol-resources\n\turl = https://github.com/ThePorgs/Exegol-resources\n\tbranch = main\n',
    });
    await writeFiles(work, files('5.1.3'));
    // The submodules unpopulated, as in a clone without --recurse-submodules: empty directories.
    await mkdir(path.join(work, 'exegol-images'));
    await mkdir(path.join(work, 'exegol-resources'));
    git(work, 'update-index', '--add', '--cacheinfo', `160000,${submodules.images},exegol-images`);
    git(work, 'update-index', '--add', '--cacheinfo', `160000,${submodules.resources},exegol-resources`);
    commitAll(work, 'Exegol 5.1.3');
    git(work, 'tag', '-a', '-m', '5.1.3', '5.1.3');
    await writeFiles(work, files('5.1.4'));
    commitAll(work, 'Exegol 5.1.4');
    git(work, 'tag', '-a', '-m', '5.1.4', '5.1.4');
    git(work, 'checkout', '--quiet', '-b', 'dev');
    await writeFiles(work, files('5.1.5b1'));
    commitAll(work, 'Bump version to 5.1.5b1 after 5.1.4');
    await writeFiles(work, { 'exegol/utils/DockerUtils.py': 'MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"\n' });
    commitAll(work, "Docker Hub's manifest list media type supported");
    await writeFiles(work, files('5.1.5b2'));
    commitAll(work, 'Bump version to 5.1.5b2 after 5.1.5b1');
  });
}

/** The commit a ref names in a hosted repository. */
export function head(repository: HostedRepository, ref: string): string {
  return git(repository.bare, 'rev-parse', '--verify', `${ref}^{commit}`);
}

/** Where the images' tools lists live in Exegol-docs (images/sub_preprod.yml exports them, images/sub_release.yml attaches them). */
export const TOOLS_LISTS = 'docs/src/public/installed_tools/lists';

/** What Exegol-docs' `dev` holds by default: the tools lists of the images' rehearsed releases. */
const DEFAULT_TOOLS_LISTS = { flavours: FLAVOURS, versions: ['3.1.6', '3.1.7b1'] } as const;

/** One Exegol-docs a world: both releases share it, as they share the real one. */
const docsOf = new Map<string, Promise<HostedRepository>>();

/**
 * ThePorgs/Exegol-docs, made once for a world (later calls with the same root return the same one):
 * `main` (the published docs); `dev-wrapper`, one change ahead, the docs of the wrapper's next
 * release (its companion pull request dev-wrapper → main); `dev-images`, one change ahead, the docs
 * of the images' release; and `dev`, holding the tools lists the images' pre-release pipelines
 * exported (`<flavour>_<version>_<arch>.csv` for each of `versions`, as images/sub_preprod.yml names them).
 */
export function createDocs(root: string, lists: { flavours: readonly string[]; versions: readonly string[] } = DEFAULT_TOOLS_LISTS): Promise<HostedRepository> {
  const made = docsOf.get(root);
  if (made) return made;
  const making = hosted(root, 'ThePorgs/Exegol-docs', 'main', async (work) => {
    await writeFiles(work, {
      'README.md': '# Exegol docs\n',
      'docs/src/images/flavors.md': '# Flavors\n',
      'source/index.rst': 'Exegol\n======\n',
      'source/the-exegol-project/python-wrapper.rst': 'Python wrapper\n==============\n',
    });
    commitAll(work, 'Exegol docs');
    git(work, 'checkout', '--quiet', '-b', 'dev-wrapper');
    await writeFiles(work, {
      'source/the-exegol-project/python-wrapper.rst': "Python wrapper\n==============\n\nDocker Hub's manifest lists are supported.\n",
    });
    commitAll(work, "Wrapper: Docker Hub's manifest lists");
    git(work, 'checkout', '--quiet', '-b', 'dev-images', 'main');
    await writeFiles(work, { 'docs/src/images/flavors.md': '# Flavors\n\nSliver is in the full image.\n' });
    commitAll(work, 'Images: Sliver in full');
    git(work, 'checkout', '--quiet', '-b', 'dev', 'main');
    const files: Record<string, string> = {};
    for (const version of lists.versions)
      for (const flavour of lists.flavours)
        for (const arch of ['amd64', 'arm64'])
          files[`${TOOLS_LISTS}/${flavour}_${version}_${arch}.csv`] = `Tool,Version,Description\nnetexec,1.4.0,${flavour} ${version} ${arch}\n`;
    await writeFiles(work, files);
    commitAll(work, `PIPELINE: tools lists for ${lists.versions.join(', ')}`);
  });
  docsOf.set(root, making);
  return making;
}
