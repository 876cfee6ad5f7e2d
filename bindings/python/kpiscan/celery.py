"""kpiscan.celery - Celery tasks that scan one resume each (docs/scale-out.md).

Imported only when used: it needs Celery (Debian: python3-celery, and
python3-redis for a Redis broker); the binding itself stays standard
library only.

    # workers (broker and result store from the environment)
    KPISCAN_CELERY_BROKER=redis://localhost:6379/0 \\
        python3 -m celery -A kpiscan.celery worker -c 4

    # a client
    import base64, celery, kpiscan.celery as kc
    job = celery.group(kc.scan_path.s(p, {"as_of": "2026-06-01"})
                       for p in paths).apply_async()
    records = job.get()        # JSON str each, as kpiscan --format jsonl
    kc.scan_bytes.delay("cv.docx", base64.b64encode(data).decode())

Messages are JSON (Celery refuses pickle when run as root, and JSON is
what other languages can send): a document in memory travels as base64
text.  Each worker process compiles the pack on its first task and keeps
it (the task worker_stats tells).  A missing or corrupt input gives an
error record as the task's result, never a failed task.  Tasks are
acknowledged late and re-queued when their worker process dies, so a
crash loses no resume; a merge keeps one record per (file, sha256) should
one be delivered twice (kpiscan.dask.merge() works on these records too).

Configuration: KPISCAN_CELERY_BROKER (default redis://localhost:6379/0)
and KPISCAN_CELERY_BACKEND (default: the broker's URL); a Unix socket is
redis+socket:///path/to/redis.sock.  An application of one's own can
instead call register(app) to add the tasks to it.
"""
import base64
import os

from celery import Celery

from . import _worker
from ._worker import DEFAULT_PACK

__all__ = ["app", "register", "scan_path", "scan_bytes", "worker_stats"]


def _configure(app):
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        # A task is acknowledged when done, and re-queued if the process
        # running it dies: a crash costs a retry, never a resume.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # Not worker_prefetch_multiplier=1: with late acknowledgement and
        # Redis, Celery 5.2 then fetches one task about every 5 seconds.
    )


def _scan_path(path, settings=None, pack=DEFAULT_PACK):
    """Scan the file at path; its JSON record (str).  settings: keyword
    settings of kpiscan.Options (as_of, sha256, ...); pack: (files,
    default, disable) as kpiscan.Pack takes them."""
    record = _worker.pack(pack).scan_records([path], **(settings or {}))
    _worker.count(0, len(record))
    return record[0]


def _scan_bytes(name, data_base64, settings=None, pack=DEFAULT_PACK):
    """Scan a document sent as base64 text, named name; its JSON record."""
    data = base64.b64decode(data_base64, validate=True)
    record = _worker.pack(pack).scan_records([(name, data)],
                                             **(settings or {}))
    _worker.count(0, len(record))
    return record[0]


def _worker_stats():
    """Counters of the worker process that runs it: pid, packs_compiled,
    records."""
    return _worker.stats()


def register(target):
    """Add the tasks kpiscan.scan_path, kpiscan.scan_bytes and
    kpiscan.worker_stats to a Celery application; returns them."""
    return (target.task(name="kpiscan.scan_path")(_scan_path),
            target.task(name="kpiscan.scan_bytes")(_scan_bytes),
            target.task(name="kpiscan.worker_stats")(_worker_stats))


_broker = os.environ.get("KPISCAN_CELERY_BROKER", "redis://localhost:6379/0")
app = Celery("kpiscan", broker=_broker,
             backend=os.environ.get("KPISCAN_CELERY_BACKEND", _broker))
_configure(app)
scan_path, scan_bytes, worker_stats = register(app)
