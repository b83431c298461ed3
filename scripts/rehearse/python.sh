#!/bin/bash
# actions/setup-python's stand-in: `python` on the runner is Debian's Python 3 (/usr/bin/python3). pip's
# index is unreachable here, so `python -m pip install build` is answered by Debian's python3-build, and
# `python -m build` builds without an isolated environment (--no-isolation --skip-dependency-check) with
# Debian's hatchling; any other pip install fails naming what it wanted. Each substitution is printed.
if [[ "${1-} ${2-} ${3-}" == "-m pip install" ]]; then
  shift 3
  if [[ "$*" == "build" ]]; then
    echo "stand-in (actions/setup-python): pip install build → Debian's python3-build (pip's index is unreachable here)"
    exit 0
  fi
  echo "stand-in (actions/setup-python): pip install $*: pip's index is unreachable here" >&2
  exit 1
fi
if [[ $# -eq 2 && "$1 $2" == "-m build" ]]; then
  echo "stand-in (actions/setup-python): python -m build --no-isolation --skip-dependency-check (Debian's hatchling; no index for an isolated build)"
  exec /usr/bin/python3 -m build --no-isolation --skip-dependency-check
fi
exec /usr/bin/python3 "$@"
