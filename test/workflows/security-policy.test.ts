// SECURITY.md: says how to report, and what each action touches (every action of actions/ has its row), and its tag
// verification uses the allowed-signers file release.yml verifies against.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';
import { ownWorkflow } from './own-workflow-facts.js';

const POLICY = readFileSync(path.join(REPO_ROOT, 'SECURITY.md'), 'utf8');

describe('SECURITY.md', () => {
  it('says to report privately, and which versions are supported', () => {
    expect(POLICY).toMatch(/private vulnerability reporting/i);
    expect(POLICY).toMatch(/## Supported versions/);
  });

  it('has a row for every action in its table of what each action may touch', () => {
    const actions = readdirSync(path.join(REPO_ROOT, 'actions'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(POLICY, action).toContain(`| \`${action}\` |`);
  });

  it('verifies tags against the allowed-signers file release.yml verifies them against', () => {
    const release = ownWorkflow('release.yml').text;
    expect(release).toContain('gpg.ssh.allowedSignersFile=.github/allowed_signers');
    expect(POLICY).toContain('git -c gpg.ssh.allowedSignersFile=.github/allowed_signers tag --verify');
    expect(readFileSync(path.join(REPO_ROOT, '.github', 'allowed_signers'), 'utf8')).toMatch(/namespaces="git"/);
  });
});
