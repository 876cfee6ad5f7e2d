#!/usr/bin/env python3
"""Every output format stays valid whatever the names and texts hold.

usage: nasty-outputs.py KPISCAN_BINARY JSON_CHECK_BINARY

One table of nasty strings (terminal escapes, C0 and C1 controls, U+FFFE and
U+FFFF, bytes that are not UTF-8, JSON and CSV syntax, GitHub workflow
commands, long accented and CJK text that must be cut somewhere) goes into
file names, resume text, a rule that matches long stretches of that text,
and a pack version.  Then every format is read back by a parser that is
not ours:

- text (plain, --explain, --extract) and standard error: strict UTF-8, no
  C0 control but newline and tab, no DEL or C1 control;
- json and jsonl: Python's json and jansson (json-check, duplicate keys
  refused); a name that is not UTF-8 has file_bytes holding its bytes;
  the JSONL summary has one "summary" and counts every record;
- csv: Python's csv, one row per record, every row as wide as the header;
- junit: xmllint --noout and Python's XML parser;
- github: strict UTF-8, one workflow command per line, no control;
- html: strict UTF-8 without controls, Python's HTML parser, every JSON
  data block read back by Python's json, and no markup from a name or a
  resume left unescaped.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser


class Blocks(HTMLParser):
    """The text of every <script type="application/json"> block, and every
    start tag's name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.tags, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in = tag == "script" and ("type", "application/json") in attrs
        if self._in:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.blocks[-1] += data

BIN, JSON_CHECK = sys.argv[1], sys.argv[2]

# name -> bytes.  Used in file names (where a '/' or NUL cannot go) and in
# resume text.
NASTY = {
    "syntax": b'quote " comma , semi ; <tag> & amp \' apos',
    "escape": b"\x1b[31mred\x1b[0m bell\x07 soh\x01 bs\x08 del\x7f",
    "c1": b"nel\xc2\x85 csi\xc2\x9b31m",
    "nonchar": b"fffe\xef\xbf\xbe ffff\xef\xbf\xbf",
    "invalid": b"stray\xff\xfe byte\x80 cut\xe2\x82",
    "linebreak": b"cr\rlf\nend",
    "json": b'","summary":{"records":999},"x":"',
    "github": b"%0A::error file=x::forged",
    "accents": "\u00e9\u00e8\u00ea".encode() * 40,
    "cjk": "\u65e5\u672c\u8a9e".encode() * 25,
}

failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        failures.append(message)


def text_ok(data, what, allow=("\n", "\t"), controls=True):
    """Strict UTF-8 without C0 (but allow), DEL or C1 controls.  JSON
    escapes C0 itself and may carry DEL and C1 (controls=False)."""
    try:
        s = data.decode("utf-8")
    except UnicodeDecodeError as e:
        check(False, f"{what}: not UTF-8: {e}")
        return None
    if not controls:
        check(True, f"{what}: valid UTF-8")
        return s
    bad = [c for c in s if (ord(c) < 0x20 and c not in allow)
           or 0x7F <= ord(c) <= 0x9F]
    check(not bad, f"{what}: valid UTF-8 without controls"
          + (f" (found {sorted(set(map(hex, map(ord, bad))))})" if bad else ""))
    return s


def run(args, what):
    proc = subprocess.run([BIN] + args, capture_output=True, cwd=work)
    text_ok(proc.stderr, f"{what} stderr")
    check(proc.returncode in (0, 1, 2),
          f"{what}: exit status {proc.returncode}")
    return proc.stdout


