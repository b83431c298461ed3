import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { git } from '@exegol-release/testbed/fixtures/git.js';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { GITHUB_ACTIONS_BOT, GitHubApiStandIn, user, type PullRequest } from '@exegol-release/testbed/stand-ins/github-api.js';
import { serveReleaseEndpoints, type ReleaseEndpoints } from '@exegol-release/testbed/stand-ins/github-api-release.js';

export const OWNER = 'ThePorgs';
/** A token with Contents: write, as a job with `permissions: contents: write` gets. */
export const WRITER = 'ghs-contents-write';
/** The GITHUB_TOKEN of a job with `permissions: contents: read`. */
export const READER = 'ghs-contents-read';

/** The history every repository of these tests has: tags 5.1.4, 5.1.5b1, nightly, 5.1.5b2, 5.1.5, each after one merged pull request. */
export const MERGED = ['Feature one', 'Feature two', 'Fix three'] as const;

export interface ReleaseWorld {
  api: GitHubApiStandIn;
  endpoints: ReleaseEndpoints;
  /** A repository name of its own for one test, served from the shared bare repository. */
  repository(): string;
  /** A new workspace holding `files` (path → text). */
  workspace(files: Record<string, string>): Promise<string>;
  /** Runs the bundle against the stand-in on `repository`. */
  publish(repository: string, workspace: string, inputs: Record<string, string>): Promise<BundleRun>;
  /** The non-GET requests the stand-in received since `from` (a count of requests). */
  writesSince(from: number): string[];
}

/** Starts the GitHub stand-in with one bare repository, and removes it all after the file's tests. */
export function useReleaseWorld(): () => ReleaseWorld {
  let world: ReleaseWorld;
  let root: string;
  let counter = 0;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'publish-github-release-'));
    const bare = path.join(root, 'Exegol.git');
    const work = path.join(root, 'work');
    git(root, 'init', '--quiet', '--bare', '--initial-branch=master', bare);
    git(root, 'init', '--quiet', '--initial-branch=master', work);
    const commits: string[] = [];
    const commit = (message: string): string => {
      git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
      const sha = git(work, 'rev-parse', 'HEAD');
      commits.push(sha);
      return sha;
    };
    commit('Exegol 5.1.4');
    git(work, 'tag', '-a', '-m', '5.1.4', '5.1.4');
    const merges = [commit(`Merge pull request #1: ${MERGED[0]}`)];
    git(work, 'tag', '-a', '-m', '5.1.5b1', '5.1.5b1');
    git(work, 'tag', 'nightly');
    merges.push(commit(`Merge pull request #2: ${MERGED[1]}`));
    git(work, 'tag', '-a', '-m', '5.1.5b2', '5.1.5b2');
    merges.push(commit(`Merge pull request #3: ${MERGED[2]}`));
    git(work, 'tag', '-a', '-m', '5.1.5', '5.1.5');
    git(work, 'push', '--quiet', `file://${bare}`, 'master', '--tags');
    const api = await new GitHubApiStandIn(OWNER, 'Exegol').start();
    const endpoints = serveReleaseEndpoints(api);
    api.tokens.set(WRITER, { ...GITHUB_ACTIONS_BOT, permissions: { contents: 'write' } });
    api.tokens.set(READER, { ...GITHUB_ACTIONS_BOT, permissions: { contents: 'read' } });
    world = {
      api,
      endpoints,
      repository() {
        counter += 1;
        const name = `${OWNER}/Exegol-${counter}`;
        const state = api.repository(name);
        state.defaultBranch = 'master';
        MERGED.forEach((title, index) => {
          const pr: PullRequest = {
            number: index + 1,
            title,
            state: 'closed',
            merged: true,
            merged_at: '2026-01-01T00:00:00Z',
            merge_commit_sha: merges[index]!,
            user: user('contributor'),
            html_url: `https://github.com/${name}/pull/${index + 1}`,
          };
          state.pulls.set(index + 1, pr);
        });
        endpoints.bare.set(name, bare);
        return name;
      },
      async workspace(files) {
        const directory = await mkdtemp(path.join(root, 'workspace-'));
        for (const [file, text] of Object.entries(files)) {
          await mkdir(path.dirname(path.join(directory, file)), { recursive: true });
          await writeFile(path.join(directory, file), text);
        }
        return directory;
      },
      publish(repository, workspace, inputs) {
        return runBundle('publish-github-release', {
          workspace,
          inputs: { 'github-token': WRITER, repository, ...inputs },
          env: { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: repository },
        });
      },
      writesSince(from) {
        return api.requests
          .slice(from)
          .filter((request) => request.method !== 'GET')
          .map((request) => `${request.method} ${request.path}`);
      },
    };
  });
  afterAll(async () => {
    await world?.endpoints.stop();
    await world?.api.stop();
    await rm(root, { recursive: true, force: true });
  });
  return () => world;
}

/** The wrapper's distributions, as text standing in for their bytes. */
export const DISTRIBUTIONS = {
  'dist/exegol-5.1.5.tar.gz': 'sdist of exegol 5.1.5\n',
  'dist/exegol-5.1.5-py3-none-any.whl': 'wheel of exegol 5.1.5\n',
};
