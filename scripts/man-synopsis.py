#!/usr/bin/env python3
"""Generate the SYNOPSIS of man/libkpiscan.3 from include/kpiscan.h.

usage: man-synopsis.py HEADER               print the mdoc block
       man-synopsis.py HEADER --update PAGE rewrite the block in PAGE
       man-synopsis.py HEADER --check PAGE  exit 1 when PAGE is stale

The block stands between the lines '.\\" BEGIN GENERATED SYNOPSIS' and
'.\\" END GENERATED SYNOPSIS'.  Generating it keeps every prototype in the
manual identical to the header; the hand-written rest of the page explains
them.  Run --update after changing the header.
"""
import re
import sys

BEGIN = '.\\" BEGIN GENERATED SYNOPSIS (scripts/man-synopsis.py)'
END = '.\\" END GENERATED SYNOPSIS'


def synopsis(header_text):
    # Banner comments name the header's sections; declarations are read
    # with comments and preprocessor lines removed.
    banner = r"/\* -{10,} \*/\n/\* (.*?)\s*\*/\n/\* -{10,} \*/"
    parts = re.split(banner, header_text)
    lines = []
    for title, body in zip(parts[1::2], parts[2::2]):
        body = re.sub(r"/\*.*?\*/", " ", body, flags=re.S)
        body = re.sub(r"^\s*#.*$", " ", body, flags=re.M)
        decls = [" ".join(d.split()) for d in body.split(";")
                 if "KPISCAN_API" in d]
        if not decls:
            continue
        lines.append(f".Ss {title}")
        for d in decls:
            m = re.match(r".*?\bKPISCAN_API (.*?)\b(kpiscan_\w+)\s*\((.*)\)$", d)
            if not m:
                sys.exit(f"man-synopsis: cannot read declaration: {d}")
            ret, name, params = m.group(1).strip(), m.group(2), m.group(3)
            lines += [f".Ft {ret}", f".Fo {name}"]
            lines += [f'.Fa "{p.strip()}"' for p in params.split(",")]
            lines.append(".Fc")
    return "\n".join(lines) + "\n"


def replace_block(page_text, block):
    start = page_text.find(BEGIN + "\n")
    end = page_text.find(END + "\n")
    if start < 0 or end < start:
        sys.exit("man-synopsis: the page lacks the generated-synopsis markers")
    return page_text[:start + len(BEGIN) + 1] + block + page_text[end:]


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and
                                   argv[2] not in ("--update", "--check")):
        sys.exit(__doc__)
    with open(argv[1], encoding="utf-8") as f:
        block = synopsis(f.read())
    if len(argv) == 2:
        sys.stdout.write(block)
        return 0
    with open(argv[3], encoding="utf-8") as f:
        page = f.read()
    updated = replace_block(page, block)
    if argv[2] == "--check":
        if updated != page:
            print(f"FAIL {argv[3]}: SYNOPSIS differs from {argv[1]}; run "
                  f"scripts/man-synopsis.py {argv[1]} --update {argv[3]}")
            return 1
        return 0
    if updated != page:
        with open(argv[3], "w", encoding="utf-8") as f:
            f.write(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
