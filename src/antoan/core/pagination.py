"""Pagination of lists, on the web and in the API.

A page of a large table is read in two steps ("late row lookup"): first the page's ids — which an index holding
the filter's and the order's columns answers alone, without touching the table — then only those rows. Asked in
one query (`SELECT * … ORDER BY occurred_at DESC LIMIT 50`), PostgreSQL walked the time index of all 5 million
incidents backwards, testing each row against the officer's units, because it guessed that the newest matching
rows were near its end: 45 – 380 ms for a commune's page, 2 ms in two steps (docs/benchmarks.md, "Load").

The API's limit/offset is bounded, so that no value a client sends reaches the database as something it cannot
take (an offset beyond 2^63 made SQLite fail with a 500).
"""

from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 1000
MAX_OFFSET = 10**9


def late_rows(queryset, start: int, stop: int) -> list:
    """Rows [start:stop] of an ordered queryset: the ids of the slice first, then those rows, in the same order
    (a row deleted in between is left out). Anything but a model queryset is sliced as it is."""
    if not isinstance(queryset, QuerySet) or queryset._fields is not None or not queryset.ordered:
        return list(queryset[start:stop])
    ids = list(queryset.values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [rows[pk] for pk in ids if pk in rows]


def head_and_count(queryset: QuerySet, n: int) -> tuple[list, int]:
    """The first `n` rows of an ordered queryset and how many rows it has, in one query (a window count): asked
    apart, the two cost two statements, and PostgreSQL served the first `n` of a province's overdue models by walking
    the due-date index of the whole country's."""
    rows = list(queryset.annotate(_total=Window(Count("*")))[:n])
    return rows, rows[0]._total if rows else 0


class LateRowsPaginator(Paginator):
    """Django's Paginator, reading each page with `late_rows`."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(late_rows(self.object_list, bottom, top), number, self)


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT})")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip")

    def paginate_queryset(self, queryset, pagination, request, **params):
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        return {self.items_attribute: late_rows(queryset, offset, offset + limit), "count": self._items_count(queryset)}


class Mapped:
    """A queryset whose items are turned into response dicts only for the page the pagination slices."""

    def __init__(self, queryset, convert):
        self.queryset, self.convert = queryset, convert

    def all(self):
        return self.queryset.all()

    def __getitem__(self, part):
        return [self.convert(item) for item in self.queryset[part]]
