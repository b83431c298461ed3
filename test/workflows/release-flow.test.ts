// The release after the approval, as a maintainer copying the examples gets it: the wrapper tags and publishes itself in
// one run, a hand-pushed tag is checked before PyPI, releases go through publish-github-release with their files, the
// docs pull request is merged after the release, the payloads are those Exegol-images sends today, the tags carry an
// identity GitHub can verify, the Exegol-docs workflows fit the real ones, our actions are pinned by SHA, and the
// READMEs' snippets are the examples' own lines.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { loadWorkflow } from '../../scripts/rehearse/engine/workflows.js';
import { OUR_PIN, checkActionInputs, ourActionName } from './action-inputs.js';
import { WRAPPER, plan, pullRequest, push, repositoryDispatch, running, whyNotStarted } from './example-events.js';
import {
  EXAMPLES_DIRECTORY,
  exampleWorkflowFiles,
  loadExample,
  permissionMap,
  runsAfter,
  scriptsOf,
  stepsUsing,
  type Job,
  type Step,
} from './workflow-facts.js';

const FILES = exampleWorkflowFiles();
const WRAPPER_RELEASE = 'wrapper/entrypoint_release.yml';

function job(file: string, name: string): Job {
  const found = loadExample(file).workflow.jobs[name];
  if (!found) throw new Error(`${file} has no job ${name}`);
  return found;
}

/** The names of the jobs of `file` holding a step that uses our `action`. */
const jobsUsing = (file: string, action: string): string[] =>
  Object.entries(loadExample(file).workflow.jobs)
    .filter(([, candidate]) => stepsUsing(candidate, action).length > 0)
    .map(([name]) => name);

describe('the wrapper release after the approval', () => {
  const { workflow } = loadExample(WRAPPER_RELEASE);

  it('runs when the release pull request is merged into master, and tags its merge commit (signed, require-branches: master)', async () => {
    const { template } = await loadWorkflow(WRAPPER_RELEASE);
    expect(template.events.pull_request).toEqual({ branches: ['master'], types: ['closed'] });
    const closed = (merged: boolean) => pullRequest(WRAPPER, 'closed', { title: 'Release 5.1.5', base: 'master', merged });
    const [tagJob] = jobsUsing(WRAPPER_RELEASE, 'bump-version').filter((name) =>
      stepsUsing(job(WRAPPER_RELEASE, name), 'bump-version').some((step) => String(step.with?.['tag']) === 'true'),
    );
    expect(tagJob).toBeDefined();
    const tag = stepsUsing(job(WRAPPER_RELEASE, tagJob!), 'bump-version')[0]!.with!;
    expect(tag).toMatchObject({ bump: 'none', tag: true, 'require-branches': 'master', push: true });
    expect(String(tag['tag-ref'])).toContain('merge-commit-sha');
    expect(String(tag['sign'])).toContain('ssh');
    expect((await plan(WRAPPER_RELEASE, WRAPPER, closed(true))).jobs[tagJob!]).toBe('run');
    expect((await plan(WRAPPER_RELEASE, WRAPPER, closed(false))).jobs[tagJob!]).toBe('skipped');
  });

  it('publishes to PyPI in the same run, after the tag, from a top-level job with environment release that alone holds id-token: write', () => {
    const publishers = Object.entries(workflow.jobs).filter(([, candidate]) => permissionMap(candidate.permissions)['id-token'] === 'write');
    expect(publishers.map(([name]) => name)).toEqual(['publish']);
    const publish = publishers[0]![1];
    expect(publish.uses).toBeUndefined();
    expect(typeof publish.environment === 'string' ? publish.environment : publish.environment?.name).toBe('release');
    expect(runsAfter(workflow, 'publish', 'tag')).toBe(true);
    expect(runsAfter(workflow, 'publish', 'test')).toBe(true);
    for (const later of ['github-release', 'next-beta', 'docs']) expect(runsAfter(workflow, later, 'publish'), later).toBe(true);
  });

  it('checks a hand-pushed tag before PyPI: the publication runs after the check', async () => {
    expect((await loadWorkflow(WRAPPER_RELEASE)).template.events.push).toEqual({ tags: ['[0-9]+.[0-9]+.[0-9]+'] });
    expect(runsAfter(workflow, 'publish', 'hand-pushed-tag')).toBe(true);
    const tagPush = push(WRAPPER, 'refs/tags/5.1.5');
    expect((await plan(WRAPPER_RELEASE, WRAPPER, tagPush)).jobs).toMatchObject({ 'hand-pushed-tag': 'run', publish: 'run' });
    expect((await plan(WRAPPER_RELEASE, WRAPPER, tagPush, { results: { 'hand-pushed-tag': 'failure' } })).jobs).toMatchObject({
      'hand-pushed-tag': 'run',
      publish: 'skipped',
    });
    expect(scriptsOf(job(WRAPPER_RELEASE, 'hand-pushed-tag'))).toContain('gpg.ssh.allowedSignersFile');
  });
});

