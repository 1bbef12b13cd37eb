"""Pages of the registry read in two steps (core/pagination.py) hold exactly the rows, in exactly the order, that
slicing the list would give; a record's page reads the user's units once (core/middleware.py)."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antoan.core.pagination import LateRowsPaginator, head_and_count, late_rows
from antoan.incidents.models import Incident
from antoan.incidents.selectors import incident_list
from antoan.incidents.services import incident_create, incident_delete
from antoan.incidents.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(officer, ham_thuan, traffic_fields):
    """23 records, some at the same minute (the order then falls back on the id)."""
    made = []
    for n in range(23):
        at = local(2026, 3, 1, 8, 0) + timedelta(hours=n // 3)  # three at each time
        fields = traffic_fields(occurred_at=at, latitude=None, longitude=None)
        made.append(incident_create(user=officer, unit=ham_thuan, **fields))
    return made


@pytest.mark.parametrize("per_page, orphans", [(5, 0), (5, 2), (7, 0), (50, 0)])
def test_every_page_holds_the_rows_of_the_plain_slice_in_order(officer, records, per_page, orphans):
    listed = incident_list(user=officer)
    plain, late = Paginator(listed, per_page, orphans=orphans), LateRowsPaginator(listed, per_page, orphans=orphans)
    assert late.num_pages == plain.num_pages > 0
    for number in plain.page_range:
        assert [r.pk for r in late.page(number)] == [r.pk for r in plain.page(number)]
    assert sum(len(late.page(n)) for n in late.page_range) == len(records)


def test_a_page_reads_its_ids_then_its_rows_with_what_the_list_joins(officer, records):
    listed = incident_list(user=officer)
    with CaptureQueriesContext(connection) as queries:
        rows = late_rows(listed, 3, 9)
        names = [row.unit.name for row in rows]  # select_related("unit") kept: no query per row
    assert len(rows) == 6 and len(set(names)) == 1
    assert len(queries) <= 3  # the scope's unit ids (once), the page's ids, the rows


def test_a_record_deleted_between_the_two_reads_is_left_out(officer, records, monkeypatch):
    listed = incident_list(user=officer)
    expected = [r.pk for r in listed[:5]]
    values_list = type(listed).values_list

    def ids_then_delete(self, *fields, **kwargs):
        ids = list(values_list(self, *fields, **kwargs)[:5])
        incident_delete(user=officer, incident=Incident.objects.get(pk=ids[1]), reason="nhập trùng")
        return ids

    monkeypatch.setattr(type(listed), "values_list", ids_then_delete)
    assert [row.pk for row in late_rows(listed, 0, 5)] == [expected[0], *expected[2:]]


@pytest.mark.parametrize("n", [1, 10, 23, 40])
def test_head_and_count_is_the_first_rows_and_the_count_in_one_query(officer, records, n):
    listed = incident_list(user=officer)
    listed.count()  # the scope's unit ids, memoised for the statement count below
    with CaptureQueriesContext(connection) as queries:
        head, count = head_and_count(listed, n)
    assert [r.pk for r in head] == [r.pk for r in listed[:n]] and count == listed.count() == 23
    assert len(queries) <= 2  # the scope's unit ids (if not read yet), then one statement


def test_head_and_count_of_nothing(officer):
    assert head_and_count(incident_list(user=officer), 10) == ([], 0)


def test_a_values_list_or_a_list_is_sliced_as_it_is(officer, records):
    listed = incident_list(user=officer)
    assert late_rows(listed.values_list("pk", flat=True), 0, 4) == list(listed.values_list("pk", flat=True)[:4])
    assert late_rows([1, 2, 3, 4], 1, 3) == [2, 3]


def test_the_api_list_pages_like_the_plain_slice(client, officer, records):
    client.force_login(officer)
    url = "/api/v1/incidents"
    everything = [r.pk for r in incident_list(user=officer)]
    for offset in (0, 5, 20):
        body = client.get(url, {"limit": 5, "offset": offset}).json()
        assert body["count"] == len(records)
        assert [item["id"] for item in body["items"]] == everything[offset : offset + 5]


def test_a_record_page_reads_the_users_units_once(client, officer, records):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("incident-detail", args=[records[0].pk])).status_code == 200
    statements = [q["sql"] for q in queries.captured_queries if "accounts_membership" in q["sql"]]
    assert len(statements) == len(set(statements)), "the same read of the memberships, twice"
