// Generates the inputs and outputs tables of every action's README.md from its action.yml,
// between <!-- inputs:start --> / <!-- inputs:end --> and <!-- outputs:start --> / <!-- outputs:end -->.
// `node scripts/readme-tables.mjs` rewrites the READMEs; `--check` exits 1 when one differs.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

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

/** The README with both tables regenerated from the action's metadata. */
export function renderReadme(readme, metadata) {
  const replace = (text, marker, table) => {
    const pattern = new RegExp(`(<!-- ${marker}:start -->)[\\s\\S]*?(<!-- ${marker}:end -->)`);
    if (!pattern.test(text)) throw new Error(`README lacks the <!-- ${marker}:start --> and <!-- ${marker}:end --> markers`);
    return text.replace(pattern, (_, start, end) => `${start}\n${table}\n${end}`);
  };
  return replace(replace(readme, 'inputs', inputsTable(metadata)), 'outputs', outputsTable(metadata));
}

const check = process.argv.includes('--check');
let stale = 0;
for (const action of readdirSync(path.join(root, 'actions'))) {
  const readmePath = path.join(root, 'actions', action, 'README.md');
  const metadataPath = path.join(root, 'actions', action, 'action.yml');
  if (!existsSync(metadataPath) || !existsSync(readmePath)) continue;
  const readme = readFileSync(readmePath, 'utf8');
  const rendered = renderReadme(readme, parse(readFileSync(metadataPath, 'utf8')));
  if (rendered === readme) continue;
  if (check) {
    console.error(`actions/${action}/README.md: its tables differ from action.yml; run npm run docs`);
    stale += 1;
  } else {
    writeFileSync(readmePath, rendered);
    console.log(`updated actions/${action}/README.md`);
  }
}
process.exit(stale ? 1 : 0);
