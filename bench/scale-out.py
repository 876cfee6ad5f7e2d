#!/usr/bin/python3
"""Records per second of kpiscan.dask (1 and 2 worker processes) against
`kpiscan --jobs 1/2`, and the per-record overhead of the Python path.

usage: bench/scale-out.py [-b BUILD] [-n RUNS] [CORPUS_TXT_DIR]
  BUILD           build tree (default build-test): its cli/kpiscan and
                  lib/libkpiscan.so
  RUNS            timed runs per configuration after one warm-up (default 5)
  CORPUS_TXT_DIR  default ../shared/corpus/resumes-txt

Run by Debian's python3 (python3-distributed).  Prints a Markdown table of
medians (docs/benchmarks.md, section "Scale-out").  Every configuration
scans the same list of files with --as-of fixed and writes JSON Lines:
  kpiscan --jobs N --format jsonl --files-from LIST > /dev/null
  Pack.scan_records(paths, jobs=1)       the binding's batch, in-process
  Pack.scan_path(p).to_json() per file   the binding's single scans
  kpiscan.dask.scan(client, paths)       LocalCluster, N worker processes
                                         of one thread, partitions of 103,
                                         records gathered to the client
  ... with out_dir                       each partition written as JSONL
Cluster start-up is excluded (timed once and reported apart); the warm-up
run compiles each worker's pack.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

AS_OF = "2026-06-01"


def cpu_seconds(client=None):
    """CPU time (user + system) of this process, its finished children,
    and with a Dask client, its workers' processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    if client is not None:
        total += sum(client.run(_worker_cpu).values())
    return total


def _worker_cpu():
    import resource as r
    u = r.getrusage(r.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def median_time(fn, runs, client=None):
    """Medians of wall and CPU seconds over runs, after one warm-up."""
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        c0 = cpu_seconds(client)
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_seconds(client) - c0)
    return statistics.median(walls), statistics.median(cpus)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-b", "--build", default="build-test")
    ap.add_argument("-n", "--runs", type=int, default=5)
    ap.add_argument("corpus", nargs="?", default=None)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(os.path.join(root, args.build)
                            if not os.path.isabs(args.build) else args.build)
    corpus = os.path.abspath(args.corpus or os.path.join(
        root, "..", "shared", "corpus", "resumes-txt"))
    kpiscan_bin = os.path.join(build, "cli", "kpiscan")
    os.environ["KPISCAN_LIBRARY"] = os.path.join(build, "lib",
                                                 "libkpiscan.so")
    binding = os.path.join(root, "bindings", "python")
    os.environ["PYTHONPATH"] = binding
    sys.path.insert(0, binding)
    os.chdir(corpus)
    paths = sorted(os.path.join(d, n) for d in os.listdir(".")
                   for n in os.listdir(d))
    n = len(paths)
    size = sum(os.path.getsize(p) for p in paths)
    tmp = tempfile.mkdtemp(prefix="kpiscan-bench-")
    listing = os.path.join(tmp, "list")
    with open(listing, "w") as f:
        f.write("".join(p + "\n" for p in paths))

    import kpiscan
    import kpiscan.dask as kd
    from dask.distributed import Client, LocalCluster

    rows = []
    load = os.getloadavg()

    def row(name, seconds):
        rows.append((name, seconds))
        print(f"  {name}: {seconds[0]:.3f} s wall, {seconds[1]:.3f} s CPU",
              file=sys.stderr, flush=True)

    for jobs in (1, 2):
        def cli(jobs=jobs):
            subprocess.run([kpiscan_bin, "--as-of", AS_OF, "--jobs",
                            str(jobs), "--format", "jsonl", "-q",
                            "--files-from", listing],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
        row(f"`kpiscan --jobs {jobs}`", median_time(cli, args.runs))

    pack = kpiscan.Pack()
    options = kpiscan.Options(as_of=AS_OF)
    row("`Pack.scan_records(paths, jobs=1)` (in-process batch)",
        median_time(lambda: pack.scan_records(paths, options=options),
                    args.runs))
    def one(p):
        try:
            return pack.scan_path(p, options=options).to_json()
        except kpiscan.KpiscanError as e:  # the corpus has an empty file
            return str(e)
    row("`Pack.scan_path(p).to_json()`, one file at a time",
        median_time(lambda: [one(p) for p in paths], args.runs))

    startup = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1,
                          processes=True, dashboard_address=None,
                          silence_logs=40) as cluster, \
                Client(cluster) as client:
            client.wait_for_workers(workers)
            startup[workers] = time.perf_counter() - t0
            row(f"`kpiscan.dask.scan`, {workers} worker process"
                f"{'es' if workers > 1 else ''}",
                median_time(lambda: kd.scan(client, paths, partition_size=103,
                                            as_of=AS_OF), args.runs, client))
            out = os.path.join(tmp, f"out-{workers}")
            row(f"`kpiscan.dask.scan`, {workers} worker process"
                f"{'es' if workers > 1 else ''}, JSONL partitions written",
                median_time(lambda: kd.scan(client, paths, out_dir=out,
                                            partition_size=103, as_of=AS_OF),
                            args.runs, client))

    base_wall, base_cpu = dict(rows)["`kpiscan --jobs 1`"]
    print(f"{n} files, {size:,} bytes; medians of {args.runs} runs after a "
          f"warm-up; load average before: {load[0]:.1f}, after: "
          f"{os.getloadavg()[0]:.1f}; cluster start-up (not counted): "
          + ", ".join(f"{w} worker(s) {s:.1f} s"
                      for w, s in startup.items()))
    print()
    print("| configuration | wall | records/s | CPU | CPU per record | "
          "CPU per record beyond `--jobs 1` |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (wall, cpu) in rows:
        print(f"| {name} | {wall:.3f} s | {n / wall:,.0f} | {cpu:.3f} s | "
              f"{cpu / n * 1e6:.0f} µs | {(cpu - base_cpu) / n * 1e6:+.0f} µs |")
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