/** A repository with master holding a release merge commit, and a clone of it as actions/checkout leaves it. */
function tagRepositories(): { bare: string; work: string; run: (tag: string, env?: Record<string, string>) => { status: number; output: string } } {
  const root = mkdtempSync(path.join(tmpdir(), 'hand-pushed-tag-'));
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Maintainer',
    GIT_AUTHOR_EMAIL: 'maintainer@example.invalid',
    GIT_COMMITTER_NAME: 'Maintainer',
    GIT_COMMITTER_EMAIL: 'maintainer@example.invalid',
  };
  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  const bare = path.join(root, 'Exegol.git');
  const source = path.join(root, 'source');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=master', bare);
  git(root, 'init', '--quiet', '--initial-branch=master', source);
  git(source, 'commit', '--quiet', '--allow-empty', '-m', 'Exegol 5.1.4');
  git(source, 'checkout', '--quiet', '-b', 'dev');
  git(source, 'commit', '--quiet', '--allow-empty', '-m', 'Bump version to 5.1.5');
  git(source, 'tag', 'lightweight-on-dev');
  git(source, 'tag', '-a', '-m', 'not a merge', '5.1.6');
  git(source, 'checkout', '--quiet', 'master');
  git(source, 'merge', '--quiet', '--no-ff', '-m', 'Merge pull request #1 from ThePorgs/dev', 'dev');
  git(source, 'tag', '-a', '-m', 'Release 5.1.5', '5.1.5');
  git(source, 'tag', '5.1.7');
  // An SSH key, its tag signed; the allowed signers list names it.
  const key = path.join(root, 'signer');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'maintainer', '-f', key]);
  git(source, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${key}`, 'tag', '-s', '-m', 'Release 5.1.5 signed', '5.1.5.post1');
  git(source, 'push', '--quiet', bare, 'master', 'dev', '--tags');
  const work = path.join(root, 'work');
  git(root, 'clone', '--quiet', '--branch', 'master', bare, work);
  const script = (job(WRAPPER_RELEASE, 'hand-pushed-tag').steps ?? []).find((step) => step.id === 'check')!.run!;
  const allowed = `maintainer@example.invalid ${readFileSync(`${key}.pub`, 'utf8').trim()}`;
  return {
    bare,
    work,
    run(tag, extra = {}) {
      const output = path.join(root, `output-${tag}`);
      writeFileSync(output, '');
      const variables = Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, value === 'ALLOWED' ? allowed : value]));
      const result = spawnSync('bash', ['-e', '-c', script], {
        cwd: work,
        env: { ...env, TAG: tag, RUNNER_TEMP: root, GITHUB_OUTPUT: output, ALLOWED_SIGNERS: '', OPENPGP_KEYS: '', ...variables },
        encoding: 'utf8',
      });
      return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}${readFileSync(output, 'utf8')}` };
    },
  };
}

describe("the hand-pushed tag check, run on real git repositories (the workflow step's own script)", () => {
  let repositories: ReturnType<typeof tagRepositories>;
  beforeAll(() => {
    repositories = tagRepositories();
  });

  it('passes an annotated tag on the merge commit of master, and gives the tag and the commit', () => {
    const result = repositories.run('5.1.5');
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/^tag=5\.1\.5$/m);
    expect(result.output).toMatch(/^sha=[0-9a-f]{40}$/m);
  });

  it('refuses a lightweight tag, and a tag on a commit that is not a merge commit of master', () => {
    const light = repositories.run('5.1.7');
    expect(light.status).not.toBe(0);
    expect(light.output).toContain('lightweight tag');
    const notMerge = repositories.run('5.1.6');
    expect(notMerge.status).not.toBe(0);
    expect(notMerge.output).toContain("not on master's first-parent history");
  });

  it('with the allowed signers set, refuses an unsigned tag and passes one signed by an allowed key', () => {
    const unsigned = repositories.run('5.1.5', { ALLOWED_SIGNERS: 'ALLOWED' });
    expect(unsigned.status).not.toBe(0);
    expect(unsigned.output).toContain('not signed by a key of RELEASE_TAG_ALLOWED_SIGNERS');
    const signed = repositories.run('5.1.5.post1', { ALLOWED_SIGNERS: 'ALLOWED' });
    expect(signed.status, signed.output).toBe(0);
  });
});

