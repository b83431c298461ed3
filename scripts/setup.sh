#!/usr/bin/env bash
# Installs what this machine lacks to build and test this repository, and nothing else:
#  - Debian's packages the tests and the rehearsal use (a real registry, skopeo, htpasswd, Python
#    builds, twine, ext4 tools, git, gpg, ssh, jq for the rehearsal's gh, a Docker engine (docker.io) and
#    busybox-static for the images the engine tests build), when dpkg says one is missing;
#  - the npm dependencies (npm ci), when node_modules is missing or was installed from another
#    package-lock.json than this one (node_modules/.package-lock.sha256 holds the lockfile's
#    sha256, written after a successful npm ci).
# Idempotent: when nothing is missing it only reads, in well under a second. `npm test` and
# `npm run rehearse` run it first. Needs Node.js 20 or later with npm; every npm script then runs
# under the `node` devDependency's Node 24. Run as root, or with sudo available when a Debian
# package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(git docker-registry skopeo apache2-utils openssl python3-build python3-setuptools python3-wheel python3-pip python3-hatchling twine e2fsprogs util-linux gnupg openssh-client jq docker.io busybox-static)

if ! command -v npm >/dev/null; then
  echo "setup: npm not found: install Node.js 20 or later (with npm) first" >&2
  exit 1
fi

if command -v dpkg-query >/dev/null; then
  # One dpkg-query for every package; a package dpkg has never heard of prints nothing.
  installed="$(dpkg-query --show --showformat='${db:Status-Status} ${Package}\n' "${APT_PACKAGES[@]}" 2>/dev/null | awk '$1 == "installed" { print $2 }' || true)"
  missing=()
  for package in "${APT_PACKAGES[@]}"; do
    grep -qxF "$package" <<<"$installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null || { echo "setup: Debian packages missing (${missing[*]}): run as root or install sudo" >&2; exit 1; }
      sudo="sudo"
    fi
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "setup: not a Debian machine (no dpkg-query): install these yourself: ${APT_PACKAGES[*]}" >&2
fi

stamp=node_modules/.package-lock.sha256
lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -x node_modules/node/bin/node || "$(cat "$stamp" 2>/dev/null || true)" != "$lock" ]]; then
  echo "setup: installing the npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
  echo "$lock" >"$stamp"
fi
