#!/usr/bin/env bash
# The Python binding as a package: `pip install ./bindings/python` into a
# venv of Debian's Python, offline (--no-build-isolation: setuptools from
# python3-setuptools is the backend; Debian's Python is externally
# managed, so a venv is where pip may install).  The installed package (not
# the source folder) must import, report the project's version, and scan
# with the library found through KPISCAN_LIBRARY and, without it, through
# ctypes.util.find_library.
#
# usage: run.sh PYTHON LIBKPISCAN_SO SOURCE_ROOT PROJECT_VERSION
set -u
python=${1:?usage: run.sh PYTHON LIBKPISCAN_SO SOURCE_ROOT VERSION}
lib=${2:?}
root=${3:?}
version=${4:?}
fail() { echo "FAIL $*"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# pip builds in the folder it is given: a copy keeps the source tree clean.
cp -r "$root/bindings/python" "$tmp/src"
rm -rf "$tmp/src/__pycache__" "$tmp/src/kpiscan/__pycache__"
"$python" -m venv --system-site-packages "$tmp/venv" > "$tmp/venv.log" 2>&1 ||
    fail "python3 -m venv: $(tail -3 "$tmp/venv.log") (scripts/setup.sh --test installs python3-venv)"
"$tmp/venv/bin/pip" install --no-build-isolation --no-index --no-cache-dir \
    --disable-pip-version-check "$tmp/src" > "$tmp/pip.log" 2>&1 ||
    fail "pip install: $(tail -5 "$tmp/pip.log")"
echo "ok   pip install --no-build-isolation ./bindings/python"

check() { # label, then env assignments for the check
    local label=$1
    shift
    (cd "$tmp" && env "$@" "$tmp/venv/bin/python" - "$tmp/venv" "$version" "$root/examples/mid-1.txt") <<'PY' ||
import datetime, importlib.metadata, os, sys
import kpiscan
venv, version, example = sys.argv[1:]
where = os.path.realpath(kpiscan.__file__)
assert where.startswith(os.path.realpath(venv) + os.sep), f"imported from {where}"
assert importlib.metadata.version("kpiscan") == version, importlib.metadata.version("kpiscan")
assert kpiscan.__version__ == version, kpiscan.__version__
assert kpiscan.library_version() == version, kpiscan.library_version()
if os.environ.get("EXPECT_FIND_LIBRARY"):
    import ctypes.util
    assert ctypes.util.find_library("kpiscan"), "find_library found nothing"
res = kpiscan.Pack().scan_path(example, as_of=datetime.date(2026, 6, 1))
assert res.level in kpiscan.LEVELS and res.evidence, res
PY
        fail "$label"
    echo "ok   $label"
}
check "import and scan (KPISCAN_LIBRARY)" KPISCAN_LIBRARY="$lib"
# find_library searches LD_LIBRARY_PATH (through the linker) for
# libkpiscan.so, as it searches the ldconfig cache once the library is
# installed.
check "import and scan (ctypes.util.find_library)" -u KPISCAN_LIBRARY EXPECT_FIND_LIBRARY=1 \
    LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

"$tmp/venv/bin/pip" uninstall -y kpiscan > /dev/null 2>&1 || fail "pip uninstall"
(cd "$tmp" && "$tmp/venv/bin/python" -c 'import kpiscan' 2> /dev/null) &&
    fail "kpiscan still importable after pip uninstall"
echo "ok   pip uninstall"
