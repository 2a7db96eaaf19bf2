#!/usr/bin/env bash
# Install polycentric into ./.venv with pinned versions (constraints.txt),
# and build the dashboard's front-end assets when npm is available.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip==26.3
.venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
if [ -f web/package.json ]; then
  bash scripts/build-web.sh
fi
echo "polycentric installed in .venv ($(.venv/bin/polycentric --help >/dev/null && echo ok))"
