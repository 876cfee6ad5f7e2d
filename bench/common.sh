# common.sh - helpers for bench/docx.sh and bench/batch.sh (sourced, not
# run).  The sourcing script sets `prog` (its name, for messages) and `tmp`
# (a scratch folder it removes on exit) before calling them.
#
# Timing: each command is run once as a warm-up, then RUNS times; the
# report gives the median wall time and the median CPU time (user + system
# of the command and every process it waited for, from bash's `time`, in
# ms).  With measure --rss the command runs under GNU /usr/bin/time and the
# median peak RSS (-f %M, KiB) is kept too.  hyperfine is not used here: it
# reports only the mean CPU time and no peak RSS.
# shellcheck shell=bash
# m_wall, m_cpu, m_rss and m_rc are results read by the sourcing script:
# shellcheck disable=SC2034

bench_die() {
    echo "${prog:-bench}: $*" >&2
    exit 2
}

# need_tools TOOL...: every TOOL on PATH, or a message naming the missing
# ones and the script that installs them.
need_tools() {
    local missing=() t
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        bench_die "missing: ${missing[*]}; install the benchmark tools with" \
            "bench/setup.sh (as root, Debian 12)"
    fi
}

# need_corpus DIR: the folder exists and holds files, or a message that
# says where the shared corpus is expected.
need_corpus() {
    local dir=$1 any
    if [ ! -d "$dir" ]; then
        bench_die "corpus folder $dir not found: the third-party corpus lives" \
            "in ../shared/corpus beside the project root (see its README);" \
            "pass another folder as the last argument"
    fi
    any=$(find "$dir" -type f -print -quit)
    [ -n "$any" ] || bench_die "corpus folder $dir holds no files"
}

# need_build BUILD BINARY...: the binaries exist; warn when ninja has work
# to do (the numbers would be for an older build).
need_build() {
    local build=$1 f out
    shift
    for f in "$@"; do
        [ -x "$f" ] || bench_die "$f missing: build first" \
            "(meson setup $build -Dbuildtype=debugoptimized && ninja -C $build)"
    done
    if command -v ninja >/dev/null 2>&1; then
        out=$(ninja -C "$build" -n 2>&1 || true)
        case $out in
            *"no work to do"*) ;;
            *) echo "${prog:-bench}: warning: $build is not up to date (ninja -C $build)" >&2 ;;
        esac
    fi
}

loadavg() { cut -d ' ' -f 1-3 /proc/loadavg; }

# machine_facts ROOT BUILD KPISCAN: Markdown bullets about the machine,
# the build and the source it was built from.
machine_facts() {
    local root=$1 build=$2 kpiscan=$3 model version btype="?" commit="(not a git checkout)" dirty
    # Whole outputs captured first: no reader that stops early on a pipe.
    model=$(lscpu | awk -F ': *' '/^Model name:/ && !seen { print $2; seen = 1 }')
    version=$("$kpiscan" --version)
    version=${version%%$'\n'*}
    # The source the build was configured from (it may be another checkout
    # than the one the script is in), and its commit.
    local src=$root info=$build/meson-info
    if [ -f "$info/meson-info.json" ] && command -v jq >/dev/null 2>&1; then
        src=$(jq -r '.directories.source' "$info/meson-info.json")
        btype=$(jq -r '.[] | select(.name == "buildtype") | .value' "$info/intro-buildoptions.json")
    fi
    if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
        commit="commit $(git -C "$src" rev-parse --short HEAD)"
        dirty=$(git -C "$src" status --porcelain -- lib cli include patterns)
        [ -z "$dirty" ] || commit="$commit + uncommitted changes in lib/, cli/, include/ or patterns/"
    fi
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) CPUs (nproc), ${model:-unknown model} (lscpu), $(uname -sr)"
    echo "- build: $build (meson $btype), $version, from $src, $commit"
}

# median: the median of the numbers on standard input, one a line.
median() {
    sort -g | awk '{ v[NR] = $1 }
        END { if (NR == 0) { print "nan"; exit }
              printf "%.1f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure [--rss] RUNS COMMAND...: warm-up, then RUNS timed runs with the
# output discarded.  Sets m_wall and m_cpu (median ms), m_rss (median peak
# RSS in KiB, or - without --rss) and m_rc (the exit status).  Exit status
# 1 (grep: no match) and 2 (kpiscan: an input could not be scanned) are
# accepted as long as every run gives the same one; anything else stops
# the benchmark, since a crash or a missing file would be timed instead.
measure() {
    local rss=0 runs t rc i
    if [ "$1" = --rss ]; then
        rss=1
        shift
    fi
    runs=$1
    shift
    local wrap=("$@")
    [ $rss = 0 ] || wrap=(/usr/bin/time -f %M -o "$tmp/rss" "$@")
    local TIMEFORMAT='%3R %3U %3S' walls=() cpus=() rsses=()
    for ((i = 0; i <= runs; i++)); do
        if t=$( { time "${wrap[@]}" >/dev/null 2>"$tmp/stderr"; } 2>&1); then
            rc=0
        else
            rc=$?
        fi
        if [ "$i" = 0 ]; then
            m_rc=$rc
            case $rc in
                0 | 1 | 2) ;;
                *)
                    sed -n '1,5p' "$tmp/stderr" >&2
                    bench_die "'$*' exited with status $rc"
                    ;;
            esac
            continue # warm-up
        fi
        [ "$rc" = "$m_rc" ] || bench_die "'$*' exited with $rc, the warm-up with $m_rc"
        walls+=("$(awk '{ print $1 * 1000 }' <<<"$t")")
        cpus+=("$(awk '{ print ($2 + $3) * 1000 }' <<<"$t")")
        # GNU time writes "Command exited with non-zero status N" first.
        [ $rss = 0 ] || rsses+=("$(tail -n 1 "$tmp/rss")")
    done
    m_wall=$(printf '%s\n' "${walls[@]}" | median)
    m_cpu=$(printf '%s\n' "${cpus[@]}" | median)
    m_rss=-
    [ $rss = 0 ] || m_rss=$(printf '%s\n' "${rsses[@]}" | median)
}

