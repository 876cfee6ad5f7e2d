#!/usr/bin/env python3
"""PDFs of other producers, two columns each (suite pdf), and LibreOffice's
ODT and DOCX of the same resume (suite cli).

    producers.py KPISCAN FIXTURES [EXTENSION...]

Only the fixtures whose names end in one of the EXTENSIONs (pdf, odt,
docx) are checked; all of them without any.

The shared corpus is all wkhtmltopdf; FIXTURES (tests/pdf/producers) holds
a two-column resume made by LibreOffice (a two-column section, and a
two-cell table), by pdflatex and by Chromium's print to PDF, from the
sources in tests/pdf/producer-sources
(scripts/make-pdf-fixtures.sh; the files are committed, so this test needs
none of those tools).  LibreOffice writes its ODT and DOCX with its own
default styles (a window colour stored with an opacity of 0 %, a
two-column table): what a user's Writer file looks like.  For each:

1. Reading order: `kpiscan --extract` gives every paragraph whole (its
   lines joined; a line ending in a hyphen joins the next without a
   space, as "five-" + "year"), each column's paragraphs in order, and
   each column whole before the next: a reader that interleaves the
   columns line by line, or paragraph by paragraph, fails.
2. Words: the extracted tokens are exactly the tokens of the source text
   (as multisets): no word glued to its neighbour, none split, none lost
   or doubled, ligatures (pdflatex's fi, ff, fl) read as letters.
3. The estimate (`--format json`, --as-of pinned): status ok, format pdf,
   the expected level, the expected rules among the evidence, every item
   of a PDF on page 1, and no hidden-text flag (Chromium's white sidebar text on
   navy is visible).
"""
import collections
import json
import os
import re
import subprocess
import sys

AS_OF = "2025-06-01"

FIXTURES = {
    "libreoffice.pdf": {
        "level": "senior",
        "rules": ["indicator.senior.kpi-governance",
                  "indicator.senior.strategic-alignment",
                  "indicator.senior.executive-presenting",
                  "indicator.senior.strategy-cascade",
                  "achievement.kpi-revision",
                  "achievement.kpi-improved"],
        "header": ["Rosa Lindqvist", "Head of Operations Performance"],
        "columns": [[
            "Profile",
            "Operations leader with fifteen years of experience turning "
            "company strategy into measurable targets for teams in three "
            "countries.",
            "Comfortable with finance, logistics and customer service, and "
            "at ease presenting numbers to people who do not live in "
            "spreadsheets.",
            "Skills",
            "Balanced scorecard design, performance management frameworks, "
            "Power BI, budgeting.",
            "Education",
            "Master of Business Administration, University of Gothenburg, "
            "2008.",
        ], [
            "Experience",
            "Head of Operations Performance, Nordlys Freight AB, March 2016 "
            "to Present",
            "Built a company-wide KPI framework with the finance director "
            "and aligned KPIs with the five-year strategy of the group.",
            "Presented the monthly performance review to the executive "
            "committee and cascaded the annual targets to twelve depot "
            "managers.",
            "Redesigned the legacy KPI scorecard, which cut the number of "
            "measures from ninety to twenty-four while keeping every "
            "regulatory report.",
            "Operations Analyst, Nordlys Freight AB, June 2009 to February "
            "2016",
            "Developed KPIs that improved on-time delivery by 18% within "
            "two years across the northern region.",
            "Prepared weekly cost reports for depot managers and tracked "
            "fuel usage against budget.",
        ]],
    },
    "latex.pdf": {
        "level": "mid",
        "rules": ["achievement.kpi-defined",
                  "achievement.kpi-dashboard-leadership",
                  "achievement.kpi-improved",
                  "indicator.mid.stakeholder-communication"],
        "header": ["Daniel Okafor", "Business Analyst"],
        "columns": [[
            "Summary",
            "Business analyst who enjoys finding the one number that "
            "explains a quarter, and the story behind it.",
            "Known for efficient, well documented workflows and for "
            "spotting flaws in figures before anyone else does.",
            "Tools",
            "SQL, Python, Tableau and a fair amount of Excel, with some "
            "experience of dbt for data modelling.",
            "Education",
            "Bachelor of Science in Economics, University of Leeds, 2015.",
        ], [
            "Experience",
            "Business Analyst, Fieldfare Retail Ltd, April 2019 to Present",
            "Defined KPIs for the online checkout team and built the KPI "
            "dashboard for the leadership team in Tableau.",
            "Designed new KPIs that reduced basket abandonment by 9% after "
            "the delivery options page was rebuilt.",
            "Reported monthly conversion and margin results to regional "
            "stakeholders and explained the variance to plan.",
            "Junior Data Analyst, Fieldfare Retail Ltd, September 2015 to "
            "March 2019",
            "Prepared weekly sales reports and tracked store KPIs for thirty "
            "branches.",
        ]],
    },
    "chromium.pdf": {
        "level": "junior",
        "rules": ["achievement.kpi-tracking",
                  "achievement.kpi-dashboard",
                  "indicator.junior.met-targets",
                  "indicator.junior.metrics-understanding"],
        "header": ["Aiko Tanaka", "Sales Coordinator"],
        "columns": [[
            "About",
            "Friendly sales coordinator who likes tidy spreadsheets and "
            "clear weekly numbers for the whole team.",
            "Skills",
            "Excel pivot tables, VLOOKUP, Salesforce reports, customer "
            "service.",
            "Education",
            "Diploma in Business Administration, Osaka City College, 2021.",
        ], [
            "Experience",
            "Sales Coordinator, Harbor Lane Supplies, July 2022 to Present",
            "Tracked daily KPIs for the inside sales team and updated the "
            "weekly KPI tracker for the sales manager.",
            "Prepared weekly sales reports and met monthly sales targets in "
            "nine of twelve months.",
            "Collected and cleaned customer data before each quarterly "
            "mailing to the trade accounts.",
            "Sales Assistant, Harbor Lane Supplies, May 2021 to June 2022",
            "Answered customer calls and logged orders in the CRM, and built "
            "a basic understanding of KPIs.",
        ]],
    },
}


