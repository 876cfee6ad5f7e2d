#!/bin/bash
# docx.sh - DOCX files per second: kpiscan against other DOCX-to-text
# tools, in one run.
#
#   bench/docx.sh [-b BUILD_DIR] [-n RUNS] [DOCX_DIR]
#
# DOCX_DIR defaults to ../shared/corpus/resumes-docx/CV (65 real CVs);
# BUILD_DIR to build; RUNS to 5.  Prints a report in Markdown; the numbers
# go to the "DOCX" section of docs/benchmarks.md.
#
#   1. in process, one thread, files already in memory: kpiscan's
#      extraction alone and extraction + full scan (bench/engine.c,
#      --only extract / --only scan), and python-docx in one Python
#      process (bench/python_docx_extract.py)
#   2. whole process: kpiscan --jobs 1 over the folder, kpiscan once per
#      file, and the peers docx2txt and pandoc once per file (how they are
#      used) and python-docx in one process
#   3. the words each tool extracted, so that nobody compares a tool that
#      skips half the text
#
# Needs docx2txt, pandoc, python3-docx, jq (Debian packages: run
# bench/setup.sh as root).  Not a test: absolute times on a shared machine
# are noisy, so medians, CPU time beside wall time, and ratios.
set -euo pipefail

prog=docx.sh
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
runs=5
corpus=
while [ $# -gt 0 ]; do
    case $1 in
        -b) build=$(cd "${2:?-b needs a folder}" && pwd); shift 2 ;;
        -n) runs=${2:?-n needs a number}; shift 2 ;;
        -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
        -*) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) corpus=$1; shift ;;
    esac
done
case $runs in '' | *[!0-9]* | 0) echo "$prog: -n needs a positive number" >&2; exit 2 ;; esac
# shellcheck source=bench/common.sh
. "$here/common.sh"

corpus=${corpus:-$root/../shared/corpus/resumes-docx/CV}
need_corpus "$corpus"
corpus=$(cd "$corpus" && pwd)
kpiscan=$build/cli/kpiscan
engine=$build/bench/kpiscan-bench-engine
need_build "$build" "$kpiscan" "$engine"
need_tools docx2txt pandoc jq awk
# python-docx is a Debian package: it is found by Debian's python3, which a
# pyenv or venv python3 earlier on PATH may not see.
python=
for p in ${PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import docx' 2>/dev/null; then
        python=$p
        break
    fi
done
[ -n "$python" ] || bench_die "missing: python3-docx (import docx failed);" \
    "install the benchmark tools with bench/setup.sh (as root, Debian 12)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
find "$corpus" -type f -iname '*.docx' -print0 | sort -z > "$tmp/files0"
nfiles=$(tr -cd '\0' < "$tmp/files0" | wc -c)
[ "$nfiles" -gt 0 ] || bench_die "no *.docx files under $corpus"
bytes=$(xargs -0 cat < "$tmp/files0" | wc -c)
as_of=2026-06-01
load_before=$(loadavg)
pandoc_version=$(pandoc --version)
pandoc_version=${pandoc_version%%$'\n'*}
docx2txt_version=$(dpkg-query -W -f='${Version}' docx2txt 2>/dev/null || echo '?')
pydocx_version=$("$python" -c 'import docx, importlib.metadata as m; print(m.version("python-docx"))' 2>/dev/null || echo '?')

echo "# DOCX benchmark run"
echo
machine_facts "$root" "$build" "$kpiscan"
echo "- load average before: $load_before"
echo "- corpus: $corpus ($nfiles DOCX files, $bytes bytes)"
echo "- peers: docx2txt $docx2txt_version (Debian); $pandoc_version; python-docx $pydocx_version ($python)"
echo "- runs: median of $runs after one warm-up"
echo

# ---------------------------------------------------------------- in process
extract_line=$(engine_line "$engine" "$runs" extract "$corpus")
scan_line=$(engine_line "$engine" "$runs" scan "$corpus")
py_line=$("$python" "$here/python_docx_extract.py" --runs "$runs" "$corpus")
read -r ex_w ex_c ex_ms _ <<<"$(rate_of "$extract_line")"
read -r sc_w sc_c sc_ms _ <<<"$(rate_of "$scan_line")"
read -r py_w py_c py_ms _ <<<"$(rate_of "$py_line")"
for l in "$extract_line" "$scan_line"; do
    case $l in *failed*) echo "$prog: warning: $l" >&2 ;; esac
