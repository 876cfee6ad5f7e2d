#!/usr/bin/env bash
# Compare the ABI of the built libkpiscan.so with the baseline committed in
# abi/libkpiscan.abi (libabigail's abidw/abidiff), so an accidental ABI
# break fails CI.
#
#   scripts/check-abi.sh            check build-test/lib/libkpiscan.so
#   scripts/check-abi.sh --update   write the baseline from it (an intended
#                                   change; see docs/embedding.md)
#   KPISCAN_ABI_BUILD=dir           use another build directory
#
# Only the public interface counts: types are read with include/ as the
# headers directory and private types are dropped, so the layout of the
# opaque structs behind the handles may change freely.
#
# Verdict.  abidiff's exit status is a bit set: 1 error, 2 usage error,
# 4 ABI change, 8 incompatible change.  Bit 8 alone is not enough: libabigail
# reports a parameter changing from unsigned long to int, or an enumerator
# changing its value, with bit 4 only, and those break every program built
# against the old header.  So the verdict comes from a second run with
# --no-added-syms, where pure additions (new functions, new enumerators at
# the end of an enum) give 0 and anything else gives 4 or 8:
#   errors (1, 2) or any change besides additions   -> fail
#   additions only                                  -> pass, and say so
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KPISCAN_ABI_BUILD:-build-test}
baseline=abi/libkpiscan.abi
update=0
case "${1:-}" in
    --update) update=1 ;;
    "") ;;
    *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

for tool in abidw abidiff readelf; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-abi: $tool not found (scripts/setup.sh installs abigail-tools)" >&2
        exit 1
    fi
done
# The same configuration as scripts/test.sh, so CI builds it only once.
if [ ! -f "$build/build.ninja" ]; then
    scripts/build.sh "$build" -Dwerror=true -Dbuildtype=debugoptimized || exit 1
else
    ninja -C "$build" >/dev/null || exit 1
fi
lib=$build/lib/libkpiscan.so
[ -e "$lib" ] || { echo "check-abi: $lib was not built" >&2; exit 1; }
# Without DWARF, abidw sees symbols but no types, and the check would be
# hollow.  The section list is read whole first: with pipefail, 'grep -q'
# quitting early can kill readelf with SIGPIPE and fail the pipeline.
sections=$(readelf -S "$lib") || { echo "check-abi: readelf failed on $lib" >&2; exit 1; }
if [[ $sections != *.debug_info* ]]; then
    echo "check-abi: $lib has no debug information; build with -g" \
         "(buildtype debug or debugoptimized)" >&2
    exit 1
fi

current=$build/libkpiscan.abi
abidw --headers-dir include --drop-private-types --no-corpus-path \
    --no-comp-dir-path --short-locs --type-id-style hash \
    --out-file "$current" "$lib" || { echo "check-abi: abidw failed" >&2; exit 1; }

if [ "$update" = 1 ]; then
    mkdir -p abi
    cp "$current" "$baseline"
    echo "check-abi: wrote $baseline from $lib; commit it with the change"
    exit 0
fi
[ -f "$baseline" ] || { echo "check-abi: no baseline $baseline" >&2; exit 1; }

report=$(abidiff "$baseline" "$current")
full=$?
abidiff --no-added-syms "$baseline" "$current" >/dev/null
strict=$?

if (( full & 3 || strict & 3 )); then
    echo "$report"
    echo "check-abi: FAIL: abidiff could not compare (exit $full)" >&2
    exit 1
fi
if (( strict != 0 )); then
    echo "$report"
    if (( strict & 8 )); then
        echo "check-abi: FAIL: incompatible ABI change against $baseline" >&2
    else
        echo "check-abi: FAIL: ABI change beyond additions (a changed type," \
             "signature or enumerator value) against $baseline" >&2
    fi
    echo "check-abi: if intended, bump soversion in meson.build when it" \
         "breaks programs, then run scripts/check-abi.sh --update" >&2
    exit 1
fi
if (( full & 4 )); then
    echo "$report" | sed -n '/Added function/,$p'
    echo "check-abi: ok: only additions since $baseline (compatible)"
else
    echo "check-abi: ok: ABI identical to $baseline"
fi
exit 0
