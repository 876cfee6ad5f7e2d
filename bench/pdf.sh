#!/bin/bash
# pdf.sh - PDF files per second: kpiscan (through its kpiscan-pdf helper)
# against a loop of pdftotext, one process per file, in the same run.
#
#   bench/pdf.sh [-b BUILD_DIR] [-n RUNS] [PDF_DIR]
#
# PDF_DIR defaults to ../shared/corpus/resumes-pdf (300 real resumes);
# BUILD_DIR to build; RUNS to 5.  Prints a report in Markdown; the numbers
# go to the "PDF" section of docs/benchmarks.md.
#
#   kpiscan --jobs 1 and --jobs 2 over the folder (text extraction, hidden-
#   text attributes and the full scan; one long-lived helper per worker),
#   against `for f in *.pdf; do pdftotext -enc UTF-8 "$f" -; done` (text
#   only, one process per file, how a script would use it), and against
#   `pdftotext` over the same files two at a time (xargs -P 2).
#
# Needs pdftotext (poppler-utils) and a build with the PDF helper.  Not a
# test: absolute times on a shared machine are noisy, so medians, CPU time
# beside wall time, and ratios.
set -euo pipefail

prog=pdf.sh
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
runs=5
corpus=
while [ $# -gt 0 ]; do
    case $1 in
        -b) build=$(cd "${2:?-b needs a folder}" && pwd); shift 2 ;;
        -n) runs=${2:?-n needs a number}; shift 2 ;;
        -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) corpus=$1; shift ;;
    esac
done
case $runs in '' | *[!0-9]* | 0) echo "$prog: -n needs a positive number" >&2; exit 2 ;; esac
# shellcheck source=bench/common.sh
. "$here/common.sh"

corpus=${corpus:-$root/../shared/corpus/resumes-pdf}
need_corpus "$corpus"
corpus=$(cd "$corpus" && pwd)
kpiscan=$build/cli/kpiscan
helper=$build/pdf/kpiscan-pdf
need_build "$build" "$kpiscan" "$helper"
need_tools pdftotext awk xargs
export KPISCAN_PDF_HELPER=$helper

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$corpus" -type f -iname '*.pdf' -print0 | sort -z > "$tmp/files0"
nfiles=$(tr -cd '\0' < "$tmp/files0" | wc -c)
[ "$nfiles" -gt 0 ] || bench_die "no *.pdf files under $corpus"
bytes=$(xargs -0 cat < "$tmp/files0" | wc -c)
load_before=$(loadavg)
poppler_version=$(pdftotext -v 2>&1 | head -n 1)

echo "# PDF benchmark run"
echo
machine_facts "$root" "$build" "$kpiscan"
echo "- load average before: $load_before"
echo "- corpus: $corpus ($nfiles PDF files, $bytes bytes)"
echo "- peer: $poppler_version (Debian poppler-utils)"
echo "- runs: median of $runs after one warm-up"
echo

declare -A fn wall cpu
names=("kpiscan --jobs 1" "kpiscan --jobs 2" "pdftotext loop" "pdftotext xargs -P 2")
fn["kpiscan --jobs 1"]="'$kpiscan' --jobs 1 -q --format jsonl --as-of 2026-06-01 '$corpus'"
fn["kpiscan --jobs 2"]="'$kpiscan' --jobs 2 -q --format jsonl --as-of 2026-06-01 '$corpus'"
fn["pdftotext loop"]="while IFS= read -r -d '' f; do pdftotext -enc UTF-8 \"\$f\" -; done < '$tmp/files0'"
fn["pdftotext xargs -P 2"]="xargs -0 -P 2 -n 1 sh -c 'pdftotext -enc UTF-8 \"\$0\" -' < '$tmp/files0'"
for n in "${names[@]}"; do
    measure "$runs" bash -c "${fn[$n]}"
    wall[$n]=$m_wall
    cpu[$n]=$m_cpu
done

echo "## Whole process"
echo
echo "| what | wall ms | CPU ms | PDFs/s (wall) | PDFs/s (CPU) | wall / pdftotext loop |"
echo "|---|---:|---:|---:|---:|---:|"
base=${wall["pdftotext loop"]}
for n in "${names[@]}"; do
    awk -v n="$n" -v w="${wall[$n]}" -v c="${cpu[$n]}" -v f="$nfiles" -v b="$base" \
        'BEGIN { printf "| %s | %.0f | %.0f | %.0f | %.0f | %.2fx |\n", n, w, c, f * 1000 / w, f * 1000 / c, w / b }'
done
echo
echo "- load average after: $(loadavg)"
