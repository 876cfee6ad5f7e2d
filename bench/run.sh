#!/bin/bash
# run.sh - the matching benchmarks of docs/benchmarks.md, in one run.
#
#   bench/run.sh [-b BUILD_DIR] [-n RUNS] [--no-callgrind] [--cold] [CORPUS_DIR]
#
# CORPUS_DIR defaults to ../shared/corpus/resumes-txt (the 1,236 real
# resumes); BUILD_DIR to build (configured with meson, built with ninja).
# Prints a report in Markdown; paste the numbers into docs/benchmarks.md.
#
#   1. engine: bench/engine.c in process, documents already in memory
#   2. whole process, single-threaded, in the same run: reading the files
#      (the floor), kpiscan, and the peers pcre2grep and rg with a regex
#      list made from the default pack (bench/make-regex-list.sh)
#   2b. with --cold (root only): reading and kpiscan again, the page cache
#      dropped before each run (sync; echo 3 > /proc/sys/vm/drop_caches),
#      i.e. reading the files from disk; this empties the cache of the
#      whole machine, so it is opt-in
#   3. pack load: one small file scanned end to end, process start included
#   4. instructions per KB from valgrind --tool=callgrind
#
# Needs: ripgrep, pcre2-utils, valgrind (Debian packages: bench/setup.sh
# installs them); hyperfine is used when installed (and NO_HYPERFINE is
# unset), otherwise a loop timed with bash's `time`.  Not a test:
# absolute times on a shared machine are noisy, so medians and ratios.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
runs=7
callgrind=1
cold=0
corpus=
while [ $# -gt 0 ]; do
    case $1 in
        -b) build=$(cd "$2" && pwd); shift 2 ;;
        -n) runs=$2; shift 2 ;;
        --no-callgrind) callgrind=0; shift ;;
        --cold) cold=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) corpus=$1; shift ;;
    esac
done
corpus=${corpus:-$root/../shared/corpus/resumes-txt}
corpus=$(cd "$corpus" && pwd)
kpiscan=$build/cli/kpiscan
engine=$build/bench/kpiscan-bench-engine
for f in "$kpiscan" "$engine"; do
    [ -x "$f" ] || { echo "run.sh: $f missing: build first (ninja -C $build)" >&2; exit 2; }
done
for tool in pcre2grep rg; do
    command -v $tool >/dev/null || { echo "run.sh: $tool missing: install the benchmark tools with bench/setup.sh (as root)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/make-regex-list.sh" "$kpiscan" > "$tmp/rules.txt"
find "$corpus" -type f -print0 | sort -z > "$tmp/files0"
nfiles=$(tr -cd '\0' < "$tmp/files0" | wc -c)
bytes=$(xargs -0 cat < "$tmp/files0" | wc -c)
as_of=2026-06-01

echo "# Benchmark run"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(uname -sr)"
echo "- corpus: $corpus ($nfiles files, $bytes bytes)"
echo "- rules: $(wc -l < "$tmp/rules.txt") regexes from the default pack"
echo "- peers: $(pcre2grep --version 2>&1 | head -1); $(rg --version | head -1)"
echo "- runs: median of $runs after one warm-up"
echo

echo "## Engine (in process, one thread)"
echo
echo '```'
"$engine" --runs "$runs" "$corpus"
echo '```'
echo

# median_ms NAME COMMAND...: wall time of COMMAND (median) and its CPU
# time, user + system (median; hyperfine: mean), output discarded, exit
# status ignored (kpiscan exits 2 when one file cannot be scanned).  CPU
# time is the steadier number on a shared machine.
declare -A median
median_ms() {
    local name=$1; shift
    local ms cpu
    if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 1 --runs "$runs" -i --style none \
            --export-json "$tmp/h.json" "$(printf '%q ' "$@")" >/dev/null 2>&1
        ms=$(jq '.results[0].median * 1000' "$tmp/h.json")
        cpu=$(jq '(.results[0].user + .results[0].system) * 1000' "$tmp/h.json")
    else
        # bash's time keyword: wall, user and system seconds of the child.
        local TIMEFORMAT='%R %U %S' walls=() cpus=()
        "$@" >/dev/null 2>&1 || true
        for _ in $(seq "$runs"); do
            local t
            t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ) || true
            walls+=("$(awk '{ print $1 * 1000 }' <<<"$t")")
            cpus+=("$(awk '{ print ($2 + $3) * 1000 }' <<<"$t")")
        done
        # shellcheck disable=SC2016 # an awk program, not a shell expansion
        local med='{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
        ms=$(printf '%s\n' "${walls[@]}" | sort -g | awk "$med")
        cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk "$med")
    fi
    median[$name]=$ms
    median[$name.cpu]=$cpu
    local rate=-
    if [ "$rate_bytes" -gt 0 ]; then
        rate=$(awk -v b="$rate_bytes" -v ms="$ms" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }')
    fi
    # shellcheck disable=SC2016 # Markdown backquotes
    printf '| %-10s | %9.1f | %8.1f | %8s | `%s` |\n' "$name" "$ms" "$cpu" "$rate" "$*"
}

# Does this kpiscan have --jobs?  Its help is read whole first: `grep -q`
# on a pipe may exit before kpiscan has written, which under pipefail
# can make the check fail at random (SIGPIPE).
help=$("$kpiscan" --help)
has_jobs=0
case $help in *--jobs*) has_jobs=1 ;; esac

