#!/usr/bin/env python3
"""Figures quoted in the docs are those of a real run of this tree.

Checked (run with --as-of 2026-06-01, as the docs say):
- docs/embedding.md: the sentence after "The levels in those lines:"
  giving, per example, level, confidence, years and evidence count;
- README.md: the "A real run" block (the verdict line and the first
  evidence lines of examples/junior-1.txt).
When the estimate changes on purpose, update the docs from the output this
test prints.

usage: check-figures.py KPISCAN_BINARY SOURCE_ROOT
"""
import json
import os
import re
import subprocess
import sys

kpiscan, root = sys.argv[1], sys.argv[2]
os.chdir(root)
failures = []


def record(path):
    out = subprocess.run([kpiscan, "--as-of", "2026-06-01", "--format", "json",
                          path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# docs/embedding.md: "junior-1.txt junior (confidence 0.99, 1.5 years, 33
# evidence items), no-kpi.txt none (0.9, 15.08 years, no evidence), ..."
text = open("docs/embedding.md", encoding="utf-8").read()
m = re.search(r"The levels in those lines:(.*?)\n\n", text, re.S)
if not m:
    failures.append("docs/embedding.md: 'The levels in those lines:' not found")
else:
    quoted = re.findall(
        r"(\S+\.txt) (none|junior|mid|senior) \((?:confidence )?([\d.]+), "
        r"([\d.]+) years, (no evidence|\d+ (?:evidence )?items)\)",
        " ".join(m.group(1).split()))
    if len(quoted) < 3:
        failures.append(f"docs/embedding.md: could not read the figures: {m.group(1)!r}")
    for name, level, conf, years, items in quoted:
        r = record(os.path.join("examples", name))
        n = 0 if items == "no evidence" else int(items.split()[0])
        got = (r["level"], float(r["confidence"]), round(r["years"], 2),
               len(r["evidence"]))
        want = (level, float(conf), float(years), n)
        if got != want:
            failures.append(f"docs/embedding.md: {name} is quoted as {want}, "
                            f"a run gives {got}")

# README.md: the real run of examples/junior-1.txt, first lines.
readme = open("README.md", encoding="utf-8").read()
m = re.search(r"A real run \(`build/cli/kpiscan --as-of 2026-06-01 "
              r"examples/junior-1.txt`.*?```\n(.*?)```", readme, re.S)
if not m:
    failures.append("README.md: the real run of examples/junior-1.txt not found")
else:
    quoted = m.group(1).splitlines()
    out = subprocess.run([kpiscan, "--as-of", "2026-06-01",
                          "examples/junior-1.txt"], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    if quoted != out[:len(quoted)]:
        failures.append("README.md: the real run differs; a run gives:\n" +
                        "\n".join(out[:len(quoted)]))

for f in failures:
    print("FAIL", f)
if not failures:
    print("ok   figures in docs/embedding.md and README.md match a run")
sys.exit(1 if failures else 0)
