"""core.parallel_reads: reads side by side on their own connections on PostgreSQL, in turn elsewhere."""

import threading
import time
from contextvars import ContextVar

import pytest
from django.db import connection, transaction

from antoan.core.parallel_reads import _pool, run_reads

POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="side by side on PostgreSQL only")
marker: ContextVar[str] = ContextVar("marker", default="unset")


def _timed_read():
    """When this read started and ended by the database's clock, on which connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp(), pg_sleep(0.1), clock_timestamp(), pg_backend_pid()")
        start, _, end, backend = cursor.fetchone()
    return start, end, backend


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_reads_overlap_on_several_connections(settings):
    settings.ANTOAN_QUERY_LANES = 2
    spans = run_reads([_timed_read] * 4)
    assert len({backend for _, _, backend in spans}) == 2
    assert any(a[0] < b[1] and b[0] < a[1] for a in spans for b in spans if a is not b)  # some ran at once


@pytest.mark.django_db(transaction=True)
def test_results_in_order_and_the_callers_context(settings):
    settings.ANTOAN_QUERY_LANES = 3
    token = marker.set("request")
    try:
        results = run_reads([lambda n=n: (n, marker.get()) for n in range(6)])
    finally:
        marker.reset(token)
    assert results == [(n, "request") for n in range(6)]


@pytest.mark.django_db(transaction=True)
def test_an_error_in_any_read_is_raised_to_the_caller(settings):
    settings.ANTOAN_QUERY_LANES = 2

    def failing():
        raise ValueError("read failed")

    with pytest.raises(ValueError, match="read failed"):
        run_reads([lambda: 1, failing, lambda: 3])


@pytest.mark.django_db
def test_inside_a_transaction_the_reads_run_in_turn_on_the_callers_thread(settings):
    """Another connection would not see what the transaction wrote (and every test case runs in one)."""
    settings.ANTOAN_QUERY_LANES = 3
    with transaction.atomic():
        threads = run_reads([threading.get_ident] * 4)
    assert set(threads) == {threading.get_ident()}


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_reads_within_a_read_run_in_turn(settings):
    """A lane does not wait for the pool it is part of (the pool has lanes - 1 threads, all of them busy)."""
    settings.ANTOAN_QUERY_LANES = 2

    def nested():
        _timed_read()  # long enough for the other lane to take a read meanwhile
        return threading.get_ident(), run_reads([threading.get_ident] * 3)

    results = run_reads([nested, nested, nested])
    in_a_worker = [(outer, inner) for outer, inner in results if outer != threading.get_ident()]
    assert in_a_worker and all(set(inner) == {outer} for outer, inner in in_a_worker)


@POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_a_request_does_not_wait_for_a_pool_busy_with_another_requests_reads(settings):
    """Under `antoan serve --threads`, several requests of a worker share its pool: one whose reads are all done
    before the pool's thread is free goes on at once (its job is cancelled), rather than wait for the other's."""
    settings.ANTOAN_QUERY_LANES = 2
    release = threading.Event()
    busy = _pool().submit(release.wait, 5)  # the pool's only thread: taken by "another request"
    try:
        started = time.monotonic()
        threads = run_reads([threading.get_ident] * 3)
        waited = time.monotonic() - started
    finally:
        release.set()
        busy.result()
    assert set(threads) == {threading.get_ident()} and waited < 1