describe('the GitHub releases of the examples', () => {
  it.each(FILES)('%s: creates no release with gh release create (it fails on a re-run and attaches nothing)', (file) => {
    expect(loadExample(file).text).not.toMatch(/\bgh release (create|upload)\b/);
  });

  it("attach the wrapper's sdist and wheel, and the images' tools lists under `Exegol images {version}`", () => {
    const wrapper = stepsUsing(job(WRAPPER_RELEASE, 'github-release'), 'publish-github-release');
    expect(wrapper).toHaveLength(1);
    expect(String(wrapper[0]!.with?.['files']).split('\n').filter(Boolean)).toEqual(['dist/*.tar.gz', 'dist/*.whl']);
    const images = stepsUsing(job('images/sub_release.yml', 'github-release'), 'publish-github-release');
    expect(images).toHaveLength(1);
    expect(images[0]!.with).toMatchObject({ name: 'Exegol images {version}' });
    expect(String(images[0]!.with?.['files'])).toContain('installed_tools/lists/');
  });

  it('merge the docs pull request with a merge commit after the release, never before', () => {
    for (const [file, branch] of [
      [WRAPPER_RELEASE, 'dev-wrapper'],
      ['images/sub_release.yml', 'dev-images'],
    ] as const) {
      const { workflow } = loadExample(file);
      expect(runsAfter(workflow, 'docs', 'github-release'), file).toBe(true);
      const docs = job(file, 'docs');
      expect(scriptsOf(docs), file).toContain('merge_method=merge');
      expect(JSON.stringify(docs.steps), file).toContain(`DOCS_BRANCH":"${branch}`);
    }
  });
});

describe('the docs pull request', () => {
  it('must be open before the release: the release gates name it as their companion pull request', () => {
    expect(stepsUsing(job('wrapper/entrypoint_prerelease.yml', 'verify'), 'verify-release-pr')[0]!.with?.['companion-pull-request']).toBe(
      'ThePorgs/Exegol-docs:dev-wrapper',
    );
    const [gate] = jobsUsing('images/verify-release-pr.yml', 'verify-release-pr');
    expect(stepsUsing(job('images/verify-release-pr.yml', gate!), 'verify-release-pr')[0]!.with?.['companion-pull-request']).toBe(
      'ThePorgs/Exegol-docs:dev-images',
    );
  });
});

describe('the pipelines form with what Exegol-images sends today', () => {
  it('dispatches the release with the payload {"version": …} only, and the pipelines repository reads it', () => {
    const dispatch = scriptsOf(job('pipelines/exegol-images/dispatch_release.yml', 'trigger-private-pipeline'));
    expect(dispatch).toContain('client_payload: {version: $version}');
    const release = loadExample('pipelines/pipelines-repository/release.yml').text;
    expect(release).toContain('github.event.client_payload.version');
    expect(release).not.toContain('client_payload.sha');
  });
});

