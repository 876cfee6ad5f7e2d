#!/usr/bin/env bash
# A gate in a few lines of shell: scan every example listed in the manifest,
# write JUnit XML beside, and stop the pipeline on a wrong level.
#   exit 0: every resume has its expected level
#   exit 1: a gate failed (the JUnit file says which and why)
#   exit 2: a resume could not be read, or the manifest is malformed
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
kpiscan=${KPISCAN:-$root/build/cli/kpiscan}
"$kpiscan" --as-of 2026-06-01 --quiet \
    --expect-file "$root/examples/ci/manifest.tsv" \
    --junit "${JUNIT_OUT:-kpiscan-junit.xml}"
status=$?
case $status in
    0) echo "kpiscan: every example has its expected level" ;;
    1) echo "kpiscan: a level gate failed" >&2 ;;
    *) echo "kpiscan: could not scan every example" >&2 ;;
esac
exit $status
