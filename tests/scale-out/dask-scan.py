#!/usr/bin/env python3
"""kpiscan.dask on a LocalCluster of two worker processes.

usage: dask-scan.py MODE KPISCAN_BINARY CORPUS SCRATCH
  MODE scan: the 1,236 resumes of CORPUS/resumes-txt, in JSONL partitions;
       merged and sorted by path they equal `kpiscan --format jsonl` on
       the same list (byte for byte), every record has the pack's hash,
       each worker process compiled the pack once (two pids, one compile
       each); bytes blobs give the records their files give.
  MODE kill: the same list plus two files of identical content and a
       corrupt DOCX, with --sha256; a worker is SIGKILLed after writing 20
       records of partition 3.  The scheduler re-runs it; the merge has
       every record exactly once (equal to the CLI's), the corrupt file is
       an error record, both identical files stay, and a duplicated
       partition file is absorbed by the merge.
Run by Debian's python3 (python3-distributed); the binding comes from the
source tree (PYTHONPATH) and the library from KPISCAN_LIBRARY.
"""
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time

failures = []
AS_OF = "2026-06-01"


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message, flush=True)
    if not ok:
        failures.append(message)


def kill_once(index, n, marker):
    """on_record hook: the first time partition 3 has written 20 records,
    the worker process dies as a crash would kill it."""
    if index == 3 and n == 20:
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def cli_records(kpiscan, listing, *extra):
    proc = subprocess.run([kpiscan, "--as-of", AS_OF, "--format", "jsonl",
                           "-q", *extra, "--files-from", listing],
                          capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line]
    return sorted(lines, key=lambda line: json.loads(line)["file"])


