"""Issue #8, "keep data", for the movement's records (movement.records): a soft delete, the model's inspections
deleted and restored with it, external ids released, restore by administrators only."""

import json
from datetime import date

import pytest
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.movement import record_types as rt
from antoan.movement.models import Inspection, MovementModel, TrafficPatrol
from antoan.movement.records.selectors import record_get, record_history, record_list
from antoan.movement.records.services import record_create, record_delete, record_restore
from antoan.movement.records.transfer import import_records
from antoan.units.locks import period_lock

pytestmark = pytest.mark.django_db


@pytest.fixture
def ham_thuan(unit):
    return unit("23059")


@pytest.fixture
def officer(make_user, ham_thuan):
    return make_user(Role.OFFICER, ham_thuan, username="canbo")


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.ADMIN, unit("68"), username="quantri")


@pytest.fixture
def model(officer, ham_thuan):
    return record_create(rt.MODELS, user=officer, unit=ham_thuan, name="Tổ tự quản thôn Lâm Hòa",
                         model_type="self_managed", started_on=date(2025, 8, 1), external_id="MH-1")  # fmt: skip


def inspect(officer, model, day, external_id=""):
    return record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on=day, inspector="CA xã",
                         rating="good", external_id=external_id)  # fmt: skip


def test_deleting_a_model_deletes_its_inspections_with_it_and_restoring_brings_back_exactly_those(
    officer, admin, model
):
    first = inspect(officer, model, date(2025, 10, 1), "KT-1")
    alone = inspect(officer, model, date(2025, 11, 1), "KT-2")
    last = inspect(officer, model, date(2025, 12, 1), "KT-3")
    record_delete(rt.INSPECTIONS, user=officer, instance=alone, reason="Trùng")  # earlier, on its own
    due = MovementModel.objects.get(pk=model.pk).next_inspection_due

    record_delete(rt.MODELS, user=officer, instance=model, reason="Mô hình nhập nhầm")

    assert not MovementModel.objects.filter(pk=model.pk).exists() and not Inspection.objects.exists()
    deleted = MovementModel.all_objects.get(pk=model.pk)
    children = Inspection.all_objects.filter(pk__in=[first.pk, last.pk])
    assert {c.deleted_at for c in children} == {deleted.deleted_at}
    assert {(c.deleted_by, c.delete_reason) for c in children} == {(officer, "Mô hình nhập nhầm")}

    record_restore(rt.MODELS, user=admin, instance=model)

    assert set(Inspection.objects.values_list("pk", flat=True)) == {first.pk, last.pk}  # not the one deleted alone
    assert Inspection.all_objects.get(pk=alone.pk).is_deleted
    assert MovementModel.objects.get(pk=model.pk).next_inspection_due == due
    with pytest.raises(DomainError) as refused:  # an inspection of a deleted model waits for the model
        record_delete(rt.MODELS, user=officer, instance=model)
        record_restore(rt.INSPECTIONS, user=admin, instance=Inspection.all_objects.get(pk=first.pk))
    assert "model" in refused.value.errors


def test_a_deleted_record_leaves_lists_and_figures_and_its_history_says_so(officer, admin, ham_thuan):
    patrol = record_create(rt.PATROLS, user=officer, unit=ham_thuan, patrolled_on=date(2026, 3, 1), hours=4,
                           violations_found=9, violations_handled=8, fines_vnd=3_500_000)  # fmt: skip
    period = period_parse("2026")

    def fines():
        return indicator_set(user=admin, unit=ham_thuan, period=period, codes=["traffic.fines"]).figure("traffic.fines")

    assert fines().value == 3_500_000
    record_delete(rt.PATROLS, user=officer, instance=patrol, reason="Sai số liệu")
    assert not fines().value
    assert not record_list(rt.PATROLS, user=officer).exists()
    with pytest.raises(NotFound):
        record_get(rt.PATROLS, user=officer, pk=patrol.pk)
    assert record_get(rt.PATROLS, user=admin, pk=patrol.pk, deleted_too=True).delete_reason == "Sai số liệu"

    record_restore(rt.PATROLS, user=admin, instance=patrol)
    assert fines().value == 3_500_000
    history = record_history(rt.PATROLS, user=admin, record=patrol)
    assert [e.change_label[1] for e in history] == ["Restored", "Deleted", "Created"]
    assert history[1].reason == "Sai số liệu" and history[1].who == str(officer)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LEADER])
def test_only_an_administrator_restores_a_record(make_user, officer, ham_thuan, unit, model, role):
    record_delete(rt.MODELS, user=officer, instance=model)
    with pytest.raises(Forbidden):
        record_restore(rt.MODELS, user=make_user(role, ham_thuan), instance=model)
    with pytest.raises(NotFound):
        record_restore(rt.MODELS, user=make_user(role, unit("23086")), instance=model)
    assert MovementModel.all_objects.get(pk=model.pk).is_deleted


