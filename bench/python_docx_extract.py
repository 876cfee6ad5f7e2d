#!/usr/bin/env python3
"""python_docx_extract.py - DOCX text extraction with python-docx, timed in
one process: the peer that bench/docx.sh sets against kpiscan's extractor.

    python3 bench/python_docx_extract.py [--runs N] [--text] FILE|DIR...

Every *.docx under the folders (sorted, recursive) is read into memory
first, as bench/engine.c does, so the timed passes measure parsing and text
extraction, not the disk.  A pass opens each file with docx.Document() and
joins the text of the body's paragraphs and then of every table cell (cells
in row order; python-docx repeats a merged cell once per grid column, which
is kept).  Headers, footers, notes and text boxes are not read:
python-docx's document API does not reach them without walking the XML.

Prints one line: files, characters extracted, and files/s by wall time and
by process CPU time, median of N passes after one warm-up pass (--runs 1:
a single pass, no warm-up, which is what a one-shot script costs).  --text
prints the extracted text of each file instead, to compare with
`kpiscan --extract`.  Needs the Debian package python3-docx
(bench/setup.sh).  Not a test.
"""
import argparse
import io
import os
import statistics
import sys
import time

try:
    import docx
except ImportError:
    sys.exit("python_docx_extract.py: python-docx missing "
             "(run bench/setup.sh as root: apt-get install python3-docx)")


def docx_files(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for d, dirs, files in os.walk(p):
                dirs.sort()
                out.extend(os.path.join(d, f) for f in sorted(files)
                           if f.lower().endswith(".docx"))
        else:
            out.append(p)
    return out


def extract(data):
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def one_pass(blobs):
    chars = 0
    for data in blobs:
        chars += len(extract(data))
    return chars


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--text", action="store_true")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    files = docx_files(args.paths)
    if not files or args.runs < 1:
        sys.exit("python_docx_extract.py: no DOCX files, or --runs below 1")
    blobs = []
    for f in files:
        with open(f, "rb") as fh:
            blobs.append(fh.read())
    if args.text:
        for f, data in zip(files, blobs):
            print(f"==> {f} <==")
            print(extract(data))
        return
    if args.runs > 1:
        one_pass(blobs)  # warm-up: imports done lazily, allocator
    walls, cpus = [], []
    chars = 0
    for _ in range(args.runs):
        w0, c0 = time.perf_counter(), time.process_time()
        chars = one_pass(blobs)
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    w, c = statistics.median(walls), statistics.median(cpus)
    n = len(files)
    print(f"python-docx  {n} files, {chars} chars, "
          f"{n / w:.1f} files/s wall, {n / c:.1f} files/s cpu, "
          f"{w * 1e3:.2f} ms/pass (median of {args.runs})")


if __name__ == "__main__":
    main()
