#!/usr/bin/env python3
"""Run the hostile corpus through the CLI and check every outcome.

    run-hostile.py KPISCAN SOURCE_ROOT WORKDIR [fast|slow|lines]

The expected outcome of each case is read from the table in
docs/robustness.md (between the hostile-table markers), where it is
decided once.  The cases are generated into WORKDIR by make-hostile.py;
the special files (FIFOs, a device node, symbolic-link loops, an
unreadable file, a file deleted while the batch runs) are made here.
Then ONE kpiscan run (--format jsonl --summary --verbose --follow) scans
them all, and the test checks: exactly one record per input that is not
skipped, with the expected status and error code; no record, but a
"skipped" line and a count in the summary, for each skipped case; no
record that the table does not expect; exit status 2; and that the XXE
target's content appears nowhere in the output.

It runs the cases of one suite of the table, in one batch: fast (the
default), slow (large inputs) or lines (long one-line texts under every
limit, which must scan in time linear in their length).

When the library is built without DOCX/ODT support (the valid DOCX
control comes back "unsupported_format ... not built in"), every case
marked DOCX in the table is expected to give unsupported_format instead,
and the test says so.  When run as root, the CLI runs as user nobody
(setpriv), so that a mode-000 file is unreadable; if that is impossible
the unreadable case is left out and the test says so.
"""

import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import threading

NOBODY = 65534


def load_table(doc):
    text = open(doc, encoding="utf-8").read()
    m = re.search(r"<!-- hostile-table:begin -->(.*?)<!-- hostile-table:end -->",
                  text, re.S)
    if not m:
        sys.exit(f"{doc}: no hostile-table markers")
    cases = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) < 5 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`")
        m_exp = re.match(r"`([^`]*)`", cells[2])  # the rest is explanation
        expected = m_exp.group(1).split() if m_exp else []
        suite, docx = cells[3], cells[4].lower() == "yes"
        if not expected or expected[0] not in ("ok", "error", "skipped") or \
                (expected[0] == "error") != (len(expected) == 2):
            sys.exit(f"{doc}: case {name}: bad expected outcome {cells[2]!r}")
        if suite not in ("fast", "slow", "lines"):
            sys.exit(f"{doc}: case {name}: suite must be fast, slow or lines")
        if name in cases:
            sys.exit(f"{doc}: case {name} listed twice")
        cases[name] = {"expected": expected, "suite": suite, "docx": docx}
    if not cases:
        sys.exit(f"{doc}: the hostile table is empty")
    return cases


def can_drop_to_nobody(path):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    r = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                        "--clear-groups", "test", "-r", path])
    return r.returncode == 0


