#!/usr/bin/env python3
"""Check that libkpiscan.so exports exactly the functions its header declares.

usage: check-exports.py HEADER SHARED_LIBRARY

The public interface is what include/kpiscan.h declares with KPISCAN_API.
The dynamic symbol table of the built library (nm -D --defined-only) must
hold exactly those names, each carrying the version node of
lib/libkpiscan.map: a name missing from the library is a declaration
without a definition (or one that lost its export); a name the header does
not declare is an internal function leaking into the ABI, where a program
could start to depend on it.  The library's imports are checked as well:
none of those that print, exit, abort or touch signals or the locale.
"""
import re
import subprocess
import sys

VERSION_NODE = "KPISCAN_0"


def declared_functions(header_path):
    with open(header_path, encoding="utf-8") as f:
        text = f.read()
    # Comments mention function names in prose and in the example; only
    # declarations count.
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    names = set()
    for decl in text.split(";"):
        if not re.search(r"\bKPISCAN_API\b", decl):
            continue
        # The declared name is the identifier before the parameter list:
        # "KPISCAN_API const kpiscan_evidence *\nkpiscan_result_evidence(".
        m = re.search(r"\bKPISCAN_API\b[^(]*?\b([A-Za-z_]\w*)\s*\(", decl)
        if not m:
            sys.exit(f"check-exports: cannot read declaration: {decl.strip()}")
        names.add(m.group(1))
    return names


def exported_functions(library_path):
    out = subprocess.run(["nm", "-D", "--defined-only", library_path],
                         check=True, capture_output=True, text=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        if kind == "A":  # the version node itself, e.g. KPISCAN_0
            continue
        base, _, version = name.partition("@")
        symbols[base] = (kind, version.lstrip("@"))
    return symbols


# A library inside someone else's long-running process must not print, exit,
# abort, touch signals or the process locale: issue 9's contract, and what
# the header promises.  Importing any of these from the C library is the
# first step to breaking it, so the import table is checked too.
FORBIDDEN_IMPORTS = {
    "exit", "_exit", "_Exit", "abort", "atexit", "quick_exit",
    "__assert_fail",  # assert() aborts the host: return an error instead
    "printf", "vprintf", "puts", "putchar", "perror", "fprintf", "vfprintf",
    "fputs", "fputc", "putc", "fwrite", "stdout", "stderr",
    "signal", "sigaction", "raise", "setlocale", "system",
}


def imported_symbols(library_path):
    out = subprocess.run(["nm", "-D", "--undefined-only", library_path],
                         check=True, capture_output=True, text=True).stdout
    return {line.split()[-1].partition("@")[0]
            for line in out.splitlines() if line.strip()}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    header, library = sys.argv[1], sys.argv[2]
    declared = declared_functions(header)
    exported = exported_functions(library)
    problems = []
    if len(declared) < 50:
        problems.append(f"only {len(declared)} declarations found in "
                        f"{header}: the parser is broken")
    for name in sorted(declared - exported.keys()):
        problems.append(f"declared in the header but not exported: {name}")
    for name in sorted(exported.keys() - declared):
        problems.append(f"exported but not declared with KPISCAN_API: {name}")
    for name in sorted(declared & exported.keys()):
        kind, version = exported[name]
        if kind not in ("T", "W", "i"):
            problems.append(f"{name} is exported as '{kind}', not a function")
        if version != VERSION_NODE:
            problems.append(f"{name} has version '{version or 'none'}', "
                            f"want {VERSION_NODE} (is lib/libkpiscan.map "
                            f"passed to the linker?)")
    for name in sorted(imported_symbols(library) & FORBIDDEN_IMPORTS):
        problems.append(f"the library imports {name}: it must never print, "
                        f"exit, abort or touch signals or the locale")
    for p in problems:
        print(f"FAIL {p}")
    print(f"{len(declared)} functions declared, {len(exported)} exported, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
