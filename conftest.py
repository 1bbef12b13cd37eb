"""Shared test set-up: the official units are loaded once per test database (SQLite or PostgreSQL),
then every test runs in a transaction that is rolled back."""

from datetime import date

import pytest

from antoan.accounts.models import Membership, User
from antoan.units.selectors import unit_for_code

LEGACY_DAY = date(2020, 1, 1)
CURRENT_DAY = date(2026, 1, 1)


def pytest_addoption(parser):
    parser.addoption(
        "--now",
        metavar="ISO",
        help="run as if the clock read this moment (e.g. 2026-12-14T23:30+07:00; a time without an offset is read "
        "in Asia/Ho_Chi_Minh); the clock keeps ticking from there. CI runs the date-sensitive tests (-m clock) at "
        "several such moments.",
    )


def pytest_configure(config):
    _pin_the_clock(config)
    _one_request_at_a_time_on_sqlite()


def _pin_the_clock(config):
    """Every test reads the time through antoan.core.clock (and Django's timezone, which it wraps); time-machine
    moves both, in this process and its threads, from the start of the session."""
    value = config.getoption("--now")
    if not value:
        return
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    config.stash[PINNED] = time_machine.travel(moment, tick=True)
    config.stash[PINNED].start()


PINNED = pytest.StashKey[object]()


def pytest_collection_modifyitems(config, items):
    """A test that takes `today` depends on the day it runs: it is one of the date-sensitive tests (-m clock)."""
    for item in items:
        if "today" in getattr(item, "fixturenames", ()):
            item.add_marker("clock")


@pytest.fixture
def today():
    """The day the test runs, in Asia/Ho_Chi_Minh, from the one clock (pinned with --now)."""
    from antoan.core import clock

    return clock.today()


def pytest_report_header(config):
    if config.getoption("--now"):
        return f"clock pinned at {config.getoption('--now')} (time-machine, ticking)"


def _one_request_at_a_time_on_sqlite():
    """On SQLite the test database is in memory and the live server's request threads share its one
    connection: two of a page's requests at once (the dashboard makes five) could lock each other up for good.
    There the live server answers one request at a time; PostgreSQL gives each thread its own connection."""
    import os

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override  # the server thread already uses them

    LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL the test database is named for the run (core/tests/run.py, #29): two runs on one server — two
    checkouts, a benchmark beside the suite — never drop each other's database."""
    from django.conf import settings

    from antoan.core.tests.run import RUN_ID

    default = settings.DATABASES["default"]
    if "postgresql" in default["ENGINE"]:
        default.setdefault("TEST", {})["NAME"] = f"test_{default['NAME']}_{RUN_ID}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from antoan.units.services import units_load

    with django_db_blocker.unblock():
        units_load(actor=None)


def _flushes(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(item, "fixturenames", ())


SET_UP = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "setup":
        item.stash[SET_UP] = outcome.get_result().passed


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with a flush of every table, the units loaded above included: load them again
    before the next test that is not transactional itself (browser tests restore what they need on their own).
    Only after a test that was set up (a skipped one never had its database)."""
    yield
    if item.stash.get(SET_UP, False) and _flushes(item) and nextitem is not None and not _flushes(nextitem):
        from pytest_django.plugin import blocking_manager_key

        from antoan.units.models import Unit
        from antoan.units.services import units_load

        with item.config.stash[blocking_manager_key].unblock():
            if not Unit.objects.exists():
                units_load(actor=None)


@pytest.fixture
def loaded_units(transactional_db):
    """For a transactional test that needs the units: an earlier transactional test may have flushed them."""
    from antoan.units.models import Unit
    from antoan.units.services import units_load

    if not Unit.objects.exists():
        units_load(actor=None)


@pytest.fixture
def unit():
    """unit("23059", date) → the unit that code names on that date (today if omitted)."""

    def resolve(code, on=None):
        return unit_for_code(code=code, day=on)

    return resolve


@pytest.fixture
def make_user(db):
    """make_user(role, unit) → a user with that membership (no password: tests log in with force_login)."""
    counter = iter(range(1, 10_000))

    def make(role=None, unit=None, username=None):
        user = User.objects.create(username=username or f"user{next(counter)}")
        if role:
            Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return make


@pytest.fixture
def login_verified(db):
    """login_verified(client, user): logged in past two-factor login, which administrators and leaders must pass
    before any page (force_login alone leaves them at the code page); see antoan/accounts/testing.py."""
    from antoan.accounts.testing import login_verified

    return login_verified


@pytest.fixture(autouse=True)
def tasks_run_inline(settings):
    """In this process a queued task runs at once, inside the test's transaction (django-tasks' immediate backend):
    the tests see a job finished as soon as it is started. Tests of the queue itself take `tasks_queued`; the real
    worker runs in subprocesses (site/tests/test_faults.py, test_worker_rq.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": [settings.ANTOAN_TASKS_QUEUE]}}  # fmt: skip


@pytest.fixture
def tasks_queued(settings):
    """Queued tasks stay in the queue (the database backend, and no worker): what a page shows while it waits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": [settings.ANTOAN_TASKS_QUEUE]}}  # fmt: skip
