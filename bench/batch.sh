#!/bin/bash
# batch.sh - batch throughput and memory of kpiscan over a folder, one and
# two worker threads, against grep-like peers, in one run.
#
#   bench/batch.sh [-b BUILD_DIR] [-n RUNS] [-p PEER_RUNS] [--files N] [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpus/resumes-txt (1,236 real
# resumes); BUILD_DIR to build; RUNS to 5; PEER_RUNS (runs of the slow
# peers) to RUNS; N to 10000.  Prints a report in Markdown; the numbers go
# to the "Batch" section of docs/benchmarks.md.
#
#   1. the corpus: files/s and MB/s of
#      kpiscan --jobs 1|2 --format jsonl --as-of 2026-06-01 DIR > /dev/null
#   2. a folder of N files made in a temporary folder by copying the
#      corpus (rep0/, rep1/, ... each a full copy, the last one cut so the
#      total is exactly N; distinct paths, same bytes): the same two
#      commands with their peak RSS (GNU time -f %M), reading the files
#      (the floor), the same two with CSV output without excerpts (what
#      the output costs), and the peers pcre2grep -r and rg (one thread
#      and its default) with the pack's regex list
#      (bench/make-regex-list.sh)
#
# Floors checked: -j2 at least 1.6x the files/s of -j1 on the N files;
# peak RSS below 64 MiB.  Needs pcre2-utils, ripgrep, time (GNU
# /usr/bin/time) and jq (Debian packages: run bench/setup.sh as root).
# Not a test: on a shared 2-CPU machine the -j2 figure depends on what
# else runs, so the load average is printed before and after.
set -euo pipefail

prog=batch.sh
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
runs=5
peer_runs=
big_n=10000
corpus=
while [ $# -gt 0 ]; do
    case $1 in
        -b) build=$(cd "${2:?-b needs a folder}" && pwd); shift 2 ;;
        -n) runs=${2:?-n needs a number}; shift 2 ;;
        -p) peer_runs=${2:?-p needs a number}; shift 2 ;;
        --files) big_n=${2:?--files needs a number}; shift 2 ;;
        -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
        -*) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) corpus=$1; shift ;;
    esac
done
peer_runs=${peer_runs:-$runs}
for v in "$runs" "$peer_runs" "$big_n"; do
    case $v in '' | *[!0-9]* | 0) echo "$prog: -n, -p and --files need positive numbers" >&2; exit 2 ;; esac
done
# shellcheck source=bench/common.sh
. "$here/common.sh"

corpus=${corpus:-$root/../shared/corpus/resumes-txt}
need_corpus "$corpus"
corpus=$(cd "$corpus" && pwd)
kpiscan=$build/cli/kpiscan
need_build "$build" "$kpiscan"
need_tools pcre2grep rg jq awk
[ -x /usr/bin/time ] || bench_die "missing: GNU time (/usr/bin/time); install the" \
    "benchmark tools with bench/setup.sh (as root, Debian 12)"

tmp=$(mktemp -d)
# Copies of a read-only corpus are made writable (--no-preserve=mode), and
# chmod first all the same, so that the clean-up never stops half-way.
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
as_of=2026-06-01
load_before=$(loadavg)

# ------------------------------------------------------- the N-file folder
(cd "$corpus" && find . -type f -print0 | sort -z) > "$tmp/corpus0"
ncorpus=$(tr -cd '\0' < "$tmp/corpus0" | wc -c)
big=$tmp/big
mkdir "$big"
left=$big_n
i=0
while [ "$left" -gt 0 ]; do
    mkdir "$big/rep$i"
    if [ "$left" -ge "$ncorpus" ]; then
        cp -R --no-preserve=mode "$corpus/." "$big/rep$i/"
        left=$((left - ncorpus))
    else
        # The first $left files in name order, with their category folders.
        head -z -n "$left" "$tmp/corpus0" > "$tmp/part0"
        (cd "$corpus" && xargs -0 cp --parents --no-preserve=mode -t "$big/rep$i") < "$tmp/part0"
        left=0
    fi
    i=$((i + 1))
done
# Counted, not assumed: the folder must hold exactly N files.
nbig=$(find "$big" -type f | wc -l)
[ "$nbig" -eq "$big_n" ] || bench_die "made $nbig files in $big, not $big_n"
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
corpus_bytes=$(bytes_of "$corpus")
big_bytes=$(bytes_of "$big")
"$here/make-regex-list.sh" "$kpiscan" > "$tmp/rules.txt"
nrules=$(wc -l < "$tmp/rules.txt")
pcre2_version=$(pcre2grep --version 2>&1)
pcre2_version=${pcre2_version%%$'\n'*}
rg_version=$(rg --version)
rg_version=${rg_version%%$'\n'*}

echo "# Batch benchmark run"
echo
machine_facts "$root" "$build" "$kpiscan"
echo "- load average before: $load_before"
echo "- corpus: $corpus ($ncorpus files, $corpus_bytes bytes)"
echo "- big folder: $big_n files, $big_bytes bytes, copies of the corpus in $((i)) folders (rep0..rep$((i - 1)))"
echo "- rules for the peers: $nrules regexes from the default pack (bench/make-regex-list.sh)"
echo "- peers: $pcre2_version; $rg_version"
echo "- runs: median of $runs after one warm-up (peers: $peer_runs)"
echo

