#!/bin/bash
# rtf.sh - RTF files per second: kpiscan against other RTF-to-text tools,
# in one run.
#
#   bench/rtf.sh [-b BUILD_DIR] [-n RUNS] [RTF_DIR]
#
# RTF_DIR is a folder of RTF resumes.  Without it the 65 real CVs of
# ../shared/corpus/resumes-docx/CV are saved as RTF first, into a
# temporary folder, by LibreOffice (soffice, when installed: RTF as a
# word processor writes it, with font, colour and style tables, pictures
# and document properties) or else by pandoc (plainer RTF).  BUILD_DIR
# defaults to build, RUNS to 5.  Prints a report in Markdown; the numbers
# go to the "RTF" section of docs/benchmarks.md.
#
#   1. in process, one thread, files already in memory: kpiscan's
#      extraction alone and extraction + full scan (bench/engine.c,
#      --only extract / --only scan)
#   2. whole process: kpiscan --jobs 1 over the folder, kpiscan once per
#      file, and the peers pandoc (-f rtf -t plain) and unrtf (--text) once
#      per file, as they are used
#   3. the words each tool extracted, so that nobody compares a tool that
#      skips half the text
#
# Needs pandoc, unrtf and jq (Debian packages: run bench/setup.sh as root).
# Not a test: absolute times on a shared machine are noisy, so medians,
# CPU time beside wall time, and ratios.
set -euo pipefail

prog=rtf.sh
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
need_tools pandoc unrtf jq awk

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$corpus" ]; then
    need_corpus "$corpus"
    corpus=$(cd "$corpus" && pwd)
    producer="given"
else
    docx=$root/../shared/corpus/resumes-docx/CV
    need_corpus "$docx"
    corpus=$tmp/rtf
    mkdir "$corpus"
    if command -v soffice >/dev/null 2>&1; then
        producer=$(soffice --version 2>/dev/null | head -n 1)
        # a profile of its own, so a desktop session's is left alone
        HOME=$tmp/home soffice --headless --convert-to rtf --outdir "$corpus" \
            "$docx"/*.docx >"$tmp/convert.log" 2>&1 ||
            bench_die "soffice could not save the CVs as RTF: $(tail -n 3 "$tmp/convert.log")"
    else
        producer="$(pandoc --version | head -n 1) (-s -t rtf)"
        for f in "$docx"/*.docx; do
            b=${f##*/}
            pandoc -s -t rtf "$f" -o "$corpus/${b%.docx}.rtf"
        done
    fi
fi
find "$corpus" -type f -iname '*.rtf' -print0 | sort -z > "$tmp/files0"
nfiles=$(tr -cd '\0' < "$tmp/files0" | wc -c)
[ "$nfiles" -gt 0 ] || bench_die "no *.rtf files under $corpus"
bytes=$(xargs -0 cat < "$tmp/files0" | wc -c)
as_of=2026-06-01
load_before=$(loadavg)
pandoc_version=$(pandoc --version)
pandoc_version=${pandoc_version%%$'\n'*}
unrtf_version=$(dpkg-query -W -f='${Version}' unrtf 2>/dev/null || echo '?')

echo "# RTF benchmark run"
echo
machine_facts "$root" "$build" "$kpiscan"
echo "- load average before: $load_before"
echo "- corpus: $nfiles RTF files, $bytes bytes ($producer)"
echo "- peers: $pandoc_version; unrtf $unrtf_version (Debian)"
echo "- runs: median of $runs after one warm-up"
echo

# ---------------------------------------------------------------- in process
in_process_table "$engine" "$runs" "$corpus"

# ------------------------------------------------------------- whole process
pandoc_each() {
    local f
    while IFS= read -r -d '' f; do pandoc -f rtf -t plain "$f"; done < "$tmp/files0"
}
unrtf_each() {
    local f
    while IFS= read -r -d '' f; do unrtf --text "$f"; done < "$tmp/files0"
}
export -f kpiscan_dir kpiscan_each pandoc_each unrtf_each
export kpiscan corpus tmp as_of

names=(kpiscan kpiscan-per-file pandoc unrtf)
declare -A fn=([kpiscan]=kpiscan_dir [kpiscan-per-file]=kpiscan_each
    [pandoc]=pandoc_each [unrtf]=unrtf_each)
declare -A cmd=(
    [kpiscan]="kpiscan --jobs 1 --format jsonl --as-of $as_of DIR"
    [kpiscan-per-file]="kpiscan --format jsonl --as-of $as_of FILE, once per file"
    [pandoc]="pandoc -f rtf -t plain FILE, once per file"
    [unrtf]="unrtf --text FILE, once per file")
whole_process_table "$nfiles"

# ------------------------------------------------------------ text extracted
# Not timed: what each tool gives, counted in words (whitespace-separated).
words() { wc -w < "$1" | tr -d ' '; }
"$kpiscan" --extract --as-of "$as_of" "$corpus" 2>/dev/null |
    awk '!/^==> .* <==$/' > "$tmp/kpiscan.txt" || true
bash -c pandoc_each > "$tmp/pandoc.txt" 2>/dev/null || true
# unrtf starts its text with "###" comment lines (font table, dates)
bash -c unrtf_each 2>/dev/null | awk '!/^###/' > "$tmp/unrtf.txt" || true
echo "## Text extracted (not timed)"
echo
echo "| tool | words | what it reads |"
echo "|---|---:|---|"
echo "| kpiscan --extract | $(words "$tmp/kpiscan.txt") | body, headers, footers, footnotes, text boxes once, field results; hidden text kept and flagged |"
echo "| pandoc -f rtf -t plain | $(words "$tmp/pandoc.txt") | body and notes; no headers or footers |"
echo "| unrtf --text | $(words "$tmp/unrtf.txt") | body, headers and footers, document properties (author) |"
echo
