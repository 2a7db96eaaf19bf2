#!/usr/bin/env bash
# Install everything the tests need (the package, a browser for UI tests),
# then run the whole test suite. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -f scripts/install-browser.sh ]; then
  bash scripts/install-browser.sh
fi
export PYTHONUNBUFFERED=1
echo "ruff, mypy and the import-layer contract:"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/lint-imports
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
