// release.yml: the job that installs and tests holds no write token, the job that holds one runs no dependency's
// code, and the tag step, run for real against a bare remote, pushes tags signed with the SSH key it is given and
// verified against .github/allowed_signers, or pushes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkouts, ownWorkflow, runsDependencyCode, writeScopes } from './own-workflow-facts.js';

const RELEASE = ownWorkflow('release.yml');
const JOBS = Object.entries(RELEASE.workflow.jobs);

describe('release.yml', () => {
  it('installs, builds and tests in a job with a read-only token and no persisted checkout credentials', () => {
    const installing = JOBS.filter(([, job]) => runsDependencyCode(job));
    expect(installing.length).toBeGreaterThan(0);
    for (const [name, job] of installing) {
      expect(writeScopes(RELEASE, job), `${name} runs npm and holds write permissions`).toEqual([]);
      expect(checkouts(job).length, name).toBeGreaterThan(0);
      for (const step of checkouts(job)) expect(step.with?.['persist-credentials'], `${name}: checkout persists its credentials`).toBe(false);
    }
  });

  it('tags and releases in a job that runs no dependency code and releases the commit the tests ran on', () => {
    const writing = JOBS.filter(([, job]) => writeScopes(RELEASE, job).length > 0);
    expect(writing.map(([name]) => name)).toEqual(['release']);
    const [, release] = writing[0]!;
    expect(runsDependencyCode(release)).toBe(false);
    expect(release.steps?.some((step) => step.uses?.startsWith('actions/setup-node@'))).toBe(false);
    expect(release.needs).toBe('test');
    expect(checkouts(release)[0]?.with?.ref).toBe('${{ needs.test.outputs.sha }}');
    expect(release.steps?.some((step) => step.uses?.startsWith('actions/download-artifact@'))).toBe(true);
    expect(RELEASE.workflow.jobs.test?.steps?.some((step) => step.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });
});

/** The run: script of release.yml's signing step (it uses only its env:, no expressions, so it runs as written). */
function signingScript(): string {
  const step = RELEASE.workflow.jobs.release?.steps?.find((candidate) => /\bgpg\.format=ssh\b/.test(candidate.run ?? ''));
  if (!step?.run) throw new Error('release.yml has no step signing tags with an SSH key (gpg.format=ssh)');
  expect(step.run).not.toContain('${{');
  return step.run;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'release-signing-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** git with no system or global configuration. */
const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });

/** An ed25519 key pair without a passphrase: its private key's text and its public line. */
function keyPair(name: string): { privateKey: string; publicKey: string } {
  const file = path.join(scratch, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

const TAGGER = { name: 'Release Bot', email: 'release-bot@example.org' };
const PUBLISHED = keyPair('published');
const OTHER = keyPair('other');

/** A clone whose main holds .github/allowed_signers listing `allowed`, with a bare origin and a v1 tag from before. */
function repository(name: string, allowed: string): { work: string; origin: string; runnerTemp: string; allowedSigners: string } {
  const root = path.join(scratch, name);
  const origin = path.join(root, 'origin.git');
  const work = path.join(root, 'work');
  const runnerTemp = path.join(root, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  git(scratch, 'init', '--quiet', '--bare', origin);
  git(scratch, 'init', '--quiet', '--initial-branch=main', work);
  mkdirSync(path.join(work, '.github'));
  const allowedSigners = path.join(work, '.github', 'allowed_signers');
  writeFileSync(allowedSigners, `# comment\n${TAGGER.email} namespaces="git" ${allowed}\n`);
  git(work, 'add', '.');
  git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'one');
  git(work, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'tag', '--annotate', '-m', 'v1 → v1.0.0', 'v1');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '--quiet', 'origin', 'main', 'refs/tags/v1');
  return { work, origin, runnerTemp, allowedSigners };
}

/** Runs the signing step as GitHub runs a bash step (`bash --noprofile --norc -eo pipefail`). */
function runSigningStep(where: { work: string; runnerTemp: string }, env: Record<string, string>) {
  const script = path.join(scratch, `step-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(script, signingScript());
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: where.work,
    env: { ...GIT_ENV, RUNNER_TEMP: where.runnerTemp, VERSION: '1.2.3', TAGGER_NAME: TAGGER.name, TAGGER_EMAIL: TAGGER.email, ...env },
    encoding: 'utf8',
  });
}

const remoteTags = (origin: string): string[] => git(origin, 'tag', '--list').split('\n').filter(Boolean).sort();

describe("release.yml's tag step", () => {
  it('pushes vX.Y.Z and the moved major tag, both signed by the SSH key, tagged by the configured tagger, and leaves no key behind', () => {
    const repo = repository('signed', PUBLISHED.publicKey);
    const run = runSigningStep(repo, { SIGNING_KEY: PUBLISHED.privateKey });
    expect(run.status, run.stderr).toBe(0);
    expect(remoteTags(repo.origin)).toEqual(['v1', 'v1.2.3']);
    const head = git(repo.work, 'rev-parse', 'HEAD').trim();
    for (const tag of ['v1.2.3', 'v1']) {
      const object = git(repo.origin, 'cat-file', 'tag', tag);
      expect(object).toContain(`tagger ${TAGGER.name} <${TAGGER.email}>`);
      expect(object).toContain('-----BEGIN SSH SIGNATURE-----');
      expect(git(repo.origin, 'rev-parse', `${tag}^{commit}`).trim()).toBe(head);
      const verify = spawnSync('git', ['-c', `gpg.ssh.allowedSignersFile=${repo.allowedSigners}`, 'tag', '--verify', tag], {
        cwd: repo.origin,
        env: GIT_ENV,
        encoding: 'utf8',
      });
      expect(verify.status, `${tag}: ${verify.stderr}`).toBe(0);
      expect(verify.stderr).toContain('Good "git" signature');
    }
    expect(readdirSync(repo.runnerTemp)).toEqual([]);
  });

  it('pushes nothing when the key is not the one .github/allowed_signers publishes', () => {
    const repo = repository('unlisted', PUBLISHED.publicKey);
    const run = runSigningStep(repo, { SIGNING_KEY: OTHER.privateKey });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('does not verify against .github/allowed_signers: nothing pushed');
    expect(remoteTags(repo.origin)).toEqual(['v1']);
    expect(git(repo.origin, 'cat-file', 'tag', 'v1')).toContain('v1 → v1.0.0');
    expect(readdirSync(repo.runnerTemp)).toEqual([]);
  });

  it('makes no tag without a signing key or a tagger', () => {
    for (const [name, env] of [
      ['no-key', { SIGNING_KEY: '' }],
      ['no-tagger', { SIGNING_KEY: PUBLISHED.privateKey, TAGGER_EMAIL: '' }],
    ] as const) {
      const repo = repository(name, PUBLISHED.publicKey);
      const run = runSigningStep(repo, env);
      expect(run.status, name).not.toBe(0);
      expect(run.stdout, name).toMatch(/::error::(the secret RELEASE_TAG_SSH_KEY is empty|the variables RELEASE_TAGGER_NAME)/);
      expect(git(repo.work, 'tag', '--list').trim(), name).toBe('v1');
      expect(remoteTags(repo.origin), name).toEqual(['v1']);
    }
  });
});
