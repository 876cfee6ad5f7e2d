#!/usr/bin/env bash
# The set-up scripts a new user runs first.
#   scripts/setup.sh     asks only for what building and scanning need;
#                        --test adds the test packages; anything else is a
#                        usage error
#   scan-examples.sh     scans the examples, or with '-- PATH...' only the
#                        user's own paths (relative to where it was run)
# dpkg-query is replaced by a stub that logs the packages asked about and
# says each is installed, so nothing is installed and no network is used.
#
# usage: run.sh BUILD_DIR   (an up-to-date build tree to scan with)
set -u
build=${1:?usage: run.sh BUILD_DIR}
root=${KPISCAN_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
report() { # name ok message
    if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "ok   $1"
    else fail=$((fail + 1)); echo "FAIL $1: $3"; fi
}

mkdir "$tmp/bin"
cat > "$tmp/bin/dpkg-query" <<'STUB'
#!/bin/sh
# dpkg-query -W -f='${Status}' PACKAGE
for last; do :; done
echo "$last" >> "$DPKG_QUERY_LOG"
printf 'install ok installed'
STUB
chmod +x "$tmp/bin/dpkg-query"
export PATH="$tmp/bin:$PATH"

asked() { # args... -> the packages setup.sh asked about, one a line
    DPKG_QUERY_LOG=$tmp/asked "$root/scripts/setup.sh" "$@" > "$tmp/setup.out" 2>&1
    local rc=$?
    sort -u "$tmp/asked"
    rm -f "$tmp/asked"
    return $rc
}
test_only="check libjansson-dev valgrind abigail-tools poppler-utils python3-venv debhelper lintian"
build_deps="meson ninja-build pkg-config gcc libpcre2-dev libxml2-dev libzip-dev libyaml-dev g++ libpoppler-private-dev"

plain=$(asked) || report "setup.sh runs" 0 "$(cat "$tmp/setup.out")"
ok=1 why=""
for p in $build_deps; do grep -qx "$p" <<< "$plain" || { ok=0; why+=" lacks $p"; }; done
for p in $test_only; do grep -qx "$p" <<< "$plain" && { ok=0; why+=" asks for $p"; }; done
report "setup.sh: build packages only" $ok "$why"

full=$(asked --test)
ok=1 why=""
for p in $build_deps $test_only; do grep -qx "$p" <<< "$full" || { ok=0; why+=" lacks $p"; }; done
report "setup.sh --test: test packages too" $ok "$why"

asked --bogus > /dev/null
rc=$?
if [ $rc = 2 ] && grep -q 'usage: setup.sh \[--test\]' "$tmp/setup.out"; then
    report "setup.sh: unknown flag is a usage error" 1 ""
else report "setup.sh: unknown flag is a usage error" 0 "exit $rc: $(cat "$tmp/setup.out")"; fi

# scan-examples.sh against the given build tree (nothing to build).
# meson test brings only the tests' own targets up to date; after an edit
# others (the static library, the bench engine) may still be stale, and
# the script would rightly build them: bring the tree up to date first.
export KPISCAN_BUILD_DIR=$build DPKG_QUERY_LOG=/dev/null
ninja -C "$build" > /dev/null 2>&1 || true
mkdir "$tmp/mine"
cp "$root/examples/mid-1.txt" "$tmp/mine/cv.txt"
(cd "$tmp" && "$root/scripts/scan-examples.sh" --format jsonl -- mine/cv.txt) \
    > "$tmp/own.jsonl" 2> "$tmp/own.err"
rc=$?
if [ $rc = 0 ] && [ "$(wc -l < "$tmp/own.jsonl")" = 1 ] &&
    grep -q '"file":"mine/cv.txt"' "$tmp/own.jsonl" && ! grep -q building "$tmp/own.err"; then
    report "scan-examples.sh -- FILE scans only that file" 1 ""
else report "scan-examples.sh -- FILE scans only that file" 0 "exit $rc: $(head -c 300 "$tmp/own.jsonl" "$tmp/own.err")"; fi

(cd "$tmp" && "$root/scripts/scan-examples.sh" --format jsonl -- mine) > "$tmp/dir.jsonl" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(wc -l < "$tmp/dir.jsonl")" = 1 ] &&
    report "scan-examples.sh -- DIR" 1 "" || report "scan-examples.sh -- DIR" 0 "exit $rc"

"$root/scripts/scan-examples.sh" --format jsonl > "$tmp/ex.jsonl" 2> /dev/null
rc=$?
shopt -s nullglob
examples=("$root"/examples/*.txt "$root"/examples/docx/*.docx "$root"/examples/odt/*.odt
          "$root"/examples/html/*.html "$root"/examples/rtf/*.rtf
          "$root"/examples/doc/*.doc)
# every example of the manifest, and nothing else
listed=$(grep -c '^[^#]' "$root/examples/manifest.tsv")
if [ $rc = 0 ] && [ "$(wc -l < "$tmp/ex.jsonl")" = ${#examples[@]} ] &&
    [ "${#examples[@]}" = "$listed" ]; then
    report "scan-examples.sh: every example" 1 ""
else report "scan-examples.sh: every example" 0 "exit $rc, $(wc -l < "$tmp/ex.jsonl") records for ${#examples[@]}"; fi

"$root/scripts/scan-examples.sh" -- > /dev/null 2> "$tmp/none.err"
rc=$?
[ $rc = 2 ] && grep -q "no FILE or DIR after '--'" "$tmp/none.err" &&
    report "scan-examples.sh: '--' without paths" 1 "" ||
    report "scan-examples.sh: '--' without paths" 0 "exit $rc"

# scripts/count-tests.py: a skip counts as such, but fails when CI=true.
printf '%s\n' '{"name": "a", "result": "OK"}' '{"name": "b", "result": "SKIP"}' > "$tmp/log.json"
out=$(env -u CI python3 "$root/scripts/count-tests.py" "$tmp/log.json" 2>&1)
rc=$?
[ $rc = 0 ] && [ "$out" = "1 passed, 0 failed, 1 skipped" ] &&
    report "count-tests: skip outside CI" 1 "" || report "count-tests: skip outside CI" 0 "exit $rc: $out"
out=$(CI=true python3 "$root/scripts/count-tests.py" "$tmp/log.json" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "skipped in CI.*: b (" <<< "$out" &&
    report "count-tests: skip fails in CI" 1 "" || report "count-tests: skip fails in CI" 0 "exit $rc: $out"
printf '%s\n' '{"name": "a", "result": "OK"}' '{"name": "c", "result": "FAIL"}' > "$tmp/log2.json"
out=$(env -u CI python3 "$root/scripts/count-tests.py" "$tmp/log2.json" "$tmp/missing.json" 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "^1 passed, 2 failed, 0 skipped" <<< "$out" &&
    report "count-tests: failure and missing log" 1 "" || report "count-tests: failure and missing log" 0 "exit $rc: $out"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
