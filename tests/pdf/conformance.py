#!/usr/bin/env python3
"""PDF conformance on the shared corpus (suite pdf-corpus).

    conformance.py KPISCAN CORPUS

1. Text: every PDF of CORPUS/resumes-pdf is read by `kpiscan --extract`
   and by `pdftotext -enc UTF-8` in the same run; over all files the
   word-token recall and precision of kpiscan against pdftotext (multisets
   of whitespace-separated tokens, per file, summed) must be >= 0.98.
   Glued words ("KPIsand") or split ones ("K PIs") lose tokens both ways.
2. Records: `kpiscan` over the folder gives one record per PDF; all but
   the blank page BUSINESS-DEVELOPMENT/12632728.pdf are ok.
   None of them carries a hidden-text red flag.
3. Level: each PDF and its pdftotext text in CORPUS/resumes-txt, scanned
   with --as-of pinned, get the same level in >= 98 % of the files.

Skips (77) without the corpus.  pdftotext comes with poppler-utils, which
scripts/setup.sh installs; without it the test fails rather than pass on
half its checks.
"""
import collections
import json
import os
import shutil
import subprocess
import sys

AS_OF = "2024-06-01"
BLANK = "BUSINESS-DEVELOPMENT/12632728.pdf"


def main():
    kpiscan, corpus = sys.argv[1], sys.argv[2]
    pdf_root = os.path.join(corpus, "resumes-pdf")
    txt_root = os.path.join(corpus, "resumes-txt")
    if not os.path.isdir(pdf_root):
        print("skip: no corpus at", pdf_root)
        return 77
    if not shutil.which("pdftotext"):
        print("FAIL: pdftotext missing (poppler-utils; scripts/setup.sh)")
        return 1
    pdfs = sorted(os.path.relpath(os.path.join(d, f), pdf_root)
                  for d, _, fs in os.walk(pdf_root) for f in fs
                  if f.endswith(".pdf"))
    failures = []

    # 1. Tokens against pdftotext, same run.
    out = subprocess.run([kpiscan, "--extract", "-q", "-j", "1"] +
                         [os.path.join(pdf_root, p) for p in pdfs],
                         capture_output=True, check=False).stdout
    texts, cur = {}, None
    for line in out.decode("utf-8").split("\n"):
        if line.startswith("==> ") and line.endswith(" <=="):
            cur = os.path.relpath(line[4:-4], pdf_root)
            texts[cur] = []
        elif cur is not None:
            texts[cur].append(line)
    common = ref_total = ours_total = 0
    worst = []
    for p in pdfs:
        ref = subprocess.run(["pdftotext", "-enc", "UTF-8",
                              os.path.join(pdf_root, p), "-"],
                             capture_output=True, check=False).stdout
        ref_tok = collections.Counter(ref.decode("utf-8", "replace").split())
        our_tok = collections.Counter("\n".join(texts.get(p, [])).split())
        both = sum((ref_tok & our_tok).values())
        common += both
        ref_total += sum(ref_tok.values())
        ours_total += sum(our_tok.values())
        if ref_tok:
            worst.append((both / sum(ref_tok.values()), p))
    recall = common / ref_total
    precision = common / ours_total if ours_total else 0
    worst.sort()
    print(f"tokens: recall {recall:.4f} precision {precision:.4f} over "
          f"{len(pdfs)} PDFs ({ref_total} pdftotext tokens); lowest recall "
          f"{worst[0][0]:.3f} ({worst[0][1]})")
    if recall < 0.98 or precision < 0.98:
        failures.append("token recall/precision under 0.98")

    # 2 and 3. Records of the folder, and levels against the text twins.
    def records(args):
        res = subprocess.run([kpiscan, "-f", "jsonl", "-q", "--as-of", AS_OF,
                              "-j", "2"] + args, capture_output=True,
                             check=False)
        return [json.loads(l) for l in res.stdout.decode().splitlines() if l]

    pdf_recs = records([pdf_root])
    status = collections.Counter(r["status"] for r in pdf_recs)
    errors = {os.path.relpath(r["file"], pdf_root): r["error"]["message"]
              for r in pdf_recs if r["status"] != "ok"}
    print(f"records: {len(pdf_recs)} ({dict(status)})")
    for k in sorted(errors)[:10]:
        print("  error:", errors[k])
    if len(pdf_recs) != len(pdfs) or list(errors) != [BLANK] or \
            "no text in PDF" not in errors[BLANK]:
        failures.append("records differ from 299 ok + the blank page")
    # One producer, honest resumes: nothing is hidden from a reader (a
    # false hidden-text flag accuses a candidate of stuffing).
    flagged = [os.path.relpath(r["file"], pdf_root) for r in pdf_recs
               if any(f["id"] == "hidden-text"
                      for f in r.get("red_flags") or [])]
    print(f"hidden-text flags: {len(flagged)} {flagged[:5]}")
    if flagged:
        failures.append("hidden-text flagged on honest resumes")
    txts = [os.path.join(txt_root, p[:-4] + ".txt") for p in pdfs]
    txt_level = {os.path.relpath(r["file"], txt_root)[:-4]: r.get("level")
                 for r in records(txts)}
    same = total = 0
    differ = []
    for r in pdf_recs:
        key = os.path.relpath(r["file"], pdf_root)[:-4]
        if r["status"] != "ok" or key not in txt_level:
            continue
        total += 1
        if r["level"] == txt_level[key]:
            same += 1
        else:
            differ.append(f"{key}: pdf {r['level']} text {txt_level[key]}")
    share = same / total if total else 0
    print(f"levels: PDF and text agree on {same} of {total} ({share:.1%})")
    for d in differ:
        print("  differs:", d)
    if share < 0.98:
        failures.append("level agreement under 98 %")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
