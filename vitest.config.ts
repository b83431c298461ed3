import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Rebuilds the bundles older than their sources before any bundle test runs.
    globalSetup: ['packages/testbed/src/harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on a bundle's process, a registry, git or Python rather than on the CPU:
    // two files a core (vitest's default, one fewer than the cores, runs one file at a time on two).
    maxWorkers: Math.max(2, availableParallelism() * 2),
    // GitHub's workflow parser imports its JSON schema without an import attribute: Vite transforms it (JSON included) instead of Node.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
