#!/usr/bin/env python3
"""Size of the HTML report and the time a warm headless Chromium takes to
reach its load event (median of N loads in one browser, after one warm-up
load), and the peak memory of kpiscan writing it.

usage: bench/html-report.py KPISCAN [CORPUS_DIR] [-n RUNS]
       (default corpus ../shared/corpus/resumes-txt, 5 runs)
Prints a Markdown table for docs/benchmarks.md.  Not a test.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "browser"))
import cdp  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("kpiscan")
ap.add_argument("corpus", nargs="?",
                default=os.path.join(here, "..", "..", "shared", "corpus",
                                     "resumes-txt"))
ap.add_argument("-n", type=int, default=5)
a = ap.parse_args()

out = tempfile.NamedTemporaryFile(suffix=".html", delete=False)
start = time.monotonic()
subprocess.run([a.kpiscan, "-q", "--format", "html", "--as-of", "2026-06-01",
                a.corpus], stdout=out, check=False)
write_s = time.monotonic() - start
out.close()
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
size = os.path.getsize(out.name)
url = "file://" + out.name
loads, dcl, busy, rows = [], [], [], 0


def task_seconds(page):
    """Main-thread busy time of the page so far (CDP Performance metrics):
    on a shared machine it moves far less with the load than wall time."""
    m = page.send("Performance.getMetrics")["metrics"]
    return next(x["value"] for x in m if x["name"] == "TaskDuration")


def renderer_cpu(profile):
    """CPU seconds (user + system) used so far by this browser's renderer
    processes: unlike wall time, not inflated by other work on the
    machine."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            if b"--type=renderer" not in cmd or profile.encode() not in cmd:
                continue
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return total


cpu = []
with cdp.Browser() as b:
    page = b.new_page()
    page.send("Performance.enable")
    page.navigate(url)  # warm-up
    for _ in range(a.n):
        page.navigate("about:blank")
        before = task_seconds(page)
        cpu_before = renderer_cpu(b.profile)
        page.navigate(url)
        cpu.append((renderer_cpu(b.profile) - cpu_before) * 1000)
        t = page.evaluate("(function(){var n=performance.getEntriesByType("
                          "'navigation')[0];return [n.loadEventStart,"
                          "n.domContentLoadedEventEnd];})()")
        busy.append((task_seconds(page) - before) * 1000)
        loads.append(t[0])
        dcl.append(t[1])
    rows = page.evaluate("document.querySelectorAll('#rows tr').length")
load_avg = os.getloadavg()[0]
os.unlink(out.name)
files = sum(len(f) for _, _, f in os.walk(a.corpus))
print("| inputs | rows | file size | kpiscan wall, peak RSS | "
      "DOMContentLoaded | load event | main-thread busy | renderer CPU | "
      "load average |")
print("|---|---|---|---|---|---|---|---|---|")
print(f"| {files:,} | {rows:,} | {size / 1e6:.2f} MB | {write_s:.2f} s, "
      f"{rss / 1024:.0f} MB | {statistics.median(dcl):.0f} ms | "
      f"{statistics.median(loads):.0f} ms (median of {a.n}; "
      f"{min(loads):.0f}-{max(loads):.0f}) | "
      f"{statistics.median(busy):.0f} ms | {statistics.median(cpu):.0f} ms | "
      f"{load_avg:.1f} |")