# The same resume as a Word-style template lays it out: a table of two
# cells.
FIXTURES["libreoffice-table.pdf"] = FIXTURES["libreoffice.pdf"]
# LibreOffice's own ODT and DOCX of both.
for _name in ("libreoffice", "libreoffice-table"):
    for _ext in ("odt", "docx"):
        FIXTURES["%s.%s" % (_name, _ext)] = FIXTURES["libreoffice.pdf"]


def run(args):
    p = subprocess.run(args, capture_output=True, check=False)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def joined(text):
    """The extracted lines as one string: a space between lines, none after
    a line that ends in a hyphen (a compound broken at its hyphen)."""
    out = ""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not out.endswith("-"):
            out += " "
        out += line
    return out


def check(kpiscan, path, spec):
    fails = []
    rc, text, err = run([kpiscan, "--extract", path])
    if rc != 0:
        return ["--extract exit %d: %s" % (rc, err.strip())]
    flat = joined(text)
    pos = {}
    for piece in spec["header"] + sum(spec["columns"], []):
        m = re.search(r"(?<!\S)" + re.escape(piece) + r"(?!\S)", flat)
        if not m:
            fails.append("not read whole: %r" % piece)
        else:
            pos[piece] = m.start()
    prev_end = -1
    for i, col in enumerate(spec["columns"]):
        at = [pos[p] for p in col if p in pos]
        if at != sorted(at):
            fails.append("column %d: paragraphs out of order" % (i + 1))
        if at and min(at) < prev_end:
            fails.append("column %d starts before column %d ends "
                         "(interleaved)" % (i + 1, i))
        if at:
            prev_end = max(at)
    want = collections.Counter(
        " ".join(spec["header"] + sum(spec["columns"], [])).split())
    got = collections.Counter(flat.split())
    if want != got:
        fails.append("tokens differ: missing %s, extra %s" % (
            sorted((want - got).elements())[:10],
            sorted((got - want).elements())[:10]))
    if fails:
        fails.append("extracted text:\n" + text)

    rc, out, err = run([kpiscan, "--format", "json", "--as-of", AS_OF, path])
    if rc != 0:
        return fails + ["scan exit %d: %s" % (rc, err.strip())]
    rec = json.loads(out)
    if isinstance(rec, list):
        rec = rec[0]
    fmt = os.path.splitext(path)[1][1:]
    if rec.get("status") != "ok" or rec.get("format") != fmt:
        fails.append("status %s, format %s" % (rec.get("status"),
                                               rec.get("format")))
    if rec.get("level") != spec["level"]:
        fails.append("level %s, expected %s (%s)" % (
            rec.get("level"), spec["level"],
            rec.get("basis", {}).get("reason")))
    rules = {e["rule"] for e in rec.get("evidence", [])}
    for r in spec["rules"]:
        if r not in rules:
            fails.append("no evidence of %s" % r)
    parts = {e.get("part") for e in rec.get("evidence", [])}
    if fmt == "pdf" and parts != {"page 1"}:
        fails.append("evidence parts %s, expected page 1" % sorted(parts))
    flags = [f.get("id") for f in rec.get("red_flags", [])]
    if "hidden-text" in flags or any(e.get("hidden")
                                     for e in rec.get("evidence", [])):
        fails.append("hidden text flagged in a visible resume")
    return fails


def main():
    kpiscan, root = sys.argv[1], sys.argv[2]
    exts = tuple("." + e for e in sys.argv[3:])
    status = 0
    for name, spec in FIXTURES.items():
        if exts and not name.endswith(exts):
            continue
        path = os.path.join(root, name)
        if not os.path.isfile(path):
            print("FAIL %s: missing (scripts/make-pdf-fixtures.sh)" % name)
            status = 1
            continue
        fails = check(kpiscan, path, spec)
        if fails:
            status = 1
            print("FAIL %s:\n  %s" % (name, "\n  ".join(fails)))
        else:
            print("ok   %s: %s, %d columns read in order, tokens exact" % (
                name, spec["level"], len(spec["columns"])))
    return status


if __name__ == "__main__":
    sys.exit(main())
