#!/usr/bin/env python3
"""Keep the manual pages in step with the program and the header.

usage: check-man.py KPISCAN_BINARY SOURCE_ROOT

- man/kpiscan.1 and man/libkpiscan.3 render without groff warnings;
- every option that `kpiscan --help` lists (read at test time, so an option
  added to the CLI fails this test until the page describes it), every
  output format it names and every exit status it gives appear in
  kpiscan(1);
- the SYNOPSIS of libkpiscan(3) equals the one generated from
  include/kpiscan.h, and every status code of the header is in its ERRORS.
"""
import os
import re
import subprocess
import sys

failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        failures.append(message)


def render(page):
    """Plain text of a page; groff's warnings are failures."""
    proc = subprocess.run(
        ["groff", "-mandoc", "-Tascii", "-ww", "-P-c", "-P-b", "-P-u", "-P-o",
         page], capture_output=True, text=True)
    check(proc.returncode == 0 and not proc.stderr.strip(),
          f"{os.path.basename(page)} renders without warnings"
          + (f": {proc.stderr.strip()}" if proc.stderr.strip() else ""))
    return proc.stdout


def has_word(text, word):
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text)


def help_options(help_text):
    """Options of the lines that start with one ('  -f, --format FORMAT')."""
    options = []
    for line in help_text.splitlines():
        if not re.match(r"\s+-", line):
            continue
        # Only the option column: the description starts after a wide gap.
        column = re.split(r"\s{2,}", line.strip())[0]
        for opt in re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)", column):
            options.append(opt)
    return options


def help_formats(help_text):
    m = re.search(r"--format\s+\S+\s+(.*?)(?:\n\s*-|\n\s*\n)", help_text, re.S)
    if not m:
        return []
    words = re.findall(r"[a-z][a-z0-9]*", m.group(1))
    return [w for w in words if w not in ("default", "or", "and")]


def help_exit_statuses(help_text):
    m = re.search(r"Exit status:(.*?)(?:\n\s*\n|\Z)", help_text, re.S)
    if not m:
        return []
    return re.findall(r"(?:^|[:;.])\s*(\d+)\s", m.group(1))


def section(text, title):
    m = re.search(r"^" + title + r"\n(.*?)(?=^[A-Z][A-Z ]+\n|\Z)", text,
                  re.S | re.M)
    return m.group(1) if m else ""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, root = sys.argv[1], sys.argv[2]
    page1 = os.path.join(root, "man", "kpiscan.1")
    page3 = os.path.join(root, "man", "libkpiscan.3")
    header = os.path.join(root, "include", "kpiscan.h")

    proc = subprocess.run([binary, "--help"], capture_output=True, text=True)
    check(proc.returncode == 0, "kpiscan --help exits 0")
    help_text = proc.stdout

    text1 = render(page1)
    options = help_options(help_text)
    check(len(options) >= 10, f"{len(options)} options read from --help")
    missing = [o for o in options if not has_word(text1, o)]
    check(not missing, "every --help option is in kpiscan(1)"
          + (f"; missing: {' '.join(missing)}" if missing else ""))

    formats = help_formats(help_text)
    check(bool(formats), f"output formats read from --help: {formats}")
    missing = [f for f in formats if not has_word(text1, f)]
    check(not missing, "every output format is in kpiscan(1)"
          + (f"; missing: {' '.join(missing)}" if missing else ""))

    statuses = help_exit_statuses(help_text)
    exit_section = section(text1, "EXIT STATUS")
    check(bool(statuses) and bool(exit_section),
          f"exit statuses read from --help: {statuses}")
    missing = [s for s in statuses
               if not re.search(r"^\s+" + s + r"\s", exit_section, re.M)]
    check(not missing, "every exit status is in EXIT STATUS of kpiscan(1)"
          + (f"; missing: {' '.join(missing)}" if missing else ""))

    text3 = render(page3)
    proc = subprocess.run(
        [sys.executable, os.path.join(root, "scripts", "man-synopsis.py"),
         header, "--check", page3], capture_output=True, text=True)
    check(proc.returncode == 0, "SYNOPSIS of libkpiscan(3) matches the header"
          + (f": {proc.stdout.strip()}" if proc.returncode else ""))

    with open(header, encoding="utf-8") as f:
        codes = sorted(set(re.findall(r"\b(KPISCAN_ERR_[A-Z_]+)\s*=",
                                      f.read())))
    errors_section = section(text3, "ERRORS")
    missing = [c for c in codes if c not in errors_section]
    check(len(codes) >= 10 and not missing,
          f"all {len(codes)} status codes are in ERRORS of libkpiscan(3)"
          + (f"; missing: {' '.join(missing)}" if missing else ""))

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
