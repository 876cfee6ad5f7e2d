#!/usr/bin/env python3
"""Every kpiscan_options_set_* of include/kpiscan.h has a row in the
options tables of docs/embedding.md (section 6) and of libkpiscan(3)
(Options and limits), and no row names a setter the header lacks.

usage: check-options-tables.py SOURCE_ROOT
"""
import re
import sys

root = sys.argv[1]


def read(path):
    return open(f"{root}/{path}", encoding="utf-8").read()


setters = set(re.findall(r"\bkpiscan_options_set_\w+(?=\()",
                         read("include/kpiscan.h")))
if len(setters) < 19:
    sys.exit(f"FAIL only {len(setters)} setters read from the header")

m = re.search(r"^## 6\. .*?(?=^## 7\.)", read("docs/embedding.md"), re.S | re.M)
doc_rows = set(re.findall(r"^\| `(kpiscan_options_set_\w+)` \|",
                          m.group(0) if m else "", re.M))
m = re.search(r"^\.Ss Options and limits\n(.*?)^\.Ss ", read("man/libkpiscan.3"),
              re.S | re.M)
man_rows = set(re.findall(r"^\.It Fn (kpiscan_options_set_\w+) Ta ",
                          m.group(1) if m else "", re.M))

failures = []
for where, rows in (("docs/embedding.md section 6", doc_rows),
                    ("libkpiscan(3) Options and limits", man_rows)):
    if setters - rows:
        failures.append(f"{where} lacks " + ", ".join(sorted(setters - rows)))
    if rows - setters:
        failures.append(f"{where} names setters the header lacks: "
                        + ", ".join(sorted(rows - setters)))
for f in failures:
    print("FAIL", f)
if not failures:
    print(f"ok   all {len(setters)} setters in both options tables")
sys.exit(1 if failures else 0)
