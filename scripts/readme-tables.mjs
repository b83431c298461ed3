// Generates the inputs and outputs tables of every action's README.md from its action.yml,
// between <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->,
// and the list of the core modules the action's bundle contains (the domains of packages/core its
// sources reach through their imports, described by packages/core/README.md's table) between
// <!-- core-modules:start --> / <!-- core-modules:end -->, a section added at the end when missing.
// `node scripts/readme-tables.mjs` rewrites the READMEs; `--check` exits 1 when one differs.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { coreFilesReached } from './bundle-stamp.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .trim();
const code = (text) => (text === '' ? '' : `\`${String(text).replace(/\n/g, '↵')}\``);

export function inputsTable(metadata) {
  const rows = Object.entries(metadata.inputs ?? {}).map(
    ([name, input]) => `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${cell(code(input.default ?? ''))} | ${cell(input.description)} |`,
  );
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

export function outputsTable(metadata) {
  const rows = Object.entries(metadata.outputs ?? {}).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`);
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

/** The domains of packages/core described in its README's table: `| [`name`](src/name) | what it holds |`. */
export function coreDomains() {
  const readme = readFileSync(path.join(root, 'packages', 'core', 'README.md'), 'utf8');
  return new Map([...readme.matchAll(/^\| \[`([a-z-]+)`\]\(src\/[a-z-]+\/?\) \| (.+?) \|$/gm)].map((match) => [match[1], match[2]]));
}

/** The list of the core domains an action's sources reach, each linked and described. @throws when a domain has no description */
export function coreModulesList(action, domains = coreDomains()) {
  const sourceDirectory = path.join('actions', action, 'src');
  const sources = readdirSync(path.join(root, sourceDirectory)).map((file) => path.join(sourceDirectory, file).split(path.sep).join('/'));
  const reached = [...new Set(coreFilesReached(root, sources).map((file) => file.split('/')[3]))].sort();
  return reached
    .map((domain) => {
      const what = domains.get(domain);
      if (!what) throw new Error(`packages/core/README.md does not describe the domain ${domain}`);
      return `- [\`${domain}\`](../../packages/core/src/${domain}): ${what}`;
    })
    .join('\n');
}

/** The README with both tables and the core modules list regenerated from the action's metadata and sources. */
export function renderReadme(readme, metadata, modules) {
  const replace = (text, marker, table) => {
    const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README lacks the <!-- ${marker}:start --> and <!-- ${marker}:end --> markers`);
    return text.replace(pattern, (_, start, end) => `${start}\n${table}\n${end}`);
  };
  let text = replace(replace(readme, 'inputs', inputsTable(metadata)), 'outputs', outputsTable(metadata));
  if (modules !== undefined) {
    if (!text.includes('<!-- core-modules:start -->'))
      text = `${text.trimEnd()}\n\n## Core modules\n\nWhat of [packages/core](../../packages/core) this action's bundle contains:\n\n<!-- core-modules:start -->\n<!-- core-modules:end -->\n`;
    text = replace(text, 'core-modules', modules);
  }
  return text;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const action of readdirSync(path.join(root, 'actions'))) {
  const readmePath = path.join(root, 'actions', action, 'README.md');
  const metadataPath = path.join(root, 'actions', action, 'action.yml');
  if (!existsSync(metadataPath) || !existsSync(readmePath)) continue;
  const readme = readFileSync(readmePath, 'utf8');
  const modules = existsSync(path.join(root, 'actions', action, 'src')) ? coreModulesList(action) : undefined;
  const rendered = renderReadme(readme, parse(readFileSync(metadataPath, 'utf8')), modules);
  if (rendered === readme) continue;
  if (check) {
    console.error(`actions/${action}/README.md: its tables differ from action.yml; run npm run docs`);
    stale += 1;
  } else {
    writeFileSync(readmePath, rendered);
    console.log(`updated actions/${action}/README.md`);
  }
}

// packages/core/README.md: the action → domains map.
const corePath = path.join(root, 'packages', 'core', 'README.md');
const coreReadme = readFileSync(corePath, 'utf8');
const actions = readdirSync(path.join(root, 'actions')).filter((action) => existsSync(path.join(root, 'actions', action, 'src')));
const map = [
  '| Action | Core domains |',
  '| --- | --- |',
  ...actions.map(
    (action) =>
      `| [${action}](../../actions/${action}) | ${[...coreModulesList(action).matchAll(/\[`([a-z-]+)`\]/g)].map((match) => `\`${match[1]}\``).join(', ')} |`,
  ),
].join('\n');
const renderedCore = coreReadme.replace(/(<!-- action-map:start -->)[\s\S]*?(<!-- action-map:end -->)/, (_, start, end) => `${start}\n${map}\n${end}`);
if (renderedCore !== coreReadme) {
  if (check) {
    console.error('packages/core/README.md: its action map differs from the actions imports; run npm run docs');
    stale += 1;
  } else {
    writeFileSync(corePath, renderedCore);
    console.log('updated packages/core/README.md');
  }
}
process.exit(stale ? 1 : 0);
