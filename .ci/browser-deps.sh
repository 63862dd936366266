#!/usr/bin/env bash
# Installs what the browser test needs on a fresh machine: Debian's chromium and chromedriver.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ]; then echo "browser-deps: not root, skipping chromium install" >&2; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null
