// `npm run rehearse` (scripts/rehearse.ts) as a maintainer runs it: both releases, then each alone with an
// example changed the way a real release would fail, to show that the stand-ins and the end checks
// catch it. Each run gets its own TMPDIR, which must be empty afterwards, with no process left in it.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it, type ExpectStatic } from 'vitest';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { rehearse } from './rehearsal-run.js';
import { DOCKER_ENGINE_SKIP_REASON } from '@exegol-release/testbed/harness/docker-engine.js';

/** A copy of workflows-examples/ with one file changed by `edit`; removed by the returned function. */
async function changedExamples(file: string, edit: (text: string) => string): Promise<{ directory: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp('/tmp/rh-examples-');
  await cp(path.join(REPO_ROOT, 'workflows-examples'), directory, { recursive: true });
  const target = path.join(directory, file);
  const before = await readFile(target, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing: the example changed, update this test`);
  await writeFile(target, after);
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** The `N if: conditions and M expressions evaluated with GitHub's evaluator` lines, one a release: [N, M] each. */
function evaluationCounts(output: string): [number, number][] {
  return [...output.matchAll(/^ {2}(\d+) if: conditions and (\d+) expressions evaluated with GitHub's evaluator \(@actions\/expressions\)$/gm)].map((match) => [
    Number(match[1]),
    Number(match[2]),
  ]);
}

/** Each step title is found, numbered and passed, after the one before it. */
function expectInOrder(expect: ExpectStatic, output: string, titles: readonly string[]): void {
  let from = 0;
  for (const title of titles) {
    const at = output.slice(from).search(new RegExp(`^✓ \\d+\\. ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(at, `step "${title}" not found after the step before it`).toBeGreaterThanOrEqual(0);
    from += at + 1;
  }
}

// Independent runs, each with its own servers, ports and TMPDIR: run side by side. The real Docker engine's
// build is rehearsed by the combined run and the images' own test; the runs that change a workflow's logic
// set REHEARSAL_DOCKER_ENGINE=off, as its build proves nothing more there.
describe.concurrent('npm run rehearse', () => {
  it('rehearses the wrapper, then the images, in the maintainers\u2019 order; every check holds; nothing is left behind', async ({ expect }) => {
    const run = await rehearse();
    expect(run.code, run.output).toBe(0);
    // The only failures: each gate's runs before the approval (each release pull request opened, then its checklist
    // ticked), as on GitHub.
    const gate = (workflow: string) =>
      expect.stringMatching(
        new RegExp(
          `^✗ \\d+\\. Run OWNER/exegol-release-actions/actions/verify-release-pr@<sha> \\(verify-release-pr · ${workflow.replace('.', '\\.')} › verify › step 1, `,
        ),
      );
    const handPushed = expect.stringMatching(
      /^✗ \d+\. The tag is annotated, on master at a merge commit, and signed by an allowed signer \(run · entrypoint_release\.yml › hand-pushed-tag › check, /,
    );
    // The wrapper's gate before the approval (opened, checklist ticked); the two hand-pushed tags refused after the
    // wrapper's release; the images' gate twice before the approval; the pipelines form's gate before the approval.
    // The negative rehearsals' own failures (scripts/rehearse/negative.ts, test/rehearsal-negative.test.ts) are left
    // out; every check still counts.
    const releases = run.output.slice(0, run.output.indexOf('\nNegative rehearsals:'));
    const checks = run.output.slice(run.output.indexOf('\nChecks: the wrapper'));
    expect([...(releases.match(/^✗ .*$/gm) ?? []), ...(checks.match(/^✗ .*$/gm) ?? [])]).toEqual([
      gate('entrypoint_prerelease.yml'),
      gate('entrypoint_prerelease.yml'),
      handPushed,
      handPushed,
      gate('verify-release-pr.yml'),
      gate('verify-release-pr.yml'),
      gate('verify-release-pr.yml'),
    ]);
    expectInOrder(expect, run.output, [
      'Docs pull request Exegol-docs dev-wrapper → main',
      'Run workflow prepare_release.yml on master',
      'Run actions/create-github-app-token@',
      'Run OWNER/exegol-release-actions/actions/open-release-pr@<sha>',
      'Release checklist ticked',
      'Approved by a maintainer',
      'Run OWNER/exegol-release-actions/actions/bump-version@<sha>',
      'Run OWNER/exegol-release-actions/actions/publish-pypi-sdist@<sha>',
      'Run OWNER/exegol-release-actions/actions/publish-github-release@<sha>',
      'Merge the open pull request from dev-wrapper with a merge commit',
      'Move dev to the next beta',
      'Run workflow prepare_release.yml on main',
      'Run OWNER/exegol-release-actions/actions/open-release-pr@<sha>',
      'Run OWNER/exegol-release-actions/actions/check-runners@<sha> (check-runners · pre-release.yml › runners › step 1',
      'Release checklist ticked',
      'Approved by a maintainer once the builds passed',
      'Run OWNER/exegol-release-actions/actions/bump-version@<sha>',
      'Every flavour, both tags',
      'Run OWNER/exegol-release-actions/actions/publish-github-release@<sha> (publish-github-release · sub_release.yml › github-release › release',
      'Merge the open pull request from dev-images with a merge commit',
      'A beta: tag 3.1.7b1 pushed on a new dev commit',
    ]);
    for (const check of [
      /^✓ tag 5\.1\.5 is signed and verifies with git using only the public SSH key of TAG_SIGNING_KEY$/m,
      /^✓ dev descends from the tag, one commit after it, and holds 5\.1\.6b1 in both version files$/m,
      /^✓ TestPyPI and PyPI hold exegol-5\.1\.5\.tar\.gz \(sha256 [0-9a-f]{12}…\) and exegol-5\.1\.5-py3-none-any\.whl/m,
      /^✓ the GitHub release holds exegol-5\.1\.5\.tar\.gz \(sha256 [0-9a-f]{12}…\) and exegol-5\.1\.5-py3-none-any\.whl/m,
      /^✓ the docs pull request ThePorgs\/Exegol-docs#1 \(dev-wrapper → main\) is merged, after the GitHub release was published/m,
      /^✓ entrypoint_release\.yml re-run on the same event: every job passed again, and no ref, package file, release or asset changed$/m,
      /^✓ check-runners ran before the pre-release's builds \(step \d+\), with builders online for AMD64 and ARM64$/m,
      /^✓ tag 3\.1\.6 is annotated, its message the pull request's description/m,
      /^✓ production holds every flavour and base at its preprod digest/m,
      /^✓ the release "Exegol images 3\.1\.6" holds the 10 tools lists of Exegol-docs' dev, each asset's sha256 that of the file$/m,
      /^✓ the GitHub release "Exegol images 3\.1\.7b1" is a pre-release, not the latest/m,
      /^✓ a lightweight 5\.1\.6 pushed by hand stopped entrypoint_release\.yml at its check, naming why \(::error::5\.1\.6 is a lightweight tag/m,
      /^✓ an annotated but unsigned 5\.1\.6 stopped it too, RELEASE_TAG_ALLOWED_SIGNERS being set/m,
      /^✓ nothing of 5\.1\.6 reached TestPyPI or PyPI, and no GitHub release was made for it$/m,
      /^✓ dispatch_preprod_base\.yml sent one preprod-base-pipeline to ThePorgs\/Pipelines with PIPELINE_PAT, payload exactly \{sha, image_version\}/m,
      /^✓ the pull request's head [0-9a-f]{7} holds 6 commit statuses, one for each build and test job of the run/m,
      /^✓ Exegol-images' merge gate \(verify-release-pr\.yml\) read the 6 statuses on the head after the approval, and passed$/m,
      /^✓ pull request #1 was opened by exegol-release\[bot\], the release App's token: its events started the pre-release workflows$/m,
      /^✓ #2 was merged by auto-merge as the account that enabled it \(exegol-release\[bot\]\), with a merge commit$/m,
    ])
      expect(run.output).toMatch(check);
    expect(run.output).toMatch(/Rehearsed wrapper, images, pipelines and negative in [\d.]+ s: \d+ steps/);
    // The workflows chosen by their on:, the jobs by their if: under GitHub's evaluator; a push with a job's token starts
    // nothing, one with the App's token starts workflows.
    expect(run.output).toContain('event pull_request (closed): #1 merged by exegol-release[bot] (auto-merge) → entrypoint_release.yml');
    expect(run.output).toContain('event push: dev pushed by exegol-release[bot] → entrypoint_nightly.yml');
    expect(run.output).toContain('event pull_request (opened): #2 opened by exegol-release[bot] → pre-release.yml, verify-release-pr.yml');
    expect(run.output).toMatch(/event push: [^\n]* pushed by a GITHUB_TOKEN → caused by the GITHUB_TOKEN: starts no workflow/);
    // Post steps run once a job's steps are done: each release's App token revoked (its pushes still the App's),
    // check-runner-disk's report on the builder.
    expect(
      run.output.match(
        /^✓ \d+\. Post Run actions\/create-github-app-token@[0-9a-f]{40} \([^\n]*prepare_release\.yml › prepare › app-token[^\n]*\n {6}Token revoked \(DELETE \/installation\/token: 204\)$/gm,
      ),
    ).toHaveLength(2);
    expect(run.output).toMatch(
      /^✓ \d+\. Post Run OWNER\/exegol-release-actions\/actions\/check-runner-disk@<sha> \(check-runner-disk post · sub_build\.yml › build › step 1, /m,
    );
    // Per release (the wrapper's; the images' release and its beta), what GitHub's evaluator decided.
    const counts = evaluationCounts(run.output);
    expect(counts.length, run.output).toBeGreaterThanOrEqual(3);
    for (const [conditions, expressions] of counts) expect(conditions > 0 && expressions > 0, String(counts)).toBe(true);
    // Each release: one dispatch and one approval (its checklist ticked), no more.
    expect(run.output.match(/^ {2}maintainer actions \(.*$/gm)).toEqual([
      '  maintainer actions (2): maintainer-alice dispatched prepare_release.yml → maintainer-bob approved #1 (checklist ticked)',
      '  maintainer actions (2): maintainer-alice dispatched prepare_release.yml → maintainer-bob approved #2 (checklist ticked)',
    ]);
    expect(run.output.match(/^✓ the maintainers acted 2 time\(s\), at most 2: /gm)).toHaveLength(2);
    expect(run.output).toContain('instead: a git clone of the hosted bare repository');
    expect(run.leftFiles).toEqual([]);
    expect(run.leftProcesses).toEqual([]);
  }, 900_000);

  // An example changed the way a real release would fail: the stand-ins refuse as the services do, and the checks see it.
  it('--only images: without pull-requests: write the merge gate cannot comment, as on GitHub, and the checks say so', async ({ expect }) => {
    const examples = await changedExamples('images/verify-release-pr.yml', (text) =>
      text.replace('      pull-requests: write\n', '      pull-requests: read\n'),
    );
    try {
      const run = await rehearse(['--only', 'images'], { REHEARSAL_EXAMPLES: examples.directory, REHEARSAL_DOCKER_ENGINE: 'off' });
      expect(run.code, run.output).toBe(1);
      expect(run.output).not.toContain('The wrapper:');
      expect(run.output).toContain('warning: The checklist comment was not written: GitHub answered 403: Resource not accessible by integration');
      expect(run.output).toMatch(/^✗ the pull request holds one checklist comment, "ready", by github-actions\[bot\]$/m);
      // The gate's runs before the approval fail (the pull request opened, its checklist ticked) as on GitHub; then only the check.
      expect(run.output.match(/^✗ /gm)).toHaveLength(3);
      expect(run.output).toMatch(
        /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/verify-release-pr@<sha> \(verify-release-pr · verify-release-pr\.yml › verify › step 1, /m,
      );
      expect(run.output).toContain('A check failed: the real release would not end in this state.');
      expect(run.leftFiles).toEqual([]);
      expect(run.leftProcesses).toEqual([]);
    } finally {
      await examples.remove();
    }
  }, 900_000);

  it('--only wrapper: the merged release pull request tags, publishes, releases, merges the docs and moves dev; a re-run changes nothing', async ({
    expect,
  }) => {
    const run = await rehearse(['--only', 'wrapper']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain('The images:');
    // The only failures: the gate's runs before the approval (the pull request opened, its checklist ticked), as on
    // GitHub; then the check of each hand-pushed tag after the release.
    const gate = expect.stringMatching(
      /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/verify-release-pr@<sha> \(verify-release-pr · entrypoint_prerelease\.yml › verify › step 1, /,
    );
    const handPushed = expect.stringMatching(
      /^✗ \d+\. The tag is annotated, on master at a merge commit, and signed by an allowed signer \(run · entrypoint_release\.yml › hand-pushed-tag › check, /,
    );
    expect(run.output.match(/^✗ .*$/gm)).toEqual([gate, gate, handPushed, handPushed]);
    expectInOrder(expect, run.output, [
      'Docs pull request Exegol-docs dev-wrapper → main',
      'Run workflow prepare_release.yml on master',
      'Run actions/create-github-app-token@',
      'Run OWNER/exegol-release-actions/actions/open-release-pr@<sha>',
      'Release checklist ticked',
      'Approved by a maintainer',
      'Run OWNER/exegol-release-actions/actions/verify-release-pr@<sha>',
      'The merged pull request is a release pull request dev → master, approved, merged with a merge commit',
      "Write the tag message (the pull request's description)",
      'Run OWNER/exegol-release-actions/actions/bump-version@<sha>',
      'Build the sdist, then the wheel from the sdist',
      'Run OWNER/exegol-release-actions/actions/publish-pypi-sdist@<sha>',
      'Run OWNER/exegol-release-actions/actions/publish-github-release@<sha>',
      'Merge the open pull request from dev-wrapper with a merge commit',
      'Move dev to the next beta',
      // The re-run: the tag job again, then the next beta finds dev moved on.
      'The merged pull request is a release pull request dev → master, approved, merged with a merge commit',
      'Does dev still hold the released version?',
    ]);
    expect(run.output).toContain('event workflow_dispatch: prepare_release.yml dispatched by maintainer-alice → prepare_release.yml');
    expect(run.output).toContain('event pull_request (opened): #1 opened by exegol-release[bot] → entrypoint_prerelease.yml');
    expect(run.output).toMatch(
      /^ {2}auto-merge of #1 \(enabled by exegol-release\[bot\]\): waiting: At least 1 approving review is required by reviewers with write access\.; /m,
    );
    expect(run.output).toContain('auto-merge of #1 (enabled by exegol-release[bot]): every requirement met: merged');
    expect(run.output).toContain('event pull_request (closed): #1 merged by exegol-release[bot] (auto-merge) → entrypoint_release.yml');
    expect(run.output).toMatch(/^ {2}– Move dev to the next beta \(entrypoint_release\.yml › next-beta › bump\): skipped, its if: is false$/m);
    expect(evaluationCounts(run.output)).toEqual([[expect.any(Number), expect.any(Number)]]);
    expect(run.output).toMatch(
      /^ {2}maintainer actions \(2\): maintainer-alice dispatched prepare_release\.yml → maintainer-bob approved #1 \(checklist ticked\)$/m,
    );
    for (const check of [
      /^✓ pull request #1 was opened by exegol-release\[bot\], the release App's token: its events started the pre-release workflows$/m,
      /^✓ #1 was merged by auto-merge as the account that enabled it \(exegol-release\[bot\]\), with a merge commit$/m,
      /^✓ auto-merge waited: 2 evaluation\(s\) refused it \(.*\), then it merged at .*, after the approval \(.*\) and the gate "Release pull request" passing on the head/m,
      /^✓ dev's version commit [0-9a-f]{7} was pushed by exegol-release\[bot\] \(prepare_release\.yml's App token\)/m,
      /^✓ at the tag, the submodules exegol-images and exegol-resources are at the tips of their main/m,
      /^✓ tag 5\.1\.5 is annotated, its message the pull request's description, by Maintainer Alice/m,
      /^✓ tag 5\.1\.5 is signed and verifies with git using only the public SSH key of TAG_SIGNING_KEY$/m,
      /^✓ dev descends from the tag, one commit after it, and holds 5\.1\.6b1 in both version files$/m,
      /^✓ TestPyPI and PyPI hold exegol-5\.1\.5\.tar\.gz \(sha256 [0-9a-f]{12}…\) and exegol-5\.1\.5-py3-none-any\.whl/m,
      /^✓ the GitHub release holds exegol-5\.1\.5\.tar\.gz \(sha256 [0-9a-f]{12}…\) and exegol-5\.1\.5-py3-none-any\.whl/m,
      /^✓ the docs pull request ThePorgs\/Exegol-docs#1 \(dev-wrapper → main\) is merged, after the GitHub release was published/m,
      /^✓ entrypoint_release\.yml re-run on the same event: every job passed again, and no ref, package file, release or asset changed$/m,
      /^✓ a lightweight 5\.1\.6 pushed by hand stopped entrypoint_release\.yml at its check, naming why \(::error::5\.1\.6 is a lightweight tag/m,
      /^✓ an annotated but unsigned 5\.1\.6 stopped it too, RELEASE_TAG_ALLOWED_SIGNERS being set \(::error::5\.1\.6 is not signed by a key of RELEASE_TAG_ALLOWED_SIGNERS\)$/m,
      /^✓ nothing of 5\.1\.6 reached TestPyPI or PyPI, and no GitHub release was made for it$/m,
    ])
      expect(run.output).toMatch(check);
    expect(run.output).not.toMatch(/^✗ (?!\d+\. )/m);
    expect(run.leftFiles).toEqual([]);
    expect(run.leftProcesses).toEqual([]);
  }, 900_000);

  it('--only images: check-runners first, the checklist ticked with the approval, the tools lists attached, the docs pull request merged after the release', async ({
    expect,
  }) => {
    const run = await rehearse(['--only', 'images']);
    expect(run.code, run.output).toBe(0);
    expect(run.output).not.toContain('The wrapper:');
    // The only failures: the gate's runs before the approval (opened, then the checklist ticked), as on GitHub.
    expect(run.output.match(/^✗ .*$/gm)).toEqual([
      expect.stringMatching(
        /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/verify-release-pr@<sha> \(verify-release-pr · verify-release-pr\.yml › verify › step 1, /,
      ),
      expect.stringMatching(
        /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/verify-release-pr@<sha> \(verify-release-pr · verify-release-pr\.yml › verify › step 1, /,
      ),
    ]);
    expectInOrder(expect, run.output, [
      'Run workflow prepare_release.yml on main',
      'Run actions/create-github-app-token@',
      'Run OWNER/exegol-release-actions/actions/open-release-pr@<sha>',
      'Run OWNER/exegol-release-actions/actions/verify-release-pr@<sha> (verify-release-pr · pre-release.yml › release-pr › release',
      'Run OWNER/exegol-release-actions/actions/check-runners@<sha> (check-runners · pre-release.yml › runners › step 1',
      'Run actions/checkout@',
      'Release checklist ticked',
      'Approved by a maintainer once the builds passed',
      'Run OWNER/exegol-release-actions/actions/verify-release-pr@<sha>',
      'Run OWNER/exegol-release-actions/actions/publish-github-release@<sha> (publish-github-release · sub_release.yml › github-release › release',
      'Merge the open pull request from dev-images with a merge commit',
    ]);
    expect(run.output).toMatch(/^ {2}check-runners ran first: step \d+, before the pre-release's first self-hosted or build job \(step \d+\)$/m);
    expect(run.output).toContain('companion-pull-request-url https://github.com/ThePorgs/Exegol-docs/pull/1');
    expect(run.output).toContain('| Pull Request successfully merged');
    for (const check of [
      /^✓ check-runners ran before the pre-release's builds \(step \d+\), with builders online for AMD64 and ARM64$/m,
      /^✓ the release checklist's 2 items were ticked by the maintainer who approved, before the approval$/m,
      /^✓ the release "Exegol images 3\.1\.6" holds the 10 tools lists of Exegol-docs' dev, each asset's sha256 that of the file$/m,
      /^✓ the docs pull request ThePorgs\/Exegol-docs#1 dev-images → main was merged with a merge commit after the release 3\.1\.6 was published, never before$/m,
      /^✓ tag 3\.1\.6 is annotated, its message the pull request's description/m,
      /^✓ the release pull request's description lists #1 "Sliver in the full image" \(the notes from 3\.1\.5\) and the 2 checklist items$/m,
      /^✓ #2 was merged by auto-merge as the account that enabled it \(exegol-release\[bot\]\), with a merge commit$/m,
    ])
      expect(run.output).toMatch(check);
    expect(run.output).toMatch(
      /^ {2}maintainer actions \(2\): maintainer-alice dispatched prepare_release\.yml → maintainer-bob approved #2 \(checklist ticked\)$/m,
    );
    expect(run.output).toMatch(/Rehearsed images in [\d.]+ s: \d+ steps/);
    if (DOCKER_ENGINE_SKIP_REASON) expect(run.output.match(/^ {2}Docker engine: none here .*$/gm)).toHaveLength(1);
    else {
      // One flavour built, tested and pushed on the real engine; its index is what the release promoted.
      expect(run.output).not.toContain('no Docker engine here');
      expect(run.output).toMatch(/^ {2}Docker engine: dockerd 20\.10\.\S+ \(Debian's docker\.io\)/m);
      expect(run.output).toMatch(
        /^✓ \d+\. Build into this runner's engine .*\n {6}instead: docker build with the classic builder on the rehearsal's Docker engine/m,
      );
      expect(run.output).toMatch(/^ {6}\| \d+ test commands passed, 0 failed$/m);
      expect(run.output).toMatch(/^ {6}\| full-3\.1\.6-amd64: digest: sha256:[0-9a-f]{64} size: \d+$/m);
      // The push step's ::add-mask:: of its credentials is obeyed: neither the command nor the value is printed.
      expect(run.output).not.toContain('::add-mask::');
      expect(run.output).not.toContain(Buffer.from('nwodtuhs:dckr_pat_rehearsal_read_write_delete').toString('base64'));
      for (const check of [
        /^✓ the pre-release built full for amd64 on the Docker engine \(sha256:[0-9a-f]{12}…\) and its manifest in nwodtuhs\/exegol-preprod:full-3\.1\.6 has that image's configuration$/m,
        /^✓ that image carries Exegol's labels: org\.exegol\.app=Exegol, org\.exegol\.tag=full, org\.exegol\.version=3\.1\.6$/m,
        /^✓ nwodtuhs\/exegol-preprod:full-3\.1\.6 is the index of both architectures: the amd64 build and the recorded arm64 one$/m,
        /^✓ the release promoted that index: nwodtuhs\/exegol:full-3\.1\.6 is sha256:[0-9a-f]{12}…$/m,
        /^✓ the per-arch tags nwodtuhs\/exegol-builds:full-3\.1\.6-\{amd64,arm64\} were deleted through Docker Hub's API$/m,
        /^✓ the builder left no container and no Exegol image in its engine/m,
      ])
        expect(run.output).toMatch(check);
    }
    // The release, then the beta: each with the count of what GitHub's evaluator decided.
    expect(evaluationCounts(run.output)).toHaveLength(2);
    expect(run.leftFiles).toEqual([]);
    expect(run.leftProcesses).toEqual([]);
  }, 900_000);

  it('--only images: a runner group no builder has stops the pre-release at check-runners, before any build', async ({ expect }) => {
    const examples = await changedExamples('images/pre-release.yml', (text) =>
      // wait: 0, or check-runners waits its 15 minutes for a runner to come online.
      text
        .replace('            self-hosted, builder, ARM64\n', '            self-hosted, builder, RISCV64\n')
        .replace('          wait: 15m\n', '          wait: 0\n'),
    );
    try {
      const run = await rehearse(['--only', 'images'], { REHEARSAL_EXAMPLES: examples.directory, REHEARSAL_DOCKER_ENGINE: 'off' });
      expect(run.code, run.output).toBe(1);
      expect(run.output).toMatch(
        /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/check-runners@<sha> \(check-runners · pre-release\.yml › runners › step 1, /m,
      );
      expect(run.output).toContain('self-hosted, builder, RISCV64');
      expect(run.output).toContain('pre-release.yml › runners: failed');
      expect(run.output).toContain('sub_preprod.yml › preprod › plan: did not run');
      expect(run.leftFiles).toEqual([]);
      expect(run.leftProcesses).toEqual([]);
    } finally {
      await examples.remove();
    }
  }, 900_000);

  it('--only images: without DOCS_TOKEN passed to the release, the docs pull request stays open and the check says so', async ({ expect }) => {
    const examples = await changedExamples('images/release.yml', (text) => text.replace('      DOCS_TOKEN: ${{ secrets.DOCS_TOKEN }}\n', ''));
    try {
      // Also the recorded path a machine without a Docker engine takes: said once, every image seeded in preprod.
      const run = await rehearse(['--only', 'images'], { REHEARSAL_EXAMPLES: examples.directory, REHEARSAL_DOCKER_ENGINE: 'off' });
      expect(run.code, run.output).toBe(1);
      expect(run.output.match(/^ {2}Docker engine: none here .*$/gm)).toEqual([
        '  Docker engine: none here (REHEARSAL_DOCKER_ENGINE=off): no image is built; every image is seeded in preprod as its pipeline leaves it',
      ]);
      expect(run.output).toContain('instead: the credentials written to DOCKER_CONFIG, as docker login stores them (no Docker engine here)');
      expect(run.output).toContain('base: (skipped); flavours to build: []');
      expect(run.output).toContain('::notice::DOCS_TOKEN is unset: merge the docs pull request from dev-images by hand');
      expect(run.output).toMatch(/^✗ the docs pull request ThePorgs\/Exegol-docs#1 dev-images → main was merged with a merge commit after the release/m);
      expect(run.output).toContain('A check failed: the real release would not end in this state.');
      expect(run.leftFiles).toEqual([]);
      expect(run.leftProcesses).toEqual([]);
    } finally {
      await examples.remove();
    }
  }, 900_000);

  it('--only wrapper: a publish job in another environment than the trusted publisher\u2019s is refused by PyPI, and the rehearsal stops there', async ({
    expect,
  }) => {
    const examples = await changedExamples('wrapper/entrypoint_release.yml', (text) => text.replace('      name: release\n', '      name: pypi\n'));
    try {
      const run = await rehearse(['--only', 'wrapper'], { REHEARSAL_EXAMPLES: examples.directory });
      expect(run.code, run.output).toBe(1);
      expect(run.output).not.toContain('The images:');
      expect(run.output).toMatch(
        /^✗ \d+\. Run OWNER\/exegol-release-actions\/actions\/publish-pypi-sdist@<sha> \(publish-pypi-sdist · entrypoint_release\.yml › publish › pypi, /m,
      );
      expect(run.output).toContain('invalid-publisher');
      expect(run.output).toContain(
        'Rehearsal stopped: after #1 merged by exegol-release[bot] (auto-merge): entrypoint_release.yml › publish: failure, expected success',
      );
      expect(run.output).toContain('entrypoint_release.yml › publish: failed (wrapper/entrypoint_release.yml › publish › pypi');
      expect(run.output).toContain('entrypoint_release.yml › github-release: skipped, expected success');
      expect(run.leftFiles).toEqual([]);
      expect(run.leftProcesses).toEqual([]);
    } finally {
      await examples.remove();
    }
  }, 900_000);

  // The changes a contributor could make to an example that a real release would fail with: each is found by
  // GitHub's parser and evaluator deciding what runs, and named by its workflow and job.
  for (const [what, file, edit, named] of [
    [
      "a job's if: negated",
      'wrapper/entrypoint_prerelease.yml',
      (text: string) => text.replace("      github.event.pull_request.base.ref == 'master' &&", "      github.event.pull_request.base.ref != 'master' &&"),
      'entrypoint_prerelease.yml › verify: skipped, expected failure',
    ],
    [
      "the release trigger's pull request type changed",
      'wrapper/entrypoint_release.yml',
      (text: string) => text.replace('    types: [closed]\n', '    types: [opened]\n'),
      'entrypoint_release.yml › tag: did not run (no workflow started for it), expected success',
    ],
    [
      "the release trigger's branch changed",
      'wrapper/entrypoint_release.yml',
      (text: string) => text.replace('  pull_request:\n    branches: [master]\n', '  pull_request:\n    branches: [main]\n'),
      'entrypoint_release.yml › tag: did not run (no workflow started for it), expected success',
    ],
    [
      // Found on the re-run of the same event: dev has moved on, so the next beta must not be bumped again.
      "a step's if: removed",
      'wrapper/entrypoint_release.yml',
      (text: string) =>
        text.replace(
          "        name: Move dev to the next beta\n        if: steps.version.outputs.released == 'true'\n",
          '        name: Move dev to the next beta\n',
        ),
      'entrypoint_release.yml › next-beta › bump: success, expected skipped',
    ],
    [
      'the companion docs pull request named in another repository',
      'wrapper/entrypoint_prerelease.yml',
      (text: string) => text.replace('companion-pull-request: ThePorgs/Exegol-docs:dev-wrapper', 'companion-pull-request: ThePorgs/Exegol-doc:dev-wrapper'),
      'entrypoint_prerelease.yml › verify: failed',
    ],
    [
      '&& and || swapped in the expression that computes the version',
      'images/release.yml',
      (text: string) =>
        text.replaceAll(
          "github.event_name == 'push' && github.ref_name || needs.tag.outputs.tag",
          "github.event_name == 'push' || github.ref_name && needs.tag.outputs.tag",
        ),
      'sub_release.yml › release › promote: failed',
    ],
    [
      'an output read through needs renamed in its producer only',
      'images/sub_tag.yml',
      (text: string) => text.replace("      tag:\n        description: 'The tag pushed", "      pushed-tag:\n        description: 'The tag pushed"),
      'release.yml › release: skipped, expected success',
    ],
  ] as const)
    // Each rehearsed alone: the release its changed file belongs to (wrapper/… or images/…).
    it(`--only ${file.split('/')[0]}: ${what} fails the rehearsal, naming the workflow and the job`, async ({ expect }) => {
      const examples = await changedExamples(file, edit);
      try {
        const run = await rehearse(['--only', file.split('/')[0]!], { REHEARSAL_EXAMPLES: examples.directory, REHEARSAL_DOCKER_ENGINE: 'off' });
        expect(run.code, run.output).toBe(1);
        expect(run.output).toMatch(/Rehearsal stopped: after /);
        expect(run.output).toContain(named);
        expect(run.leftFiles).toEqual([]);
        expect(run.leftProcesses).toEqual([]);
      } finally {
        await examples.remove();
      }
    }, 900_000);

  it('refuses an unknown release name', async ({ expect }) => {
    const run = await rehearse(['--only', 'docs']);
    expect(run.code).toBe(1);
    expect(run.output).toContain('--only takes wrapper, images, pipelines or negative, not "docs"');
    expect(run.leftFiles).toEqual([]);
    // Started beside the other rehearsals of this file: tsx's start-up alone can take a minute on a busy machine.
  }, 300_000);
});
