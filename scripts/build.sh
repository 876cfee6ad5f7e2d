#!/usr/bin/env bash
# Configure (once) and build a tree.  usage: build.sh DIR [MESON-OPTIONS...]
set -euo pipefail
dir=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
