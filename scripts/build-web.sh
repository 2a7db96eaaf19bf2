#!/usr/bin/env bash
# Build the dashboard's front-end (web/) into src/polycentric/web/static/, which ships in the
# Python package and is served by the API app. Reproducible: `npm ci` installs exactly the
# versions in web/package-lock.json, and Vite writes content-hashed files with no timestamps;
# the checksum printed at the end is the same for the same sources.
# Called by scripts/setup.sh when web/package.json exists. Needs node >= 20.19 and npm.
set -euo pipefail
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm not found; the dashboard is not built (the API still works)" >&2
  exit 0
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx --no-install vite build --logLevel warn
out=../src/polycentric/web/static
# the API docs page (/api/docs) is Swagger UI served from here, never from a CDN (works offline)
mkdir -p "$out/api-docs"
cp node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui.css,LICENSE,NOTICE} "$out/api-docs/"
sum=$(cd "$out" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
echo "dashboard built into src/polycentric/web/static (content sha256 ${sum})"