# row NAME FILES BYTES COMMAND-TEXT: one table row from the last measure.
declare -A rate
row() {
    local name=$1 files=$2 nbytes=$3 text=$4
    rate[$name]=$(awk -v f="$files" -v w="$m_wall" 'BEGIN { printf "%.1f", f / (w / 1000) }')
    awk -v n="$name" -v f="$files" -v b="$nbytes" -v w="$m_wall" -v c="$m_cpu" \
        -v r="$m_rss" -v rc="$m_rc" -v t="$text" 'BEGIN {
        rss = (r == "-") ? "-" : sprintf("%.1f", r / 1024)
        printf "| %s | %.1f | %.1f | %.0f | %.1f | %s | %s | `%s` |\n",
            n, w, c, f / (w / 1000), b / 1e6 / (w / 1000), rss, rc, t }'
}
header() {
    echo "| what | wall ms | CPU ms | files/s (wall) | MB/s (wall) | peak RSS MiB | exit | command |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
}
kp() { echo "kpiscan --jobs $1 --format jsonl --as-of $as_of DIR > /dev/null"; }

# How many records and errors kpiscan gives for a folder (not timed).
# Into a file, then counted: grep reads it whole (no early exit on a pipe).
records() {
    local lines errors
    "$kpiscan" --jobs 2 --format jsonl --as-of "$as_of" "$1" > "$tmp/out.jsonl" 2>/dev/null || true
    lines=$(grep -c '^{' "$tmp/out.jsonl" || true)
    errors=$(grep -c '"status":"error"' "$tmp/out.jsonl" || true)
    rm -f "$tmp/out.jsonl"
    echo "$lines records, $errors of them errors"
}

echo "## Corpus ($ncorpus files)"
echo
header
for j in 1 2; do
    measure --rss "$runs" "$kpiscan" --jobs "$j" --format jsonl --as-of "$as_of" "$corpus"
    row "kpiscan -j$j" "$ncorpus" "$corpus_bytes" "$(kp "$j")"
done
echo
echo "- kpiscan output: $(records "$corpus")"
awk -v a="${rate[kpiscan -j1]}" -v b="${rate[kpiscan -j2]}" 'BEGIN {
    printf "- -j2 / -j1: %.2fx the files/s\n", b / a }'
echo

echo "## $big_n files"
echo
header
read_floor() { find "$big" -type f -print0 | xargs -0 cat > /dev/null; }
export -f read_floor
export big
measure --rss "$runs" bash -c read_floor
row "read (floor)" "$big_n" "$big_bytes" "find DIR -type f -print0 | xargs -0 cat > /dev/null"
declare -A rss cpu_j
for j in 1 2; do
    measure --rss "$runs" "$kpiscan" --jobs "$j" --format jsonl --as-of "$as_of" "$big"
    row "kpiscan -j$j" "$big_n" "$big_bytes" "$(kp "$j")"
    rss[$j]=$m_rss
    cpu_j[$j]=$m_cpu
done
# Diagnostic: the same with the cheapest output, to show what share of the
# -j2 figure the output costs (records are formatted one at a time).
for j in 1 2; do
    measure --rss "$runs" "$kpiscan" --jobs "$j" --format csv --no-excerpts --as-of "$as_of" "$big"
    row "kpiscan -j$j, CSV" "$big_n" "$big_bytes" "kpiscan --jobs $j --format csv --no-excerpts --as-of $as_of DIR > /dev/null"
done
measure --rss "$peer_runs" pcre2grep -r -i -c -f "$tmp/rules.txt" "$big"
row "pcre2grep" "$big_n" "$big_bytes" "pcre2grep -r -i -c -f RULES DIR"
measure --rss "$peer_runs" rg -j1 -i -c --engine auto -f "$tmp/rules.txt" "$big"
row "rg -j1" "$big_n" "$big_bytes" "rg -j1 -i -c --engine auto -f RULES DIR"
measure --rss "$peer_runs" rg -i -c --engine auto -f "$tmp/rules.txt" "$big"
row "rg (default threads)" "$big_n" "$big_bytes" "rg -i -c --engine auto -f RULES DIR"
echo
echo "- kpiscan output: $(records "$big")"
awk -v a="${rate[kpiscan -j1]}" -v b="${rate[kpiscan -j2]}" -v c1="${cpu_j[1]}" -v c2="${cpu_j[2]}" \
    -v r1="${rss[1]}" -v r2="${rss[2]}" -v p="${rate[pcre2grep]}" -v g1="${rate[rg -j1]}" \
    -v g="${rate[rg (default threads)]}" -v v1="${rate[kpiscan -j1, CSV]}" -v v2="${rate[kpiscan -j2, CSV]}" 'BEGIN {
    s = b / a
    printf "- -j2 / -j1: %.2fx the files/s (floor 1.6x: %s); CPU time -j2 / -j1: %.2fx\n",
        s, (s >= 1.6) ? "**met**" : "**not met**", c2 / c1
    m = (r1 > r2) ? r1 : r2
    printf "- peak RSS: %.1f MiB with -j1, %.1f MiB with -j2 (floor below 64 MiB: %s)\n",
        r1 / 1024, r2 / 1024, (m < 64 * 1024) ? "**met**" : "**not met**"
    printf "- with CSV output without excerpts instead of JSONL: -j2 / -j1 %.2fx\n", v2 / v1
    printf "- kpiscan -j1 files/s over pcre2grep: %.1fx; over rg -j1: %.1fx; kpiscan -j2 over rg (default threads): %.1fx\n",
        a / p, a / g1, b / g
}'
echo
echo "- load average after: $(loadavg)"
