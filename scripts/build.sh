#!/usr/bin/env bash
# Configure (once) and build a tree.
#   usage: build.sh [--progress] DIR [MESON-OPTIONS...]
# Quiet by default (the test scripts print their own results); with
# --progress it says what it does and lets ninja's progress show on
# standard error, so a first build of a few dozen seconds is not silence.
set -euo pipefail
progress=0
if [ "${1:-}" = --progress ]; then
    progress=1
    shift
fi
dir=${1:?usage: build.sh [--progress] DIR [MESON-OPTIONS...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f "$dir/build.ninja" ]; then
    [ $progress = 1 ] && echo "configuring $dir/ (meson setup)..." >&2
    meson setup "$dir" "$@" >/dev/null
fi
if [ $progress = 1 ]; then
    # A dry run tells whether there is anything to build at all.
    if ninja -C "$dir" -n 2>/dev/null | grep -q '^ninja: no work to do'; then
        exit 0
    fi
    echo "building $dir/ (ninja)..." >&2
    ninja -C "$dir" >&2
else
    ninja -C "$dir" >/dev/null
fi
