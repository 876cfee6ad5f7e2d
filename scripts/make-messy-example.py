#!/usr/bin/env python3
"""Rebuild examples/messy.txt, a deliberately messy mid-level resume.

The file is mostly UTF-8 but has what real resumes pasted from old word
processors and PDFs have:

  * CRLF line ends throughout;
  * raw Windows-1252 bytes: 0x92 (right single quote) and 0x96 (en dash),
    which are invalid UTF-8 on their own;
  * ligatures U+FB01 (fi), U+FB02 (fl) and U+FB03 (ffi) inside words that
    rules need ("deﬁned", "cash-ﬂow", "eﬃciency");
  * curly quotes U+2018/U+2019/U+201C/U+201D;
  * an en dash U+2013 in a date range;
  * no-break spaces U+00A0 ("3+ years", "Power BI").

The normaliser should turn all of this into plain text on which the default
pack finds the same evidence as on a clean copy. Expected level with
--as-of 2026-06-01: mid (about 3.8 years; mid indicators).

Usage: python3 scripts/make-messy-example.py [OUTPUT]
(default OUTPUT: examples/messy.txt next to this script's parent directory)
Standard library only.
"""
import os
import sys

NBSP = "\u00a0"
FI, FL, FFI = "\ufb01", "\ufb02", "\ufb03"
LSQ, RSQ, LDQ, RDQ = "\u2018", "\u2019", "\u201c", "\u201d"
EN = "\u2013"
# Markers replaced by raw Windows-1252 bytes after UTF-8 encoding.
CP_APOS, CP_DASH = "\x00CP92\x00", "\x00CP96\x00"

LINES = [
    "JOANNA KOWALCZYK-BRENNAN",
    f"Financial Analyst {EN} FP&A",
    "Dublin | joanna.kb@example.com | +353 87 000 0000",
    "",
    "PROFILE",
    f"Financial analyst with 3+{NBSP}years of experience in food manufacturing {FI}nance.",
    f"Known for turning the month-end close into numbers people use: {LDQ}KPI development",
    f"and implementation{RDQ}, performance analysis and plain-English commentary.",
    "",
    "EXPERIENCE",
    "",
    f"Financial Analyst | Brightwell Foods Ltd | Mar 2023 {EN} Present",
    f"  - De{FI}ned and implemented KPIs for the {FI}nance and supply-chain teams.",
    f"  - Developed and tracked KPIs that cut debtor days by 18%.",
    f"  - Implemented new KPIs to measure working-capital e{FFI}ciency by plant.",
    f"  - Created monthly KPI dashboards in Power{NBSP}BI for senior management.",
    f"  - Performance analysis and reporting on the company{CP_APOS}s cash-{FL}ow KPIs.",
    f"  - Presented {FI}ndings to stakeholders in procurement, sales and operations.",
    f"  - Monthly variance analysis against budget for 3 plants.",
    f"  - Won the {LSQ}Rising Star{RSQ} award (2024) for the new close calendar.",
    "",
    f"Accounts Payable Clerk | Lakeshore Dairies | Sep 2022 {CP_DASH} Feb 2023",
    f"  - Matched supplier invoices, ran payment runs and handled supplier queries.",
    f"  - Cleared a backlog of 600 unmatched invoices in the {FI}rst {FI}ve weeks.",
    "",
    "EDUCATION",
    f"BComm (Accounting & Finance), University College Cork {EN} 2018 {CP_DASH} 2022",
    f"ACCA: 9 of 13 exams passed (ongoing)",
    "",
    "SKILLS",
    f"Power{NBSP}BI (DAX), Tableau, SQL, Excel (Power Query), SAP S/4HANA",
    f"Stakeholder management {EN} {LDQ}I{RSQ}d rather explain a number twice than have it misread.{RDQ}",
    "",
    "LANGUAGES",
    f"English (native), Polish (native), Irish (school)",
]


def build() -> bytes:
    text = "\r\n".join(LINES) + "\r\n"
    data = text.encode("utf-8")
    data = data.replace(CP_APOS.encode("utf-8"), b"\x92")
    data = data.replace(CP_DASH.encode("utf-8"), b"\x96")
    return data


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "examples", "messy.txt")
    data = build()
    # Sanity: the file must really be messy, or it tests nothing.
    for needle in (b"\x92", b"\x96", b"\r\n", "\ufb01".encode(), "\ufb02".encode(),
                   "\u2013".encode(), "\u00a0".encode(), "\u201c".encode(), "\u2019".encode()):
        assert needle in data, needle
    with open(out, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
