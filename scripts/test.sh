#!/usr/bin/env bash
# The whole test suite: set up and build if needed, then run every test in
# a plain build (warnings are errors) and again under AddressSanitizer and
# UndefinedBehaviorSanitizer.  Exit status 0 only when both runs pass.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh --test || exit 1

status=0
scripts/build.sh build-test -Dwerror=true -Dbuildtype=debugoptimized || exit 1
meson test -C build-test --print-errorlogs --num-processes 2 || status=1

# UBSan must stop at its first report, or a finding would only print.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
scripts/build.sh build-asan -Dwerror=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args=-fno-sanitize-recover=all || exit 1
# The 'slow' suite (the 100,000-scan soak) measures memory, which means
# nothing under ASan; the plain run covers it.
meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite slow \
    || status=1
exit $status