done

echo "## In process (one thread, files in memory)"
echo
echo "| what | files/s (wall) | files/s (CPU) | ms per pass (wall) | CPU time / kpiscan extraction |"
echo "|---|---:|---:|---:|---:|"
row_in() {
    awk -v n="$1" -v w="$2" -v c="$3" -v ms="$4" -v base="$ex_c" \
        'BEGIN { printf "| %s | %.0f | %.0f | %.1f | %.2fx |\n", n, w, c, ms, base / c }'
}
row_in "kpiscan extraction only (\`kpiscan-bench-engine --only extract\`)" "$ex_w" "$ex_c" "$ex_ms"
row_in "kpiscan extraction + full scan (\`kpiscan-bench-engine --only scan\`)" "$sc_w" "$sc_c" "$sc_ms"
row_in "python-docx, paragraphs + table cells (\`python_docx_extract.py --runs $runs\`)" "$py_w" "$py_c" "$py_ms"
echo
awk -v c="$sc_c" 'BEGIN {
    printf "- floor 1,000 DOCX files/s per core in process (extraction + full scan, CPU time): %.0f files/s, %s\n",
        c, (c >= 1000) ? "**met**" : "**not met**" }'
echo

# ------------------------------------------------------------- whole process
# The per-file loops run through bash: exported so that `bash -c` sees them.
docx2txt_each() {
    local f
    while IFS= read -r -d '' f; do docx2txt "$f" -; done < "$tmp/files0"
}
pandoc_each() {
    local f
    while IFS= read -r -d '' f; do pandoc -t plain "$f"; done < "$tmp/files0"
}
pydocx_once() { "$python" "$here/python_docx_extract.py" --runs 1 "$corpus"; }
export -f kpiscan_dir kpiscan_each docx2txt_each pandoc_each pydocx_once
export kpiscan corpus tmp as_of python here

names=(kpiscan kpiscan-per-file docx2txt pandoc python-docx)
declare -A fn=([kpiscan]=kpiscan_dir [kpiscan-per-file]=kpiscan_each
    [docx2txt]=docx2txt_each [pandoc]=pandoc_each [python-docx]=pydocx_once)
declare -A cmd=(
    [kpiscan]="kpiscan --jobs 1 --format jsonl --as-of $as_of DIR"
    [kpiscan-per-file]="kpiscan --format jsonl --as-of $as_of FILE, once per file"
    [docx2txt]="docx2txt FILE -, once per file"
    [pandoc]="pandoc -t plain FILE, once per file"
    [python-docx]="python3 bench/python_docx_extract.py DIR (one process)")
whole_process_table "$nfiles"

# ------------------------------------------------------------ text extracted
# Not timed: what each tool gives, counted in words (whitespace-separated).
words() { wc -w < "$1" | tr -d ' '; }
"$kpiscan" --extract --as-of "$as_of" "$corpus" > "$tmp/kpiscan.txt" 2>/dev/null || true
bash -c docx2txt_each > "$tmp/docx2txt.txt" 2>/dev/null || true
bash -c pandoc_each > "$tmp/pandoc.txt" 2>/dev/null || true
"$python" "$here/python_docx_extract.py" --text "$corpus" > "$tmp/python-docx.txt"
# kpiscan and python-docx print a "==> FILE <==" line per file: not text.
for f in kpiscan python-docx; do
    awk '!/^==> .* <==$/' "$tmp/$f.txt" > "$tmp/$f.body"
    mv "$tmp/$f.body" "$tmp/$f.txt"
done
echo "## Text extracted (not timed)"
echo
echo "| tool | words | what it reads |"
echo "|---|---:|---|"
echo "| kpiscan --extract | $(words "$tmp/kpiscan.txt") | body, headers, footers, footnotes, endnotes, text boxes once |"
echo "| docx2txt | $(words "$tmp/docx2txt.txt") | body only: word/document.xml (with its relations and numbering), each part through an \`unzip -p\` process |"
echo "| pandoc -t plain | $(words "$tmp/pandoc.txt") | body, notes; no headers or footers |"
echo "| python-docx | $(words "$tmp/python-docx.txt") | body paragraphs and table cells only |"
echo
echo "- load average after: $(loadavg)"
