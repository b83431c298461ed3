#!/usr/bin/env node
// The GitHub CLI as the rehearsal's `run:` steps meet it: the two commands the example workflows call,
// sent as the REST requests `gh` sends (cli/cli pkg/cmd/api and pkg/cmd/release/create), to the API at
// REHEARSAL_GITHUB_API_URL with GH_TOKEN. Anything else exits 1 naming what is not supported, so an
// example that starts using another command fails the rehearsal instead of passing unnoticed.
//   gh api [--paginate] [--method M] [--input -] [-f k=v] [-F k=v] [--jq EXPR] <endpoint>   (--jq runs `jq -r`, as gh prints strings raw;
//          -f/-F fields as gh sends them: a JSON body, POST unless --method says otherwise; the query string for GET)
//   gh release create <tag> --repo R [--verify-tag] [--title T] [--generate-notes] [--notes-start-tag P]
//                        [--prerelease] [--latest | --latest=false] [--target C] [--notes N]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const API = process.env.REHEARSAL_GITHUB_API_URL;
const TOKEN = process.env.GH_TOKEN ?? process.env.GITHUB_TOKEN ?? '';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

if (!API) fail('gh (rehearsal): REHEARSAL_GITHUB_API_URL is not set');
if (!TOKEN) fail('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.');

/** One REST request; exits with gh's error line (`gh: <message> (HTTP <status>)`) on a non-2xx answer. */
async function request(method, endpoint, body) {
  const url = endpoint.startsWith('http') ? endpoint : `${API}/${endpoint.replace(/^\//, '')}`;
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `token ${TOKEN}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, next: /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] };
}

function httpError(answer) {
  fail(`gh: ${answer.json?.message ?? answer.text} (HTTP ${answer.status})`);
}

/** Prints a JSON value through `jq -r`, as gh's --jq does. */
function printJq(expression, value) {
  const result = spawnSync('jq', ['-r', expression], { input: JSON.stringify(value), encoding: 'utf8' });
  if (result.status !== 0) fail(`gh: --jq: ${result.stderr.trim()}`);
  process.stdout.write(result.stdout);
}

async function api(args) {
  let paginate = false;
  let method;
  let input;
  let jq;
  let endpoint;
  const fields = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--paginate') paginate = true;
    else if (arg === '--method' || arg === '-X') method = args[(index += 1)];
    else if (arg === '--input') input = args[(index += 1)];
    else if (arg === '--jq' || arg === '-q') jq = args[(index += 1)];
    else if (['-f', '--raw-field', '-F', '--field'].includes(arg)) {
      const field = args[(index += 1)] ?? '';
      const at = field.indexOf('=');
      if (at < 1) fail(`gh api: field "${field}" requires a value separated by an '=' sign`);
      const [key, raw] = [field.slice(0, at), field.slice(at + 1)];
      // -F (typed): true, false, null and integers as JSON values, as cli/cli's magicFieldValue does.
      const typed = arg === '-F' || arg === '--field';
      fields[key] = typed && /^(true|false|null|-?\d+)$/.test(raw) ? JSON.parse(raw) : raw;
    } else if (arg.startsWith('-')) fail(`gh api (rehearsal): ${arg} is not supported`);
    else if (endpoint === undefined) endpoint = arg;
    else fail(`gh api: accepts 1 arg(s), received more: ${arg}`);
  }
  if (!endpoint) fail('gh api: accepts 1 arg(s), received 0');
  const hasFields = Object.keys(fields).length > 0;
  const verb = method ?? (input === undefined && !hasFields ? 'GET' : 'POST');
  let body = input === undefined ? undefined : readFileSync(input === '-' ? 0 : input, 'utf8');
  let next = endpoint;
  if (hasFields && verb === 'GET')
    next = `${endpoint}${endpoint.includes('?') ? '&' : '?'}${new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]))}`;
  else if (hasFields) body = JSON.stringify(fields);
  while (next) {
    const answer = await request(verb, next, body);
    if (answer.status >= 400) httpError(answer);
    if (jq) printJq(jq, answer.json);
    else if (answer.text) process.stdout.write(`${answer.text}\n`);
    next = paginate ? answer.next : undefined;
  }
}

async function releaseCreate(args) {
  const options = { verifyTag: false, generateNotes: false, prerelease: false };
  let tag;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const value = () => args[(index += 1)];
    if (arg === '--repo' || arg === '-R') options.repo = value();
    else if (arg === '--verify-tag') options.verifyTag = true;
    else if (arg === '--title' || arg === '-t') options.title = value();
    else if (arg === '--notes' || arg === '-n') options.notes = value();
    else if (arg === '--generate-notes') options.generateNotes = true;
    else if (arg === '--notes-start-tag') options.notesStartTag = value();
    else if (arg === '--prerelease' || arg === '-p') options.prerelease = true;
    else if (arg === '--latest' || arg === '--latest=true') options.latest = 'true';
    else if (arg === '--latest=false') options.latest = 'false';
    else if (arg === '--target') options.target = value();
    else if (arg.startsWith('-')) fail(`gh release create (rehearsal): ${arg} is not supported`);
    else if (tag === undefined) tag = arg;
    else fail(`gh release create: unexpected argument ${arg} (files are not supported by the rehearsal)`);
  }
  if (!tag) fail('gh release create: could not create: no tag name provided');
  const repo = options.repo ?? process.env.GH_REPO;
  if (!repo) fail('gh release create: no repository: pass --repo');
  if (options.verifyTag) {
    const ref = await request('GET', `repos/${repo}/git/ref/tags/${encodeURIComponent(tag)}`);
    if (ref.status === 404) fail(`tag ${tag} doesn't exist in the repo ${repo}, aborting due to --verify-tag flag`);
    if (ref.status >= 400) httpError(ref);
  }
  let name = options.title;
  let body = options.notes ?? '';
  if (options.generateNotes) {
    const generated = await request('POST', `repos/${repo}/releases/generate-notes`, {
      tag_name: tag,
      ...(options.target ? { target_commitish: options.target } : {}),
      ...(options.notesStartTag ? { previous_tag_name: options.notesStartTag } : {}),
    });
    if (generated.status >= 400) httpError(generated);
    body = body ? `${body}\n${generated.json.body}` : generated.json.body;
    name ??= generated.json.name;
  }
  const created = await request('POST', `repos/${repo}/releases`, {
    tag_name: tag,
    draft: false,
    prerelease: options.prerelease,
    ...(name !== undefined ? { name } : {}),
    ...(body ? { body } : {}),
    ...(options.target ? { target_commitish: options.target } : {}),
    ...(options.latest ? { make_latest: options.latest } : {}),
  });
  if (created.status >= 400) httpError(created);
  process.stdout.write(`${created.json.html_url}\n`);
}

const [command, subcommand, ...rest] = process.argv.slice(2);
if (command === 'api') await api([subcommand, ...rest].filter((arg) => arg !== undefined));
else if (command === 'release' && subcommand === 'create') await releaseCreate(rest);
else fail(`gh (rehearsal): \`gh ${[command, subcommand].filter(Boolean).join(' ')}\` is not supported`);
