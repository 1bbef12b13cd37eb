"""Issue #8, "keep data": deleting an incident is a soft delete, visible in its history and restorable by an
administrator; nothing a user can do removes audit history."""

import json
from datetime import date

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.incidents.daily import _count, _on_days, local_day
from antoan.incidents.models import DailyTotal, Incident
from antoan.incidents.selectors import incident_get, incident_history, incident_list
from antoan.incidents.services import incident_create, incident_delete, incident_merge_duplicate, incident_restore
from antoan.incidents.transfer import import_incidents
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.units.locks import period_lock

pytestmark = pytest.mark.django_db
CODES = ["traffic.accidents", "traffic.dead", "traffic.injured"]


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.ADMIN, unit("68"), username="quantri")


@pytest.fixture
def accident(officer, ham_thuan, traffic_fields):
    return incident_create(user=officer, unit=ham_thuan, **traffic_fields(dead=2, injured=3, external_id="TN-01"))


def figures(user, unit) -> dict:
    result = indicator_set(user=user, unit=unit, period=period_parse("2026-03"), codes=CODES)
    return {code: result.figure(code).value for code in CODES}


def national(user) -> dict:
    result = indicator_set(user=user, unit=None, period=period_parse("2026-03"), codes=CODES)
    return {code: result.figure(code).value for code in CODES}


def assert_daily_totals_exact(*days):
    """The stored totals of these days equal a count made now from the live incidents."""
    for day in days:
        stored = sorted(
            DailyTotal.objects.filter(day=day).values_list("kind", "category", "severity", "solved", "n", "dead")
        )
        counted = sorted((t.kind, t.category, t.severity, t.solved, t.n, t.dead) for t in _count(_on_days([day])))
        assert stored == counted


def test_a_deleted_incident_leaves_lists_figures_and_daily_totals_and_comes_back_the_same(
    officer, admin, ham_thuan, accident
):
    before = figures(admin, ham_thuan)
    whole_country = national(admin)
    day = local_day(accident.occurred_at)

    incident_delete(user=officer, incident=accident, reason="Nhập trùng với vụ khác")

    assert not incident_list(user=officer).filter(pk=accident.pk).exists()
    assert not incident_list(user=admin).filter(pk=accident.pk).exists()
    with pytest.raises(NotFound):
        incident_get(user=officer, pk=accident.pk)
    after = figures(admin, ham_thuan)
    assert after["traffic.accidents"] == before["traffic.accidents"] - 1
    assert after["traffic.dead"] == before["traffic.dead"] - 2
    assert national(admin)["traffic.accidents"] == whole_country["traffic.accidents"] - 1  # the daily totals
    assert_daily_totals_exact(day)
    kept = Incident.all_objects.get(pk=accident.pk)
    assert (kept.deleted_by, kept.delete_reason) == (officer, "Nhập trùng với vụ khác") and kept.deleted_at

    restored = incident_restore(user=admin, instance=accident)

    assert restored.pk == accident.pk and not restored.is_deleted
    assert incident_get(user=officer, pk=accident.pk).dead == 2
    assert figures(admin, ham_thuan) == before and national(admin) == whole_country
    assert_daily_totals_exact(day)


def test_the_history_shows_who_deleted_when_and_why_then_who_restored_and_keeps_every_earlier_entry(
    officer, admin, accident
):
    earlier = list(Incident.history.filter(id=accident.pk).values_list("history_id", flat=True))
    incident_delete(user=officer, incident=accident, reason="Nhập nhầm xã")
    incident_restore(user=admin, instance=accident)

    history = incident_history(user=admin, incident=accident)
    assert [e.change_label for e in history[:2]] == [("Khôi phục", "Restored"), ("Đã xóa", "Deleted")]
    restored, deleted = history[0], history[1]
    assert deleted.who == str(officer) and deleted.reason == "Nhập nhầm xã"
    assert {c.field: c.after for c in deleted.changes}["deleted_by"] == str(officer)
    assert restored.who == str(admin)
    now = set(Incident.history.filter(id=accident.pk).values_list("history_id", flat=True))
    assert set(earlier) < now and len(now) == len(earlier) + 2  # nothing removed, two rows added
    assert not Incident.history.filter(id=accident.pk, history_type="-").exists()


