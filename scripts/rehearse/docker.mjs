#!/usr/bin/env node
// The docker CLI as the rehearsal's `run:` steps meet it on a runner without a Docker engine: only
// `docker manifest inspect <name>:<tag>`, answered as docker answers it (the manifest as JSON, exit 0; "no
// such manifest", exit 1) by asking the Docker Hub stand-in: a pull token from auth.docker.io (Docker's
// token authentication spec), with the credentials docker/login-action's stand-in stored in
// $DOCKER_CONFIG/config.json, then GET registry-1.docker.io/v2/<name>/manifests/<tag> (OCI distribution
// spec, "Pulling manifests"). Requests go through the stand-in's proxy (HTTPS_PROXY, NODE_USE_ENV_PROXY).
// Any other command exits 1 naming it: an example that starts building or running images here fails
// the rehearsal instead of passing unnoticed.
//
// When the rehearsal runs a Docker engine (scripts/rehearse/images-engine.ts sets REHEARSAL_DOCKER_HOST
// in the images' jobs), every other command goes to Debian's docker client on that engine (DOCKER_HOST,
// unless the step set its own; DOCKER_BUILDKIT=0: the classic builder), with one substitution, since
// Debian 12 has no buildx plugin: `docker buildx imagetools create --tag T… S…` is `docker manifest
// create T S…` then `docker manifest push T` for each tag (the client's own registry calls: the sources'
// manifests and blobs mounted into T's repository, then the manifest list), and `docker buildx
// imagetools inspect` is `docker manifest inspect`. `docker manifest inspect` itself stays answered
// here: Debian's client (20.10) does not accept OCI image indexes (the registry then answers 404 and the
// client says "no such manifest"), which the current clients of GitHub's and Exegol's runners read.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (process.env.REHEARSAL_DOCKER_HOST && !(args[0] === 'manifest' && args[1] === 'inspect')) {
  const env = { ...process.env, DOCKER_HOST: process.env.DOCKER_HOST || process.env.REHEARSAL_DOCKER_HOST, DOCKER_BUILDKIT: '0' };
  const docker = (dockerArgs) => {
    const run = spawnSync('/usr/bin/docker', dockerArgs, { stdio: 'inherit', env });
    if (run.status !== 0) process.exit(run.status ?? 1);
  };
  if (args[0] === 'buildx') {
    if (args[1] !== 'imagetools' || !['create', 'inspect'].includes(args[2]))
      fail(
        `docker (rehearsal): \`docker ${args.join(' ')}\`: Debian 12 has no buildx plugin; only \`buildx imagetools create/inspect\` are answered (with docker manifest)`,
      );
    if (args[2] === 'inspect') {
      if (args.length !== 4) fail('docker (rehearsal): buildx imagetools inspect <name>: one reference, no option');
      docker(['manifest', 'inspect', args[3]]);
      process.exit(0);
    }
    const tags = [];
    const sources = [];
    for (let index = 3; index < args.length; index += 1) {
      if (args[index] === '--tag' || args[index] === '-t') tags.push(args[(index += 1)]);
      else if (args[index].startsWith('--tag=')) tags.push(args[index].slice('--tag='.length));
      else if (args[index].startsWith('-')) fail(`docker (rehearsal): buildx imagetools create ${args[index]}: only --tag is answered`);
      else sources.push(args[index]);
    }
    if (!tags.length || !sources.length) fail('docker (rehearsal): buildx imagetools create needs --tag and at least one source');
    for (const tag of tags) {
      docker(['manifest', 'create', tag, ...sources]);
      docker(['manifest', 'push', '--purge', tag]);
    }
    process.exit(0);
  }
  const run = spawnSync('/usr/bin/docker', args, { stdio: 'inherit', env });
  process.exit(run.status ?? 1);
}
if (args[0] !== 'manifest' || args[1] !== 'inspect' || args.length !== 3)
  fail(
    `docker (rehearsal stand-in): \`docker ${args.join(' ')}\` needs a Docker engine, which this machine lacks; only \`docker manifest inspect <name>:<tag>\` is answered`,
  );
const reference = args[2];
const match = /^(?:docker\.io\/)?([a-z0-9._/-]+):([\w][\w.-]{0,127})$/.exec(reference);
if (!match) fail(`docker (rehearsal stand-in): ${reference}: only <name>:<tag> on Docker Hub`);
const [, name, tag] = match;
const repository = name.includes('/') ? name : `library/${name}`;
const configFile = path.join(process.env.DOCKER_CONFIG ?? path.join(process.env.HOME ?? '/root', '.docker'), 'config.json');
const auth = existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')).auths?.['https://index.docker.io/v1/']?.auth : undefined;
const tokenResponse = await fetch(`https://auth.docker.io/token?service=registry.docker.io&scope=${encodeURIComponent(`repository:${repository}:pull`)}`, {
  headers: auth ? { authorization: `Basic ${auth}` } : {},
});
if (!tokenResponse.ok) fail(`Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized (HTTP ${tokenResponse.status})`);
const { token } = await tokenResponse.json();
const response = await fetch(`https://registry-1.docker.io/v2/${repository}/manifests/${tag}`, {
  headers: {
    authorization: `Bearer ${token}`,
    accept: [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ].join(', '),
  },
});
if (response.status === 404) fail(`no such manifest: docker.io/${repository}:${tag}`);
if (!response.ok) fail(`Error response from daemon: HTTP ${response.status} for docker.io/${repository}:${tag}`);
process.stdout.write(`${JSON.stringify(await response.json(), null, 3)}\n`);
