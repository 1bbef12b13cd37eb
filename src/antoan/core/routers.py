"""Reads of the indicators, the dashboard and the reports from a read replica (issue #8, docs/scaling.md).

Installed only when the environment gives DATABASE_REPLICA_URL (settings.py): then the `replica` alias exists,
DATABASE_ROUTERS names ReplicaRouter and ReadYourWritesMiddleware is in MIDDLEWARE. Without it nothing here runs.

- Everything goes to the primary ("default") unless the code is inside `reading_from_replica()`: the indicator
  API and dashboard, the report page, download and API, and the building of each report of a batch enter it at the
  view or handler level. Elsewhere (the forms, the lists a user edits from, the services, the jobs' own state)
  reads stay on the primary.
- Read your own writes: a request that writes (any db_for_write, bulk writes included) reads from the primary for
  the rest of that request, and its response sets a short-lived cookie; while the cookie holds (by default
  ANTOAN_REPLICA_LAG_SECONDS = 10 s, a bound on the replication lag), that browser's reads stay on the primary
  even inside `reading_from_replica()`. An API client that keeps no cookies gets it within a request only.
- Migrations run on the primary only; the replica receives them through replication.
"""

import math
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

from antoan.core import clock

PRIMARY = "default"
REPLICA = "replica"
COOKIE = "antoan_wrote"
# Writes that say nothing about the records a user reads back: the session itself, login throttling.
UNTRACKED_APPS = frozenset({"sessions", "axes"})

_replica_reads: ContextVar[bool] = ContextVar("antoan_replica_reads", default=False)
_request_writes: ContextVar["_RequestWrites | None"] = ContextVar("antoan_request_writes", default=None)


@dataclass
class _RequestWrites:
    recent: bool = False  # the browser wrote within the lag window (the cookie)
    wrote: bool = False  # this request wrote


def lag_seconds() -> float:
    return settings.ANTOAN_REPLICA_LAG_SECONDS


@contextmanager
def reading_from_replica():
    """Reads inside go to the replica (when one is configured and the request has not written recently).
    A context manager and, called, a decorator: `@reading_from_replica()`."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def tracking_writes(*, recent: bool = False):
    """The read-your-writes state of one request (the middleware enters it; tests may too). Yields the state."""
    state = _RequestWrites(recent=recent)
    token = _request_writes.set(state)
    try:
        yield state
    finally:
        _request_writes.reset(token)


def note_write(model=None) -> None:
    if model is not None and model._meta.app_label in UNTRACKED_APPS:
        return
    state = _request_writes.get()
    if state is not None:
        state.wrote = True


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_reads.get():
            return PRIMARY
        state = _request_writes.get()
        if state is not None and (state.recent or state.wrote):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        note_write(model)
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's data: an object read from either may point to the other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _wrote_recently(request, now: float) -> bool:
    try:
        at = float(request.COOKIES.get(COOKIE, ""))
    except ValueError:
        return False
    return 0 <= now - at < lag_seconds()


class ReadYourWritesMiddleware:
    """Reads stay on the primary for a request that writes and, through a cookie, for the lag window after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = clock.timestamp()
        with tracking_writes(recent=_wrote_recently(request, now)) as state:
            response = self.get_response(request)
        if state.wrote:
            response.set_cookie(
                COOKIE,
                f"{clock.timestamp():.3f}",
                max_age=max(1, math.ceil(lag_seconds())),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
