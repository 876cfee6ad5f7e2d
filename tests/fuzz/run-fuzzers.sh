#!/usr/bin/env bash
# Run the libFuzzer harnesses of a fuzzing build, two at a time (one per
# core), each for SECONDS, under the sanitizers the build was made with.
#
#   tests/fuzz/run-fuzzers.sh BUILDDIR [SECONDS [HARNESS...]]
#
# BUILDDIR is configured as tests/fuzz/meson.build says (-Dfuzzing=true).
# Each harness starts from its seed corpus (the project's own files and
# tests/fuzz/corpus/) and keeps what it finds in BUILDDIR/fuzz/corpus-NAME,
# so a second run continues where the first stopped.  Crashes, leaks and
# time-outs land in BUILDDIR/fuzz/artifacts-NAME/; copy each into
# tests/fuzz/corpus/regressions/NAME/ once fixed, so fuzz-replay-NAME
# replays it on every test run.  Exit status 1 when any harness found
# something.  Results: docs/robustness.md.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: run-fuzzers.sh BUILDDIR [SECONDS [HARNESS...]]}" && pwd)
seconds=${2:-1800}
shift $(( $# >= 2 ? 2 : 1 ))
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
    harnesses=(extract scan normalize pack pdfproto)
    # fuzz-pdfreader exists only in a build with the PDF helper and clang++.
    ninja -C "$build" -t targets all 2>/dev/null |
        grep -q '^tests/fuzz/fuzz-pdfreader:' && harnesses+=(pdfreader)
fi

ninja -C "$build" $(printf 'tests/fuzz/fuzz-%s ' "${harnesses[@]}") >/dev/null || exit 1

doc_seeds=("$root/examples" "$root/tests/data" "$root/tests/cli/data"
           "$root/tests/fuzz/corpus/documents")
run_one() {
    local h=$1 seeds dict max_len
    case $h in
    extract|scan)
        seeds=("${doc_seeds[@]}"); dict=xml-zip.dict; max_len=32768 ;;
    normalize)
        seeds=("$root/examples" "$root/tests/data"
               "$root/tests/fuzz/corpus/normalize")
        dict=xml-zip.dict; max_len=32768 ;;
    pack)
        seeds=("$root/patterns" "$root/tests/cli/data"
               "$root/tests/fuzz/corpus/pack")
        dict=pack.dict; max_len=65536 ;;
    pdfproto)
        seeds=("$root/tests/fuzz/corpus/pdfproto"); dict=pdfproto.dict; max_len=65536 ;;
    pdfreader)
        seeds=("$root/tests/fuzz/corpus/pdfreader" "$root/tests/pdf/producers")
        dict=pdf.dict; max_len=65536 ;;
    *) echo "run-fuzzers: unknown harness $h" >&2; return 1 ;;
    esac
    [ -d "$root/tests/fuzz/corpus/regressions/$h" ] &&
        seeds+=("$root/tests/fuzz/corpus/regressions/$h")
    local work=$build/fuzz start
    mkdir -p "$work/corpus-$h" "$work/artifacts-$h"
    start=$(date +%s)
    # -timeout: no legal input may take 10 s (harnesses cap sizes and the
    # match limit); -rss_limit_mb: the library's limits must hold memory
    # far below 2 GiB.
    "$build/tests/fuzz/fuzz-$h" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=$max_len -print_final_stats=1 \
        -dict="$root/tests/fuzz/$dict" \
        -artifact_prefix="$work/artifacts-$h/" \
        "$work/corpus-$h" "${seeds[@]}" >"$work/$h.log" 2>&1
    local rc=$?
    local execs cov
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log")
    cov=$(grep -E '^#[0-9]+' "$work/$h.log" | tail -n 1 |
          sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, ft \2, corpus \3/p')
    echo "fuzz-$h: exit $rc, ${execs:-?} executions in $(( $(date +%s) - start ))s, $cov (log $work/$h.log)"
    return $rc
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
# Two at a time: one harness per core of a two-core machine.
for ((i = 0; i < ${#harnesses[@]}; i += 2)); do
    pids=()
    for h in "${harnesses[@]:i:2}"; do
        run_one "$h" & pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || status=1; done
done
exit $status
