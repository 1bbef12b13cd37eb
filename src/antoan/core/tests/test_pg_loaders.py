"""Timestamps read through psycopg's C loader (core/pg_loaders.py) are the values Django's own loader gives."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from antoan.core.pg_loaders import TIMESTAMPTZ

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader"),
]

VALUES = """SELECT timestamptz '2026-01-01 00:00:00.123456+07', timestamptz '1900-01-01 00:00:00+00',
                   timestamptz '2026-06-01 12:00:00.5Z', timestamptz '2025-06-30 23:59:59.999999+07', NULL::timestamptz,
                   timestamptz '0044-03-15 12:00+00'"""


def _loader_name(cursor) -> str:
    return cursor.connection.adapters.get_loader(cursor.connection.adapters.types[TIMESTAMPTZ].oid, 0).__name__


def test_the_connection_reads_timestamps_with_the_c_loader_and_gets_what_djangos_loader_gives():
    with connection.cursor() as cursor:
        assert _loader_name(cursor.cursor) == "UtcTimestamptzLoader"
        fast = cursor.execute(VALUES).fetchone()
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)  # Django's own loader, on this cursor only
        django_s = cursor.execute(VALUES).fetchone()

    assert fast == django_s
    assert fast[0] == datetime(2025, 12, 31, 17, 0, 0, 123456, tzinfo=UTC)
    assert fast[4] is None
    assert all(value.tzinfo is UTC for value in fast if value is not None)


def test_model_fields_read_the_same_through_either_loader(django_user_model):
    user = django_user_model.objects.create(username="dong-ho", date_joined=datetime(2026, 3, 4, 5, 6, 7, 890, UTC))
    fast = django_user_model.objects.values_list("date_joined", flat=True).get(pk=user.pk)
    with connection.cursor() as cursor:
        register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute("SELECT date_joined FROM accounts_user WHERE id = %s", [user.pk])
        (django_s,) = cursor.fetchone()

    assert fast == django_s == datetime(2026, 3, 4, 5, 6, 7, 890, UTC)
