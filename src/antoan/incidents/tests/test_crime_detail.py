"""Crime detail (#23, item 3): the offence by its article of the Penal Code, what the case cost, the persons
prosecuted, the drugs seized; persons sent to rehabilitation — counted (also from the daily totals, for the whole
country) and said in the report."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from antoan.accounts.models import Role
from antoan.core.errors import DomainError
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.movement.tests.test_security_events import text_of
from antoan.reports.context import build_context

pytestmark = pytest.mark.django_db


def crime(officer, unit, month, **fields):
    values = {"kind": "crime", "occurred_at": local(2026, month, 2, 21), "category": "social_order",
              "summary": "Vụ án", "solved": True, "suspects": 2, **fields}  # fmt: skip
    return incident_create(user=officer, unit=unit, **values)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"offence": "trộm chó"}, "offence"),
        ({"prosecuted": 3}, "prosecuted"),  # more than the 2 suspects
        ({"drug_grams": 12}, "drug_substance"),  # seized, but what?
        ({"drug_substance": "thuốc lào", "drug_grams": 5}, "drug_substance"),
        ({"drug_tablets": -4, "drug_substance": "heroin"}, "drug_tablets"),
    ],
)
def test_bad_crime_detail_is_refused_naming_the_field(officer, ham_thuan, fields, field):
    with pytest.raises(DomainError) as refused:
        crime(officer, ham_thuan, 3, **fields)
    assert field in refused.value.errors and refused.value.errors[field].en
    assert not Incident.objects.exists()


def test_offences_prosecutions_and_seizures_are_counted_and_said(officer, ham_thuan, make_user, admin_user):
    crime(officer, ham_thuan, 2, offence="trom cap tai san", property_damage_vnd=30_000_000, prosecuted=2)
    crime(officer, ham_thuan, 3, offence="Trộm cắp tài sản (Điều 173)", prosecuted=1)
    crime(officer, ham_thuan, 4, offence="assault", injured=1, prosecuted=2)
    crime(officer, ham_thuan, 5, category="drugs", offence="drug_trafficking", drug_substance="ma tuy da",
          drug_grams=25, prosecuted=1)  # fmt: skip
    crime(officer, ham_thuan, 6, category="drugs", offence="drug_possession", drug_substance="synthetic_tablets",
          drug_tablets=120)  # fmt: skip
    incident_create(user=officer, unit=ham_thuan, kind="social_evil", occurred_at=local(2026, 7, 1, 20),
                    category="drug_abuse", summary="Sử dụng ma túy", persons_involved=3, rehabilitation=2)
    figures = indicator_set(user=officer, unit=ham_thuan, period=period_parse("2026"))
    codes = ("crime.offences.theft", "crime.offences.assault", "crime.prosecuted", "crime.injured",
             "crime.property_damage", "drugs.grams.methamphetamine", "drugs.tablets.synthetic_tablets",
             "social_evil.rehabilitation")  # fmt: skip
    expected = [2, 1, 6, 1, 30_000_000, 25, 120, 2]
    assert [figures.figure(c).value for c in codes] == expected
    # The whole country's figures come from the daily totals, which keep the offence, the drug and the new sums.
    with CaptureQueriesContext(connection) as queries:
        country = indicator_set(user=admin_user, unit=None, period=period_parse("2026"), codes=list(codes))
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "incidents_dailytotal" in read and "incidents_incident" not in read
    assert [country.figure(c).value for c in codes] == expected

    text = text_of(build_context(user=make_user(Role.LEADER, ham_thuan), unit=ham_thuan, period=period_parse("2026")))
    assert ("Tội danh chủ yếu: trộm cắp tài sản (02 vụ); cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người "
            "khác (01 vụ)") in text  # fmt: skip
    assert ("Đã khởi tố 06 bị can; các vụ án làm bị thương 01 người và thiệt hại tài sản ước tính 30 triệu "
            "đồng.") in text  # fmt: skip
    assert "Thu giữ 25 gam ma túy đá (methamphetamine) và 120 viên ma túy tổng hợp dạng viên" in text
    assert "đưa 02 người đi cai nghiện" in text
