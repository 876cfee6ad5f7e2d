#!/usr/bin/env python3
"""Remake the README's pictures of the HTML report: docs/report.png (the
summary and the ranking) and docs/report-candidate.png (the top-ranked
candidate's section: marked evidence, decision, red flags, questions).

    scripts/report-screenshot.py [BUILDDIR]      (default: build)

The report is of examples/ as of a fixed date, so the pictures change only
when the report does.  Needs a build (scripts/build.sh build) and Debian's
chromium (scripts/setup.sh installs it), driven headless over
--remote-debugging-pipe by tests/browser/cdp.py; the page makes no network
request.
"""
import base64
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, "tests", "browser"))
import cdp  # noqa: E402

build = sys.argv[1] if len(sys.argv) > 1 else "build"
os.chdir(root)
if not os.path.exists(os.path.join(build, "build.ninja")):
    subprocess.run(["scripts/build.sh", build], check=True)
subprocess.run(["ninja", "-C", build], check=True, stdout=subprocess.DEVNULL)
if not cdp.find_chromium():
    sys.exit("report-screenshot: chromium is not installed (scripts/setup.sh)")

with tempfile.TemporaryDirectory() as tmp:
    report = os.path.join(tmp, "report.html")
    with open(report, "w") as out:
        subprocess.run([os.path.join(build, "cli", "kpiscan"), "-q",
                        "--as-of", "2026-06-01", "--format", "html",
                        "examples"], stdout=out, check=True)
    with cdp.Browser(width=1100, height=1300) as b:
        page = b.new_page()
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1100, "height": 1300, "deviceScaleFactor": 1,
                   "mobile": False})
        page.navigate("file://" + report)
        for name, script in (
                ("docs/report.png", "window.scrollTo(0, 0)"),
                ("docs/report-candidate.png",
                 "document.querySelector('.cand').scrollIntoView()")):
            page.evaluate(script)
            shot = page.send("Page.captureScreenshot", {"format": "png"})
            with open(name, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            print(f"report-screenshot: wrote {name} "
                  f"({os.path.getsize(name)} bytes)")
