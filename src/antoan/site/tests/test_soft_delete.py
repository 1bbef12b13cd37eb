"""Issue #8, "keep data": nothing a user can do removes audit history. Deletes are soft (core.softdelete), the
Django admin writes nothing, the managers of every soft-deletable model are as the backup and the pages expect."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Manager
from django.test import RequestFactory

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.core.softdelete import LiveManager, SoftDeleteModel, deleted_kinds
from antoan.incidents.models import Incident
from antoan.movement import record_types as rt
from antoan.movement.models import Inspection
from antoan.movement.records.services import record_create, record_delete, record_restore
from antoan.units.services import establishment_create, establishment_delete

pytestmark = pytest.mark.django_db


def soft_deletable_models() -> list:
    return [k.model for k in deleted_kinds()]


def test_every_soft_deletable_kind_is_listed_and_its_managers_are_right():
    models = soft_deletable_models()
    assert {m.__name__ for m in models} >= {"Incident", "MovementModel", "Inspection", "Assessment", "Rating", "Target",
                                            "HistoricalFigure"}
    # Every soft-deletable model is on the deleted-records page, where an administrator restores it.
    assert set(models) == {m for m in apps.get_models() if issubclass(m, SoftDeleteModel)}
    assert len(models) == len(set(models))
    for model in models:
        assert issubclass(model, SoftDeleteModel)
        assert isinstance(model._default_manager, LiveManager)  # lists, reverse relations: live rows
        assert type(model._base_manager) is Manager  # the backup, foreign keys: every row
        assert type(model.all_objects) is Manager


def test_the_django_admin_deletes_and_changes_nothing(make_user):
    superuser = make_user(username="root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label.startswith(("auth", "axes", "otp")) or not hasattr(model, "history"):
            continue
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert model_admin.get_actions(request) == {}, model  # no "delete selected"
    assert not any(m.__name__.startswith("Historical") for m in admin.site._registry)


def test_delete_and_restore_keep_every_history_row_and_an_establishment_with_deleted_records_stays(make_user, unit):
    ham_thuan = unit("23059")
    officer = make_user(Role.OFFICER, ham_thuan)
    administrator = make_user(Role.ADMIN, unit("68"))
    school = establishment_create(user=officer, commune=ham_thuan, name="Trường THCS", establishment_type="school")
    model = record_create(rt.MODELS, user=officer, unit=school, name="Camera an ninh trường học", model_type="camera",
                          started_on=clock.today())  # fmt: skip
    record_create(rt.INSPECTIONS, user=officer, model=model.pk, inspected_on=clock.today(), inspector="CA xã",
                  rating="good")  # fmt: skip
    before = {m: set(m.history.values_list("history_id", flat=True)) for m in (type(model), Inspection)}

    record_delete(rt.MODELS, user=officer, instance=model, reason="Nhập nhầm")
    with pytest.raises(Exception) as refused:  # deleted records still refer to it (restorable): it stays
        establishment_delete(user=officer, establishment=school)
    assert "Cannot delete" in str(refused.value)
    record_restore(rt.MODELS, user=administrator, instance=model)

    for m, ids in before.items():
        now = set(m.history.values_list("history_id", flat=True))
        assert ids < now and len(now) == len(ids) + 2  # deleted, restored: two rows more, none fewer
        assert not m.history.filter(history_type="-").exists()
    assert not Incident.history.filter(history_type="-").exists()