def test_a_records_history_is_read_only_by_whom_may_read_the_record_and_a_deleted_ones_by_an_administrator(
    make_user, officer, admin, ham_thuan, hong_son, accident
):
    assert incident_history(user=officer, incident=accident)[0].change_label == ("Tạo mới", "Created")
    with pytest.raises(NotFound):  # another commune's officer
        incident_history(user=make_user(Role.OFFICER, hong_son), incident=accident)
    incident_delete(user=officer, incident=accident, reason="Nhập nhầm xã")
    accident.refresh_from_db()  # as its page reads it
    with pytest.raises(NotFound):
        incident_history(user=officer, incident=accident)
    assert incident_history(user=admin, incident=accident)[0].change_label == ("Đã xóa", "Deleted")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER, Role.VIEWER])
def test_only_an_administrator_restores(make_user, officer, ham_thuan, hong_son, accident, role):
    incident_delete(user=officer, incident=accident)
    with pytest.raises(Forbidden):  # may see the unit, may not restore
        incident_restore(user=make_user(role, ham_thuan), instance=accident)
    with pytest.raises(NotFound):  # another commune's user does not even learn it exists
        incident_restore(user=make_user(role, hong_son), instance=accident)
    with pytest.raises(NotFound):
        incident_restore(user=officer, instance=Incident(pk=accident.pk + 1000))
    assert Incident.all_objects.get(pk=accident.pk).is_deleted


def test_a_live_record_cannot_be_restored(admin, accident):
    with pytest.raises(NotFound):
        incident_restore(user=admin, instance=accident)


def test_delete_and_restore_are_refused_in_a_locked_month(make_user, officer, admin, unit, ham_thuan, accident):
    leader = make_user(Role.LEADER, ham_thuan)
    incident_delete(user=officer, incident=accident)
    period_lock(user=leader, unit=ham_thuan, month=date(2026, 3, 1))
    with pytest.raises(DomainError) as refused:
        incident_restore(user=admin, instance=accident)
    assert "occurred_at" in refused.value.errors and "khóa" in refused.value.errors["occurred_at"].vi
    assert Incident.all_objects.get(pk=accident.pk).is_deleted


def test_a_deleted_record_releases_its_external_id_and_restore_refuses_when_it_was_taken(
    officer, admin, ham_thuan, traffic_fields, accident
):
    incident_delete(user=officer, incident=accident)
    again = incident_create(user=officer, unit=ham_thuan, **traffic_fields(external_id="TN-01", latitude=None,
                                                                           longitude=None))  # fmt: skip
    with pytest.raises(DomainError) as refused:
        incident_restore(user=admin, instance=accident)
    message = refused.value.errors["external_id"]
    assert "TN-01" in message.vi and "TN-01" in message.en
    incident_delete(user=officer, incident=again)
    assert incident_restore(user=admin, instance=accident).external_id == "TN-01"


def test_a_re_import_after_a_delete_creates_the_record_again(officer, ham_thuan, accident, tmp_path):
    incident_delete(user=officer, incident=accident)
    rows = "kind,unit_code,occurred_at,summary,dead,injured,external_id\n"
    rows += "traffic,23059,2026-03-02 18:30,Xe máy va chạm ô tô tải,2,3,TN-01\n"
    (tmp_path / "lai.csv").write_text(rows, encoding="utf-8")
    report = import_incidents(user=officer, path=tmp_path / "lai.csv")
    assert (report.created, report.updated, report.rejected) == (1, 0, [])
    assert Incident.objects.get(external_id="TN-01").pk != accident.pk
    assert Incident.all_objects.filter(external_id="TN-01").count() == 2


