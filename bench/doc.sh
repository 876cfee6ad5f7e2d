#!/bin/bash
# doc.sh - Word 97-2003 (.doc) files per second: kpiscan against other
# .doc-to-text tools, in one run.
#
#   bench/doc.sh [-b BUILD_DIR] [-n RUNS] [DOC_DIR]
#
# DOC_DIR is a folder of .doc resumes.  Without it the 65 real CVs of
# ../shared/corpus/resumes-docx/CV are saved as .doc first, into a
# temporary folder, by LibreOffice (soffice: needed then; Debian package
# libreoffice-writer).  BUILD_DIR defaults to build, RUNS to 5.  Prints a
# report in Markdown; the numbers go to the "Word 97-2003" section of
# docs/benchmarks.md.
#
#   1. in process, one thread, files already in memory: kpiscan's
#      extraction alone and extraction + full scan (bench/engine.c,
#      --only extract / --only scan)
#   2. whole process: kpiscan --jobs 1 over the folder, kpiscan once per
#      file, and the peers antiword and catdoc once per file, as they are
#      used
#   3. the words each tool extracted, so that nobody compares a tool that
#      skips half the text
#
# Needs antiword, catdoc and jq (Debian packages: run bench/setup.sh as root).
# Not a test: absolute times on a shared machine are noisy, so medians,
# CPU time beside wall time, and ratios.
set -euo pipefail

prog=doc.sh
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
runs=5
corpus=
while [ $# -gt 0 ]; do
    case $1 in
        -b) build=$(cd "${2:?-b needs a folder}" && pwd); shift 2 ;;
        -n) runs=${2:?-n needs a number}; shift 2 ;;
        -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
        -*) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) corpus=$1; shift ;;
    esac
done
case $runs in '' | *[!0-9]* | 0) echo "$prog: -n needs a positive number" >&2; exit 2 ;; esac
# shellcheck source=bench/common.sh
. "$here/common.sh"

kpiscan=$build/cli/kpiscan
engine=$build/bench/kpiscan-bench-engine
need_build "$build" "$kpiscan" "$engine"
need_tools antiword catdoc jq awk

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$corpus" ]; then
    need_corpus "$corpus"
    corpus=$(cd "$corpus" && pwd)
    producer="given"
else
    docx=$root/../shared/corpus/resumes-docx/CV
    need_corpus "$docx"
    need_tools soffice
    corpus=$tmp/doc
    mkdir "$corpus"
    producer=$(soffice --version 2>/dev/null | head -n 1)
    # a profile of its own, so a desktop session's is left alone
    HOME=$tmp/home soffice --headless --convert-to doc --outdir "$corpus" \
        "$docx"/*.docx >"$tmp/convert.log" 2>&1 ||
        bench_die "soffice could not save the CVs as .doc: $(tail -n 3 "$tmp/convert.log")"
fi
find "$corpus" -type f -iname '*.doc' -print0 | sort -z > "$tmp/files0"
nfiles=$(tr -cd '\0' < "$tmp/files0" | wc -c)
[ "$nfiles" -gt 0 ] || bench_die "no *.doc files under $corpus"
bytes=$(xargs -0 cat < "$tmp/files0" | wc -c)
as_of=2026-06-01
load_before=$(loadavg)
antiword_version=$(dpkg-query -W -f='${Version}' antiword 2>/dev/null || echo '?')
catdoc_version=$(dpkg-query -W -f='${Version}' catdoc 2>/dev/null || echo '?')

echo "# Word 97-2003 (.doc) benchmark run"
echo
machine_facts "$root" "$build" "$kpiscan"
echo "- load average before: $load_before"
echo "- corpus: $nfiles .doc files, $bytes bytes ($producer)"
echo "- peers: antiword $antiword_version, catdoc $catdoc_version (Debian)"
echo "- runs: median of $runs after one warm-up"
echo

# ---------------------------------------------------------------- in process
in_process_table "$engine" "$runs" "$corpus"

# ------------------------------------------------------------- whole process
antiword_each() {
    local f
    while IFS= read -r -d '' f; do antiword "$f"; done < "$tmp/files0"
}
catdoc_each() {
    local f
    while IFS= read -r -d '' f; do catdoc -w "$f"; done < "$tmp/files0"
}
export -f kpiscan_dir kpiscan_each antiword_each catdoc_each
export kpiscan corpus tmp as_of

names=(kpiscan kpiscan-per-file antiword catdoc)
declare -A fn=([kpiscan]=kpiscan_dir [kpiscan-per-file]=kpiscan_each
    [antiword]=antiword_each [catdoc]=catdoc_each)
declare -A cmd=(
    [kpiscan]="kpiscan --jobs 1 --format jsonl --as-of $as_of DIR"
    [kpiscan-per-file]="kpiscan --format jsonl --as-of $as_of FILE, once per file"
    [antiword]="antiword FILE, once per file"
    [catdoc]="catdoc -w FILE, once per file")
whole_process_table "$nfiles"

# ------------------------------------------------------------ text extracted
# Not timed: what each tool gives, counted in words (whitespace-separated).
words() { wc -w < "$1" | tr -d ' '; }
"$kpiscan" --extract --as-of "$as_of" "$corpus" 2>/dev/null |
    awk '!/^==> .* <==$/' > "$tmp/kpiscan.txt" || true
bash -c antiword_each > "$tmp/antiword.txt" 2>/dev/null || true
bash -c catdoc_each > "$tmp/catdoc.txt" 2>/dev/null || true
echo "## Text extracted (not timed)"
echo
echo "| tool | words | what it reads |"
echo "|---|---:|---|"
echo "| kpiscan --extract | $(words "$tmp/kpiscan.txt") | body, footnotes, endnotes, text boxes, field results; hidden text kept and flagged; no headers |"
echo "| antiword | $(words "$tmp/antiword.txt") | body, then footnotes (marked [1]); hidden text and tracked deletions included, unmarked |"
echo "| catdoc -w | $(words "$tmp/catdoc.txt") | body; field codes, hidden text and tracked deletions included, unmarked |"
echo
