"""Database functions the ORM lacks, the same on SQLite and PostgreSQL.

`AddMonths(day, months)`: a date plus a number of months, the day kept within the month (31/01 + 1 month →
28/02 or 29/02), as dateutil's relativedelta and PostgreSQL's interval arithmetic do. SQLite's own
`date(x, '+1 month')` overflows into the next month instead (31/01 → 03/03), so there it is a Python function
registered on every connection (`connect`).
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.backends.signals import connection_created
from django.db.models import DateField, Func

SQLITE_ADD_MONTHS = "antoan_add_months"


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


class AddMonths(Func):
    arity = 2
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_ADD_MONTHS, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        day, months = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"CAST(({day[0]}) + make_interval(months => ({months[0]})::integer) AS date)", [*day[1], *months[1]]


def _sqlite_add_months(day: str | None, months: int | None) -> str | None:
    if day is None or months is None:
        return None
    return add_months(date.fromisoformat(day[:10]), int(months)).isoformat()


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_ADD_MONTHS, 2, _sqlite_add_months, deterministic=True)


def connect() -> None:
    connection_created.connect(_register, dispatch_uid="antoan-sqlite-functions")
