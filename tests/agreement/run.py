#!/usr/bin/env python3
"""Agreement of kpiscan's estimate with careful readers on real resumes.

usage: run.py [--update] [--report FILE] [--show-rows] [--tune-only] [--pdf]
              [--team TEAM_TSV] KPISCAN CORPUS_DIR RATCHET

CORPUS_DIR is ../shared/corpus: its labels/ folder holds the readers' labels
(labels/README.md, labels/RUBRIC.md) for text resumes (resumes-txt.tsv,
paths under resumes-txt/) and DOCX CVs (resumes-docx.tsv, paths under
resumes-docx/).  Each labelled file is scanned with the row's as_of as
--as-of, and four figures are measured per slice (tune / check rows, text /
DOCX, and all together):

  exact    the level equals the reader's kpi_level (none/junior/mid/senior)
  within1  the level is at most one step from it
  presence the level is "none" exactly when the reader's kpi is "none"
  years    mean absolute error of the record's years against the label's,
           over rows whose label has years; a record without years counts
           as 0 years

The ratchet: RATCHET (JSON) holds the figures last landed for the four
headline slices (tune and check, text and DOCX together).  The run fails
(exit 1) when any of them is worse than recorded: agreement lower, years
error higher.  --update writes the current figures into RATCHET when none
is worse, so the floor only ever rises.  Exit 2 means the run itself is
broken (a missing file, a crash, an error record); exit 77 (skip) when the
corpus is absent, because the labels live outside this repository.

--pdf also scans the original PDF of each labelled text resume (CORPUS/
resumes-pdf/, same path with .pdf) and measures the same figures on them
(slices "tune pdf", "check pdf"); the run fails when the PDFs' exact,
within-one or presence figure differs from the same rows' text figure by
more than two points (PDF_TOLERANCE), since a PDF and its pdftotext text
are the same resume.

--team TEAM_TSV adds the team's own labels (tests/agreement/team-labels.tsv:
518 more corpus resumes labelled here by the rubric, calibrated against the
readers' tune rows; docs/accuracy.md says how): slices "team", "team text"
and "team docx", kept in the ratchet like tune and check, and studied like
tune rows (--show-rows lists them too).  They are a second opinion, not the
readers': the readers' check rows stay the figure that counts.

--report FILE writes the figures and the confusion matrices as Markdown
(the body of docs/accuracy.md's measured section).  --show-rows prints
one line per labelled resume where the estimate and the reader disagree,
for study: use it on tune rows only (the check rows are for reporting).

Python 3 standard library only.
"""

import argparse
import json
import os
import subprocess
import sys

LEVELS = ("none", "junior", "mid", "senior")
RANK = {name: i for i, name in enumerate(LEVELS)}
SETS = (("text", "resumes-txt.tsv", "resumes-txt"),
        ("docx", "resumes-docx.tsv", "resumes-docx"))
# How much worse than recorded a figure may be before the ratchet fails:
# nothing, beyond float noise in the stored rounding.
EPSILON = 1e-9
EXIT_SKIP = 77
# How far the figures on the labelled resumes' PDFs may be from those on
# their text (issue: "within 2 points").
PDF_TOLERANCE = 0.02


def read_labels(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for number, line in enumerate(f, start=2):
            line = line.rstrip("\n")
            if not line:
                continue
            fields = line.split("\t")
            if len(fields) < len(header):
                fields += [""] * (len(header) - len(fields))
            row = dict(zip(header, fields))
            if row["kpi_level"] not in RANK or row["split"] not in ("tune", "check", "team"):
                raise ValueError(f"{path}:{number}: bad kpi_level or split")
            row["years"] = None if row["years"] in ("", "NA") else float(row["years"])
            rows.append(row)
    return rows


def scan(kpiscan, files, as_of):
    cmd = [kpiscan, "--as-of", as_of, "--format", "jsonl", "--quiet",
           "--jobs", "2", "--"] + files
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=600, check=False)
    if proc.returncode not in (0, 2):
        raise RuntimeError(f"kpiscan exited {proc.returncode}: "
                           f"{proc.stderr.decode(errors='replace')}")
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()
               if line.strip()]
    if len(records) != len(files):
        raise RuntimeError(f"{len(files)} files gave {len(records)} records")
    for record, path in zip(records, files):
        if record.get("status") != "ok":
            raise RuntimeError(f"{path}: {record.get('error')}")
    return records


