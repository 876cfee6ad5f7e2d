#!/usr/bin/env python3
"""Write the C program of EXAMPLES in libkpiscan(3) to a file, so the test
suite compiles and runs the page's example as a reader would copy it.

usage: extract-example.py PAGE OUT.c [--bad-as-of]

--bad-as-of swaps the example's as-of date for 30 February, so the test
sees what the example prints when a setter fails.
"""
import re
import sys

page, out = sys.argv[1], sys.argv[2]
text = open(page, encoding="utf-8").read()
m = re.search(r"^\.Sh EXAMPLES\n.*?^\.Bd -literal[^\n]*\n(.*?)^\.Ed$", text,
              re.S | re.M)
if not m:
    sys.exit(f"{page}: no literal block under EXAMPLES")
# The roff escapes a C program needs: \e is a backslash, \- a minus, \&
# nothing.
code = m.group(1).replace("\\e", "\\").replace("\\-", "-").replace("\\&", "")
if "--bad-as-of" in sys.argv[3:]:
    call = "kpiscan_options_set_as_of(opts, 2026, 6, 1)"
    if call not in code:
        sys.exit(f"{page}: the example no longer calls {call}")
    code = code.replace(call, "kpiscan_options_set_as_of(opts, 2026, 2, 30)")
with open(out, "w", encoding="utf-8") as f:
    f.write(code)
