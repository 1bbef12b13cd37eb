"""The Redis backend (ANTOAN_TASKS_BACKEND=rq), against the real Redis server on 127.0.0.1:6379: an upload and a
report batch queued by antoan are run by `antoan worker` (RQ's worker, a forked process per task); and a worker
killed with SIGKILL half-way through a batch — its forked task too — is followed by one that finishes it, every
document in the ZIP exactly once.

Each run uses a queue of its own (ANTOAN_TASKS_QUEUE), so runs on one machine never take each other's tasks, and
removes its keys at the end. Without Redis the test is skipped on a developer's machine and fails in CI (CI=true):
.ci/run starts Redis there.
"""

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

from antoan.core.tests.needs import missing
from antoan.core.tests.run import RUN_ID
from antoan.site.tests.test_faults import (
    BATCH_UNIT,
    QUEUE_BATCH,
    Peer,
    assert_whole_and_once,
    batch_row,
    import_row,
    incident_file,
    kill_when,
    landed,
    queue_upload,
)

REDIS_URL = os.environ.get("ANTOAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_NAME = f"antoan_h_rq_{RUN_ID}"

TASK_STATUS = """
from antoan.core.background import _backend
print(_backend().get_result({task_id!r}).status)
"""


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=10)


@pytest.fixture(scope="module")
def rq_peer(tmp_path_factory):
    try:
        _redis().ping()
    except Exception as exc:  # noqa: BLE001 — any failure to reach the server
        missing(f"Redis is not reachable at {REDIS_URL} ({exc})")
    queue = f"t{uuid.uuid4().hex[:12]}"
    peer = Peer(tmp_path_factory.mktemp("rq"), pg_name=PG_NAME, ANTOAN_TASKS_BACKEND="rq", ANTOAN_REDIS_URL=REDIS_URL,
                ANTOAN_TASKS_QUEUE=queue)  # fmt: skip
    peer.queue = queue
    try:
        peer.antoan("migrate", "-v", "0")
        peer.antoan("units", "load")
        yield peer
    finally:
        _forget_queue(queue, peer)
        peer.drop()


def _forget_queue(queue: str, peer: Peer) -> None:
    """Every key of this run, and only those: the queue, its registries, its workers (named after it), the jobs the
    registries and the rows name, and the queue's and workers' entries in RQ's shared sets."""
    server = _redis()
    keys = {key.decode() for key in server.scan_iter(f"rq:*{queue}*")}
    job_ids = set()
    for key in keys:
        kind = server.type(key).decode()
        members = server.zrange(key, 0, -1) if kind == "zset" else server.lrange(key, 0, -1) if kind == "list" else []
        job_ids |= {member.decode().split(":")[0] for member in members}
    try:
        rows = peer.query("SELECT task_id FROM reports_batchjob UNION SELECT task_id FROM incidents_importjob")
        job_ids |= {task_id for (task_id,) in rows if task_id}
    except Exception:  # noqa: BLE001 — the database is not there
        pass
    for job_id in job_ids:
        keys |= {key.decode() for key in server.scan_iter(f"rq:*{job_id}*")}
    if keys:
        server.delete(*keys)
    server.srem("rq:queues", f"rq:queue:{queue}")
    server.srem("rq:workers", *[key for key in keys if key.startswith("rq:worker:") and key.count(":") == 2] or ["-"])


def _kill_session(leader: int) -> None:
    """SIGKILL every process of the worker's session: RQ's forked task puts itself in a process group of its own."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == leader:  # the session id (field 6 of /proc/PID/stat)
                try:
                    os.kill(int(entry.name), signal.SIGKILL)
                except ProcessLookupError:
                    pass


def test_an_upload_and_a_batch_queued_on_redis_are_run_by_an_rq_worker(rq_peer):
    source = rq_peer.home / "upload.csv"
    ids = incident_file(source, "RQ")
    upload = queue_upload(rq_peer, source, all_or_nothing=False)
    batch = int(rq_peer.python(QUEUE_BATCH.format(unit=BATCH_UNIT, formats="docx")).stdout.strip())
    assert batch_row(rq_peer, batch)[0] == "queued"

    rq_peer.antoan("worker", "--burst", "--worker-id", f"{rq_peer.queue}-1")  # RQ's burst mode: the queue, then stop

    assert import_row(rq_peer, upload)["state"] == "done" and sorted(landed(rq_peer, "RQ")) == ids
    state, done, work_dir, zip_path = batch_row(rq_peer, batch)
    assert state == "done" and len(done) == 8
    assert_whole_and_once(rq_peer, Path(work_dir), zip_path, ("docx",))
    task_id = import_row(rq_peer, upload)["task_id"]
    assert rq_peer.python(TASK_STATUS.format(task_id=task_id)).stdout.strip() == "SUCCESSFUL"  # RQ's own record


def test_an_rq_worker_killed_mid_batch_is_followed_by_one_that_finishes_it_with_every_document_once(rq_peer):
    pk = int(rq_peer.python(QUEUE_BATCH.format(unit=BATCH_UNIT, formats="docx")).stdout.strip())
    worker = rq_peer.start("worker", "--worker-id", f"{rq_peer.queue}-2")

    def two_done():
        state, done, _, _ = batch_row(rq_peer, pk)
        return done if state == "running" and 2 <= len(done) < 8 else None

    try:
        kill_when(worker, two_done, "the RQ worker writing the batch")
    finally:
        _kill_session(worker.pid)
    time.sleep(0.5)  # the forked task is gone too (its run lock with it)
    state, done, work_dir, _ = batch_row(rq_peer, pk)
    assert state == "running" and len(done) < 8

    # A new worker: its first maintenance round finds the batch cut short and queues it again.
    rq_peer.antoan("worker", "--burst", "--worker-id", f"{rq_peer.queue}-3")
    state, final, _, zip_path = batch_row(rq_peer, pk)
    assert state == "done" and len(final) == len(set(final)) == 8 and final[: len(done)] == done
    assert_whole_and_once(rq_peer, Path(work_dir), zip_path, ("docx",))
