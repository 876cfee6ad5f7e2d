"""kpiscan.dask - scan many resumes on a Dask cluster (docs/scale-out.md).

Imported only when used: the binding itself stays standard library only,
and this module needs Dask's distributed scheduler (Debian:
python3-distributed) only for scan() and bag().

    from dask.distributed import Client, LocalCluster
    import kpiscan.dask as kd

    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    parts = kd.scan(client, paths, out_dir="out", as_of="2026-06-01",
                    sha256=True)          # one JSONL file per partition
    records = kd.merge(parts)             # one per (file, sha256), by file

Each worker process compiles the pack once, on its first partition, and
keeps it (worker_stats() shows how many packs a process compiled); a
partition is scanned by the library's batch, so its records are exactly
the lines `kpiscan --format jsonl` writes for the same inputs and options.
An input that is missing or corrupt is an error record, never a failed
task.  A partition's file is written under a temporary name and renamed
when complete, so a worker killed mid-partition leaves no partial
part-*.jsonl; the scheduler runs the partition again elsewhere, and
merge() keeps one record per (file, sha256) should a partition ever be
delivered twice.
"""
import glob
import json
import os

from . import _worker
from ._worker import DEFAULT_PACK

__all__ = ["scan", "scan_partition", "bag", "merge", "worker_stats",
           "DEFAULT_PACK"]


def worker_stats():
    """This process's counters: pid, packs_compiled, partitions, records.
    client.run(worker_stats) asks every worker."""
    return _worker.stats()


def scan_partition(items, spec=DEFAULT_PACK, settings=None, out_dir=None,
                   index=0, on_record=None):
    """Scan one partition in this process (a task body).

    items: paths, or (name, bytes) pairs.  settings: keyword settings of
    kpiscan.Options (as_of, sha256, excerpts, limits...).  Without out_dir
    the records (JSON str) are returned; with it they are written to
    out_dir/part-NNNNN.jsonl (NNNNN = index), atomically, and the file's
    path and record count are returned.  on_record(index, n) is called
    after the n-th record is written (progress, or a test's fault).
    """
    records = _worker.pack(spec).scan_records(items, **(settings or {}))
    _worker.count(1, len(records))
    if out_dir is None:
        return records
    final = os.path.join(out_dir, f"part-{index:05d}.jsonl")
    tmp = f"{final}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        for n, record in enumerate(records, 1):
            f.write(record + "\n")
            if on_record is not None:
                f.flush()
                on_record(index, n)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, final)
    return final, len(records)


def _partitions(items, partition_size):
    items = list(items)
    size = max(1, int(partition_size))
    return [items[i:i + size] for i in range(0, len(items), size)]


def scan(client, items, out_dir=None, partition_size=100, pack=DEFAULT_PACK,
         on_record=None, **settings):
    """Scan items (paths or (name, bytes) pairs) on client's workers, in
    partitions of partition_size.  Returns the records (JSON str, in input
    order) or, with out_dir, the paths of the JSONL partitions written
    there.  pack: (files, default, disable) as kpiscan.Pack takes them."""
    parts = _partitions(items, partition_size)
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
    futures = client.map(
        scan_partition, parts, [pack] * len(parts), [settings] * len(parts),
        [out_dir] * len(parts), range(len(parts)),
        [on_record] * len(parts), pure=False)
    done = client.gather(futures)
    if out_dir is not None:
        return [path for path, _count in done]
    return [record for part in done for record in part]


def _bag_partition(items, spec, settings):
    return scan_partition(list(items), spec, settings)


def bag(items, partition_size=100, pack=DEFAULT_PACK, **settings):
    """A dask.bag of the records (JSON str) of items, for pipelines:
    bag(paths, as_of=..., sha256=True).to_textfiles("out/*.jsonl")."""
    import dask.bag as db
    return db.from_sequence(list(items), partition_size=partition_size) \
        .map_partitions(_bag_partition, pack, settings)


def merge(sources):
    """Records from JSONL partition files (paths or a glob pattern) or from
    iterables of JSON str, one per (file, sha256), sorted by file (then
    sha256).  Only complete partitions count: a temporary file left by a
    killed worker is never a source of a glob.  Records without sha256
    (not asked for) are de-duplicated by file alone."""
    if isinstance(sources, str):
        sources = sorted(glob.glob(sources))
    kept = {}
    for source in sources:
        if isinstance(source, (str, os.PathLike)):
            with open(source, encoding="utf-8") as f:
                lines = f.read().splitlines()
        else:
            lines = source
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            if "summary" in record:
                continue
            key = (record.get("file"), record.get("sha256") or "")
            kept.setdefault(key, line)
    return [kept[key] for key in sorted(kept)]
