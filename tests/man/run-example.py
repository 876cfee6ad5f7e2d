#!/usr/bin/env python3
"""Run the two builds of libkpiscan(3)'s example (extract-example.py).

usage: run-example.py GOOD_PROGRAM BAD_AS_OF_PROGRAM

- as printed, it exits 0 and prints a level line and evidence lines;
- with an invalid as-of date it exits 1 and says why on standard error:
  a setter fills no error object, so printing kpiscan_error_message()
  there gives an empty line, the mistake this guards against.
"""
import re
import subprocess
import sys

failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        failures.append(message)


good = subprocess.run([sys.argv[1]], capture_output=True, text=True)
lines = good.stdout.splitlines()
check(good.returncode == 0 and bool(lines) and
      re.match(r"(none|junior|mid|senior) \(confidence [\d.]+\)$", lines[0])
      and all(re.match(r"\d+:\d+ \S+$", x) for x in lines[1:]) and
      len(lines) > 1,
      f"the example scans and prints its evidence (exit {good.returncode}, "
      f"stdout {good.stdout[:200]!r}, stderr {good.stderr[:200]!r})")

bad = subprocess.run([sys.argv[2]], capture_output=True, text=True)
check(bad.returncode == 1 and not bad.stdout,
      f"with 30 February it fails (exit {bad.returncode})")
check("as-of" in bad.stderr and "invalid argument" in bad.stderr,
      f"and says why on stderr: {bad.stderr!r}")
sys.exit(1 if failures else 0)
