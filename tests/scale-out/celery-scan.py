#!/usr/bin/env python3
"""kpiscan.celery with Redis: two Celery workers scan the 1,236 resumes.

usage: celery-scan.py KPISCAN_BINARY CORPUS SCRATCH

Starts redis-server on a Unix socket in SCRATCH (no TCP port) and two
Celery workers (one process each, JSON messages only), submits one task
per resume of CORPUS/resumes-txt plus byte blobs (base64) and a corrupt
DOCX, and checks:
- the records, sorted by path, equal `kpiscan --format jsonl --sha256` on
  the same list, byte for byte, with the pack's hash in every one;
- a blob gives its file's record; the corrupt DOCX an error record (the
  task succeeded);
- each worker process compiled the pack once;
- then one worker process is SIGKILLed while it runs a task: acknowledged
  late, the task is re-queued, and a second round of 200 resumes gives
  every record exactly once.
Everything it started is stopped at the end, by process id.
Run by Debian's python3 (python3-celery, python3-redis).
"""
import base64
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


def stop(proc, name):
    """End a process this test started, and its children (its own session,
    so its process group id is its pid)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"{name}: no exit 20 s after SIGTERM; SIGKILL", flush=True)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def main():
    kpiscan_bin, corpus, scratch = sys.argv[1:4]
    txt = os.path.join(os.path.abspath(corpus), "resumes-txt")
    if not os.path.isdir(txt):
        print("SKIP: no ../shared/corpus/resumes-txt")
        return 77
    if not shutil.which("redis-server"):
        print("FAIL: redis-server missing (scripts/setup.sh --test)")
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    scratch = os.path.abspath(scratch)
    sock = os.path.join(scratch, "redis.sock")
    root = os.environ["KPISCAN_SOURCE_ROOT"]
    binding = os.path.join(root, "bindings", "python")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [binding] + [p for p in os.environ.get("PYTHONPATH", "").split(
            os.pathsep) if p])
    os.environ["KPISCAN_CELERY_BROKER"] = f"redis+socket://{sock}"
    sys.path.insert(0, binding)
    os.chdir(txt)
    paths = sorted(os.path.join(d, n) for d in os.listdir(".")
                   for n in os.listdir(d))
    check(len(paths) == 1236, f"{len(paths)} resumes in resumes-txt")
    corrupt = os.path.join(scratch, "corrupt.docx")
    with open(corrupt, "wb") as f:
        f.write(b"PK\x03\x04" + b"\x00" * 40 + b"truncated")
    listing = os.path.join(scratch, "list")
    with open(listing, "w") as f:
        f.write("".join(p + "\n" for p in paths + [corrupt]))
    proc = subprocess.run([kpiscan_bin, "--as-of", AS_OF, "--format", "jsonl",
                           "--sha256", "-q", "--files-from", listing],
                          capture_output=True, text=True)
    want = {json.loads(r)["file"]: r for r in proc.stdout.splitlines()}
    check(len(want) == len(paths) + 1, f"kpiscan --format jsonl: {len(want)} "
          "records")

    redis_proc, workers = None, []
    started = time.monotonic()
    try:
        # redis-server is not ours to instrument: no sanitizer preload.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        redis_proc = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", sock,
             "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
             "--dir", scratch, "--logfile",
             os.path.join(scratch, "redis.log")],
            env=env, start_new_session=True)
        import redis
        client = redis.Redis(unix_socket_path=sock)
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        check(client.ping(), f"redis-server up on {sock}")

        for name in ("w1", "w2"):
            log = open(os.path.join(scratch, f"{name}.log"), "w")
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "kpiscan.celery",
                 "worker", "-c", "1", "-n", f"{name}@%h", "-Q",
                 f"celery,{name}", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-l", "warning"],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

        import celery
        import kpiscan
        import kpiscan.celery as kc
        settings = {"as_of": AS_OF, "sha256": True}
        # Each worker answers on its own queue once it is up.
        stats = {}
        for name in ("w1", "w2"):
            stats[name] = kc.worker_stats.apply_async(queue=name).get(
                timeout=60)
        print(f"workers up in {time.monotonic() - started:.1f} s", flush=True)

        t0 = time.monotonic()
        blobs = paths[:25]
        jobs = [kc.scan_path.s(p, settings) for p in paths + [corrupt]]
        jobs += [kc.scan_bytes.s(p, base64.b64encode(
            open(p, "rb").read()).decode("ascii"), settings) for p in blobs]
        results = celery.group(jobs).apply_async().get(timeout=300)
        print(f"{len(jobs)} tasks in {time.monotonic() - t0:.1f} s",
              flush=True)
        from_paths = results[:len(paths) + 1]
        got = {json.loads(r)["file"]: r for r in from_paths}
        check(len(got) == len(from_paths) and got == want,
              f"records of {len(from_paths)} tasks equal kpiscan --format "
              f"jsonl --sha256 ({sum(got.get(k) != v for k, v in want.items())}"
              " differ)")
        pack_hash = kpiscan.Pack().hash
        check({json.loads(r)["pack"]["hash"] for r in results} == {pack_hash},
              "every record has the pack hash")
        check(results[len(paths) + 1:] == [want[p] for p in blobs],
              f"{len(blobs)} base64 blobs give their files' records")
        check(json.loads(got[corrupt])["status"] == "error",
              "the corrupt DOCX is an error record, the task a success")

        after = {name: kc.worker_stats.apply_async(queue=name).get(timeout=60)
                 for name in ("w1", "w2")}
        print("worker stats:", after, flush=True)
        check(len({s["pid"] for s in after.values()}) == 2
              and all(s["packs_compiled"] == 1 for s in after.values()),
              "two worker processes, each compiled the pack once")
        check(sum(a["records"] - stats[n]["records"]
                  for n, a in after.items()) == len(jobs),
              f"each of the {len(jobs)} tasks ran once")

        # A worker process dies mid-run; its task goes back to the queue.
        # The whole corpus (seconds of work) and a poll of the first tasks
        # only: completed_count() asks the backend about every task, and
        # on a fast machine the run was over before its answer came.  Ten
        # of them, not sixty: each poll is a backend call per task, and on
        # a loaded machine sixty calls a round let the workers finish the
        # corpus before the poll saw fifty done.
        victim = after["w1"]["pid"]
        round2 = paths
        pending = celery.group(kc.scan_path.s(p, settings)
                               for p in round2).apply_async()
        first = pending.results[:10]
        deadline = time.monotonic() + 60
        while (sum(r.ready() for r in first) < 5
               and time.monotonic() < deadline):
            time.sleep(0.05)
        # Whether work was left is asked of the last tasks, before the
        # kill: a count of all of them after it took long enough for the
        # other worker to finish the corpus meanwhile.
        last_left = sum(not r.ready() for r in pending.results[-20:])
        os.kill(victim, signal.SIGKILL)
        done_at_kill = pending.completed_count()
        results2 = pending.get(timeout=300)
        pending = None
        merged = {}
        for r in results2:
            record = json.loads(r)
            merged.setdefault((record["file"], record["sha256"]), r)
        check(sorted(merged.values()) == sorted(want[p] for p in round2)
              and len(results2) == len(round2),
              f"a worker process killed with {done_at_kill} of "
              f"{len(round2)} done: every record once, as the CLI's")
        check(last_left > 0, f"the kill came mid-run ({last_left} of the "
              "last 20 tasks not done)")
        later = kc.worker_stats.apply_async(queue="w1").get(timeout=60)
        check(later["pid"] != victim,
              f"the killed process {victim} was replaced ({later['pid']})")
    finally:
        # Results still referenced would reach for Redis once it is gone.
        import gc
        gc.collect()
        for proc, name in zip(workers, ("w1", "w2")):
            stop(proc, name)
        stop(redis_proc, "redis-server")
    leftovers = [p for p in workers + [redis_proc]
                 if p is not None and p.poll() is None]
    check(not leftovers, "every process started here has ended")
    print(f"{'FAIL' if failures else 'ok'}: {len(failures)} failure(s), "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
