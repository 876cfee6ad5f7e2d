#!/usr/bin/env bash
# Build the library with ThreadSanitizer (build-tsan) and run the
# concurrency tests: the scan suite (many threads scanning with one pack),
# the batch suite (worker pool, ordered and unordered delivery), the CLI
# suite and the hostile corpus (a -j 2 batch with FIFOs), and the CLI
# over a folder of resumes with -j 4, ordered and unordered.  Any
# ThreadSanitizer report fails the run.
#
#   scripts/check-tsan.sh [BUILDDIR]          (default: build-tsan)
#
# The meson log is BUILDDIR/meson-logs/testlog-tsan.json, counted by .ci/run.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build-tsan}
start=$(date +%s)
scripts/build.sh "$build" -Db_sanitize=thread -Db_lundef=false \
    -Dbuildtype=debugoptimized || exit 1

# Report and exit 66 at the first race; Check runs its tests in-process.
# One suppression: glibc's tzset_internal, which libzip reaches through
# mktime() when it converts entry times, runs under glibc's own tzset_lock,
# a lock ThreadSanitizer cannot see (glibc is not instrumented).
supp=$root/$build/tsan.supp
printf '%s\n' 'race:tzset_internal' >"$supp"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$supp"
export CK_FORK=no
status=0
meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 1 \
    --logbase testlog-tsan --timeout-multiplier 5 scan batch cli hostile \
    || status=1

# The CLI: one batch of every example and development-set resume on four
# workers, in input order and as they finish; one record per input.
kpiscan=$build/cli/kpiscan
inputs=(examples tests/data tests/cli/data)
# (a hidden file or folder is one skipped record, its contents unread)
want=$(find "${inputs[@]}" -mindepth 1 \( -name '.*' -prune -print \) -o \
    -type f -print | wc -l)
for mode in "" --unordered; do
    "$kpiscan" -j 4 $mode -q --summary --format jsonl --as-of 2026-01-01 \
        "${inputs[@]}" >"$build/tsan-cli.jsonl" 2>"$build/tsan-cli.err"
    rc=$?
    # records + skipped must account for every file found
    counted=$(python3 -c 'import json,sys
lines = open(sys.argv[1]).read().splitlines()
s = json.loads(lines[-1])["summary"]
assert s["records"] == len(lines) - 1
print(s["records"] + s["skipped"])' "$build/tsan-cli.jsonl" 2>/dev/null)
    if [ $rc -eq 66 ] || grep -q "ThreadSanitizer" "$build/tsan-cli.err"; then
        echo "check-tsan: kpiscan -j 4 $mode: ThreadSanitizer report:" >&2
        head -n 80 "$build/tsan-cli.err" >&2
        status=1
    elif [ $rc -gt 2 ] || [ "$counted" != "$want" ]; then
        echo "check-tsan: kpiscan -j 4 $mode: exit $rc, ${counted:-no} records and skips for $want files" >&2
        status=1
    else
        echo "check-tsan: kpiscan -j 4 $mode: a record or a skip for each of $want files, no report"
    fi
done
echo "check-tsan: done in $(( $(date +%s) - start ))s, status $status"
exit $status