def main():
    args = sys.argv[1:]
    suite = args.pop() if len(args) == 4 else "fast"
    if len(args) != 3 or suite not in ("fast", "slow", "lines"):
        sys.exit(__doc__)
    kpiscan, root, work = (os.path.abspath(a) for a in args)
    slow = suite != "fast"
    table = load_table(os.path.join(root, "docs", "robustness.md"))
    spec = importlib.util.spec_from_file_location(
        "make_hostile", os.path.join(root, "tests", "hostile", "make-hostile.py"))
    mh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mh)

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.chmod(work, 0o755)
    mh.build(work, suite)
    notes = []

    inputs = []        # the list handed to the CLI, in order
    specials = {}
    pack = None
    if not slow:
        # Two FIFOs named directly hold both workers (-j 2) until the
        # file after them has been deleted: it was listed while it existed
        # and is gone when a worker reaches it.
        for f in ("fifo-1", "fifo-2"):
            os.mkfifo(os.path.join(work, f))
            inputs.append(f)
        with open(os.path.join(work, "deleted-mid-batch.txt"), "w") as f:
            f.write(mh.RESUME)
        inputs.append("deleted-mid-batch.txt")
        # A walked folder with what a walk must skip without opening.
        walk = os.path.join(work, "walk")
        os.makedirs(walk)
        shutil.copy(os.path.join(work, "resume.txt"), os.path.join(walk, "resume.txt"))
        os.mkfifo(os.path.join(walk, "fifo"))
        if os.geteuid() == 0:
            os.mknod(os.path.join(walk, "device"), 0o644 | stat.S_IFCHR, os.makedev(1, 3))
        else:  # followed (--follow) to a character device all the same
            os.symlink("/dev/null", os.path.join(walk, "device"))
            notes.append("walk/device is a symbolic link to /dev/null (mknod needs root)")
        os.symlink(".", os.path.join(walk, "loop"))
        os.symlink("self-loop", os.path.join(walk, "self-loop"))
        unreadable = os.path.join(work, "unreadable.txt")
        with open(unreadable, "w") as f:
            f.write(mh.RESUME)
        os.chmod(unreadable, 0)
        pack = "catastrophic.yaml"
    elif suite == "slow":
        pack = "many-rules.yaml"

    as_nobody = os.geteuid() == 0 and can_drop_to_nobody(os.path.join(work, "resume.txt"))
    skipped_names = {n for n, c in table.items() if c["suite"] == suite
                     and c["expected"][0] == "skipped"}
    for name, case in sorted(table.items()):
        if case["suite"] != suite or name in inputs:
            continue
        if name == "unreadable.txt" and os.geteuid() == 0 and not as_nobody:
            os.unlink(os.path.join(work, name))
            notes.append("unreadable.txt left out: running as root and cannot "
                         "run the CLI as nobody")
            continue
        if name.startswith("walk/"):
            continue
        if not os.path.lexists(os.path.join(work, name)):
            sys.exit(f"FAIL: table case {name} was not generated")
        inputs.append(name)
    if not slow:
        inputs.append("walk")
    expected = {n: c for n, c in table.items() if c["suite"] == suite and
                (n in inputs or n.startswith("walk/")) and
                not (n == "unreadable.txt" and n not in inputs)}

    cmd = [kpiscan, "--format", "jsonl", "--summary", "--verbose", "--follow",
           "-j", "2", "--no-excerpts", "--as-of", "2026-01-01",
           "--files-from", "-"] + (["-p", pack] if pack else [])
    if as_nobody:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
               "--clear-groups"] + cmd
        notes.append("running the CLI as nobody (uid 65534): a root process "
                     "reads mode-000 files")
    out_path, err_path = os.path.join(work, "out.jsonl"), os.path.join(work, "err.txt")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=work, stdin=subprocess.PIPE,
                                stdout=out, stderr=err)
        head = 3 if not slow else 0
        proc.stdin.write("".join(p + "\n" for p in inputs[:head]).encode())
        proc.stdin.flush()
        if not slow:
            os.unlink(os.path.join(work, "deleted-mid-batch.txt"))
        proc.stdin.write("".join(p + "\n" for p in inputs[head:]).encode())
        proc.stdin.close()
        if not slow:
            def feed(path):
                with open(path, "w") as f:  # blocks until a worker opens it
                    f.write(mh.RESUME)
            feeders = [threading.Thread(target=feed, args=(os.path.join(work, f),))
                       for f in ("fifo-1", "fifo-2")]
            for t in feeders:
                t.start()
            for t in feeders:
                t.join()
        rc = proc.wait()

    out_text = open(out_path, encoding="utf-8", errors="replace").read()
    err_text = open(err_path, encoding="utf-8", errors="replace").read()
    failures = []
    lines = [l for l in out_text.splitlines() if l.strip()]
    try:
        objs = [json.loads(l) for l in lines]
    except ValueError as e:
        sys.exit(f"FAIL: output is not JSONL: {e}\n{out_text[:2000]}")
    summary = [o for o in objs if "summary" in o]
    records = [o for o in objs if "summary" not in o]
    if len(summary) != 1 or objs[-1] is not summary[0]:
        failures.append("expected exactly one summary record, at the end")
    seen = {}
    for r in records:
        seen.setdefault(r.get("file"), []).append(r)

    # DOCX support: asked of the build through the valid DOCX control.
    docx_off = False
    probe = seen.get("docx-valid.docx", [None])[0]
    if probe and probe.get("status") == "error" and \
            probe["error"]["code"] == "unsupported_format" and \
            "not built in" in probe["error"]["message"]:
        docx_off = True
        notes.append("DOCX/ODT support is not built in: DOCX cases are "
                     "expected to give unsupported_format")

    for name, case in sorted(expected.items()):
        exp = case["expected"]
        if case["docx"] and docx_off:
            exp = ["error", "unsupported_format"]
        got = seen.pop(name, [])
        if exp[0] == "skipped":
            if got:
                failures.append(f"{name}: expected skipped (no record), got {len(got)}")
            elif not re.search(r"skipped " + re.escape(name) + r"\b",
                               err_text.replace(work + "/", "")):
                failures.append(f"{name}: skipped, but --verbose does not list it")
            continue
        if len(got) != 1:
            failures.append(f"{name}: expected one record, got {len(got)}")
            continue
        r = got[0]
        if exp[0] == "ok":
            if r.get("status") != "ok":
                failures.append(f"{name}: expected ok, got {r.get('status')} "
                                f"{(r.get('error') or {}).get('message')}")
            elif not r.get("evidence"):
                failures.append(f"{name}: ok but no evidence found in its text")
        else:
            code = (r.get("error") or {}).get("code")
            if r.get("status") != "error" or code != exp[1]:
                failures.append(f"{name}: expected error {exp[1]}, got "
                                f"{r.get('status')} {code}: "
                                f"{(r.get('error') or {}).get('message')}")
    for name, rs in seen.items():
        failures.append(f"{name}: {len(rs)} record(s) the table does not expect")

    n_skipped = len([n for n in expected if n in skipped_names])
    if summary:
        s = summary[0]["summary"]
        if s.get("skipped") != n_skipped:
            failures.append(f"summary: {s.get('skipped')} skipped, expected {n_skipped}")
        if s.get("records") != len(records):
            failures.append(f"summary: {s.get('records')} records, {len(records)} written")
    want_rc = 2 if any(c["expected"][0] == "error" for c in expected.values()) else 0
    if rc != want_rc:
        failures.append(f"exit status {rc}, expected {want_rc}")
    if mh.XXE_SECRET in out_text or mh.XXE_SECRET in err_text:
        failures.append("xxe.docx: the content of the local file leaked into the output")
    if suite == "slow":
        probe_rec = [r for r in records if r.get("file") == "many-rules-probe.txt"]
        ids = {e.get("rule") for e in (probe_rec[0].get("evidence") or [])} if probe_rec else set()
        for rid in ("many.r00000", "many.r09999"):
            if rid not in ids:
                failures.append(f"many-rules-probe.txt: rule {rid} did not match")

    for n in notes:
        print("note:", n)
    print(f"{len(records)} records, {n_skipped} skipped, exit {rc}; "
          f"{len(expected)} {suite} cases checked")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        print("--- stderr ---\n" + err_text[-4000:])
        return 1
    print("all hostile cases gave their expected outcome")
    shutil.rmtree(work, ignore_errors=True)  # kept only when a case failed
    return 0


if __name__ == "__main__":
    sys.exit(main())
