#!/usr/bin/env bash
# CLI golden tests: each case in tests/cli/cases/NAME/ holds
#   args      arguments, one per line (run from the source root)
#   status    expected exit status
#   stdout    expected standard output, exactly (optional)
#   stderr    a fixed string that standard error must contain (optional)
#   stdin     fed to standard input (optional; else /dev/null)
# and the manifest test checks every example's level.
set -u
bin=${1:?usage: run.sh KPISCAN_BINARY}
root=${KPISCAN_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

report() { # name ok message
    if [ "$2" = 1 ]; then pass=$((pass + 1)); echo "ok   $1"
    else fail=$((fail + 1)); echo "FAIL $1: $3"; fi
}

for dir in tests/cli/cases/*/; do
    name=$(basename "$dir")
    mapfile -t args < "$dir/args"
    input=/dev/null
    [ -f "$dir/stdin" ] && input="$dir/stdin"
    "$bin" "${args[@]}" < "$input" > "$tmp/out" 2> "$tmp/err"
    got=$?
    want=$(cat "$dir/status")
    if [ "$got" != "$want" ]; then
        report "$name" 0 "exit status $got, want $want; stderr: $(head -c 400 "$tmp/err")"
        continue
    fi
    if [ -f "$dir/stdout" ] && ! diff -u "$dir/stdout" "$tmp/out" > "$tmp/diff"; then
        report "$name" 0 "stdout differs:
$(head -40 "$tmp/diff")"
        continue
    fi
    if [ -f "$dir/stderr" ] && ! grep -qF -- "$(cat "$dir/stderr")" "$tmp/err"; then
        report "$name" 0 "stderr lacks '$(cat "$dir/stderr")': $(head -c 400 "$tmp/err")"
        continue
    fi
    report "$name" 1 ""
done

# Every example resume gets the level its manifest gives, with --as-of pinned
# so the result does not move with the calendar.
while IFS=$'\t' read -r path level; do
    case "$path" in ''|'#'*) continue ;; esac
    line=$("$bin" --as-of 2026-06-01 "examples/$path" | head -1)
    case "$line" in
        "examples/$path: $level "*) report "manifest $path" 1 "" ;;
        *) report "manifest $path" 0 "want $level, got: $line" ;;
    esac
done < examples/manifest.tsv

# JSON output parses, one object for one file and an array for several.
if command -v python3 > /dev/null; then
    "$bin" --as-of 2026-06-01 --format json examples/*.txt > "$tmp/all.json"
    python3 - "$tmp/all.json" <<'PY' && report "json array parses" 1 "" || report "json array parses" 0 "bad JSON"
import json, sys
doc = json.load(open(sys.argv[1]))
assert isinstance(doc, list) and len(doc) >= 8, doc
for rec in doc:
    assert rec["schema"] == 1 and rec["status"] == "ok", rec
    assert rec["level"] in ("none", "junior", "mid", "senior")
PY
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
