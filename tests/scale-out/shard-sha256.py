#!/usr/bin/env python3
"""--shard K/N and --sha256 of the CLI (docs/scale-out.md).

usage: shard-sha256.py KPISCAN_BINARY CORPUS

- N shards of one list (--files-from) and of one walked folder give every
  record exactly once, for N = 1, 2, 3 and 7, each record identical to the
  unsharded run's; each input lands in the shard that FNV-1a 64 of its
  path, re-implemented here from the documented constants, names;
- the summary and the gates count the shard alone;
- bad K/N values are usage errors (exit 2);
- --sha256 puts the digest of the input's bytes (hashlib's) in every JSONL
  record that read bytes: two files with the same content have the same
  digest, a corrupt DOCX is an error record that still has its digest, a
  missing file an error record without one; without --sha256 no record
  has the field.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        failures.append(message)


def fnv1a64(data):
    h = 14695981039346656037
    for byte in data:
        h ^= byte
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def run(kpiscan, *args, cwd=None):
    proc = subprocess.run([kpiscan, "--as-of", "2026-06-01", *args],
                          capture_output=True, cwd=cwd)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def records(out):
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main():
    kpiscan, corpus = sys.argv[1:3]
    txt = os.path.join(corpus, "resumes-txt")
    if not os.path.isdir(txt):
        print("SKIP: no ../shared/corpus/resumes-txt")
        return 77
    # A third of the corpus keeps the test short; every category folder.
    paths = []
    for folder in sorted(os.listdir(txt)):
        names = sorted(os.listdir(os.path.join(txt, folder)))
        paths += [os.path.join(folder, n) for n in names[::3]]
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "list")
        with open(listing, "w") as f:
            f.write("".join(p + "\n" for p in paths))
        rc, out, _ = run(kpiscan, "-q", "--format", "jsonl", "--files-from",
                         listing, cwd=txt)
        whole = {r["file"]: r for r in records(out)}
        check(len(whole) == len(paths),
              f"unsharded run: {len(paths)} records ({len(whole)})")
        for n in (1, 2, 3, 7):
            seen, wrong_shard, differ = {}, [], []
            for k in range(1, n + 1):
                rc, out, err = run(kpiscan, "-q", "--format", "jsonl",
                                   "--shard", f"{k}/{n}", "--files-from",
                                   listing, cwd=txt)
                for r in records(out):
                    seen[r["file"]] = seen.get(r["file"], 0) + 1
                    if fnv1a64(r["file"].encode()) % n + 1 != k:
                        wrong_shard.append(r["file"])
                    if r != whole.get(r["file"]):
                        differ.append(r["file"])
            once = all(v == 1 for v in seen.values())
            check(set(seen) == set(whole) and once,
                  f"{n} shards of a list: every record exactly once "
                  f"({len(seen)} paths, {sum(seen.values())} records)")
            check(not wrong_shard,
                  f"{n} shards: each path in shard FNV-1a64(path) mod N + 1"
                  + (f" (not {wrong_shard[:3]})" if wrong_shard else ""))
            check(not differ, f"{n} shards: records equal the unsharded ones")

        # A walked folder: the names the walk builds are hashed.
        rc, out, _ = run(kpiscan, "-q", "--format", "jsonl", "ACCOUNTANT",
                         cwd=txt)
        walked = sorted(r["file"] for r in records(out))
        got = []
        for k in (1, 2, 3):
            rc, out, _ = run(kpiscan, "-q", "--format", "jsonl", "--shard",
                             f"{k}/3", "ACCOUNTANT", cwd=txt)
            got += [r["file"] for r in records(out)]
        check(sorted(got) == walked and len(walked) > 10,
              f"3 shards of a walk: each of {len(walked)} files once")

        # Summary and gates count the shard alone.
        rc, out, _ = run(kpiscan, "-q", "--format", "jsonl", "--summary",
                         "--shard", "2/3", "--files-from", listing, cwd=txt)
        recs = records(out)
        summary = [r for r in recs if "summary" in r]
        body = [r for r in recs if "summary" not in r]
        counts = summary[0]["summary"] if summary else {}
        check(len(summary) == 1 and counts.get("scanned", -1)
              + counts.get("errors", 0) == len(body),
              f"--summary counts the shard's {len(body)} records: {counts}")
        senior_only = [r for r in body if r.get("level") != "senior"]
        rc, out, err = run(kpiscan, "-q", "--format", "jsonl", "--fail-under",
                           "senior", "--shard", "2/3", "--files-from",
                           listing, cwd=txt)
        check(rc == (1 if senior_only else 0),
              f"--fail-under judges the shard's records (exit {rc})")

        for bad in ("0/3", "4/3", "1/0", "3", "1/", "/3", "a/b", "1/3x",
                    "-1/3"):
            rc, out, err = run(kpiscan, "--shard", bad, listing)
            check(rc == 2 and "--shard" in err and not out,
                  f"--shard {bad} is a usage error (exit {rc})")

        # --sha256: digests of the bytes read.
        same_a = os.path.join(tmp, "same-a.txt")
        same_b = os.path.join(tmp, "same-b.txt")
        text = open(os.path.join(txt, paths[0]), "rb").read()
        for p in (same_a, same_b):
            with open(p, "wb") as f:
                f.write(text)
        corrupt = os.path.join(tmp, "corrupt.docx")
        with open(corrupt, "wb") as f:
            f.write(b"PK\x03\x04" + b"\x00" * 40 + b"not a zip at all")
        missing = os.path.join(tmp, "missing.txt")
        inputs = [same_a, same_b, corrupt, missing,
                  os.path.join(txt, paths[1])]
        rc, out, _ = run(kpiscan, "-q", "--format", "jsonl", "--sha256",
                         *inputs)
        recs = {r["file"]: r for r in records(out)}
        want = hashlib.sha256(text).hexdigest()
        check(recs[same_a].get("sha256") == want
              and recs[same_b].get("sha256") == want,
              "--sha256: two files of the same content, the same digest "
              "(hashlib's)")
        check(recs[inputs[4]].get("sha256") == hashlib.sha256(
            open(inputs[4], "rb").read()).hexdigest(),
            "--sha256: a corpus resume's digest is hashlib's")
        check(recs[corrupt]["status"] == "error"
              and recs[corrupt].get("sha256") == hashlib.sha256(
                  open(corrupt, "rb").read()).hexdigest(),
              "--sha256: a corrupt DOCX is an error record with its digest")
        check(recs[missing]["status"] == "error"
              and "sha256" not in recs[missing],
              "--sha256: a missing file's error record has no digest")
        rc, out, _ = run(kpiscan, "-q", "--format", "json", "--sha256",
                         same_a)
        check(json.loads(out).get("sha256") == want,
              "--sha256 with --format json")
        rc, out, _ = run(kpiscan, "-q", "--format", "jsonl", *inputs)
        check(not any("sha256" in r for r in records(out)),
              "without --sha256 no record has the field")
    print(f"{'FAIL' if failures else 'ok'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
