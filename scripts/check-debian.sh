#!/usr/bin/env bash
# Build the Debian packages from a copy of the tree and try them without
# installing them:
#   1. copy the tracked files to a temporary folder (dpkg-buildpackage
#      writes into the parent folder, and the parent of the repository
#      holds other things) and build with `dpkg-buildpackage -us -uc -b`
#      (DEB_BUILD_OPTIONS=nocheck by default: CI ran the suite already);
#   2. lintian over the .changes, failing on errors and warnings;
#   3. each package holds what it should;
#   4. `dpkg-deb -x` every package into a scratch root and run that root's
#      kpiscan, build examples/scan_one.c against it with pkg-config alone,
#      and import its Python binding.
# Needs: scripts/setup.sh --test (debhelper, dh-python, lintian, ...).
# usage: check-debian.sh [KEEP_DIR]   (KEEP_DIR: keep the work there)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "check-debian: FAIL: $*" >&2; exit 1; }
for tool in dpkg-buildpackage dh lintian dpkg-deb pkg-config cc; do
    command -v "$tool" > /dev/null || fail "$tool not found (scripts/setup.sh --test)"
done
if [ -n "${1:-}" ]; then
    work=$1
    mkdir -p "$work" || exit 1
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
src=$work/src/libkpiscan
mkdir -p "$src"
if git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    # the tracked files as they are now (committed or not)
    (cd "$root" && git ls-files -z --cached --others --exclude-standard |
        xargs -0 cp --parents -t "$src" 2> /dev/null) ||
        (cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$src") ||
        fail "copying the tree"
else
    (cd "$root" && tar --exclude='./build*' -cf - .) | (cd "$src" && tar -xf -) ||
        fail "copying the tree"
fi

echo "check-debian: dpkg-buildpackage -us -uc -b in $src" >&2
start=$(date +%s)
(cd "$src" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck} \
    dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 ||
    fail "dpkg-buildpackage (log: $work/build.log):
$(tail -25 "$work/build.log")"
echo "check-debian: built in $(($(date +%s) - start)) s" >&2

changes=$(ls "$work"/src/libkpiscan_*.changes 2> /dev/null | head -1)
[ -n "$changes" ] || fail "no .changes file"
lintian --fail-on error,warning --tag-display-limit 0 "$changes" > "$work/lintian.log" 2>&1 ||
    fail "lintian:
$(cat "$work/lintian.log")"
echo "check-debian: lintian clean at error and warning levels" >&2
sed 's/^/  /' "$work/lintian.log" >&2

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb() { ls "$work"/src/"$1"_*.deb 2> /dev/null | head -1; }
has() { # package path-regex
    # grep reads the whole list (no -q): quitting at the first match would
    # end dpkg-deb with SIGPIPE, which pipefail reports as a miss
    dpkg-deb -c "$(deb "$1")" | awk '{print $6}' | grep -E "$2" > /dev/null ||
        fail "package $1 lacks $2"
}
for p in libkpiscan0 libkpiscan-dev kpiscan python3-kpiscan kpiscan-pdf; do
    [ -n "$(deb "$p")" ] || fail "package $p was not built"
done
has libkpiscan0 "^\./usr/lib/$multiarch/libkpiscan\.so\.0$"
has libkpiscan-dev "^\./usr/include/kpiscan\.h$"
has libkpiscan-dev "^\./usr/lib/$multiarch/libkpiscan\.a$"
has libkpiscan-dev "^\./usr/lib/$multiarch/pkgconfig/libkpiscan\.pc$"
has libkpiscan-dev "^\./usr/share/man/man3/libkpiscan\.3\.gz$"
has libkpiscan-dev "^\./usr/share/doc/libkpiscan/embedding\.md(\.gz)?$"
has kpiscan "^\./usr/bin/kpiscan$"
has kpiscan "^\./usr/share/man/man1/kpiscan\.1\.gz$"
has python3-kpiscan "^\./usr/lib/python3/dist-packages/kpiscan/__init__\.py$"
has kpiscan-pdf "^\./usr/libexec/kpiscan-pdf$"
if dpkg-deb -c "$(deb kpiscan)" | grep 'libkpiscan\.so' > /dev/null; then
    fail "kpiscan carries a copy of the library"
fi

sysroot=$work/root
for f in "$work"/src/*.deb; do dpkg-deb -x "$f" "$sysroot" || fail "dpkg-deb -x $f"; done
export LD_LIBRARY_PATH=$sysroot/usr/lib/$multiarch
loaded=$(ldd "$sysroot/usr/bin/kpiscan" | awk '/libkpiscan/ {print $3}')
case "$loaded" in
    "$sysroot"/*) ;;
    *) fail "the packaged kpiscan would load libkpiscan from '$loaded'" ;;
esac
"$sysroot/usr/bin/kpiscan" --as-of 2026-06-01 -q --format jsonl \
    --expect-file "$root/examples/ci/manifest.tsv" > "$work/scan.jsonl" ||
    fail "the packaged kpiscan failed the examples' manifest"
echo "check-debian: packaged kpiscan: $(wc -l < "$work/scan.jsonl") examples, each at its manifest's level" >&2
# The packaged helper reads a PDF for the packaged CLI (the library's
# built-in path points at /usr, so the helper is named explicitly here).
pdf=$(ls "$root"/../shared/corpus/resumes-pdf/*/*.pdf 2> /dev/null | head -1)
if [ -n "$pdf" ]; then
    KPISCAN_PDF_HELPER=$sysroot/usr/libexec/kpiscan-pdf \
        "$sysroot/usr/bin/kpiscan" --as-of 2026-06-01 -q --format jsonl "$pdf" \
        > "$work/pdf.jsonl" || fail "the packaged helper did not read $pdf"
    echo "check-debian: packaged PDF helper read $(basename "$pdf")" >&2
fi

export PKG_CONFIG_PATH=$sysroot/usr/lib/$multiarch/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$sysroot
flags=$(pkg-config --cflags --libs libkpiscan) || fail "pkg-config libkpiscan"
# shellcheck disable=SC2086 # a word list by design
cc -std=c11 -Wall -Werror -o "$work/scan_one" "$root/examples/scan_one.c" $flags ||
    fail "building examples/scan_one.c with: $flags"
"$work/scan_one" "$root/examples/senior-1.txt" > "$work/scan_one.out" ||
    fail "scan_one against the packaged library"
echo "check-debian: pkg-config consumer: $(cat "$work/scan_one.out")" >&2

PYTHONPATH=$sysroot/usr/lib/python3/dist-packages \
    KPISCAN_LIBRARY=$sysroot/usr/lib/$multiarch/libkpiscan.so.0 \
    /usr/bin/python3 -c '
import sys, kpiscan
assert kpiscan.__file__.startswith(sys.argv[1]), kpiscan.__file__
print(kpiscan.Pack().scan_path(sys.argv[2]).level)' "$sysroot" "$root/examples/mid-1.txt" \
    > "$work/py.out" || fail "the packaged Python binding"
echo "check-debian: packaged Python binding scans: $(cat "$work/py.out")" >&2
echo "check-debian: OK" >&2