work = tempfile.mkdtemp()
try:
    resume = (b"Jane Doe\nSenior Data Analyst, 2015 - 2025\n"
              b"* Tracked KPIs weekly and cut churn by 8%.\n")
    for key, s in NASTY.items():
        resume += b"* Defined KPI targets for " + s + b".\n"
    # One line of CJK after "KPI": the rule below matches 300 characters
    # of it, so every excerpt of it is cut somewhere inside.
    resume += b"* KPI " + "\u65e5\u672c\u8a9e\u00e9".encode() * 100 + b"\n"
    names = []
    for key, s in NASTY.items():
        name = s.replace(b"/", b"_").replace(b"\x00", b"_") + b".txt"
        with open(os.path.join(os.fsencode(work), name), "wb") as f:
            f.write(resume)
        names.append(name)
    # A long path of accented folders that do not exist: an error record
    # whose message is longer than the library's fixed message buffers.
    long_path = b"/".join([("\u00e9" * 120).encode()] * 6) + b"/cv.txt"
    names.append(long_path)

    with open(os.path.join(work, "nasty.yaml"), "w") as f:
        f.write('format: 1\nname: nasty\n'
                'version: "1\\",\\"summary\\":{\\"records\\":999},'
                '\\"x\\":\\"\\e[31m\\u0085"\n'
                "rules:\n"
                "  - id: nasty.long\n    category: achievement\n"
                "    level: senior\n    weight: 1\n"
                "    regex: 'KPI[^\\n]{0,300}'\n"
                "    description: a long match\n")

    base = ["-p", "nasty.yaml", "--as-of", "2026-06-01", "--expect", "junior"]
    inputs = [os.fsdecode(n) for n in names]
    records = len(inputs)

    out = run(base + inputs, "text")
    text_ok(out, "text output")
    out = run(base + ["--explain"] + inputs, "explain")
    text_ok(out, "explain output")
    out = run(base + ["--extract"] + inputs, "extract")
    text_ok(out, "extract output")

    out = run(base + ["--format", "json"] + inputs, "json")
    with open(os.path.join(work, "out.json"), "wb") as f:
        f.write(out)
    s = text_ok(out, "json output", controls=False)
    try:
        docs = json.loads(s)
        check(len(docs) == records, f"json: {len(docs)} records")
        by_bytes = {}
        for d in docs:
            raw = bytes.fromhex(d["file_bytes"]) if "file_bytes" in d \
                else d["file"].encode()
            by_bytes[raw] = d
        check(set(by_bytes) == set(names),
              "json: every record tied to its file's exact bytes")
        invalid = [d for d in docs if "file_bytes" in d]
        check(len(invalid) == 1 and "\ufffd" in invalid[0]["file"],
              "json: the name that is not UTF-8 has U+FFFD and file_bytes")
    except (ValueError, KeyError) as e:
        check(False, f"json: Python json: {e}")
    proc = subprocess.run([JSON_CHECK, os.path.join(work, "out.json")],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "json: jansson " + proc.stderr.strip())

    out = run(base + ["--format", "jsonl", "--summary"] + inputs, "jsonl")
    with open(os.path.join(work, "out.jsonl"), "wb") as f:
        f.write(out)
    s = text_ok(out, "jsonl output", controls=False)
    proc = subprocess.run([JSON_CHECK, "--lines",
                           os.path.join(work, "out.jsonl")],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "jsonl: jansson " + proc.stderr.strip())

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate key in {keys}")
        return dict(pairs)
    try:
        lines = [json.loads(l, object_pairs_hook=no_duplicates)
                 for l in s.split("\n") if l]
        summary = lines[-1]
        check(len(lines) == records + 1 and set(summary) ==
              {"schema", "summary", "pack"}
              and summary["summary"]["records"] == records,
              "jsonl: one summary, counting every record, not forged")
        check('1","summary":{"records":999}' in summary["pack"]["version"],
              "jsonl: the pack version is one string")
    except (ValueError, KeyError, IndexError) as e:
        check(False, f"jsonl: Python json: {e}")

    out = run(base + ["--format", "csv"] + inputs, "csv")
    text_ok(out, "csv output", allow=("\n", "\t", "\r"))
    try:
        rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
        check(len(rows) == records + 1, f"csv: {len(rows) - 1} records")
        check(all(len(r) == len(rows[0]) for r in rows),
              "csv: every row as wide as the header")
    except (UnicodeDecodeError, csv.Error) as e:
        check(False, f"csv: {e}")

    junit = os.path.join(work, "junit.xml")
    run(base + ["--quiet", "--junit", junit] + inputs, "junit file")
    out = run(base + ["--format", "junit"] + inputs, "junit")
    for what, data in (("junit file", open(junit, "rb").read()),
                       ("junit stdout", out)):
        path = os.path.join(work, "check.xml")
        with open(path, "wb") as f:
            f.write(data)
        proc = subprocess.run(["xmllint", "--noout", path],
                              capture_output=True, text=True)
        check(proc.returncode == 0, f"{what}: xmllint "
              + proc.stderr.strip()[:300])
        try:
            root = ET.fromstring(data)
            check(len(root.findall(".//testcase")) == records,
                  f"{what}: one testcase per record")
        except ET.ParseError as e:
            check(False, f"{what}: Python XML: {e}")

    out = run(base + ["--format", "github"] + inputs, "github")
    s = text_ok(out, "github output", allow=("\n",))
    if s is not None:
        check(all(l.startswith("::") for l in s.split("\n") if l),
              "github: one workflow command per line")

    out = run(base + ["--format", "html"] + inputs, "html")
    s = text_ok(out, "html output")
    if s is not None:
        parser = Blocks()
        try:
            parser.feed(s)
            parser.close()
            check(True, "html: Python's HTML parser")
        except Exception as e:  # the parser is lenient; anything is a fault
            check(False, f"html: Python's HTML parser: {e}")
        for i, block in enumerate(parser.blocks):
            try:
                json.loads(block)
                check(True, f"html: JSON data block {i} parses")
            except ValueError as e:
                check(False, f"html: JSON data block {i}: {e}")
        check("tag" not in parser.tags,
              "html: the <tag> of a name or resume is text, not markup")
finally:
    shutil.rmtree(work)

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