# Commands run through a shell where they need a pipe.
read_floor() { xargs -0 cat < "$tmp/files0" > /dev/null; }
kpiscan_all() {
    if [ "$has_jobs" = 1 ]; then
        "$kpiscan" --jobs 1 --format jsonl --as-of $as_of "$corpus"
    else
        xargs -0 "$kpiscan" --format json --as-of $as_of < "$tmp/files0"
    fi
}
export -f read_floor kpiscan_all
export kpiscan corpus tmp as_of has_jobs

if [ "$has_jobs" = 1 ]; then
    kpiscan_cmd="kpiscan --jobs 1 --format jsonl --as-of $as_of DIR"
else
    kpiscan_cmd="find DIR -type f | xargs kpiscan --format json --as-of $as_of"
fi
echo "## Whole process (one thread)"
echo
echo "kpiscan: \`$kpiscan_cmd\`"
echo
echo '| what | wall ms | CPU ms | MB/s (wall) | command |'
echo '|---|---:|---:|---:|---|'
rate_bytes=$bytes
median_ms read bash -c read_floor
median_ms kpiscan bash -c kpiscan_all
median_ms pcre2grep pcre2grep -r -i -c -f "$tmp/rules.txt" "$corpus"
median_ms rg rg -j1 -i -c --engine auto -f "$tmp/rules.txt" "$corpus"
echo
awk -v r="${median[read]}" -v k="${median[kpiscan]}" -v p="${median[pcre2grep]}" -v g="${median[rg]}" \
    -v rc="${median[read.cpu]}" -v kc="${median[kpiscan.cpu]}" -v pc="${median[pcre2grep.cpu]}" -v gc="${median[rg.cpu]}" 'BEGIN {
    printf "- kpiscan / read: %.1fx wall, %.1fx CPU (floor: within 2x)\n", k / r, kc / rc
    printf "- pcre2grep / kpiscan: %.2fx wall, %.2fx CPU; rg / kpiscan: %.2fx wall, %.2fx CPU (floor: above 1)\n", p / k, pc / kc, g / k, gc / kc
}'
echo

if [ $cold = 1 ]; then
    [ -w /proc/sys/vm/drop_caches ] ||
        { echo "run.sh: --cold needs root (it writes /proc/sys/vm/drop_caches)" >&2; exit 2; }
    # cold_ms NAME: median wall and CPU ms of a function run from a cold
    # page cache, RUNS times.
    cold_ms() {
        local TIMEFORMAT='%R %U %S' walls=() cpus=() t
        for _ in $(seq "$runs"); do
            sync
            echo 3 > /proc/sys/vm/drop_caches
            t=$( { time bash -c "$1" >/dev/null 2>&1; } 2>&1 ) || true
            walls+=("$(awk '{ print $1 * 1000 }' <<<"$t")")
            cpus+=("$(awk '{ print ($2 + $3) * 1000 }' <<<"$t")")
        done
        # shellcheck disable=SC2016 # an awk program, not a shell expansion
        local med='{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
        median[$1.cold]=$(printf '%s\n' "${walls[@]}" | sort -g | awk "$med")
        median[$1.coldcpu]=$(printf '%s\n' "${cpus[@]}" | sort -g | awk "$med")
    }
    echo "## Whole process from a cold page cache"
    echo
    echo '| what | wall ms | CPU ms |'
    echo '|---|---:|---:|'
    for f in read_floor kpiscan_all; do
        cold_ms $f
        printf '| %s | %.1f | %.1f |\n' "$f" "${median[$f.cold]}" "${median[$f.coldcpu]}"
    done
    echo
    awk -v r="${median[read_floor.cold]}" -v k="${median[kpiscan_all.cold]}" 'BEGIN {
        printf "- kpiscan / read, cold: %.1fx wall (floor: within 2x)\n", k / r }'
    echo
fi

echo "## Pack load"
echo
small=$root/examples/junior-1.txt
echo '| what | wall ms | CPU ms | MB/s (wall) | command |'
echo '|---|---:|---:|---:|---|'
rate_bytes=0
median_ms one-file "$kpiscan" --format json --as-of $as_of "$small"
median_ms version "$kpiscan" --version
echo

if [ $callgrind = 1 ] && command -v valgrind >/dev/null; then
    echo "## Callgrind (instructions per KB of input)"
    echo
    echo '| mode | Ir per KB |'
    echo '|---|---:|'
    for mode in scan norm+match; do
        # Counted inside one_pass() only: a warm-up pass and one timed
        # pass, so divide by two corpora.
        valgrind --tool=callgrind --toggle-collect=one_pass \
            --callgrind-out-file="$tmp/cg.$mode" \
            "$engine" --runs 1 --no-check --only "$mode" "$corpus" >/dev/null 2>"$tmp/cg.log"
        ir=$(sed -n 's/^summary: *//p' "$tmp/cg.$mode")
        printf '| %s | %s |\n' "$mode" "$(awk -v ir="$ir" -v b="$bytes" 'BEGIN { printf "%.0f", ir / 2 / (b / 1000) }')"
    done
    echo
    echo "Top functions of norm+match by their own instructions (callgrind_annotate):"
    echo
    echo '```'
    callgrind_annotate "$tmp/cg.norm+match" 2>/dev/null | sed -n '/^ *Ir/,$p' | head -25
    echo '```'
fi
