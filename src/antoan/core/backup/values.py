"""The tables backed up, in dependency order, and their values: encoded without loss into JSON, and prepared for the
target's database driver on restore (see the package's docstring)."""

import base64
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.apps import apps
from django.conf import settings

from antoan.core.backup.layout import SKIPPED


def label(model) -> str:
    return model._meta.label_lower


def backed_up_models() -> list:
    """Every installed model with a table of its own (many-to-many tables included), parents before the models
    that refer to them; models in a cycle of foreign keys come last, in name order."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and label(m) not in SKIPPED
    ]
    needs = {m: {r for r in references(m) if r is not m and r in models} for m in models}
    ordered, placed = [], set()
    while len(ordered) < len(models):
        ready = sorted((m for m in models if m not in placed and needs[m] <= placed), key=label)
        if not ready:
            ready = sorted((m for m in models if m not in placed), key=label)
        for m in ready:
            ordered.append(m)
            placed.add(m)
    return ordered


def references(model) -> set:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not None and getattr(f, "db_constraint", True)
    }


def columns(model) -> list:
    return list(model._meta.concrete_fields)


def _base(f):
    while f.is_relation:  # a key holds its target's value
        f = f.target_field
    return f


def _iso(value) -> str:
    return value.isoformat()


ENCODE = {
    "DateTimeField": _iso,
    "DateField": _iso,
    "TimeField": _iso,
    "DecimalField": str,
    "UUIDField": str,
    "DurationField": lambda v: v // timedelta(microseconds=1),
    "BinaryField": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
}

DECODE = {
    "DateTimeField": datetime.fromisoformat,
    "DateField": date.fromisoformat,
    "TimeField": clock.fromisoformat,
    "DecimalField": Decimal,
    "UUIDField": uuid.UUID,
    "DurationField": lambda n: timedelta(microseconds=n),
    "BinaryField": base64.b64decode,
}

# Django's own fields whose decoded JSON value is already what the database driver takes.
AS_IS = {
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "BooleanField", "FloatField", "IntegerField",
    "BigIntegerField", "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
    "PositiveSmallIntegerField", "AutoField", "BigAutoField", "SmallAutoField",
}  # fmt: skip


def row_encoders(model) -> list[tuple[int, Callable]]:
    """(column index, encoder) for the columns whose values JSON cannot carry as they are."""
    found = [(i, ENCODE.get(_base(f).get_internal_type())) for i, f in enumerate(columns(model))]
    return [(i, enc) for i, enc in found if enc is not None]


def encode_row(row, encoders) -> list:
    row = list(row)
    for i, enc in encoders:
        if row[i] is not None:
            row[i] = enc(row[i])
    return row


def preparers(model, connection, rewrites: dict[str, Callable]) -> list:
    """One function per column: archive value → the value the target's driver takes (None: as it is)."""
    prepare = []
    for f in columns(model):
        base = _base(f)
        kind = base.get_internal_type()
        builtin = type(base).__module__.startswith("django.db.models")
        rewrite = rewrites.get(f.attname)
        fast = _fast_path(kind, connection) if builtin else None
        if (kind in AS_IS and builtin) or fast is _unchanged:
            prepare.append(rewrite)  # None: nothing to do
            continue
        decode = DECODE.get(kind)

        def prep(value, rewrite=rewrite, fast=fast, decode=decode, f=f):
            if rewrite is not None:
                value = rewrite(value)
            if fast is not None and (quick := fast(value)) is not None:
                return quick
            return f.get_db_prep_save(decode(value) if decode else value, connection)

        prepare.append(prep)
    return prepare


def _unchanged(value):
    return value


def _sqlite_datetime(value: str) -> str | None:
    """ "2026-03-02T11:30:00.123456+00:00" → "2026-03-02 11:30:00.123456", as Django writes an aware datetime into
    SQLite (naive UTC, str()); None for another offset (then the field converts it)."""
    return value[:-6].replace("T", " ", 1) if value.endswith("+00:00") else None


def _fast_path(kind: str, connection):
    """What spares Django's own conversion for the biggest share of values, when it gives the same result: an ISO
    date is what SQLite stores and what PostgreSQL's COPY reads; so is an ISO datetime with its offset for
    COPY; SQLite stores a UTC datetime as naive text."""
    if kind == "DateField" and connection.vendor in ("sqlite", "postgresql"):
        return _unchanged
    if kind == "DateTimeField" and connection.vendor == "postgresql":
        return _unchanged
    if kind == "DateTimeField" and connection.vendor == "sqlite" and settings.USE_TZ:
        if connection.timezone_name == "UTC":
            return _sqlite_datetime
    return None
