#!/usr/bin/env bash
# setup.sh - install the tools the benchmarks of bench/ compare with or
# time with, from Debian packages, as root, without questions; only what is
# missing.  When everything is there it only checks (well under a second).
#
#   bench/setup.sh
#
#   docx2txt, pandoc, python3-docx   DOCX peers of bench/docx.sh
#   unrtf (and pandoc)               RTF peers of bench/rtf.sh
#   antiword, catdoc                 Word 97-2003 (.doc) peers of bench/doc.sh
#   ripgrep, pcre2-utils             regex peers of bench/run.sh and bench/batch.sh
#   time                             GNU /usr/bin/time: peak RSS in bench/batch.sh
#   jq                               reads meson's and hyperfine's JSON
#   valgrind                         callgrind counts of bench/run.sh
#   hyperfine                        used by bench/run.sh when installed; only
#                                    where the release has it (Debian 12 does)
#
# The project's own build and test dependencies are scripts/setup.sh's.
set -euo pipefail

required=(docx2txt pandoc python3-docx unrtf antiword catdoc ripgrep pcre2-utils time jq
    valgrind)
optional=(hyperfine)

installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
    [ "$status" = "install ok installed" ]
}

missing=()
for p in "${required[@]}"; do
    installed "$p" || missing+=("$p")
done
missing_optional=()
for p in "${optional[@]}"; do
    installed "$p" || missing_optional+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
    echo "bench/setup.sh: every benchmark tool is installed" >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "bench/setup.sh: missing packages (${missing[*]} ${missing_optional[*]});" \
        "run this script as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# An optional package is installed only when the release has a candidate
# for it (apt-cache policy prints "Candidate: (none)" otherwise).
for p in ${missing_optional[@]+"${missing_optional[@]}"}; do
    policy=$(apt-cache policy "$p" 2>/dev/null || true)
    candidate=$(awk '$1 == "Candidate:" { print $2 }' <<<"$policy")
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
        missing+=("$p")
    else
        echo "bench/setup.sh: $p is not in this release's repositories;" \
            "bench/run.sh times with bash's time instead" >&2
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "bench/setup.sh: installing ${missing[*]}" >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
