"""The movement's demo records: the 2020 review's figures, the overdue lists, dates inside the units'
lives, audit and idempotence."""

from datetime import date

import pytest

from antoan.accounts.models import User
from antoan.incidents.demo import SEED_UNTIL
from antoan.movement import record_types as rt
from antoan.movement.demo import EXTERNAL_PREFIX, demo_items, seed_movement
from antoan.movement.models import Commendation, Inspection, MovementModel
from antoan.movement.selectors import models_overdue, officers_deployed, plans_overdue
from antoan.site.demo import demo_seed
from antoan.units.models import Hierarchy
from antoan.units.selectors import unit_for_code

pytestmark = pytest.mark.django_db


def test_demo_seed_has_the_2020_review_figures_overdue_items_audit_and_is_idempotent():
    demo_seed()
    admin = User.objects.get(username="quantri")
    district = unit_for_code(code="597", day=date(2020, 1, 1))

    # 9 persons given the Kỷ niệm chương "Bảo vệ an ninh Tổ quốc" by Bộ Công an in 2020, each once.
    medals = Commendation.objects.filter(award="medal", authority="ministry", year=2020)
    people = set(medals.values_list("recipient_name", "recipient_birth_year"))
    assert medals.count() == 9 and len(people) == 9
    assert all(born for _, born in people)
    commended = Commendation.objects.filter(year=2020, award="commendation")
    by_kind = {
        (authority, kind): commended.filter(authority=authority, recipient_kind=kind).count()
        for authority in ("provincial_police", "district_chair")
        for kind in ("collective", "individual")
    }
    assert by_kind == {
        ("provincial_police", "collective"): 2,
        ("provincial_police", "individual"): 2,
        ("district_chair", "collective"): 5,
        ("district_chair", "individual"): 5,
    }

    # 75 regular officers sent to the communes in 2020.
    assert officers_deployed(user=admin, unit=district, year=2020) == 75

    # Some models and plans are overdue when the demo's records end: the lists have something to show.
    overdue = list(models_overdue(user=admin, day=SEED_UNTIL))
    assert 4 <= len(overdue) <= 20
    assert all(m.unit.hierarchy == Hierarchy.CURRENT for m in overdue)
    assert plans_overdue(user=admin, day=SEED_UNTIL).exists()
    assert MovementModel.objects.filter(status="active", next_inspection_due__gte=SEED_UNTIL).exists()
    ratings = set(Inspection.objects.values_list("rating", flat=True))
    assert ratings >= {"good", "fair", "average"}

    # Every record was written by the service, in the administrator's name.
    total = 0
    for record_type in rt.ALL:
        records = record_type.model.objects.filter(external_id__startswith=EXTERNAL_PREFIX)
        count = records.count()
        assert count, record_type.key
        created = record_type.model.history.filter(history_type="+", history_user=admin)
        assert created.filter(external_id__startswith=EXTERNAL_PREFIX).count() == count, record_type.key
        total += count

    # A second run creates nothing.
    demo_seed()
    assert sum(rt_.model.objects.count() for rt_ in rt.ALL) == total
    assert set(seed_movement(user=admin).values()) == {0}


def test_demo_items_are_dated_inside_their_units_lives_and_numbered_once():
    items = demo_items()
    ids = [(item.unit.pk, item.values["external_id"]) for item in items]
    assert len(ids) == len(set(ids))
    for item in items:
        unit = item.unit
        if unit.hierarchy == Hierarchy.LEGACY:
            assert item.day <= date(2025, 6, 30), item.values["external_id"]
        else:
            assert item.day >= date(2025, 7, 1), item.values["external_id"]
    models = {item.values["external_id"]: item for item in items if item.rt is rt.MODELS}
    for item in items:
        if item.rt is rt.INSPECTIONS:
            model = models[item.model_ref]
            assert model.unit == item.unit and model.values["started_on"] <= item.day
    deployed = [item.values["officers"] for item in items if item.rt is rt.DEPLOYMENTS]
    assert sum(deployed) == 75 and all(4 <= n <= 6 for n in deployed)
