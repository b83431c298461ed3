// The fast layer: every test file that runs no bundle (runsBundles: not a *.bundle.test.ts, and
// importing neither the bundle harness nor the rehearsal), on the sources; the global set-up then
// rebuilds nothing. `npm run test:unit` runs it; `npm test` runs it with the bundle tests.
import { globSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { runsBundles } from './packages/testbed/src/harness/global-setup.js';
import base from './vitest.config.js';

export default defineConfig({
  test: {
    ...base.test,
    // local-action.test.ts runs each action's sources under @github/local-action, a process each: integration.
    include: globSync('test/**/*.test.ts').filter((file) => !runsBundles(file) && file !== 'test/local-action.test.ts'),
  },
});
