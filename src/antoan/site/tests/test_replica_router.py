"""The read-replica router (core/routers.py): which database each read and write goes to, and, on PostgreSQL, a real
second database playing a replica that lags behind the primary."""

import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import datetime

import pytest
from django.conf import settings
from django.db import connections
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from antoan.accounts.models import Role, User
from antoan.core import clock, routers
from antoan.core.routers import (
    COOKIE,
    ReadYourWritesMiddleware,
    ReplicaRouter,
    reading_from_replica,
    tracking_writes,
)
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.units.models import Unit
from antoan.units.selectors import unit_for_code

ROUTER = "antoan.core.routers.ReplicaRouter"
MIDDLEWARE = "antoan.core.routers.ReadYourWritesMiddleware"
INDICATORS = "/api/v1/indicators"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


# The router's decisions ------------------------------------------------------------------------------------------


def test_reads_go_to_the_primary_outside_the_context_and_to_the_replica_inside():
    router = ReplicaRouter()
    assert router.db_for_read(Incident) == "default"
    with reading_from_replica():
        assert router.db_for_read(Incident) == "replica"
        with reading_from_replica():  # nested: still the replica, and the outer one is restored after
            assert router.db_for_read(Unit) == "replica"
        assert router.db_for_read(Unit) == "replica"
    assert router.db_for_read(Incident) == "default"


def test_the_decorator_form_enters_the_context_for_each_call_only():
    router = ReplicaRouter()

    @reading_from_replica()
    def view():
        return router.db_for_read(Incident)

    assert (view(), view()) == ("replica", "replica")
    assert router.db_for_read(Incident) == "default"


def test_writes_always_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Incident) == "default"
    with reading_from_replica():
        assert router.db_for_write(Incident) == "default"


def test_a_request_that_writes_reads_from_the_primary_for_the_rest_of_it():
    router = ReplicaRouter()
    with tracking_writes() as state, reading_from_replica():
        assert router.db_for_read(Incident) == "replica"
        router.db_for_write(Incident)
        assert state.wrote
        assert router.db_for_read(Incident) == "default"


def test_session_and_login_throttling_writes_do_not_count():
    from django.contrib.sessions.models import Session

    router = ReplicaRouter()
    with tracking_writes() as state, reading_from_replica():
        router.db_for_write(Session)
        assert not state.wrote
        assert router.db_for_read(Incident) == "replica"


def test_a_browser_that_wrote_recently_reads_from_the_primary():
    router = ReplicaRouter()
    with tracking_writes(recent=True), reading_from_replica():
        assert router.db_for_read(Incident) == "default"


def test_writes_outside_a_request_are_not_tracked():
    router = ReplicaRouter()
    with reading_from_replica():  # a batch job's thread, the CLI: no request, nothing to pin
        router.db_for_write(Incident)
        assert router.db_for_read(Incident) == "replica"


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "incidents") is True
    assert router.allow_migrate("replica", "incidents") is False
    assert router.allow_relation(object(), object()) is True


# The middleware: the cookie and the lag window -------------------------------------------------------------------


def _through_middleware(request, *, write: bool):
    seen = {}

    def view(request):
        with reading_from_replica():
            if write:
                ReplicaRouter().db_for_write(Incident)
            seen["read"] = ReplicaRouter().db_for_read(Incident)
        return HttpResponse("ok")

    response = ReadYourWritesMiddleware(view)(request)
    return response, seen["read"]


def test_a_write_sets_a_cookie_that_lasts_the_lag_window():
    response, read = _through_middleware(RequestFactory().post("/"), write=True)
    assert read == "default"
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]
    assert abs(float(cookie.value) - clock.timestamp()) < 5


def test_a_request_without_a_write_sets_no_cookie_and_reads_the_replica():
    response, read = _through_middleware(RequestFactory().get("/"), write=False)
    assert read == "replica"
    assert COOKIE not in response.cookies


@override_settings(ANTOAN_REPLICA_LAG_SECONDS=3)
def test_the_cookie_keeps_reads_on_the_primary_only_within_the_lag_window():
    factory = RequestFactory()
    recent = factory.get("/")
    recent.COOKIES[COOKIE] = str(clock.timestamp() - 1)
    assert _through_middleware(recent, write=False)[1] == "default"
    old = factory.get("/")
    old.COOKIES[COOKIE] = str(clock.timestamp() - 4)
    assert _through_middleware(old, write=False)[1] == "replica"
    forged = factory.get("/")
    forged.COOKIES[COOKIE] = "not a time"
    assert _through_middleware(forged, write=False)[1] == "replica"
    assert routers.lag_seconds() == 3


# Settings -----------------------------------------------------------------------------------------------------------


def test_without_a_replica_url_there_is_one_database_and_no_router():
    if os.environ.get("DATABASE_REPLICA_URL"):
        pytest.skip("this run has a replica configured")
    assert list(settings.DATABASES) == ["default"]
    assert not settings.DATABASE_ROUTERS
    assert MIDDLEWARE not in settings.MIDDLEWARE


