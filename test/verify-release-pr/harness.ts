import { afterAll, beforeAll, beforeEach } from 'vitest';
import { runBundle, type BundleRun } from '@exegol-release/testbed/harness/run-bundle.js';
import { GitHubApiStandIn, emptyState } from '@exegol-release/testbed/stand-ins/github-api.js';
import { OWNER, REPO, RUNNER_NAME, RUN_ID, passingRelease, pullRequestEvent } from '@exegol-release/testbed/fixtures/release-pr.js';

/** The inputs of the wrapper's pre-release check. */
export const WRAPPER_INPUTS = {
  'version-files': 'exegol/config/ConstantConfig.py',
  'file-patterns': 'exegol/utils/imgsync/spawn.sh: ^# Spawn Version:[0-9]+$',
};

/** Starts one stand-in for the file, reset to a passing release before each test. */
export function useStandIn(): {
  api: () => GitHubApiStandIn;
  verify: (inputs?: Record<string, string>, env?: Record<string, string | undefined>) => Promise<BundleRun>;
} {
  let api: GitHubApiStandIn;
  let eventPath: string;
  beforeAll(async () => {
    api = await new GitHubApiStandIn(OWNER, REPO).start();
    eventPath = await pullRequestEvent();
  });
  afterAll(async () => api.stop());
  beforeEach(() => {
    for (const state of api.repositories.values()) Object.assign(state, emptyState());
    api.requests.length = 0;
    api.faults.length = 0;
    api.tokens.clear();
    api.graphqlQueries.length = 0;
    passingRelease(api);
  });
  return {
    api: () => api,
    verify: (inputs = {}, env = {}) =>
      runBundle('verify-release-pr', {
        inputs: { 'github-token': 'ghs_standInToken123', ...inputs },
        env: {
          GITHUB_API_URL: api.url,
          GITHUB_EVENT_PATH: eventPath,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
          GITHUB_JOB: 'verify',
          GITHUB_RUN_ID: RUN_ID,
          RUNNER_NAME,
          ...env,
        },
      }),
  };
}

/** The failures output, parsed. */
export function failuresOf(run: BundleRun): { rule: string; detail: string }[] {
  return JSON.parse(run.outputs['failures'] ?? '[]') as { rule: string; detail: string }[];
}
