// After the wrapper's release: a maintainer pushes a release tag by hand, as maintainers did before
// wrapper/entrypoint_release.yml tagged by itself. The tag push starts entrypoint_release.yml, whose
// hand-pushed-tag job must stop a tag that is not annotated, or (RELEASE_TAG_ALLOWED_SIGNERS set) not
// signed by an allowed signer, before anything is built or published: first a lightweight 5.1.6 on
// master's merge commit, then, deleted and pushed again, an annotated but unsigned 5.1.6.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { PackageIndexStandIn } from '@exegol-release/testbed/stand-ins/package-index.js';
import { Release, type Expectations } from './engine/release.js';
import { WorkflowRunner } from './engine/runner.js';
import { ALICE, gitAsync } from './github.js';
import type { HostedRepository } from './repositories.js';
import type { Log } from './workflow.js';
import type { Check, World } from './world.js';

const REPOSITORY = 'ThePorgs/Exegol';
const TAG = '5.1.6';
/** Every job after the check is skipped: nothing is tested, built, published, released or moved. */
const REFUSED: Expectations = {
  'entrypoint_release.yml › tag': 'skipped',
  'entrypoint_release.yml › hand-pushed-tag': 'failure',
  'entrypoint_release.yml › test': 'skipped',
  'entrypoint_release.yml › build': 'skipped',
  'entrypoint_release.yml › publish': 'skipped',
  'entrypoint_release.yml › github-release': 'skipped',
  'entrypoint_release.yml › docs': 'skipped',
  'entrypoint_release.yml › next-beta': 'skipped',
};

/** What the wrapper's rehearsal hands over: its repository, the allowed signer's file, its indexes, its repository settings. */
export interface HandPushedTagWorld {
  readonly wrapper: HostedRepository;
  /** git's gpg.ssh.allowedSignersFile naming the release key (the value of RELEASE_TAG_ALLOWED_SIGNERS). */
  readonly allowedSigners: string;
  readonly testPyPI: PackageIndexStandIn;
  readonly pypi: PackageIndexStandIn;
  readonly secrets: Record<string, string>;
  readonly vars: Record<string, string>;
  /** Workflows or jobs this machine cannot run, as the wrapper's rehearsal lists them. */
  readonly notRunHere: Record<string, string>;
}

/**
 * A log that prints through `log` (the same numbered steps) and keeps every line the steps printed, to
 * read the reason a job gave. The object inherits `log`'s fields, its `steps` list included.
 */
function keepingLines(log: Log): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const keeping = Object.create(log) as Log;
  keeping.step = (title, what, work) =>
    log.step(title, what, async () => {
      const outcome = await work();
      lines.push(...(outcome.lines ?? []));
      return outcome;
    });
  return { log: keeping, lines };
}

/** Rehearses the two refused hand-pushed tags after the wrapper's release. @returns the checks of the end state */
export async function rehearseHandPushedTags(world: World, given: HandPushedTagWorld): Promise<Check[]> {
  const { github } = world;
  const kept = keepingLines(world.log);
  // No OIDC issuer and no index URLs: were the check to let the tag through, publishing could only fail.
  const engine = new WorkflowRunner({
    log: kept.log,
    github,
    bin: world.bin,
    runner: () => world.runner(),
    standInEnv: () => world.ghEnv(),
    notRunHere: given.notRunHere,
  });
  const allowed = (await readFile(given.allowedSigners, 'utf8')).trim();
  const release = new Release(
    engine,
    {
      fullName: REPOSITORY,
      workflows: 'wrapper',
      secrets: given.secrets,
      vars: { ...given.vars, RELEASE_TAG_ALLOWED_SIGNERS: allowed },
      bare: given.wrapper.bare,
    },
    github,
  );
  world.log.heading(`A release tag pushed by hand after the release: ${TAG} on master's merge commit (RELEASE_TAG_ALLOWED_SIGNERS set)`);
  const clone = await github.checkout(REPOSITORY, path.join(world.root, 'maintainers', 'alice-Exegol-tag'), { ref: 'master', token: ALICE.token });
  const releasesBefore = github.releases(REPOSITORY).length;
  const filesBefore = { testPyPI: [...given.testPyPI.files.keys()], pypi: [...given.pypi.files.keys()] };

  const reasons: string[] = [];
  const push = async (title: string, make: string[]): Promise<void> => {
    const from = kept.lines.length;
    await release.pushedBy(
      ALICE,
      () =>
        world.log.step(title, `git push · ${ALICE.login}`, async () => {
          await gitAsync(clone, ...make);
          await gitAsync(clone, 'push', '--quiet', 'origin', `refs/tags/${TAG}`);
          return {
            value: undefined,
            lines: [`${TAG}: ${await gitAsync(clone, 'cat-file', '-t', `refs/tags/${TAG}`)} on ${(await gitAsync(clone, 'rev-parse', 'HEAD')).slice(0, 7)}`],
          };
        }),
      REFUSED,
    );
    reasons.push(
      kept.lines
        .slice(from)
        .find((line) => line.includes('::error::'))
        ?.replace(/^\|\s*/, '') ?? '',
    );
  };
  await push(`A lightweight tag ${TAG} pushed by hand on master`, ['tag', TAG]);
  await gitAsync(clone, 'push', '--quiet', 'origin', `:refs/tags/${TAG}`);
  await gitAsync(clone, 'tag', '-d', TAG);
  await push(`The same tag again, annotated but unsigned`, ['tag', '-a', '-m', `Release ${TAG}`, TAG]);

  const uploaded = [...given.testPyPI.files.keys(), ...given.pypi.files.keys()].filter((name) => name.includes(TAG));
  return [
    {
      text: `a lightweight ${TAG} pushed by hand stopped entrypoint_release.yml at its check, naming why (${reasons[0] || 'no reason printed'})`,
      ok: /::error::5\.1\.6 is a lightweight tag/.test(reasons[0] ?? ''),
    },
    {
      text: `an annotated but unsigned ${TAG} stopped it too, RELEASE_TAG_ALLOWED_SIGNERS being set (${reasons[1] || 'no reason printed'})`,
      ok: /::error::5\.1\.6 is not signed by a key of RELEASE_TAG_ALLOWED_SIGNERS/.test(reasons[1] ?? ''),
    },
    {
      text: `nothing of ${TAG} reached TestPyPI or PyPI, and no GitHub release was made for it`,
      ok:
        uploaded.length === 0 &&
        given.testPyPI.files.size === filesBefore.testPyPI.length &&
        given.pypi.files.size === filesBefore.pypi.length &&
        github.releases(REPOSITORY).length === releasesBefore &&
        !github.releases(REPOSITORY).some((entry) => entry.tag_name === TAG),
    },
  ];
}