def test_a_replica_url_adds_the_replica_the_router_and_the_middleware():
    code = (
        "import json, antoan.settings as s; r = s.DATABASES['replica']; "
        "print(json.dumps([r['NAME'], r['HOST'], r['TEST'], s.DATABASE_ROUTERS, s.MIDDLEWARE[-1], "
        "s.ANTOAN_REPLICA_LAG_SECONDS]))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://app@primary.example:5432/antoan",
        "DATABASE_REPLICA_URL": "postgres://app@replica.example:5432/antoan",
        "ANTOAN_REPLICA_LAG_SECONDS": "5",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    name, host, test, routers_setting, last_middleware, lag = json.loads(out)
    assert (name, host, test) == ("antoan", "replica.example", {"MIRROR": "default"})
    assert routers_setting == [ROUTER]
    assert last_middleware == MIDDLEWARE
    assert lag == 5


# A real second database on PostgreSQL: a copy of the primary that then lags behind it ---------------------------


@contextmanager
def _lagging_replica():
    """A copy of the test database (CREATE DATABASE … TEMPLATE) registered as the `replica` alias. Nothing
    replicates to it afterwards: it plays a replica whose lag never ends."""
    primary = connections["default"]
    source, copy = primary.settings_dict["NAME"], f"{primary.settings_dict['NAME']}_replica_{uuid.uuid4().hex[:6]}"
    primary.close()  # a template database must have no other session
    with primary._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    connections.settings["replica"] = {**primary.settings_dict, "NAME": copy}
    # Connected here: the test case refuses to open a connection lazily to an alias it was not declared with.
    connections["replica"].connect()
    try:
        yield
    finally:
        connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]
        with primary._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')


def _incident_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if Incident._meta.db_table in q["sql"]]


def postgres_only(test):
    """Skipped on SQLite without asking for a database at all (no test database is set up for it there)."""
    if ON_POSTGRES:
        return pytest.mark.django_db(transaction=True)(test)
    reason = "needs PostgreSQL: a second real database made with CREATE DATABASE … TEMPLATE"
    return pytest.mark.skip(reason=reason)(test)


@postgres_only
def test_on_postgresql_a_lagging_replica_serves_the_readers_and_the_writer_reads_the_primary(
    loaded_units, make_user, settings
):
    # The queries are captured on this thread's connections, so the indicator set's reads run in turn here. Side by
    # side, the other lane runs in a copy of the request's context, so the same router sends its reads to the same
    # alias (core/tests/test_parallel_reads.py shows the context reaching the lanes).
    settings.ANTOAN_QUERY_LANES = 1
    ham_thuan = unit_for_code(code="23059")
    writer = make_user(Role.OFFICER, ham_thuan, username="replica.writer")
    reader = make_user(Role.OFFICER, ham_thuan, username="replica.reader")
    at = timezone.make_aware(datetime(2026, 3, 2, 18, 30))
    incident_create(user=writer, unit=ham_thuan, kind="traffic", occurred_at=at, summary="Va chạm", dead=1, injured=0)
    query = {"unit": "23059", "period": "2026"}

    replica_settings = override_settings(DATABASE_ROUTERS=[ROUTER], MIDDLEWARE=[*settings.MIDDLEWARE, MIDDLEWARE])
    with _lagging_replica(), replica_settings:
        primary, replica = connections["default"], connections["replica"]
        writer_client, reader_client = Client(), Client()
        writer_client.force_login(User.objects.get(pk=writer.pk))
        reader_client.force_login(User.objects.get(pk=reader.pk))

        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
            before = reader_client.get(INDICATORS, query)
        assert before.status_code == 200, before.content
        assert _incident_queries(on_replica) and not _incident_queries(on_primary)

        # The writer records a second accident: it reaches the primary only.
        body = {"kind": "traffic", "unit_code": "23059", "occurred_at": "2026-03-05 07:00", "summary": "Va chạm",
                "dead": 1, "injured": 0}  # fmt: skip
        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
            created = writer_client.post("/api/v1/incidents", json.dumps(body), content_type="application/json")
        assert created.status_code == 201, created.content
        assert not on_replica.captured_queries and _incident_queries(on_primary)
        assert COOKIE in created.cookies
        assert (Incident.objects.using("default").count(), Incident.objects.using("replica").count()) == (2, 1)

        # Another user reads the stale copy: the same figures as before the write, every incident read on the replica.
        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
            stale = reader_client.get(INDICATORS, query)
        assert stale.json() == before.json()
        assert _incident_queries(on_replica) and not _incident_queries(on_primary)

        # … and so does the dashboard.
        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
            page = reader_client.get(reverse("indicators:dashboard"), query)
        assert page.status_code == 200
        assert _incident_queries(on_replica) and not _incident_queries(on_primary)

        # The writer, within the lag window, reads the primary: the new record and the figures that count it.
        with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
            own = writer_client.get(f"/api/v1/incidents/{created.json()['id']}")
            fresh = writer_client.get(INDICATORS, query)
        assert own.status_code == 200 and fresh.status_code == 200
        assert fresh.json() != before.json()
        assert not on_replica.captured_queries and _incident_queries(on_primary)

        # Once the window has passed, the writer reads the replica again.
        writer_client.cookies[COOKIE] = str(clock.timestamp() - 60)
        with CaptureQueriesContext(replica) as on_replica:
            later = writer_client.get(INDICATORS, query)
        assert later.json() == before.json() and _incident_queries(on_replica)
