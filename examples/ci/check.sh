#!/usr/bin/env bash
# A gate in a few lines of shell: scan every example listed in the manifest,
# write JUnit XML beside, and stop the pipeline on a wrong level.
#   exit 0: every resume has its expected level
#   exit 1: a gate failed (the JUnit file says which and why)
#   exit 2: a resume could not be read, or the manifest is malformed
# The JUnit file goes to $JUNIT_OUT, by default build/kpiscan-junit.xml
# (build/ is ignored by git: a run leaves the working tree clean).
set -u
# Installed (share/doc/libkpiscan/examples/ci/), it runs the kpiscan on
# PATH and writes the JUnit file in the current folder.
root=$(cd "$(dirname "$0")/../.." && pwd)
kpiscan=${KPISCAN:-$root/build/cli/kpiscan}
[ -n "${KPISCAN:-}" ] || [ -x "$kpiscan" ] || kpiscan=kpiscan
junit=${JUNIT_OUT:-$root/build/kpiscan-junit.xml}
[ -n "${JUNIT_OUT:-}" ] || [ -f "$root/meson.build" ] || junit=$PWD/kpiscan-junit.xml
mkdir -p "$(dirname "$junit")" || exit 2
"$kpiscan" --as-of 2026-06-01 --quiet \
    --expect-file "$root/examples/ci/manifest.tsv" \
    --junit "$junit"
status=$?
echo "kpiscan: JUnit XML in $junit" >&2
case $status in
    0) echo "kpiscan: every example has its expected level" ;;
    1) echo "kpiscan: a level gate failed" >&2 ;;
    *) echo "kpiscan: could not scan every example" >&2 ;;
esac
exit $status
