"""Per-process state of the distributed-engine modules (kpiscan.dask,
kpiscan.celery): one compiled pack per spec per worker process, and
counters that show it.  Standard library only."""
import os
import threading

from . import Pack

# A pack as a hashable spec: (pack files, use the default pack, rules
# switched off).  Workers build it from this, never from a pickled Pack.
DEFAULT_PACK = ((), True, ())

_packs = {}
_lock = threading.Lock()
_stats = {"packs_compiled": 0, "partitions": 0, "records": 0}


def pack(spec=DEFAULT_PACK):
    """This process's compiled pack for spec, compiled on first use."""
    spec = (tuple(spec[0]), bool(spec[1]), tuple(spec[2]))
    with _lock:
        compiled = _packs.get(spec)
        if compiled is None:
            files, default, disable = spec
            compiled = Pack(files=files, default=default, disable=disable)
            _packs[spec] = compiled
            _stats["packs_compiled"] += 1
        return compiled


def count(partitions, records):
    with _lock:
        _stats["partitions"] += partitions
        _stats["records"] += records


def stats():
    """This process's counters: pid, packs_compiled, partitions, records."""
    with _lock:
        return dict(_stats, pid=os.getpid())
