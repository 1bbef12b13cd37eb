"""Traffic enforcement in detail (#23, item 8): an accident's main cause as a controlled list, the violations handled
by kind and the licences suspended — counted, and said in the report."""

import pytest

from antoan.accounts.models import Role
from antoan.core.errors import DomainError
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.movement import record_types as rt
from antoan.movement.records.services import record_create
from antoan.movement.tests.test_security_events import text_of
from antoan.reports.context import build_context

pytestmark = pytest.mark.django_db


def accident(officer, unit, cause, month=3):
    return incident_create(user=officer, unit=unit, kind="traffic", occurred_at=local(2026, month, 2, 18),
                           summary="Xe máy va chạm ô tô", dead=0, injured=1, accident_cause=cause)  # fmt: skip


def test_causes_are_a_controlled_list_counted_and_said(officer, ham_thuan, make_user):
    for cause, month in (("speeding", 2), ("Chay qua toc do quy dinh", 3), ("alcohol", 4), ("", 5)):
        accident(officer, ham_thuan, cause, month)
    assert list(Incident.objects.order_by("occurred_at").values_list("accident_cause", flat=True)) == [
        "speeding", "speeding", "alcohol", ""]  # fmt: skip
    with pytest.raises(DomainError) as refused:
        accident(officer, ham_thuan, "trời mưa", 6)
    assert "accident_cause" in refused.value.errors and refused.value.errors["accident_cause"].en
    with pytest.raises(DomainError) as refused:  # a crime has no accident cause
        incident_create(user=officer, unit=ham_thuan, kind="crime", occurred_at=local(2026, 6, 1, 9),
                        category="social_order", summary="Trộm cắp", solved=False, accident_cause="speeding")
    assert "accident_cause" in refused.value.errors

    record_create(rt.PATROLS, user=officer, unit=ham_thuan, patrolled_on="2026-05-02", hours=4, violations_found=30,
                  violations_handled=28, alcohol_violations=10, helmet_violations=12, licences_suspended=4)  # fmt: skip
    with pytest.raises(DomainError) as refused:  # more by kind than handled
        record_create(rt.PATROLS, user=officer, unit=ham_thuan, patrolled_on="2026-05-03", hours=4,
                      violations_found=5, violations_handled=5, alcohol_violations=4, speed_violations=3)
    assert "alcohol_violations" in refused.value.errors

    figures = indicator_set(user=officer, unit=ham_thuan, period=period_parse("2026"))
    assert [figures.figure(c).value for c in ("traffic.causes", "traffic.causes.speeding", "traffic.causes.alcohol",
                                              "traffic.violations.alcohol", "traffic.violations.helmet",
                                              "traffic.licences_suspended")] == [3, 2, 1, 10, 12, 4]  # fmt: skip
    text = text_of(build_context(user=make_user(Role.LEADER, ham_thuan), unit=ham_thuan, period=period_parse("2026")))
    assert ("Nguyên nhân chủ yếu: chạy quá tốc độ quy định (02 vụ); điều khiển phương tiện khi có nồng độ cồn "
            "(01 vụ).") in text  # fmt: skip
    assert ("tước 04 giấy phép lái xe; trong đó 10 trường hợp vi phạm nồng độ cồn và 12 trường hợp không đội mũ "
            "bảo hiểm.") in text  # fmt: skip
