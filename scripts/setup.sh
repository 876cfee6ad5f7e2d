#!/usr/bin/env bash
# Install from Debian packages what libkpiscan needs.
#   setup.sh          what building the library and the CLI needs (scanning)
#   setup.sh --test   that, plus everything the test suite and CI use
# Idempotent: when everything is present it only checks, in well under a
# second.  Run as root (or with sudo available) on Debian 12.
set -euo pipefail

packages=(
    meson ninja-build pkg-config gcc libc6-dev
    libpcre2-dev libxml2-dev libzip-dev libyaml-dev
    # PDF: the kpiscan-pdf helper (GPL) links poppler's private C++ API
    g++ libpoppler-dev libpoppler-private-dev
)
# Test-only packages.  tests/ skips nothing these provide when CI=true
# (scripts/count-tests.py), so a package listed here that goes missing
# fails CI instead of quietly shrinking the suite.
test_packages=(
    # Check, and jansson to read the JSON records back
    check libsubunit-dev libjansson-dev
    python3 python3-jsonschema python3-yaml zip
    # tests: xmllint reads the JUnit output back (tests/cli/nasty-outputs.py)
    libxml2-utils
    g++ abigail-tools groff-base
    # the consumer test builds examples/embed/ with its Makefile
    make
    # locale sources: the unit tests compile de_DE with localedef to check
    # that a host's comma-decimal locale does not reach the output
    locales
    valgrind
    # pdftotext: the reference of the PDF conformance test
    poppler-utils
    # the Python binding as a package: a venv, setuptools as the backend
    python3-venv python3-setuptools python3-pip
    # the Debian packages (scripts/check-debian.sh)
    debhelper dh-python dpkg-dev lintian
    # the HTML report's browser test (tests/browser/) runs headless Chromium
    chromium
    # scale-out (docs/scale-out.md): the Dask and Celery tests, with a
    # redis-server they start on a unix socket of their own
    python3-distributed python3-celery python3-redis redis-server
)

case "${1:-}" in
    '') ;;
    --test) packages+=("${test_packages[@]}") ;;
    *)
        echo "usage: setup.sh [--test]" >&2
        exit 2
        ;;
esac

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
