#!/usr/bin/env bash
# The main job on the bundled examples: set up and build if needed, then
# scan every resume in examples/ with the embedded default pack and print
# each verdict with its evidence.  Extra arguments go to kpiscan, e.g.
#   ./scripts/scan-examples.sh --format json
# The date is pinned so the output matches examples/manifest.tsv.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
scripts/build.sh build
shopt -s nullglob
exec build/cli/kpiscan --as-of 2026-06-01 "$@" examples/*.txt examples/docx/*.docx \
    examples/odt/*.odt