def main():
    mode, kpiscan_bin, corpus, scratch = sys.argv[1:5]
    txt = os.path.join(os.path.abspath(corpus), "resumes-txt")
    if not os.path.isdir(txt):
        print("SKIP: no ../shared/corpus/resumes-txt")
        return 77
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    scratch = os.path.abspath(scratch)
    # Worker processes are spawned: they inherit the environment (the
    # binding's path, the library) and this working folder, so the
    # relative paths of the list mean the same to them.
    root = os.environ["KPISCAN_SOURCE_ROOT"]
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [os.path.join(root, "bindings", "python")]
        + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    sys.path.insert(0, os.path.join(root, "bindings", "python"))
    os.chdir(txt)
    paths = sorted(os.path.join(d, n) for d in os.listdir(".")
                   for n in os.listdir(d))
    check(len(paths) == 1236, f"{len(paths)} resumes in resumes-txt")

    import kpiscan
    import kpiscan.dask as kd
    check("distributed" not in sys.modules,
          "import kpiscan.dask alone does not import distributed")
    from dask.distributed import Client, LocalCluster

    extra = []
    if mode == "kill":
        same_a = os.path.join(scratch, "same-a.txt")
        same_b = os.path.join(scratch, "same-b.txt")
        for p in (same_a, same_b):
            shutil.copyfile(paths[0], p)
        corrupt = os.path.join(scratch, "corrupt.docx")
        with open(corrupt, "wb") as f:
            f.write(b"PK\x03\x04" + b"\x00" * 40 + b"truncated")
        extra = [same_a, corrupt, same_b]
        paths = paths[:100] + extra[:2] + paths[100:] + extra[2:]
    listing = os.path.join(scratch, "list")
    with open(listing, "w") as f:
        f.write("".join(p + "\n" for p in paths))
    want = cli_records(kpiscan_bin, listing,
                       *(["--sha256"] if mode == "kill" else []))
    check(len(want) == len(paths), f"kpiscan --format jsonl: {len(want)} "
          "records")

    pack_hash = kpiscan.Pack().hash
    started = time.monotonic()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster) as client:
        print(f"cluster up in {time.monotonic() - started:.1f} s", flush=True)
        out = os.path.join(scratch, "out")
        t0 = time.monotonic()
        if mode == "scan":
            parts = kd.scan(client, paths, out_dir=out, partition_size=103,
                            as_of=AS_OF)
        else:
            marker = os.path.join(scratch, "killed")
            parts = kd.scan(client, paths, out_dir=out, partition_size=103,
                            as_of=AS_OF, sha256=True,
                            on_record=functools.partial(kill_once,
                                                        marker=marker))
        print(f"scanned in {time.monotonic() - t0:.1f} s", flush=True)
        # After a kill the nanny restarts its worker: wait for it to join.
        client.wait_for_workers(2, timeout=60)
        stats = client.run(kd.worker_stats)
        nparts = -(-len(paths) // 103)
        check(len(parts) == nparts and all(os.path.exists(p) for p in parts),
              f"{nparts} JSONL partitions written ({len(parts)})")
        merged = kd.merge(os.path.join(out, "part-*.jsonl"))
        check(merged == want,
              f"merged records sorted by path equal kpiscan --format jsonl "
              f"({len(merged)} vs {len(want)}; "
              f"{sum(a != b for a, b in zip(merged, want))} differ)")
        hashes = {json.loads(r)["pack"]["hash"] for r in merged}
        check(hashes == {pack_hash}, f"every record has the pack hash "
              f"{pack_hash[:12]}… ({len(hashes)} distinct)")
        pids = {s["pid"] for s in stats.values()}
        print("worker stats:", sorted(stats.values(),
                                      key=lambda s: s["pid"]), flush=True)
        check(len(stats) == 2 and len(pids) == 2,
              f"two worker processes ({sorted(pids)})")
        check(all(s["packs_compiled"] <= 1 for s in stats.values())
              and all(s["packs_compiled"] == 1 for s in stats.values()
                      if s["partitions"]),
              "each worker process compiled the pack once, for "
              + ", ".join(f"{s['partitions']} partitions"
                          for s in stats.values()))

        if mode == "scan":
            check(sum(s["records"] for s in stats.values()) == len(paths),
                  "the workers scanned each resume once")
            # Bytes blobs: records as for the files (names given).
            blobs = []
            for p in paths[:40]:
                with open(p, "rb") as f:
                    blobs.append((p, f.read()))
            got = sorted(kd.scan(client, blobs, partition_size=15,
                                 as_of=AS_OF),
                         key=lambda r: json.loads(r)["file"])
            check(got == want[:40] or got == sorted(
                want, key=lambda r: json.loads(r)["file"])[:40],
                "bytes blobs give the records of their files")
            bag_records = kd.bag(paths[:30], partition_size=10,
                                 as_of=AS_OF).compute()
            check(sorted(bag_records) == sorted(
                r for r in want if json.loads(r)["file"] in paths[:30]),
                "kd.bag(...).compute() gives the same records")
        else:
            killed = int(open(marker).read()) if os.path.exists(marker) \
                else None
            check(killed is not None and killed not in pids,
                  f"worker process {killed} was killed in the middle of "
                  f"partition 3 and replaced")
            leftovers = [n for n in os.listdir(out) if ".tmp-" in n]
            check(len(leftovers) == 1,
                  f"its partial file was left under a temporary name "
                  f"({leftovers}) and never merged")
            by_file = {json.loads(r)["file"]: json.loads(r) for r in merged}
            check(by_file[extra[1]]["status"] == "error"
                  and "sha256" in by_file[extra[1]],
                  "the corrupt DOCX is an error record with its digest")
            check(by_file[extra[0]]["sha256"] == by_file[extra[2]]["sha256"]
                  and extra[0] in by_file and extra[2] in by_file,
                  "two files of identical content are both kept")
            # A partition delivered twice (a retry racing a slow worker).
            dup = os.path.join(out, "part-00001.jsonl")
            shutil.copyfile(dup, os.path.join(out, "part-00001-again.jsonl"))
            again = kd.merge(os.path.join(out, "part-*.jsonl"))
            check(again == want, "a duplicated partition is absorbed by the "
                  "merge (path and sha256)")
    print(f"{'FAIL' if failures else 'ok'}: {len(failures)} failure(s), "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
