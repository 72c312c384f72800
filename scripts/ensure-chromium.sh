#!/usr/bin/env bash
# Finds a Chromium for the e2e tests; installs one when none is present.
set -euo pipefail
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then
  echo "chromium: $path"
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "chromium: installed $(command -v chromium)"
else
  npx playwright install chromium
  echo "chromium: installed by Playwright; set CHROMIUM_PATH to its executable"
fi
