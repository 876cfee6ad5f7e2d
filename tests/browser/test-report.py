#!/usr/bin/env python3
"""The HTML report in a real browser (headless Chromium, no network).

Builds a folder of resumes, hostile ones included (script tags, event
handlers, javascript: URLs and '</mark><script>' in the text; markup and
U+2028 in file names), writes the report with kpiscan and checks, in the
browser: one row per input (errors too), sorting by mouse clicks and by
keyboard, filtering by keyboard, <mark>s in the evidence, the payloads
shown as text and inert (title, DOM and globals unchanged), no console
error or CSP report, no network request, one candidate per printed page,
and a report without a mark or a resume word under --no-excerpts.

usage: test-report.py KPISCAN SOURCE_ROOT WORKDIR
Exit 77 (skip) when Chromium is missing, unless CI=true: then it fails.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

kpiscan, root, work = sys.argv[1], sys.argv[2], sys.argv[3]
if not cdp.find_chromium():
    if os.environ.get("CI") == "true":
        print("FAIL: chromium is not installed (scripts/setup.sh installs it)")
        sys.exit(1)
    print("SKIP: chromium is not installed")
    sys.exit(77)

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


shutil.rmtree(work, ignore_errors=True)
inputs = os.path.join(work, "resumes")
os.makedirs(inputs)


def write(name, data):
    with open(os.path.join(inputs, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


for name in ("junior-1", "mid-1", "senior-1", "no-kpi"):
    shutil.copy(os.path.join(root, "examples", name + ".txt"),
                os.path.join(inputs, name + ".txt"))
# natural order: cv-2 before cv-10
shutil.copy(os.path.join(root, "examples", "mid-2.txt"),
            os.path.join(inputs, "cv-10.txt"))
shutil.copy(os.path.join(root, "examples", "junior-2.txt"),
            os.path.join(inputs, "cv-2.txt"))
HOSTILE = (
    "Head of Performance <script>document.title='pwned';window.pwned=1"
    "</script>\n"
    "Jan 2012 - Present\n"
    "Defined the KPI framework for the company <img src=x "
    "onerror=\"window.pwned=2;document.title='pwned'\"> and led a team.\n"
    "Aligned KPIs with strategic goals; see javascript:window.pwned=3 now.\n"
    "Presented KPI dashboards</mark><script>window.pwned=4</script> to the "
    "board of directors.\n"
    "Raised retention by 15% through a balanced scorecard \u2028 and \u2029 "
    "too.\n")
write("xss-body.txt", HOSTILE)
write("<img src=x onerror=window.pwned=5>.txt", HOSTILE)
write("<svg onload=window.pwned=6>\u2028.txt", "Tracked KPIs weekly.\n")
# a none less sure than no-kpi.txt (skills claimed, no KPI work): ranked
# before it by level, being the nearer to KPI work
write("none-borderline.txt", "Skills\nForecasting, Microsoft Excel\n"
      "Experience\nClerk, Acme  Jan 2015 - Jan 2020\nFiled records.\n")
write("empty.txt", "")
write("scan.pdf", "%PDF-1.4\n")
write("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")  # skipped: not a row
rows_expected = len(os.listdir(inputs)) - 1
errors_expected = 2

report = os.path.join(work, "report.html")
plain = os.path.join(work, "plain.html")
with open(report, "w") as out:
    rc = subprocess.run([kpiscan, "-q", "--as-of", "2026-06-01", "--format",
                         "html", inputs], stdout=out).returncode
check(rc == 2, f"kpiscan --format html exits 2 for a batch with errors "
      f"(got {rc})")
with open(plain, "w") as out:
    subprocess.run([kpiscan, "-q", "--as-of", "2026-06-01", "--format",
                    "html", "--no-excerpts", inputs], stdout=out)
html = open(report, encoding="utf-8").read()
check("<script>window.pwned" not in html and "<img src=x" not in html,
      "payloads are escaped in the file itself")

INERT = """(function(){
  var bad = [];
  document.querySelectorAll('*').forEach(function(e){
    for (var i = 0; i < e.attributes.length; i++)
      if (/^on/i.test(e.attributes[i].name)) bad.push(e.tagName);
  });
  return {title: document.title, pwned: typeof window.pwned,
          scripts: document.scripts.length,
          imgs: document.images.length,
          svgs: document.querySelectorAll('svg').length,
          handlers: bad.length,
          jsurls: document.querySelectorAll('[href^="javascript:" i]').length};
})()"""

ROWS = """Array.prototype.map.call(document.querySelectorAll('#rows tr'),
  function(tr){ var c = tr.cells; return {
    file: c[0].textContent,
    level: (c[1].querySelector('.lvl') || c[1]).textContent,
    weak: !!c[1].querySelector('.weak'),
    conf: c.length > 3 ? c[2].textContent : null,
    years: c.length > 3 ? c[3].textContent : null,
    flags: c.length > 3 ? c[5].textContent.trim() : null,
    shown: !tr.hidden}; })"""

RANK = {"none": 0, "junior": 1, "mid": 2, "senior": 3}


def none_confs(rows):
    return [float(r["conf"]) for r in rows if r["level"] == "none"]


def none_order(rows):
    """Within none, confidence ascending, and both nones are there."""
    confs = none_confs(rows)
    return len(confs) == 2 and confs[0] < confs[1]


def years(v):
    return None if v in (None, "\u2014") else float(v)


with cdp.Browser() as browser:
    page = browser.new_page()
    url = "file://" + report
    start = time.monotonic()
    page.navigate(url)
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0]"
                            ".loadEventStart")
    print(f"     load event at {load_ms:.0f} ms "
          f"({time.monotonic() - start:.2f} s with navigation)")

    state = page.evaluate(INERT)
    check(state["title"] == "kpiscan report", f"title unchanged: "
          f"{state['title']!r}")
    check(state["pwned"] == "undefined", "no payload ran (window.pwned)")
    check(state["scripts"] == 3 and state["imgs"] == 0 and state["svgs"] == 1
          and state["handlers"] == 0 and state["jsurls"] == 0,
          f"no element came from a payload: {state}")

    rows = page.evaluate(ROWS)
    check(len(rows) == rows_expected,
          f"rows equal inputs: {len(rows)} rows for {rows_expected} inputs")
    check(sum(r["level"] == "error" for r in rows) == errors_expected,
          "inputs that could not be scanned are rows, shown as errors")
    check(any("<img src=x onerror" in r["file"] for r in rows)
          and any("<svg onload" in r["file"] for r in rows),
          "markup in file names is shown as text")
    levels = [r["level"] for r in rows]
    check(any(r["weak"] for r in rows)
          and not any(r["weak"] for r in rows if r["level"] in ("none", "error")),
          "a level on weak evidence is marked so in the ranking")
    check(levels[-errors_expected:] == ["error"] * errors_expected and
          [RANK[lv] for lv in levels[:-errors_expected]] ==
          sorted((RANK[lv] for lv in levels[:-errors_expected]),
                 reverse=True), f"ranked by level at first: {levels}")
    check(none_order(rows), f"the least sure none first: {none_confs(rows)}")

    marks = page.evaluate("document.querySelectorAll('.evidence mark')"
                          ".length")
    check(marks >= 10, f"evidence is marked ({marks} marks)")
    shown_text = page.evaluate("document.getElementById('c' + JSON.parse("
                               "document.getElementById('kpiscan-data')"
                               ".textContent).filter(function(d){return "
                               "d.file.indexOf('xss-body') >= 0;})[0].id)"
                               ".textContent")
    check("<script>window.pwned=4</script>" in shown_text and
          "</mark>" in shown_text and "javascript:window.pwned=3" in shown_text,
          "payloads in the resume are shown as text in its section")
    positions = page.evaluate("document.querySelectorAll('.hits .pos')"
                              ".length")
    check(positions >= marks, "each marked hit has its line:column")

    # the folded steps fill in when unfolded
    page.click(".cand details.steps summary")
    page.evaluate("new Promise(function(r){setTimeout(r, 100);})")  # toggle
    steps = page.evaluate("document.querySelector('.cand details.steps')"
                          ".textContent")
    check("Decision: " in steps and "Years" in steps,
          "unfolding 'Every step' shows the decision's steps")

    # sorting by real mouse clicks
    page.click("th[data-key=years] button")
    rows = page.evaluate(ROWS)
    ys = [years(r["years"]) for r in rows if r["level"] != "error"]
    known = [y for y in ys if y is not None]
    check(known == sorted(known, reverse=True) and
          ys == known + [None] * (len(ys) - len(known)) and
          rows[-1]["level"] == "error",
          f"click on Years: most first, unknown and errors last: {ys}")
    page.click("th[data-key=years] button")
    rows = page.evaluate(ROWS)
    ys = [years(r["years"]) for r in rows if r["level"] != "error"]
    known = [y for y in ys if y is not None]
    check(known == sorted(known) and rows[-1]["level"] == "error" and
          page.evaluate("document.querySelector('th[data-key=years]')"
                        ".getAttribute('aria-sort')") == "ascending",
          f"second click: ascending, errors still last: {ys}")
    page.click("th[data-key=file] button")
    names = [r["file"].rsplit("/", 1)[-1] for r in page.evaluate(ROWS)]
    check(names.index("cv-2.txt") < names.index("cv-10.txt"),
          f"click on File: natural order (cv-2 before cv-10): {names}")
    # by keyboard: focus the Level header's button, press Enter
    page.evaluate("document.querySelector('th[data-key=level] button')"
                  ".focus()")
    page.key("Enter", "Enter", 13, "\r")
    rows = page.evaluate(ROWS)
    levels = [r["level"] for r in rows]
    check([RANK[lv] for lv in levels if lv != "error"] ==
          sorted((RANK[lv] for lv in levels if lv != "error"), reverse=True)
          and levels[-1] == "error",
          f"Enter on Level: strongest first again: {levels}")
    check(none_order(rows), "Enter on Level: the least sure none first: "
          f"{none_confs(rows)}")

    # filtering by keyboard: arrows on the focused selects
    page.evaluate("document.getElementById('f-level').focus()")
    page.key("ArrowDown", "ArrowDown", 40)
    rows = page.evaluate(ROWS)
    visible = [r for r in rows if r["shown"]]
    check(page.evaluate("document.getElementById('f-level').value") ==
          "senior" and visible and all(r["level"] == "senior"
                                       for r in visible),
          f"level filter: only senior rows shown ({len(visible)})")
    check(page.evaluate("document.querySelectorAll('.cand:not([hidden])')"
                        ".length") == len(visible),
          "the filter hides the candidates' sections too")
    page.key("ArrowUp", "ArrowUp", 38)
    page.evaluate("document.getElementById('f-flag').focus()")
    page.key("ArrowDown", "ArrowDown", 40)  # "any red flag"
    rows = page.evaluate(ROWS)
    visible = [r for r in rows if r["shown"]]
    check(len(rows) == rows_expected and visible and
          all(r["flags"] for r in visible) and len(visible) < len(rows),
          f"red-flag filter: only flagged rows ({len(visible)} of "
          f"{len(rows)})")

    # printing: one candidate per page
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    breaks = page.evaluate("Array.prototype.map.call(document."
                           "querySelectorAll('.cand'), function(s){return "
                           "getComputedStyle(s).breakBefore;})")
    check(breaks and all(b == "page" for b in breaks),
          "print: each candidate starts a page")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    check(page.evaluate("Array.prototype.every.call(document."
                        "querySelectorAll('details.steps'), function(d){"
                        "return d.open && d.textContent.indexOf("
                        "'Decision: ') >= 0;})"),
          "print: every candidate's steps are unfolded and filled in")
    page.send("Emulation.setEmulatedMedia", {"media": ""})

    # the same without excerpts: no marks, no resume words
    page.navigate("file://" + plain)
    check(page.evaluate("document.querySelectorAll('mark').length") == 0 and
          page.evaluate("document.querySelectorAll('#rows tr').length") ==
          rows_expected, "--no-excerpts: every row, no marks")
    body = page.evaluate("document.documentElement.outerHTML")
    leaked = [w for w in ("balanced scorecard", "Defined the KPI framework",
                          "Presented KPI dashboards", "window.pwned=4")
              if w in body]
    check(not leaked, f"--no-excerpts: no resume words ({leaked})")

    browser.pump(0.3)  # late console messages, if any
    errors = [e["params"] for e in page.events("Runtime.exceptionThrown")]
    errors += [e["params"] for e in page.events("Runtime.consoleAPICalled")
               if e["params"].get("type") in ("error", "assert")]
    errors += [e["params"]["entry"] for e in page.events("Log.entryAdded")
               if e["params"]["entry"].get("level") == "error"]
    check(not errors, f"no console error or CSP report: {errors[:3]}")
    requests = [e["params"]["request"]["url"]
                for e in page.events("Network.requestWillBeSent")]
    others = [u for u in requests if u not in (url, "file://" + plain)]
    check(requests and not others,
          f"no request but the report itself: {others[:3]}")

print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