def test_merging_a_duplicate_deletes_it_softly_and_merging_into_a_deleted_original_is_refused(
    officer, admin, ham_thuan, traffic_fields
):
    first = incident_create(user=officer, unit=ham_thuan, **traffic_fields())
    second = incident_create(user=officer, unit=ham_thuan, **traffic_fields())
    third = incident_create(user=officer, unit=ham_thuan, **traffic_fields())
    assert second.duplicate_of_id == first.pk
    incident_merge_duplicate(user=officer, incident=second)
    assert Incident.all_objects.get(pk=second.pk).is_deleted
    assert_daily_totals_exact(local_day(first.occurred_at))
    incident_delete(user=officer, incident=first)
    third.refresh_from_db()
    if third.duplicate_of_id == first.pk:
        with pytest.raises(DomainError):
            incident_merge_duplicate(user=officer, incident=third)
    assert incident_restore(user=admin, instance=second).pk == second.pk


# Pages and API ------------------------------------------------------------------------------------------------


def test_pages_hide_a_deleted_record_but_its_page_shows_an_administrator_a_banner_and_restore(
    client, login_verified, officer, admin, accident
):
    incident_delete(user=officer, incident=accident, reason="Nhập nhầm")
    detail = reverse("incident-detail", args=[accident.pk])
    client.force_login(officer)
    assert client.get(detail).status_code == 404
    assert accident.summary not in client.get(reverse("incident-list")).content.decode()
    assert accident.summary not in b"".join(client.get("/su-viec/xuat.csv").streaming_content).decode()
    assert client.get(reverse("deleted-list")).status_code == 403
    restore = reverse("deleted-restore", args=["incidents", accident.pk])
    assert client.post(restore).status_code == 403
    assert Incident.all_objects.get(pk=accident.pk).is_deleted

    login_verified(client, admin)
    page = client.get(detail).content.decode()
    assert 'id="deleted-notice"' in page and "Nhập nhầm" in page and "Đã xóa" in page
    listed = client.get(reverse("deleted-list"), {"kind": "incidents"}).content.decode()
    assert "Nhập nhầm" in listed and restore in listed and str(officer) in listed
    unknown = client.get(reverse("deleted-list"), {"kind": "weather"})  # read as "all kinds" before #25
    assert unknown.status_code == 400 and 'data-field="kind"' in unknown.content.decode()
    assert restore not in unknown.content.decode()
    response = client.post(restore)
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'id="deleted-notice"' not in page and "Khôi phục" in page


def test_the_api_deletes_softly_and_an_administrator_restores(client, officer, admin, accident):
    _, officer_key = api_token_create(user=officer, owner=officer, name="thống kê")
    _, admin_key = api_token_create(user=admin, owner=admin, name="quản trị")

    def call(method, url, key):
        return client.generic(method, url, "", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")

    url = f"/api/v1/incidents/{accident.pk}"
    assert call("DELETE", url, officer_key).status_code == 204
    assert call("GET", url, officer_key).status_code == 404
    assert accident.pk not in [r["id"] for r in call("GET", "/api/v1/incidents", officer_key).json()["items"]]
    refused = call("POST", f"{url}/restore", officer_key)
    assert refused.status_code == 403 and set(json.loads(refused.content)["errors"]["__all__"]) == {"vi", "en"}
    restored = call("POST", f"{url}/restore", admin_key)
    assert restored.status_code == 200 and restored.json()["id"] == accident.pk and restored.json()["dead"] == 2
    again = call("POST", f"{url}/restore", admin_key)
    assert again.status_code == 404 and "vi" in again.json()["errors"]["record"]


def test_a_refused_restore_on_the_page_says_why_in_both_languages(
    client, login_verified, officer, admin, ham_thuan, traffic_fields, accident
):
    incident_delete(user=officer, incident=accident)
    incident_create(user=officer, unit=ham_thuan, **traffic_fields(external_id="TN-01", latitude=None, longitude=None))
    login_verified(client, admin)
    listed = reverse("deleted-list")
    response = client.post(reverse("deleted-restore", args=["incidents", accident.pk]), {"next": listed}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == listed
    assert "TN-01" in page and "already used" in page and "đã dùng" in page
    assert Incident.all_objects.get(pk=accident.pk).is_deleted
    evil = client.post(reverse("deleted-restore", args=["incidents", accident.pk]), {"next": "//evil.example/"})
    assert evil["Location"] == listed
