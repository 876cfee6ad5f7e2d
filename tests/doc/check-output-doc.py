#!/usr/bin/env python3
"""docs/output.md lists every field of every output format.

Runs kpiscan over inputs that make every kind of record and field appear
(results with and without red flags, hidden text in a DOCX, gaps, a missing
file, a summary with timing, a failed gate) and fails when a format emits a
field, column, element, attribute or line kind that the format's section of
docs/output.md does not name in backticks.

usage: check-output-doc.py KPISCAN SOURCE_ROOT
"""
import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

kpiscan, root = sys.argv[1], sys.argv[2]
doc = open(f"{root}/docs/output.md", encoding="utf-8").read()
failures = []


def section(title):
    """The text of the '## title' section, up to the next '## '."""
    m = re.search(r"^## " + re.escape(title) + r"\b.*?$(.*?)(?=^## |\Z)", doc,
                  re.M | re.S)
    if not m:
        failures.append(f"docs/output.md has no section '## {title}'")
        return ""
    return m.group(1)


def named(text):
    """Every identifier that stands inside backticks."""
    names = set()
    for span in re.findall(r"`([^`]*)`", text):
        names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_.-]*", span))
    return names


def run(*args, ok=(0, 1, 2)):
    p = subprocess.run([kpiscan, "--as-of", "2026-06-01", "-q", *args],
                       cwd=root, capture_output=True, text=True)
    if p.returncode not in ok:
        failures.append(f"kpiscan {' '.join(args)}: exit {p.returncode}: "
                        f"{p.stderr[:300]}")
    return p.stdout


def check(fmt, emitted, documented):
    missing = sorted(set(emitted) - documented)
    if missing:
        failures.append(f"{fmt}: emitted but not in docs/output.md: "
                        f"{', '.join(missing)}")


inputs = ["examples", "/nonexistent-output-doc.txt"]

# JSON and JSONL: every key at every depth, for every kind of record.
keys = set()


def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            keys.add(k)
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)


for line in run("--format", "jsonl", "--summary", "--timing", "--gaps",
                "--sha256",
                *inputs).splitlines():
    walk(json.loads(line))
walk(json.loads(run("--format", "json", "--gaps", *inputs)))
if len(keys) < 40:
    failures.append(f"JSON: only {len(keys)} keys seen; inputs too poor")
check("JSON", keys, named(section("JSON and JSONL")))

# CSV: the header row, both ways (a documented column that is not emitted
# is stale documentation).
rows = list(csv.reader(io.StringIO(run("--format", "csv", *inputs))))
header = rows[0]
csv_doc = section("CSV")
documented = set(re.findall(r"^\| `([a-z_]+)` \|", csv_doc, re.M))
check("CSV", header, documented)
if documented - set(header):
    failures.append("CSV: documented but not emitted: "
                    + ", ".join(sorted(documented - set(header))))
if any(len(r) != len(header) for r in rows):
    failures.append("CSV: a row's length differs from the header's")

# JUnit XML: element and attribute names.
tree = ET.fromstring(run("--format", "junit", "--fail-under", "senior",
                         *inputs))
names = set()
for el in tree.iter():
    names.add(el.tag)
    names.update(el.attrib)
    if el.tag == "property":
        names.add(el.get("name"))
check("JUnit", names, named(section("JUnit XML")))

# GitHub: command names and properties.
names = set()
for line in run("--format", "github", "--fail-under", "senior",
                *inputs).splitlines():
    m = re.match(r"::(\w+) ([^:]*)::", line)
    if not m:
        failures.append(f"GitHub: line not a workflow command: {line[:80]}")
        continue
    names.add(m.group(1))
    names.update(p.split("=", 1)[0] for p in m.group(2).split(","))
check("GitHub", names, named(section("GitHub annotations")))

# Text: every line is one of the documented kinds, and each kind's marker
# is in the text section.
text_doc = section("Text")
kinds = {
    "verdict": (r"^\S.*: (none|junior|mid|senior) \(confidence [0-9.]+, "
                r"([0-9.]+ years|years unknown), (no|weak|strong) KPI "
                r"evidence\)$", "KPI evidence)"),
    "why": (r"^  why: KPI presence (none|weak|strong); ", "why: reason"),
    "red flag": (r"^  !! red flag \S+( \(line \d+\))?: ", "!! red flag"),
    "evidence not scored": (r"^  \S+:\d+:\d+ +(none|junior|mid|senior) +\S+"
                            r" +\".*\"  \[not scored\]$", "[not scored]"),
    "evidence": (r"^  \S+:\d+:\d+ +(none|junior|mid|senior) +\S+ +\".*\""
                 r"(  \[hidden\])?$", "[hidden]"),
    "error": (r"^\S.*: error: ", "error:"),
    "gate": (r"^  GATE FAILED: |^    ", "GATE FAILED"),
}
seen = set()
for line in run("--fail-under", "senior", *inputs).splitlines():
    kind = next((k for k, (rx, _) in kinds.items() if re.search(rx, line)),
                None)
    if kind is None:
        failures.append(f"text: a line of no documented kind: {line[:100]}")
    seen.add(kind)
for kind, (_, marker) in kinds.items():
    if marker not in text_doc:
        failures.append(f"text: the {kind} line ('{marker}') is not in the "
                        "Text section")
if not {"verdict", "why", "red flag", "evidence", "evidence not scored",
        "error", "gate"} <= seen:
    failures.append(f"text: inputs did not show every kind (saw {seen})")

# HTML report: the fields of the data embedded for the table's sorting and
# filtering.
html = run("--format", "html", *inputs)
m = re.search(r'<script type="application/json" id="kpiscan-data">(.*?)'
              r"</script>", html, re.S)
if not m:
    failures.append("HTML: no embedded data block")
else:
    keys = set()
    walk(json.loads(m.group(1)))
    check("HTML", keys, named(section("HTML report")))

for f in failures:
    print("FAIL", f)
print(f"{'FAILED' if failures else 'ok'}: docs/output.md against the output "
      "of every format")
sys.exit(1 if failures else 0)
