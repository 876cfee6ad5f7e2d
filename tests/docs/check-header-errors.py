#!/usr/bin/env python3
"""The header's error list for kpiscan_scan_buffer() names every status
the scan path can fail with.

The statuses are read from the modules a scan runs through (sniffing,
decoding, the DOCX/ODT/HTML/RTF/zip/XML readers, the PDF helper's client,
normalising, sections and dates, matching, the scan itself).  Left out:
KPISCAN_ERR_IO (reading a file: kpiscan_scan_file() adds it) and
KPISCAN_ERR_NOT_FOUND (a zip entry or rule looked up inside the readers; a
missing part reaches the caller as KPISCAN_ERR_CORRUPT).

usage: check-header-errors.py SOURCE_ROOT
"""
import re
import sys

root = sys.argv[1]
modules = ["scan", "input/extract", "input/sniff", "input/textdecode", "input/zipread",
           "input/xmlread", "input/docx", "input/docx-styles", "input/odt",
           "input/htmldoc", "input/rtf", "input/pdf", "text/normalize", "text/sections",
           "text/timeline", "match/match", "match/prefilter"]
used = set()
for m in modules:
    used |= set(re.findall(r"KPISCAN_ERR_([A-Z_]+)",
                           open(f"{root}/lib/{m}.c", encoding="utf-8").read()))
used -= {"IO", "NOT_FOUND"}

header = open(f"{root}/include/kpiscan.h", encoding="utf-8").read()
m = re.search(r"/\* Scan a document held in memory\.(.*?)\*/\s*KPISCAN_API int "
              r"kpiscan_scan_buffer", header, re.S)
if not m:
    sys.exit("FAIL kpiscan_scan_buffer's comment not found")
errors = m.group(1)[m.group(1).index("Errors:"):]
listed = set(re.findall(r"(?:KPISCAN_ERR)?_([A-Z][A-Z_]*[A-Z])\b", errors))
missing = sorted(used - listed)
if missing:
    sys.exit("FAIL kpiscan_scan_buffer's errors lack " +
             ", ".join("_" + s for s in missing))
print("ok   kpiscan_scan_buffer lists", ", ".join(sorted(used)))
