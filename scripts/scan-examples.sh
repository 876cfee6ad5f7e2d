#!/usr/bin/env bash
# Set up and build if needed, then scan.
#   scan-examples.sh [KPISCAN-OPTIONS...]             the bundled examples
#   scan-examples.sh [KPISCAN-OPTIONS...] -- FILE|DIR...   your own files only
# e.g. ./scripts/scan-examples.sh --format json
#      ./scripts/scan-examples.sh --format csv -- ~/resumes
# Set-up installs only what building and scanning need (scripts/setup.sh
# without --test), and the build leaves the test suite out (-Dtests=false),
# so Check and the other test packages are not needed here.  For the
# examples the date is pinned so the output matches examples/manifest.tsv;
# your own files are scanned as of today unless you pass --as-of.
# KPISCAN_BUILD_DIR names another build tree (default: build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
opts=()
files=()
own=0
for arg in "$@"; do
    if [ $own = 1 ]; then
        files+=("$arg")
    elif [ "$arg" = -- ]; then
        own=1
    else
        opts+=("$arg")
    fi
done
build=${KPISCAN_BUILD_DIR:-build}
scripts/setup.sh
# A tree configured earlier (e.g. with the tests) is reused as it is.
scripts/build.sh --progress "$build" -Dtests=false
if [ $own = 1 ]; then
    if [ ${#files[@]} -eq 0 ]; then
        echo "scan-examples.sh: no FILE or DIR after '--'" >&2
        exit 2
    fi
    # The user's paths are relative to where the script was started.
    cd "$OLDPWD"
    case "$build" in /*) ;; *) build=$root/$build ;; esac
    exec "$build/cli/kpiscan" "${opts[@]}" -- "${files[@]}"
fi
shopt -s nullglob
exec "$build/cli/kpiscan" --as-of 2026-06-01 "${opts[@]}" examples/*.txt \
    examples/docx/*.docx examples/odt/*.odt examples/html/*.html \
    examples/rtf/*.rtf examples/doc/*.doc
