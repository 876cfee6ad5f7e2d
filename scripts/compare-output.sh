#!/usr/bin/env bash
# Compare the output of two kpiscan binaries byte for byte, in every output
# format, over the shared corpus, the test fixtures and the examples.  Made
# for refactors (moves and splits must not change a single byte): build the
# starting commit once outside the tree, then compare after every step.
#
#   scripts/compare-output.sh [--quick] [--no-pdf] OLD_KPISCAN NEW_KPISCAN
#
#   --quick   leave out the 1,236 text resumes of the corpus (the fixtures,
#             examples, bad-encoding and DOCX folders still run)
#   --no-pdf  leave out ../shared/corpus/resumes-pdf
#
# A baseline of another commit, for example:
#   git archive 32fa6a2 | tar -x -C /tmp/base && cd /tmp/base &&
#   meson setup /work/baseline && ninja -C /work/baseline cli/kpiscan
#
# Inputs are always read from this tree and ../shared, with the same
# relative paths for both binaries, so the paths in the records match.
# Standard output, standard error and the exit status are compared;
# --as-of is pinned, so "Present" does not move between runs.  PDFs go
# through KPISCAN_PDF_HELPER when it is set (the same helper for both).
# Exit status 0 when every run is identical, 1 otherwise (the first lines
# of each difference are printed).
set -uo pipefail
quick=0
pdf=1
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1; shift ;;
        --no-pdf) pdf=0; shift ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--quick] [--no-pdf] OLD_KPISCAN NEW_KPISCAN" >&2; exit 2; }
old=$(realpath "$1")
new=$(realpath "$2")
for b in "$old" "$new"; do
    [ -x "$b" ] || { echo "compare-output: $b is not executable" >&2; exit 2; }
done
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
corpus=../shared/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
asof=2026-06-30

# Input sets: a name and the paths given to kpiscan.
sets=()
sets+=("examples|examples")
sets+=("fixtures|tests/cli/data tests/data tests/fuzz/corpus")
[ -d "$corpus/resumes-bad-encoding" ] && sets+=("bad-encoding|$corpus/resumes-bad-encoding")
[ -d "$corpus/resumes-docx" ] && sets+=("docx|$corpus/resumes-docx")
[ -d "$corpus/docx-conformance" ] && sets+=("docx-conformance|$corpus/docx-conformance")
[ $quick = 0 ] && [ -d "$corpus/resumes-txt" ] && sets+=("txt|$corpus/resumes-txt")
[ $pdf = 1 ] && [ -d "$corpus/resumes-pdf" ] && sets+=("pdf|$corpus/resumes-pdf")

# Option sets: every format, the excerpt-free variants, explain, the
# summary, gaps, extraction, and the gate formats with failing gates.
variants=(
    "text|-f text"
    "text-summary|-f text --summary"
    "explain|--explain"
    "explain-gaps|--explain --gaps"
    "json|-f json"
    "json-summary|-f json --summary"
    "json-no-excerpts|-f json --no-excerpts"
    "jsonl|-f jsonl --gaps"
    "jsonl-summary-no-excerpts|-f jsonl --summary --no-excerpts"
    "csv|-f csv"
    "csv-no-excerpts|-f csv --no-excerpts"
    "html|-f html"
    "html-no-excerpts|-f html --no-excerpts"
    "sort-level|-f jsonl --sort level"
    "junit-fail-under|-f junit --fail-under mid"
    "github-fail-under|-f github --fail-under mid --summary"
    "github-hidden|-f github --fail-on-hidden"
    "junit-expect|-f junit --expect senior"
    "text-junit-file|-f text --fail-under junior --junit @JUNIT@"
    "extract|--extract"
    "comments|-f jsonl --include-comments"
)

run() { # BIN OUTPREFIX ARGS...
    local bin=$1 out=$2
    shift 2
    local args=()
    for a in "$@"; do
        args+=("${a//@JUNIT@/$out.junit}")
    done
    "$bin" -q -j 2 --as-of "$asof" "${args[@]}" >"$out.stdout" 2>"$out.stderr" </dev/null
    echo $? >"$out.rc"
    [ -f "$out.junit" ] || : >"$out.junit"
}

fail=0
count=0
for s in "${sets[@]}"; do
    name=${s%%|*}
    # shellcheck disable=SC2206
    paths=(${s#*|})
    for v in "${variants[@]}"; do
        vname=${v%%|*}
        # shellcheck disable=SC2206
        opts=(${v#*|})
        run "$old" "$tmp/old" "${opts[@]}" "${paths[@]}"
        run "$new" "$tmp/new" "${opts[@]}" "${paths[@]}"
        count=$((count + 1))
        for part in stdout stderr rc junit; do
            if ! cmp -s "$tmp/old.$part" "$tmp/new.$part"; then
                echo "DIFFERENT: $name / $vname ($part)"
                diff "$tmp/old.$part" "$tmp/new.$part" | head -n 10
                fail=1
            fi
        done
        rm -f "$tmp"/old.* "$tmp"/new.*
    done
    echo "$name: ${#variants[@]} variants compared" >&2
done

# The gate against a manifest (paths relative to it), and a file on stdin.
for fmt in text junit github; do
    for b in old new; do
        bin=$old; [ $b = new ] && bin=$new
        run "$bin" "$tmp/$b" -f $fmt --expect-file examples/ci/manifest.tsv --strict
    done
    count=$((count + 1))
    for part in stdout stderr rc; do
        cmp -s "$tmp/old.$part" "$tmp/new.$part" || { echo "DIFFERENT: manifest / $fmt ($part)"; fail=1; }
    done
done
for b in old new; do
    bin=$old; [ $b = new ] && bin=$new
    "$bin" -q --as-of "$asof" --explain - <examples/senior-1.txt >"$tmp/$b.stdin" 2>&1
done
count=$((count + 1))
cmp -s "$tmp/old.stdin" "$tmp/new.stdin" || { echo "DIFFERENT: stdin"; fail=1; }

# Argument handling alone: help, version, usage errors, pack checks.
argcases=(
    "--help" "--version" "--list-rules" "--check-pack patterns/kpi.yaml"
    "--check-pack tests/cli/data/broken-pack.yaml" "" "--bogus" "-f nope x"
    "--summary -f csv x" "--sort level --unordered x" "--files-from - -"
    "--expect-file /nonexistent" "--jobs 0 x" "--as-of 2026-02-30 x"
)
for a in "${argcases[@]}"; do
    # shellcheck disable=SC2086
    "$old" $a </dev/null >"$tmp/old.args" 2>&1
    echo "rc=$?" >>"$tmp/old.args"
    # shellcheck disable=SC2086
    "$new" $a </dev/null >"$tmp/new.args" 2>&1
    echo "rc=$?" >>"$tmp/new.args"
    count=$((count + 1))
    cmp -s "$tmp/old.args" "$tmp/new.args" || { echo "DIFFERENT: arguments '$a'"; fail=1; }
done

if [ $fail = 0 ]; then
    echo "compare-output: identical ($count runs: ${#sets[@]} input sets x ${#variants[@]} option sets, the manifest gate, stdin, ${#argcases[@]} argument cases)"
else
    echo "compare-output: DIFFERENT output (see above)"
fi
exit $fail
