"""PostgreSQL timestamps read by psycopg's C code, not by a Python loader.

Django's PostgreSQL backend registers its own loader for `timestamptz` on every connection (psycopg_any.BaseTzLoader:
a subclass of psycopg's pure-Python loader that parses the text with a regular expression, then sets the tzinfo).
Every timestamp read goes through it: ~10 µs a value, which for the map's 5,000 points or a province's 20,000
accidents (black spots) is most of the request. psycopg's C loader does the same parse in well under a microsecond,
but Django's class cannot subclass it (C types are final).

When the connection's TimeZone is UTC — as Django sets it with USE_TZ and no per-database TIME_ZONE — psycopg's C
loader already gives what Django's gives: an aware datetime with `datetime.timezone.utc` (psycopg._tz maps "UTC" to
it). `UtcTimestamptzLoader` then lends the C loader's `load` to each instance, and keeps the `timezone` attribute
that Django's `create_cursor` compares with the connection's before deciding whether to register its own loader on
the cursor. On any other time zone nothing is changed.
"""

from datetime import UTC
from functools import cache

from django.db.backends.signals import connection_created

TIMESTAMPTZ = "timestamptz"


def _c_loader():
    """psycopg's C timestamptz loader, or None (pure-Python psycopg)."""
    import psycopg

    if psycopg.pq.__impl__ not in ("c", "binary"):
        return None
    try:
        from psycopg_binary._psycopg import TimestamptzLoader
    except ImportError:
        try:
            from psycopg_c._psycopg import TimestamptzLoader
        except ImportError:
            return None
    return TimestamptzLoader


@cache
def _loader_class():
    """The loader to register, made once; None where psycopg has no C loader."""
    from psycopg.adapt import Loader

    c_loader = _c_loader()
    if c_loader is None:
        return None

    class UtcTimestamptzLoader(Loader):
        timezone = UTC  # what Django's create_cursor compares with the connection's own

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            # The C loader's bound method as the instance's `load` (it shadows the method below): psycopg calls it
            # directly, with no Python frame.
            self.load = c_loader(oid, context).load

        def load(self, data):  # (the abstract method; never reached, see __init__)
            return self.load(data)

    return UtcTimestamptzLoader


def _on_connection(sender, connection, **kwargs):
    if connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    raw = connection.connection
    if raw.info.parameter_status("TimeZone") != "UTC":
        return
    loader = _loader_class()
    if loader is not None:
        raw.adapters.register_loader(TIMESTAMPTZ, loader)


def connect() -> None:
    connection_created.connect(_on_connection, dispatch_uid="antoan-utc-timestamptz-loader")