# engine_line ENGINE RUNS MODE DIR: the report line of one mode of
# bench/engine.c ("MODE ... N files/s wall N files/s cpu (median of R)
# [K of N files failed]").
engine_line() {
    local out
    out=$("$1" --runs "$2" --no-check --only "$3" "$4")
    awk -v m="$3" '$1 == m' <<<"$out"
}

# rate_of LINE: "files/s-wall files/s-cpu ms-per-pass MB/s-cpu" of an
# engine_line (or of a peer that reports the same fields).
rate_of() {
    awk '{ for (i = 1; i < NF; i++) {
               if ($(i + 1) == "files/s" && $(i + 2) ~ /^wall/) w = $i
               if ($(i + 1) == "files/s" && $(i + 2) ~ /^cpu/) c = $i
               if ($(i + 1) ~ /^ms\/pass/) ms = $i
               if ($(i + 1) == "MB/s" && $(i + 2) ~ /^cpu/) mb = $i
           }
           printf "%s %s %s %s\n", w, c, ms, (mb == "" ? "-" : mb) }' <<<"$1"
}

# in_process_table ENGINE RUNS DIR: the engine's extraction alone and
# extraction + full scan over DIR, as a Markdown section (a mode whose
# files failed is named on standard error).
in_process_table() {
    local extract_line scan_line l
    extract_line=$(engine_line "$1" "$2" extract "$3")
    scan_line=$(engine_line "$1" "$2" scan "$3")
    for l in "$extract_line" "$scan_line"; do
        case $l in *failed*) echo "$prog: warning: $l" >&2 ;; esac
    done
    echo "## In process (one thread, files in memory)"
    echo
    echo "| what | files/s (wall) | files/s (CPU) | MB/s (CPU) | ms per pass (wall) |"
    echo "|---|---:|---:|---:|---:|"
    local label line w c ms mb
    for l in extract scan; do
        if [ $l = extract ]; then
            label="kpiscan extraction only (\`kpiscan-bench-engine --only extract\`)"
            line=$extract_line
        else
            label="kpiscan extraction + full scan (\`kpiscan-bench-engine --only scan\`)"
            line=$scan_line
        fi
        read -r w c ms mb <<<"$(rate_of "$line")"
        awk -v n="$label" -v w="$w" -v c="$c" -v mb="$mb" -v ms="$ms" \
            'BEGIN { printf "| %s | %.0f | %.0f | %.1f | %.1f |\n", n, w, c, mb, ms }'
    done
    echo
}

# kpiscan_dir, kpiscan_each: kpiscan over the caller's $corpus in one
# process, and once per file of $tmp/files0 (NUL-separated), as of
# $as_of; for whole_process_table (export them with the variables).
kpiscan_dir() { "$kpiscan" --jobs 1 --format jsonl --as-of "$as_of" "$corpus"; }
kpiscan_each() {
    local f
    while IFS= read -r -d '' f; do
        "$kpiscan" --format jsonl --as-of "$as_of" "$f"
    done < "$tmp/files0"
}

# whole_process_table NFILES: time each command of the caller's arrays
# names (the order; the first is the one the ratios divide by), fn (the
# exported function that runs it) and cmd (how it is shown), RUNS times
# each, and print the Markdown table of wall and CPU times, files per
# second and ratios.
whole_process_table() {
    local nfiles=$1 n
    declare -A wall cpu
    for n in "${names[@]}"; do
        measure "$runs" bash -c "${fn[$n]}"
        wall[$n]=$m_wall
        cpu[$n]=$m_cpu
        [ "$m_rc" = 0 ] || echo "$prog: note: $n exited with status $m_rc" >&2
    done
    local first=${names[0]}
    echo "## Whole process"
    echo
    echo "| what | wall ms | CPU ms | files/s (wall) | files/s (CPU) | wall / $first | CPU / $first | command |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    for n in "${names[@]}"; do
        awk -v n="$n" -v w="${wall[$n]}" -v c="${cpu[$n]}" -v f="$nfiles" \
            -v kw="${wall[$first]}" -v kc="${cpu[$first]}" -v cmd="${cmd[$n]}" 'BEGIN {
            printf "| %s | %.1f | %.1f | %.0f | %.0f | %.2fx | %.2fx | `%s` |\n",
                n, w, c, f / (w / 1000), f / (c / 1000), w / kw, c / kc, cmd }'
    done
    echo
}
