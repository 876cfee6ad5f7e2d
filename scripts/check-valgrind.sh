#!/usr/bin/env bash
# Run the unit suites and the CLI suite of a plain build under valgrind
# memcheck: zero errors and zero definite leaks, or the run fails.
#
#   scripts/check-valgrind.sh [BUILDDIR]     (default: build-test)
#
# The build must exist (scripts/test.sh makes build-test).  Check suites run
# with CK_FORK=no so valgrind sees the tests themselves, not a fork server.
# The CLI suite runs bash and other tools; only the project's own programs
# are traced (--trace-children with the system paths skipped).  The PDF
# helper is skipped too: it runs under RLIMIT_AS, which valgrind's own
# reservations would exceed, and it is a separate program the library
# treats as untrusted; the corpus-wide PDF suites (pdf, pdf-corpus) are not
# run here at all.  A memcheck
# error ends the program with status 99, which no test expects (kpiscan's
# own 1 means "a gate failed", so 1 would be ambiguous).  The meson log is
# BUILDDIR/meson-logs/testlog-valgrind-valgrind.json (meson adds the
# wrapper's name), counted by .ci/run; each
# program's valgrind report is kept in BUILDDIR/valgrind/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${1:-build-test}
if [ ! -f "$build/build.ninja" ]; then
    echo "check-valgrind: no build in $build (run scripts/test.sh first)" >&2
    exit 1
fi
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed (scripts/setup.sh)" >&2; exit 1; }
ninja -C "$build" >/dev/null || exit 1

logs=$root/$build/valgrind
rm -rf "$logs"
mkdir -p "$logs"
wrapper="valgrind -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite --show-leak-kinds=definite \
--track-fds=no --num-callers=30 --trace-children=yes \
--trace-children-skip=/usr/*,/bin/*,/sbin/*,*/kpiscan-pdf,*/fake-pdf-helper \
--log-file=$logs/%p.log"

export CK_FORK=no
# The prefilter suite's two corpus-sized comparisons take every 4th case
# here (tests/unit/test-prefilter.c, test_stride()): memcheck finds its
# faults on a sample, and in full they were half of this stage's time.
# The plain and ASan/UBSan runs of scripts/test.sh compare every case.
export KPISCAN_TEST_STRIDE=4
start=$(date +%s)
meson test -C "$build" --no-rebuild --print-errorlogs --num-processes 2 \
    --suite unit --suite cli --timeout-multiplier 10 \
    --logbase testlog-valgrind --wrapper "$wrapper"
status=$?
# Reports of programs that ended well are empty; anything else is a finding.
reports=$(find "$logs" -name '*.log' -size +0 | sort)
if [ -n "$reports" ]; then
    echo "check-valgrind: memcheck reports:" >&2
    for r in $reports; do echo "--- $r" >&2; head -n 60 "$r" >&2; done
    status=1
fi
echo "check-valgrind: $(ls "$logs" | wc -l) programs checked in $(( $(date +%s) - start ))s, status $status"
exit $status