describe('the pipelines pre-release with what Exegol-images sends today', () => {
  const file = 'pipelines/pipelines-repository/preprod.yml';

  it('dispatches sha = the merge-ref commit (github.sha) and image_version, no pull request number', () => {
    const step = (job('pipelines/exegol-images/dispatch_preprod_base.yml', 'trigger-private-pipeline').steps ?? []).find((entry) =>
      /dispatches/.test(entry.run ?? ''),
    )!;
    expect(step.env).toMatchObject({ SHA: '${{ github.sha }}' });
    expect(step.run).toContain('client_payload: {sha: $sha, image_version: $image_version}');
  });

  it('finds the pull request from the version and the merge-ref commit, and builds its head', () => {
    const release = job(file, 'release-pr');
    expect(loadExample(file).text).not.toContain('client_payload.pull_request');
    const find = (release.steps ?? []).find((step) => step.id === 'pull-request')!;
    expect(find.run).toContain('select(.title == $title)');
    expect(find.run).toContain('.merge_commit_sha');
    expect(stepsUsing(release, 'verify-release-pr')[0]!.with?.['pull-request']).toBe('${{ steps.pull-request.outputs.number }}');
    expect(job(file, 'preprod').with?.['ref']).toBe('${{ needs.release-pr.outputs.head }}');
  });

  it("reports each build and test job as a commit status on the pull request's head, pending first, even when a build failed", async () => {
    const { workflow } = loadExample(file);
    const pending = (job(file, 'release-pr').steps ?? []).find((step) => /state=pending/.test(step.run ?? ''))!;
    expect(pending.run).toContain('repos/$IMAGES_REPOSITORY/statuses/$HEAD');
    const statuses = job(file, 'statuses');
    expect(runsAfter(workflow, 'statuses', 'preprod')).toBe(true);
    // Even when a build failed; not for a pull request that is no release pull request.
    const dispatched = repositoryDispatch('ThePorgs/Pipelines', 'preprod-base-pipeline', { sha: 'c'.repeat(40), image_version: '3.1.6' });
    const isRelease = (value: string) => ({ 'release-pr': { 'is-release': value } });
    expect((await plan(file, 'ThePorgs/Pipelines', dispatched, { outputs: isRelease('true'), results: { preprod: 'failure' } })).jobs['statuses']).toBe('run');
    expect((await plan(file, 'ThePorgs/Pipelines', dispatched, { outputs: isRelease('true') })).jobs['statuses']).toBe('run');
    expect((await plan(file, 'ThePorgs/Pipelines', dispatched, { outputs: isRelease('false') })).jobs['statuses']).toBe('skipped');
    expect(scriptsOf(statuses)).toContain('actions/runs/$GITHUB_RUN_ID/jobs');
    expect(scriptsOf(statuses)).toContain('repos/$IMAGES_REPOSITORY/statuses/$HEAD');
    expect(JSON.stringify(statuses.steps)).toContain('needs.release-pr.outputs.head');
  });
});

describe('release tags', () => {
  it.each(FILES)('%s: each tag bump-version makes carries the tagger identity of the repository variables', (file) => {
    for (const [name, candidate] of Object.entries(loadExample(file).workflow.jobs))
      for (const step of stepsUsing(candidate, 'bump-version').filter((entry) => String(entry.with?.['tag']) === 'true'))
        expect(step.with, `${file} ${name}`).toMatchObject({
          'git-author-name': '${{ vars.RELEASE_TAGGER_NAME }}',
          'git-author-email': '${{ vars.RELEASE_TAGGER_EMAIL }}',
        });
  });
});

