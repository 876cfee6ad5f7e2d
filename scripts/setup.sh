#!/usr/bin/env bash
# Install what libkpiscan needs to build and test, from Debian packages.
# Idempotent: when everything is present it only checks, in well under a
# second.  Run as root (or with sudo available) on Debian 12.
set -euo pipefail

packages=(
    meson ninja-build pkg-config gcc libc6-dev
    libpcre2-dev libxml2-dev libzip-dev libyaml-dev
    # tests: Check, and jansson to read the JSON records back
    check libsubunit-dev libjansson-dev
    python3 python3-jsonschema python3-yaml zip
    g++ abigail-tools groff-base
    valgrind
    # the HTML report's browser test (tests/browser/) runs headless Chromium
    chromium
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "setup: missing packages (${missing[*]}); run this script as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