def estimate(kpiscan, rows):
    """Scan each row's file at its as_of (one kpiscan run per date) and
    store the level, years and reason in the row."""
    by_date = {}
    for r in rows:
        by_date.setdefault(r["as_of"], []).append(r)
    for as_of, group in sorted(by_date.items()):
        records = scan(kpiscan, [r["file"] for r in group], as_of)
        for r, rec in zip(group, records):
            r["got"] = rec["level"]
            r["got_years"] = rec.get("years")
            r["reason"] = rec.get("basis", {}).get("reason", "")


def measure(rows):
    n = len(rows)
    if n == 0:
        return None
    exact = sum(r["got"] == r["kpi_level"] for r in rows)
    within = sum(abs(RANK[r["got"]] - RANK[r["kpi_level"]]) <= 1 for r in rows)
    presence = sum((r["got"] == "none") == (r["kpi"] == "none") for r in rows)
    dated = [r for r in rows if r["years"] is not None]
    mae = (sum(abs((r["got_years"] or 0.0) - r["years"]) for r in dated)
           / len(dated)) if dated else 0.0
    confusion = {want: {got: 0 for got in LEVELS} for want in LEVELS}
    for r in rows:
        confusion[r["kpi_level"]][r["got"]] += 1
    return {"n": n, "exact": exact / n, "within1": within / n,
            "presence": presence / n, "years_mae": mae,
            "confusion": confusion}


def pdf_twins(args, text_rows):
    """The labelled text resumes' original PDFs, scanned like them: one
    row per text row whose PDF exists, its text row in "text_row"."""
    folder = os.path.join(args.corpus, "resumes-pdf")
    twins = []
    for r in text_rows:
        path = os.path.join(folder, os.path.splitext(r["path"])[0] + ".pdf")
        if os.path.isfile(path):
            twins.append(dict(r, kind="pdf", file=path, text_row=r))
    if not twins:
        raise RuntimeError(f"no labelled resume has a PDF in {folder}")
    estimate(args.kpiscan, twins)
    return twins


def headline(m):
    return {k: round(m[k], 4) for k in ("exact", "within1", "presence", "years_mae")}


def pct(x):
    return f"{100 * x:.0f} %"


