import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE24, REPO_ROOT } from '@exegol-release/testbed/harness/run-bundle.js';

const ACTIONS = readdirSync(path.join(REPO_ROOT, 'actions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

interface ActionMetadata {
  name?: string;
  description?: string;
  author?: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, { description?: string; default?: unknown; required?: boolean }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string; post?: string };
}

describe('the test runner', () => {
  it('runs bundles under Node 24, as the runner runs node24 actions', () => {
    expect(execFileSync(NODE24, ['--version'], { encoding: 'utf8' })).toMatch(/^v24\./);
  });
});

describe.each(ACTIONS)('actions/%s', (action) => {
  const directory = path.join(REPO_ROOT, 'actions', action);
  const metadata = parse(readFileSync(path.join(directory, 'action.yml'), 'utf8')) as ActionMetadata;

  it('has complete metadata: name, description, author, branding, node24, dist/index.js', () => {
    expect(metadata.name).toBeTruthy();
    expect(metadata.description).toBeTruthy();
    expect(metadata.author).toBeTruthy();
    expect(metadata.branding?.icon && metadata.branding.color).toBeTruthy();
    expect(metadata.runs?.using).toBe('node24');
    expect(metadata.runs?.main).toBe('dist/index.js');
  });

  it('describes every input and output, with string defaults', () => {
    for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
      expect(input.description, `input ${name}`).toBeTruthy();
      if ('default' in input) expect(typeof input.default, `default of input ${name}`).toBe('string');
    }
    for (const [name, output] of Object.entries(metadata.outputs ?? {})) expect(output.description, `output ${name}`).toBeTruthy();
  });

  it('has a README, a thin index.ts and a main.ts', () => {
    expect(existsSync(path.join(directory, 'README.md'))).toBe(true);
    expect(
      readFileSync(path.join(directory, 'src', 'index.ts'), 'utf8')
        .split('\n')
        .filter((line) => line.trim()).length,
    ).toBeLessThanOrEqual(6);
    expect(existsSync(path.join(directory, 'src', 'main.ts'))).toBe(true);
  });

  it('ships an ESM bundle with its licenses and no missing module', () => {
    const bundle = readFileSync(path.join(directory, 'dist', 'index.js'), 'utf8');
    expect(bundle).not.toContain('webpackMissingModule');
    expect(JSON.parse(readFileSync(path.join(directory, 'dist', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    const licenses = readFileSync(path.join(directory, 'dist', 'licenses.txt'), 'utf8');
    expect(licenses).toMatch(/^(@[a-z-]+\/)?[a-z0-9.-]+\n(MIT|ISC|Apache-2.0|BSD)/);
    // One file for every chunk: ncc writes one per chunk, and the build merges them.
    expect(readdirSync(path.join(directory, 'dist')).filter((file) => file.startsWith('licenses'))).toEqual(['licenses.txt']);
    expect(licenses).toMatch(/^@actions\/core\nMIT$/m);
    if (action === 'publish-pypi-sdist')
      for (const name of ['tar', '@sigstore/sign', 'hash-wasm']) expect(licenses, name).toMatch(new RegExp(`^${name}\\n`, 'm'));
  });

  it('leaves Node\u2019s fetch on Node\u2019s own undici, not on the undici 6 that @actions/http-client installs when it loads', () => {
    const workspace = mkdtempSync(path.join(tmpdir(), `dispatcher-${action}-`));
    const run = spawnSync(NODE24, [path.join(directory, 'dist', 'index.js')], {
      cwd: workspace,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env['PATH'],
        GITHUB_WORKSPACE: workspace,
        NODE_OPTIONS: `--require ${path.join(REPO_ROOT, 'packages', 'testbed', 'src', 'harness', 'report-fetch-dispatcher.cjs')}`,
      },
    });
    expect(run.stderr).toMatch(/^fetch dispatcher: at Agent\.dispatch \(node:internal\/deps\/undici\//m);
  });

  it('imports no other action', () => {
    const sources = readdirSync(path.join(directory, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    for (const file of sources) {
      const text = readFileSync(path.join(directory, 'src', file), 'utf8');
      expect(text, file).not.toMatch(/from ['"](\.\.\/){2,}(actions\/)?[a-z-]+\/src/);
      expect(text, file).not.toMatch(/@exegol-release\/(?!core)/);
    }
  });
});

describe('action READMEs', () => {
  it('have inputs and outputs tables that match action.yml (npm run docs regenerates them)', () => {
    const result = (() => {
      try {
        execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'readme-tables.mjs'), '--check'], { encoding: 'utf8', stdio: 'pipe' });
        return '';
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
    })();
    expect(result).toBe('');
  });
});