def test_deleting_or_restoring_in_a_locked_month_is_refused(make_user, officer, admin, ham_thuan, model):
    inspection = inspect(officer, model, date(2025, 10, 1))
    leader = make_user(Role.LEADER, ham_thuan)
    period_lock(user=leader, unit=ham_thuan, month=date(2025, 10, 1))
    with pytest.raises(DomainError):  # the model's start is not locked, its inspection's month is
        record_delete(rt.MODELS, user=officer, instance=model)
    assert MovementModel.objects.filter(pk=model.pk).exists() and Inspection.objects.filter(pk=inspection.pk)
    period_lock(user=leader, unit=ham_thuan, month=date(2025, 8, 1))
    with pytest.raises(DomainError):
        record_delete(rt.INSPECTIONS, user=officer, instance=inspection)


def test_restore_is_refused_in_a_locked_month(make_user, officer, admin, ham_thuan, model):
    record_delete(rt.MODELS, user=officer, instance=model)
    period_lock(user=make_user(Role.LEADER, ham_thuan), unit=ham_thuan, month=date(2025, 8, 1))
    with pytest.raises(DomainError) as refused:
        record_restore(rt.MODELS, user=admin, instance=model)
    assert "started_on" in refused.value.errors


def test_an_external_id_is_released_by_a_delete_and_a_restore_over_a_new_holder_is_refused(
    officer, admin, ham_thuan, model
):
    record_delete(rt.MODELS, user=officer, instance=model)
    again = record_create(rt.MODELS, user=officer, unit=ham_thuan, name="Tổ tự quản (nhập lại)",
                          model_type="self_managed", started_on=date(2025, 8, 1), external_id="MH-1")  # fmt: skip
    with pytest.raises(DomainError) as refused:
        record_restore(rt.MODELS, user=admin, instance=model)
    assert "external_id" in refused.value.errors and "MH-1" in refused.value.errors["external_id"].en
    record_delete(rt.MODELS, user=officer, instance=again)
    assert record_restore(rt.MODELS, user=admin, instance=model).external_id == "MH-1"


def test_a_re_import_after_a_delete_creates_the_record_again(officer, ham_thuan, tmp_path):
    path = tmp_path / "tuan-tra.csv"
    path.write_text(
        "unit_code,patrolled_on,hours,violations_found,violations_handled,external_id\n23059,2026-03-01,4,9,8,TT-1\n",
        encoding="utf-8",
    )
    assert import_records(rt.PATROLS, user=officer, path=path).created == 1
    record_delete(rt.PATROLS, user=officer, instance=TrafficPatrol.objects.get())
    report = import_records(rt.PATROLS, user=officer, path=path)
    assert (report.created, report.updated, report.rejected) == (1, 0, [])
    assert TrafficPatrol.all_objects.filter(external_id="TT-1").count() == 2


def test_restoring_a_second_medal_for_the_same_person_is_refused(officer, admin, ham_thuan):
    medal = {"unit": ham_thuan, "award": "medal", "authority": "ministry", "recipient_kind": "individual",
             "recipient_name": "Trần Văn Bảo", "recipient_birth_year": 1970, "year": 2025,
             "decision_number": "1/QĐ-BCA", "decision_date": date(2025, 8, 19)}  # fmt: skip
    first = record_create(rt.COMMENDATIONS, user=officer, **medal)
    record_delete(rt.COMMENDATIONS, user=officer, instance=first)
    record_create(rt.COMMENDATIONS, user=officer, **{**medal, "decision_number": "2/QĐ-BCA"})
    with pytest.raises(DomainError) as refused:
        record_restore(rt.COMMENDATIONS, user=admin, instance=first)
    assert "recipient_name" in refused.value.errors


def test_pages_and_api(client, login_verified, officer, admin, model):
    client.force_login(officer)
    delete_url = reverse("models-delete", args=[model.pk])
    assert client.post(delete_url, {"reason": "Nhập nhầm"}).status_code == 302
    detail = reverse("models-detail", args=[model.pk])
    assert client.get(detail).status_code == 404
    _, officer_key = api_token_create(user=officer, owner=officer, name="x")
    restore_api = f"/api/v1/movement/models/{model.pk}/restore"
    refused = client.post(restore_api, "", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {officer_key}")
    assert refused.status_code == 403 and set(json.loads(refused.content)["errors"]["__all__"]) == {"vi", "en"}

    login_verified(client, admin)
    page = client.get(detail).content.decode()
    assert 'id="deleted-notice"' in page and "Nhập nhầm" in page
    listed = client.get(reverse("deleted-list"), {"kind": "models"}).content.decode()
    assert model.name in listed
    _, admin_key = api_token_create(user=admin, owner=admin, name="y")
    restored = client.post(restore_api, "", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {admin_key}")
    assert restored.status_code == 200 and restored.json()["id"] == model.pk
    assert client.get(reverse("deleted-list")).content.decode().count('name="restore"') == 0
