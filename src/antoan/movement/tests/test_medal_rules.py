"""Who may receive the Kỷ niệm chương "Bảo vệ an ninh Tổ quốc", by the circular in force on the decision date (#22):
Thông tư 11/2021/TT-BCA to 27/04/2025, Thông tư 20/2025/TT-BCA from 28/04/2025."""

from datetime import date

import pytest

from antoan.accounts.models import Role
from antoan.core.errors import DomainError
from antoan.movement import record_types as rt
from antoan.movement.medal import medal_rule_on, medal_rules
from antoan.movement.models import Commendation
from antoan.movement.records.services import record_create

pytestmark = pytest.mark.django_db
BEFORE, FROM = date(2025, 4, 27), date(2025, 4, 28)


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.OFFICER, unit("23059"))


def medal(officer, unit, decided: date, born=1968, **conditions):
    return record_create(rt.COMMENDATIONS, user=officer, unit=unit("23059", decided), award="medal",
                         authority="ministry", recipient_kind="individual", recipient_name="Trần Thị Minh Thư",
                         recipient_birth_year=born, year=decided.year, decision_number=f"{born}/QĐ-BCA",
                         decision_date=decided.isoformat(), **conditions)  # fmt: skip


def test_the_versions_meet_on_28_04_2025():
    assert medal_rule_on(BEFORE).source == "Thông tư 11/2021/TT-BCA"
    assert medal_rule_on(FROM).source == "Thông tư 20/2025/TT-BCA"
    old, new = medal_rules()
    assert old.valid_to == BEFORE and new.verified and not old.verified


def test_a_holder_of_the_police_medals_could_be_proposed_until_27_04_2025_not_from_the_28th(officer, unit):
    medal(officer, unit, BEFORE, born=1960, holds_police_medal=True)
    with pytest.raises(DomainError) as refused:
        medal(officer, unit, FROM, born=1961, holds_police_medal="có")
    message = refused.value.errors["holds_police_medal"]
    assert "Thông tư 20/2025/TT-BCA" in message.vi and "Vì an ninh Tổ quốc" in message.vi
    assert "Under Thông tư 20/2025/TT-BCA" in message.en
    assert Commendation.objects.count() == 1


@pytest.mark.parametrize("decided", [BEFORE, FROM])
def test_a_prosecuted_person_never_receives_it_and_one_under_discipline_waits(officer, unit, decided):
    with pytest.raises(DomainError) as refused:
        medal(officer, unit, decided, prosecuted=True)
    assert "không tặng" in refused.value.errors["prosecuted"].vi and "khởi tố" in refused.value.errors["prosecuted"].vi
    with pytest.raises(DomainError) as deferred:
        medal(officer, unit, decided, under_discipline="1")
    assert "chưa xét tặng" in deferred.value.errors["under_discipline"].vi
    assert "waits" in deferred.value.errors["under_discipline"].en
    assert not Commendation.objects.exists()
    medal(officer, unit, decided)  # the same person, cleared: given (once)
    with pytest.raises(DomainError) as again:
        medal(officer, unit, decided)
    assert "chỉ tặng một lần" in again.value.errors["recipient_name"].vi


def test_the_conditions_concern_the_medal_only(officer, unit):
    record_create(rt.COMMENDATIONS, user=officer, unit=unit("23059"), award="merit", authority="province_chair",
                  recipient_kind="individual", recipient_name="Lê Văn Khải", year=2026, decision_number="15/QĐ-UBND",
                  decision_date="2026-01-15", under_discipline=True)  # fmt: skip
    assert Commendation.objects.get().under_discipline is True
