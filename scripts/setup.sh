#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test this repository:
# Debian's packages (real registry, skopeo, htpasswd, Python builds, twine, ext4 tools, git)
# and the npm dependencies. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(git docker-registry skopeo apache2-utils openssl python3-build python3-setuptools python3-wheel python3-pip twine e2fsprogs util-linux)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query --show --showformat='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
