#!/usr/bin/env bash
# Consumer test: install the built tree into a temporary prefix with
# `meson install --destdir`, then build examples/embed/main.c against that
# prefix the way an outside program does, with nothing but
#   pkg-config --cflags --libs libkpiscan
# (dynamic linking), and run it on the example resumes.  Catches a broken
# .pc file, a header that is not installed or needs a private one, a
# library that is not installed or not found at run time, and missing man
# pages.
#
# usage: run.sh BUILD_DIR SOURCE_ROOT SANITIZE   (SANITIZE: meson's b_sanitize)
set -u
build=${1:?usage: run.sh BUILD_DIR SOURCE_ROOT SANITIZE}
root=${2:?}
sanitize=${3:-none}
fail() { echo "FAIL $*"; exit 1; }

for tool in meson pkg-config cc; do
    command -v "$tool" >/dev/null || fail "$tool not found"
done
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

meson install -C "$build" --destdir "$stage" --no-rebuild --quiet \
    > "$stage/install.log" 2>&1 || fail "meson install: $(tail -5 "$stage/install.log")"

pc=$(find "$stage" -name libkpiscan.pc | head -1)
[ -n "$pc" ] || fail "libkpiscan.pc was not installed"
for f in include/kpiscan.h include/kpiscan_version.h \
         share/man/man1/kpiscan.1 share/man/man3/libkpiscan.3; do
    [ -n "$(find "$stage" -path "*/$f")" ] || fail "$f was not installed"
done
# Every docs/NAME.md the installed header and man pages name is installed
# too (share/doc/libkpiscan/), so an embedder without the source tree can
# follow each pointer.
docdir=$(find "$stage" -type d -path '*/share/doc/libkpiscan' | head -1)
[ -n "$docdir" ] || fail "share/doc/libkpiscan was not installed"
named=$(find "$stage" \( -name kpiscan.h -o -name kpiscan.1 -o -name libkpiscan.3 \) \
            -exec grep -ho 'docs/[a-z-]*\.md' {} + | sort -u)
[ -n "$named" ] || fail "the installed header and man pages name no docs/ file"
for d in $named; do
    [ -f "$docdir/${d#docs/}" ] || fail "$d is named by an installed file but not installed"
done
# The CI templates and the embedding example the pages point at are
# installed under examples/ beside them, with the CLI's README, whose
# links then point beside it too.
for f in README.md examples/ci/check.sh examples/ci/github-actions.yml \
         examples/ci/gitlab-ci.yml examples/ci/manifest.tsv \
         examples/embed/main.c; do
    [ -f "$docdir/$f" ] || fail "$f is not installed in share/doc/libkpiscan"
done
# Every relative link of every installed page leads to an installed file.
# (A link's #fragment is dropped; web links and bare #fragments are not
# files.)
for page in "$docdir"/*.md; do
    while IFS= read -r link; do
        [ -n "$link" ] || continue
        [ -e "$docdir/$link" ] ||
            fail "the installed $(basename "$page") links $link, which is not installed beside it"
    done < <(grep -o '](\([^)]*\))' "$page" | sed 's/^](//; s/)$//; s/#.*//' |
             grep -v '^[a-z][a-z+.-]*:' | sort -u)
done
! grep -q '](docs/' "$docdir/README.md" || fail "the installed README.md links into docs/"
# The installed gate example runs: its manifest finds the installed
# example resumes, each at its level.
(cd "$stage" && KPISCAN=$build/cli/kpiscan bash "$docdir/examples/ci/check.sh") \
    > "$stage/check.log" 2>&1 || fail "installed examples/ci/check.sh: $(tail -5 "$stage/check.log")"
[ -s "$stage/kpiscan-junit.xml" ] || fail "installed check.sh wrote no JUnit file in the current folder"
for page in "$docdir"/*.md; do
    for f in $(grep -o 'examples/\(ci\|embed\)/[A-Za-z._-]\+' "$page" | sort -u); do
        [ -f "$docdir/$f" ] || fail "${page##*/} names $f, which is not installed"
    done
done
# And every page an installed page names is installed beside it, but the
# readers' RUBRIC.md, which lives with the labelled corpus and says so.
for page in "$docdir"/*.md; do
    for d in $(grep -o '[a-z][a-z-]*\.md' "$page" | sort -u); do
        [ -f "$docdir/$d" ] || fail "${page##*/} names $d, which is not installed"
    done
