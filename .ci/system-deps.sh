#!/usr/bin/env bash
# Debian packages the tests use on a fresh machine: chromium + chromedriver (browser test), a CJK TrueType font
# (PDF made from the sample issue), redis-server (shared sessions). Tests that need one skip with a reason if absent.
set -uo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "wqy" || need+=(fonts-wqy-microhei)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then echo "system-deps: not root, not installing ${need[*]}" >&2; exit 0; fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