def markdown(slices):
    out = ["| slice | resumes | exact | within one | presence | years MAE |",
           "|---|---|---|---|---|---|"]
    for name, m in slices.items():
        if m is None:
            continue
        out.append(f"| {name} | {m['n']} | {pct(m['exact'])} | {pct(m['within1'])} "
                   f"| {pct(m['presence'])} | {m['years_mae']:.2f} |")
    for name in ("tune", "check", "team"):
        m = slices.get(name)
        if m is None:
            continue
        out += ["", f"Confusion matrix, {name} rows (rows: readers, columns: kpiscan):", "",
                "| reader \\ kpiscan | " + " | ".join(LEVELS) + " |",
                "|---|" + "---|" * len(LEVELS)]
        for want in LEVELS:
            out.append(f"| {want} | " + " | ".join(
                str(m["confusion"][want][got]) for got in LEVELS) + " |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--update", action="store_true")
    ap.add_argument("--report")
    ap.add_argument("--show-rows", action="store_true")
    ap.add_argument("--tune-only", action="store_true",
                    help="print the tune figures only (for study; no ratchet)")
    ap.add_argument("--pdf", action="store_true",
                    help="also scan the PDFs of the labelled text resumes")
    ap.add_argument("--team", metavar="TEAM_TSV",
                    help="also measure the team's labels of more corpus resumes")
    ap.add_argument("kpiscan")
    ap.add_argument("corpus")
    ap.add_argument("ratchet")
    args = ap.parse_args()

    labels_dir = os.path.join(args.corpus, "labels")
    if not os.path.isdir(labels_dir):
        print(f"agreement: {labels_dir} is absent: skipped")
        return EXIT_SKIP

    all_rows = []
    try:
        for kind, tsv, folder in SETS:
            rows = read_labels(os.path.join(labels_dir, tsv))
            for r in rows:
                r["kind"] = kind
                r["file"] = os.path.join(args.corpus, folder, r["path"])
            estimate(args.kpiscan, rows)
            all_rows += rows
        if args.pdf:
            pdf_rows = pdf_twins(args, [r for r in all_rows if r["kind"] == "text"])
        team_rows = []
        if args.team:
            folders = {kind: folder for kind, _, folder in SETS}
            team_rows = read_labels(args.team)
            for r in team_rows:
                if r["kind"] not in folders:
                    raise ValueError(f"{args.team}: {r['path']}: bad kind")
                r["file"] = os.path.join(args.corpus, folders[r["kind"]], r["path"])
            estimate(args.kpiscan, team_rows)
    except (OSError, ValueError, RuntimeError, subprocess.SubprocessError) as e:
        print(f"agreement: broken run: {e}", file=sys.stderr)
        return 2

    slices = {}
    for split in ("tune", "check"):
        slices[split] = measure([r for r in all_rows if r["split"] == split])
        for kind, _, _ in SETS:
            slices[f"{split} {kind}"] = measure(
                [r for r in all_rows if r["split"] == split and r["kind"] == kind])
    slices["all"] = measure(all_rows)
    if team_rows:
        slices["team"] = measure(team_rows)
        for kind, _, _ in SETS:
            slices[f"team {kind}"] = measure(
                [r for r in team_rows if r["kind"] == kind])
    pdf_apart = []
    if args.pdf:
        for split in ("tune", "check"):
            twins = [r for r in pdf_rows if r["split"] == split]
            slices[f"{split} pdf"] = measure(twins)
            same = measure([r["text_row"] for r in twins])
            if slices[f"{split} pdf"] is None:
                continue
            for key in ("exact", "within1", "presence"):
                gap = slices[f"{split} pdf"][key] - same[key]
                if abs(gap) > PDF_TOLERANCE + EPSILON:
                    pdf_apart.append(f"{split} {key}: PDF {pct(slices[f'{split} pdf'][key])}"
                                     f", text {pct(same[key])}")
    if args.tune_only:
        slices = {k: v for k, v in slices.items()
                  if k.startswith("tune") or k.startswith("team")}
        pdf_apart = [line for line in pdf_apart if line.startswith("tune")]
    text = markdown(slices)
    print(text, end="")
    if pdf_apart:
        print("agreement: the PDFs differ from their text by more than "
              f"{100 * PDF_TOLERANCE:.0f} points:\n  " + "\n  ".join(pdf_apart),
              file=sys.stderr)
        return 1

    if args.show_rows:
        for r in all_rows + team_rows:
            if r["split"] == "check":
                continue
            years_off = r["years"] is not None and abs((r["got_years"] or 0) - r["years"]) > 1
            if r["got"] != r["kpi_level"] or years_off:
                print(f"{r['split']} {r['kind']} {r['path']}: reader {r['kpi']}/{r['kpi_level']} "
                      f"{r['years']} y; kpiscan {r['got']} {r['got_years']} y | "
                      f"{r['reason']}")

    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(text)

    if args.tune_only:
        return 0
    current = {name: headline(slices[name])
               for name in ("tune", "check", "team") if slices.get(name)}
    try:
        with open(args.ratchet, encoding="utf-8") as f:
            recorded = json.load(f)
    except FileNotFoundError:
        recorded = {}
    worse = []
    for name, figures in recorded.items():
        now = current.get(name)
        if now is None:
            continue
        for key, floor in figures.items():
            if key == "years_mae":
                if now[key] > floor + EPSILON:
                    worse.append(f"{name} {key} {now[key]:.4f} > {floor:.4f}")
            elif now[key] < floor - EPSILON:
                worse.append(f"{name} {key} {now[key]:.4f} < {floor:.4f}")
    if worse:
        print("agreement: worse than last landed (" + args.ratchet + "):\n  "
              + "\n  ".join(worse), file=sys.stderr)
        return 1
    if args.update:
        with open(args.ratchet, "w", encoding="utf-8") as f:
            json.dump(current, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"agreement: wrote {args.ratchet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