describe('the Exegol-docs examples', () => {
  const DOCS = 'ThePorgs/Exegol-docs';

  it('merge main into the dev branches only when a pull request is merged into main, not on every push', async () => {
    const merged = (value: boolean) => pullRequest(DOCS, 'closed', { base: 'main', head: 'dev', title: 'Docs', merged: value });
    expect(running(await plan('docs/automerger.yml', DOCS, merged(true)))).toEqual(['merge']);
    expect(running(await plan('docs/automerger.yml', DOCS, merged(false)))).toEqual([]);
    expect(await whyNotStarted('docs/automerger.yml', push(DOCS, 'refs/heads/main'))).toBe('on: has no push');
    expect(await whyNotStarted('docs/automerger.yml', pullRequest(DOCS, 'closed', { base: 'dev', head: 'feature', merged: true }))).toBe(
      'base branch dev filtered out',
    );
  });

  it('deploy every pushed branch, for previews', async () => {
    for (const branch of ['main', 'dev-images', 'feature/x'])
      expect((await plan('docs/entrypoint_release.yml', DOCS, push(DOCS, `refs/heads/${branch}`))).jobs['deploy'], branch).toBe('run');
    expect((await plan('docs/entrypoint_release.yml', DOCS, push(DOCS, 'refs/tags/v1'))).jobs['deploy']).toBe('skipped');
    expect((await plan('docs/entrypoint_release.yml', DOCS, pullRequest(DOCS, 'opened', { base: 'main', head: 'dev' }))).jobs['deploy']).toBe('skipped');
  });

  it('pin actions/checkout at v6.0.2, as Exegol-docs does', () => {
    for (const file of ['docs/automerger.yml', 'docs/entrypoint_release.yml']) {
      const pins = [...loadExample(file).text.matchAll(/uses: actions\/checkout@(\S+) # (\S+)/g)].map((match) => `${match[1]} ${match[2]}`);
      expect(pins.length, file).toBeGreaterThan(0);
      for (const pin of pins) expect(pin, file).toBe('de0fac2e4500dabe0009e67214ff5f5447ce83dd v6.0.2');
    }
  });
});

describe("this project's actions", () => {
  it.each(FILES)('%s: pins them by commit SHA with the version in a comment (`@<sha> # v1.0.0`)', (file) => {
    for (const line of loadExample(file)
      .text.split('\n')
      .filter((text) => /^\s*(- )?uses:\s*\S*exegol-release-actions\//.test(text)))
      expect(line, file).toMatch(OUR_PIN);
  });

  it('are pinned by SHA with Dependabot github-actions updates, as the README says', () => {
    const readme = readFileSync(path.join(EXAMPLES_DIRECTORY, 'README.md'), 'utf8');
    expect(readme).toMatch(/pin[^.]*by (its |their )?commit SHA/i);
    expect(readme).toContain('github-actions');
    const dependabot = parse(readFileSync(path.join(EXAMPLES_DIRECTORY, 'wrapper', 'dependabot.yml'), 'utf8')) as {
      updates: { 'package-ecosystem': string }[];
    };
    expect(dependabot.updates.map((update) => update['package-ecosystem'])).toContain('github-actions');
  });
});

/** The YAML blocks of a Markdown file that use one of our actions. */
function snippets(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((block) => block.includes('exegol-release-actions/actions/'));
}

/** A line as compared: its comment and surrounding blanks left out. */
const bare = (line: string): string => line.replace(/\s+#.*$/, '').trim();

describe("the READMEs' snippets", () => {
  const exampleLines = new Set(FILES.flatMap((file) => loadExample(file).text.split('\n').map(bare)));
  const readmes = ['README.md', 'workflows-examples/README.md', 'actions/publish-github-release/README.md'];
  const blocks = readmes.flatMap((file) => snippets(readFileSync(path.join(REPO_ROOT, file), 'utf8')).map((block) => [file, block] as const));

  it('exist in the root README', () => {
    expect(blocks.filter(([file]) => file === 'README.md').length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks)('%s: a snippet is copied from the examples, line by line', (_, block) => {
    const missing = block
      .split('\n')
      .map(bare)
      .filter((line) => line && !exampleLines.has(line));
    expect(missing).toEqual([]);
  });

  it.each(blocks)('%s: a snippet parses, gives our actions only their inputs, and pins them by SHA', (_, block) => {
    // A step list or a job, re-indented under a job so that the input check reads it.
    const text = block.replace(/^\n+/, '');
    const indent = /^( *)/.exec(text)![1]!.length;
    const dedented = text
      .split('\n')
      .map((line) => line.slice(Math.min(indent, /^( *)/.exec(line)![1]!.length)))
      .join('\n');
    const parsed = parse(dedented) as unknown;
    const steps: Step[] = Array.isArray(parsed)
      ? (parsed as Step[])
      : 'uses' in (parsed as Record<string, unknown>)
        ? [parsed as Step]
        : Object.values(parsed as Record<string, Job>).flatMap((entry) => entry.steps ?? []);
    expect(steps.length).toBeGreaterThan(0);
    const workflow = `on: push\njobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n${steps.map((step) => `      - ${JSON.stringify(step)}`).join('\n')}\n`;
    expect(checkActionInputs(workflow)).toEqual([]);
    for (const step of steps) if (step.uses && ourActionName(step.uses)) expect(step.uses).toMatch(/@<sha>$/);
    for (const line of block.split('\n').filter((entry) => /uses:\s*\S*exegol-release-actions\//.test(entry))) expect(line).toMatch(OUR_PIN);
  });

  it('name the secrets as the repositories and the examples do', () => {
    const text = [...readmes, ...['publish-pypi-sdist', 'promote-images-preprod-to-prod'].map((action) => `actions/${action}/README.md`)]
      .map((file) => readFileSync(path.join(REPO_ROOT, file), 'utf8'))
      .join('\n');
    expect(text).not.toMatch(/secrets\.(DOCKERHUB_USERNAME|DOCKERHUB_TOKEN|PYPI_TOKEN|TEST_PYPI_TOKEN)\b/);
  });

  it('read outputs only of a step the same snippet or its example defines', () => {
    for (const [file, block] of blocks)
      for (const match of block.matchAll(/steps\.([\w-]+)\.outputs/g)) {
        const id = match[1]!;
        // The example the snippet is copied from: the one holding every line of it.
        const wanted = block.split('\n').map(bare).filter(Boolean);
        const source = FILES.find((example) => {
          const have = new Set(loadExample(example).text.split('\n').map(bare));
          return wanted.every((line) => have.has(line));
        });
        expect(source, `${file}: no example holds the whole snippet`).toBeDefined();
        expect(loadExample(source!).text, `${file}: steps.${id}`).toMatch(new RegExp(`^\\s*(- )?id: ${id}$`, 'm'));
      }
  });
});
