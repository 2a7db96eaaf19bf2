#!/usr/bin/env bash
# Install the headless browser the browser tests drive (Debian's chromium, driven by Playwright
# Python through executable_path; `playwright install` is never run). Idempotent: does nothing
# when /usr/bin/chromium is already there. Needs root (CI runs as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "install-browser: /usr/bin/chromium is missing and this is not root; browser tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