done

# The staged .pc file names the final prefix (/usr/local/...); the sysroot
# variable makes pkg-config point into the stage instead.
export PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_SYSROOT_DIR=$stage
cflags=$(pkg-config --cflags libkpiscan) || fail "pkg-config --cflags"
libs=$(pkg-config --libs libkpiscan) || fail "pkg-config --libs"
echo "pkg-config --cflags --libs libkpiscan: $cflags $libs"
libdir=$(pkg-config --variable=libdir libkpiscan)
libdir=$stage${libdir#"$stage"}
[ -e "$libdir/libkpiscan.so" ] || fail "no libkpiscan.so in $libdir"

# Installed outside /usr, the CLI finds its library through a run path
# (cli/meson.build), so a prefix install needs no LD_LIBRARY_PATH.
final_libdir=${libdir#"$stage"}
case "$final_libdir" in
    /usr/lib*) ;;
    *)
        kpiscan_bin=$(find "$stage" -path '*/bin/kpiscan' | head -1)
        runpath=$(readelf -d "$kpiscan_bin" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
        [ "$runpath" = "$final_libdir" ] ||
            fail "installed kpiscan has run path '$runpath', want '$final_libdir'"
        echo "installed kpiscan runs with run path $runpath"
        ;;
esac

# A sanitized library needs its runtime loaded by the program first.
extra=()
[ "$sanitize" != none ] && extra=(-fsanitize="$sanitize")
# shellcheck disable=SC2086 # pkg-config output is a word list by design
cc -std=c11 -Wall -Wextra -Werror -O2 -pthread "${extra[@]}" $cflags \
    -o "$stage/kpiscan-embed" "$root/examples/embed/main.c" $libs \
    2> "$stage/cc.log" || fail "compiling examples/embed/main.c: $(cat "$stage/cc.log")"

# The example's own Makefile, used as its comment says: PKG_CONFIG_PATH on
# make's command line (GNU make 4.3 hands no variable to $(shell) by
# itself), and a run path to the libdir.
mkdir -p "$stage/make-example"
cp "$docdir/examples/embed/Makefile" "$docdir/examples/embed/main.c" "$stage/make-example/"
(unset PKG_CONFIG_PATH
 make -s -C "$stage/make-example" PKG_CONFIG_PATH="$(dirname "$pc")" \
     CFLAGS="-O2 -Wall -Wextra -Werror ${extra[*]}") > "$stage/make.log" 2>&1 ||
    fail "make in examples/embed: $(cat "$stage/make.log")"
made_runpath=$(readelf -d "$stage/make-example/kpiscan-embed" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
[ "$made_runpath" = "$libdir" ] ||
    fail "the Makefile's program has run path '$made_runpath', want '$libdir'"
"$stage/make-example/kpiscan-embed" "$root/examples/senior-1.txt" > "$stage/make-run.json" 2> "$stage/make-run.err" ||
    fail "the Makefile's program: $(cat "$stage/make-run.err")"
grep -q '"level":"senior"' "$stage/make-run.json" || fail "the Makefile's program: $(head -c 300 "$stage/make-run.json")"
echo "ok   examples/embed/Makefile builds and runs with PKG_CONFIG_PATH on make's command line"

export LD_LIBRARY_PATH=$libdir
loaded=$(ldd "$stage/kpiscan-embed" | awk '/libkpiscan/ {print $3}')
case "$loaded" in
    "$stage"/*) echo "runs against $loaded" ;;
    *) fail "the program would load libkpiscan from '$loaded', not the stage" ;;
esac

# meson install puts the Python binding where the prefix's Debian Python
# looks (bindings/python/meson.build): import it from the stage and scan.
init=$(find "$stage" -path '*/kpiscan/__init__.py' | head -1)
[ -n "$init" ] || fail "the Python binding was not installed"
pydir=$(dirname "$(dirname "$init")")
final_pydir=${pydir#"$stage"}
echo "Python binding installed into $final_pydir"
# Beside it, where the install put the library: the binding loads it from
# there in any prefix, without ldconfig or KPISCAN_LIBRARY.
grep -qx "LIBRARY = \"$final_libdir/libkpiscan.so.0\"" "$pydir/kpiscan/_install.py" ||
    fail "kpiscan/_install.py does not name $final_libdir/libkpiscan.so.0: $(cat "$pydir/kpiscan/_install.py" 2>&1)"
[ -e "$libdir/libkpiscan.so.0" ] || fail "no libkpiscan.so.0 in $libdir"
echo "ok   the installed binding names the installed library"
if [ "$sanitize" = none ] && [ -x /usr/bin/python3 ]; then
    PYTHONPATH=$pydir KPISCAN_LIBRARY=$libdir/libkpiscan.so.0 /usr/bin/python3 - \
        "$pydir" "$final_pydir" "$root/examples/senior-1.txt" <<'PY' || fail "importing the installed binding"
import os, subprocess, sys
import kpiscan
pydir, final_pydir, example = sys.argv[1:]
assert os.path.dirname(os.path.dirname(kpiscan.__file__)) == pydir, kpiscan.__file__
assert kpiscan.Pack().scan_path(example).level in kpiscan.LEVELS
# Where it lands is on the interpreter's own path for /usr and /usr/local
# (a real install then needs no PYTHONPATH).
if final_pydir.startswith(("/usr/lib/", "/usr/local/lib/")):
    path = subprocess.run([sys.executable, "-c", "import sys; print(sys.path)"],
                          env={}, capture_output=True, text=True, check=True).stdout
    assert repr(final_pydir) in path, (final_pydir, path)
PY
    echo "ok   installed Python binding imports and scans"
fi

inputs=("$root"/examples/*.txt)
"$stage/kpiscan-embed" -j 3 --as-of 2026-06-01 "${inputs[@]}" \
    > "$stage/out.jsonl" 2> "$stage/err.log"
status=$?
[ "$status" = 0 ] || fail "kpiscan-embed exited $status: $(cat "$stage/err.log")"

# One JSON line per input, in input order, each with the manifest's level.
python3 - "$stage/out.jsonl" "$root/examples/manifest.tsv" "${inputs[@]}" <<'PY' || exit 1
import json, os, sys
out, manifest, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
expected = {}
for line in open(manifest, encoding="utf-8"):
    fields = line.rstrip("\n").split("\t")
    if len(fields) >= 2 and not line.startswith("#"):
        expected[fields[0]] = fields[1]
lines = open(out, encoding="utf-8").read().splitlines()
if len(lines) != len(inputs):
    sys.exit(f"FAIL {len(lines)} JSON lines for {len(inputs)} inputs")
for path, line in zip(inputs, lines):
    obj = json.loads(line)
    name = os.path.basename(path)
    if obj.get("file") != path or obj.get("status") != "ok":
        sys.exit(f"FAIL line for {name}: {line[:200]}")
    if name in expected and obj["level"] != expected[name]:
        sys.exit(f"FAIL {name}: level {obj['level']}, manifest says {expected[name]}")
print(f"ok   {len(lines)} JSON lines, one per input, levels as in the manifest")
PY

# A failing input still gives its line, an error record, in input order:
# a file that cannot be read (missing) as well as one the library refuses
# (binary); the reasons go to standard error; exit status 1.
"$stage/kpiscan-embed" -j 2 --as-of 2026-06-01 "$root/examples/mid-1.txt" \
    "$stage/no-such-cv.txt" "$root/docs/report.png" \
    > "$stage/fail.jsonl" 2> "$stage/fail.err"
status=$?
[ "$status" = 1 ] || fail "kpiscan-embed with failing inputs exited $status, want 1"
python3 - "$stage/fail.jsonl" "$stage/fail.err" "$stage/no-such-cv.txt" \
    "$root/docs/report.png" <<'PY' || exit 1
import json, sys
out, err, missing, binary = sys.argv[1:]
records = [json.loads(l) for l in open(out, encoding="utf-8")]
got = [(r["status"], r.get("error", {}).get("code")) for r in records]
want = [("ok", None), ("error", "io"), ("error", "not_text")]
if got != want:
    sys.exit(f"FAIL records {got}, want {want}")
if [r["file"] for r in records[1:]] != [missing, binary]:
    sys.exit(f"FAIL error records name {[r['file'] for r in records[1:]]}")
if "cannot open" not in records[1]["error"]["message"]:
    sys.exit(f"FAIL io record message: {records[1]['error']['message']!r}")
stderr = open(err, encoding="utf-8").read()
for r in records[1:]:
    if r["error"]["message"] not in stderr:
        sys.exit(f"FAIL stderr lacks {r['error']['message']!r}: {stderr!r}")
print("ok   a missing and a binary input give error records, in order")
PY
