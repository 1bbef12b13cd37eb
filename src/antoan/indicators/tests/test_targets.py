"""Targets (chỉ tiêu): who may set them, how they are judged as input, the audit, the grid of a unit's year, and how
the year's figures are judged against them (target_results) over a year, a statistical year and a part of a year."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from antoan.accounts.models import Role, User
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local
from antoan.indicators.models import Target
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_set
from antoan.indicators.target_services import (
    target_create,
    target_delete,
    target_restore,
    target_update,
    targets_save,
    to_amount,
)
from antoan.indicators.targets import target_can_write, target_list, target_results, targets_for
from antoan.units.locks import period_lock
from antoan.units.services import establishment_create

pytestmark = pytest.mark.django_db

LEGACY = date(2020, 1, 1)


@pytest.fixture
def ma_lam(unit):
    return unit("23059", LEGACY)  # Thị trấn Ma Lâm, in the district


@pytest.fixture
def hong_son(unit):
    return unit("23086", LEGACY)  # Xã Hồng Sơn, in the district too


@pytest.fixture
def hong_son_leader(make_user, hong_son):
    return make_user(Role.LEADER, hong_son)


@pytest.fixture
def admin(make_user, unit):
    return make_user(Role.ADMIN, unit("01"))


def a_target(user, unit, **overrides):
    values = {"unit": unit, "year": 2020, "indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": "5",
              "document": "Nghị quyết số 12/NQ-HĐND ngày 10/12/2019"}  # fmt: skip
    return target_create(user=user, **{**values, **overrides})


def _refused(call, field, **kwargs) -> DomainError:
    before = Target.all_objects.count()
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert field in caught.value.errors, caught.value.errors
    message = caught.value.errors[field]
    assert message.vi and message.en and message.vi != message.en
    assert Target.all_objects.count() == before  # nothing written
    return caught.value


# Who writes ------------------------------------------------------------------------------------------------


def test_district_leader_sets_a_target_audited_in_their_name(leader, district):
    target = a_target(leader, district)
    target.refresh_from_db()
    assert (target.unit, target.year, target.indicator, target.kind, target.value) == (
        district, 2020, "traffic.accidents", "reduce_by_pct", Decimal("5.00"),
    )  # fmt: skip
    assert target.document == "Nghị quyết số 12/NQ-HĐND ngày 10/12/2019"
    assert target.created_by == leader and target.updated_by == leader
    [entry] = target.history.all()
    assert (entry.history_type, entry.history_user) == ("+", leader)


def test_district_leader_may_set_a_communes_targets(leader, ma_lam):
    assert a_target(leader, ma_lam).unit == ma_lam


def test_officer_reads_the_targets_but_cannot_set_them(leader, officer, district):
    a_target(leader, district)
    error = _refused(a_target, "__all__", user=officer, unit=district, kind="reduce", value=None)
    assert isinstance(error, Forbidden)
    assert [t.kind for t in targets_for(user=officer, unit=district, year=2020)] == ["reduce_by_pct"]
    assert not target_can_write(user=officer, unit=district)
    assert target_can_write(user=leader, unit=district)


def test_another_communes_leader_can_neither_set_nor_read_the_communes_targets(hong_son_leader, leader, ma_lam):
    with pytest.raises(NotFound):
        a_target(hong_son_leader, ma_lam)
    a_target(leader, ma_lam)
    with pytest.raises(NotFound):
        targets_for(user=hong_son_leader, unit=ma_lam, year=2020)
    assert not target_list(user=hong_son_leader).exists()
    assert not Target.objects.filter(created_by=hong_son_leader).exists()


def test_an_administrator_and_a_superuser_set_any_units_targets(admin, district):
    assert a_target(admin, district).created_by == admin
    root = User.objects.create(username="root", is_superuser=True)
    assert a_target(root, district, kind="reduce", value="").created_by == root


# What is refused --------------------------------------------------------------------------------------------


def test_an_unknown_indicator_code_is_refused_naming_the_field(leader, district):
    error = _refused(a_target, "indicator", user=leader, unit=district, indicator="crime.made_up")
    assert "crime.made_up" in error.errors["indicator"].vi


@pytest.mark.parametrize("value", ["-5", -1, "năm", "1,234", "5.555"])
def test_a_negative_or_malformed_number_is_refused(leader, district, value):
    _refused(a_target, "value", user=leader, unit=district, value=value)


def test_a_rate_is_at_most_100_percent(leader, district):
    error = _refused(a_target, "value", user=leader, unit=district, indicator="crime.clearance_rate", kind="at_least",
                     value="120")  # fmt: skip
    assert "100%" in error.errors["value"].vi and "120" in error.errors["value"].en
    assert a_target(leader, district, indicator="crime.clearance_rate", kind="at_least", value="75").value == 75


def test_nothing_goes_down_by_more_than_100_percent_nor_by_zero(leader, district):
    _refused(a_target, "value", user=leader, unit=district, value="101")
    _refused(a_target, "value", user=leader, unit=district, value="0")


def test_a_change_in_percent_of_a_rate_is_refused(leader, district):
    _refused(a_target, "kind", user=leader, unit=district, indicator="crime.clearance_rate", kind="increase_by_pct",
             value="5")  # fmt: skip


@pytest.mark.parametrize("year", [1974, 2101, "hai nghìn"])
def test_a_year_out_of_range_is_refused(leader, district, year):
    _refused(a_target, "year", user=leader, unit=district, year=year)


def test_a_kind_with_a_number_needs_one_and_a_kind_without_takes_none(leader, district):
    _refused(a_target, "value", user=leader, unit=district, kind="at_most", value="")
    _refused(a_target, "value", user=leader, unit=district, kind="reduce", value="5")
    _refused(a_target, "kind", user=leader, unit=district, kind="halve")


def test_every_problem_is_told_at_once(leader, district):
    error = _refused(a_target, "indicator", user=leader, unit=district, indicator="", kind="", year="1900")
    assert set(error.errors) == {"indicator", "kind", "year"}


def test_unknown_fields_are_refused(leader, district):
    _refused(a_target, "colour", user=leader, unit=district, colour="red")


def test_a_unit_that_did_not_exist_that_year_or_an_establishment_is_refused(leader, district, admin, unit):
    error = _refused(a_target, "unit", user=leader, unit=district, year=2026)
    assert "2026" in error.errors["unit"].vi
    school = establishment_create(user=admin, commune=unit("23059"), name="Trường THCS Hàm Thuận",
                                  establishment_type="school")  # fmt: skip
    _refused(a_target, "unit", user=admin, unit=school, year=2026)


def test_one_target_of_a_kind_per_unit_year_and_indicator(leader, district):
    a_target(leader, district)
    error = _refused(a_target, "kind", user=leader, unit=district, value="10")
    assert "2020" in error.errors["kind"].vi
    assert a_target(leader, district, kind="at_most", value="40").kind == "at_most"
    assert a_target(leader, district, year=2021).year == 2021


def test_numbers_are_read_as_officials_type_them():
    assert to_amount("82,5") == Decimal("82.50")
    assert to_amount("82.5") == Decimal("82.50")
    assert to_amount("1.500.000") == Decimal("1500000")
    assert to_amount("75 %") == Decimal("75")
    assert to_amount(82.5) == Decimal("82.5")
    assert to_amount("") is None


def test_a_locked_month_does_not_stop_a_target(leader, district):
    period_lock(user=leader, unit=district, month=date(2020, 12, 1))
    assert a_target(leader, district).pk


# Changing and deleting -------------------------------------------------------------------------------------


def test_a_change_is_audited_and_nothing_changed_writes_nothing(leader, district):
    target = a_target(leader, district)
    target_update(user=leader, target=target, value="7")
    target.refresh_from_db()
    assert target.value == Decimal("7.00")
    assert [(h.history_type, h.history_user) for h in target.history.order_by("history_id")] == [
        ("+", leader), ("~", leader),
    ]  # fmt: skip
    target_update(user=leader, target=target, value="7,00", document=target.document)
    assert target.history.count() == 2


def test_a_change_is_judged_like_a_new_target(leader, officer, district):
    target = a_target(leader, district)
    _refused(target_update, "value", user=leader, target=target, value="-1")
    with pytest.raises(Forbidden):
        target_update(user=officer, target=target, value="6")


def test_delete_is_soft_frees_the_place_and_an_administrator_restores_it(leader, admin, district):
    target = a_target(leader, district)
    target_delete(user=leader, target=target, reason="Nhập nhầm")
    assert not Target.objects.filter(pk=target.pk).exists()
    deleted = Target.all_objects.get(pk=target.pk)
    assert (deleted.deleted_by, deleted.delete_reason) == (leader, "Nhập nhầm")
    with pytest.raises(Forbidden):
        target_restore(user=leader, instance=Target(pk=target.pk))
    again = a_target(leader, district, value="8")  # the place is free again
    with pytest.raises(DomainError):  # restoring would repeat the new one
        target_restore(user=admin, instance=Target(pk=target.pk))
    target_delete(user=leader, target=again)
    assert target_restore(user=admin, instance=Target(pk=target.pk)).value == Decimal("5.00")
    entries = [h.history_type for h in Target.history.filter(id=target.pk).order_by("history_id")]
    assert entries == ["+", "~", "~"]


# A unit's year in one go ------------------------------------------------------------------------------------


def test_the_grid_creates_changes_and_deletes_in_one_go(leader, district):
    kept = a_target(leader, district, indicator="traffic.dead", kind="reduce", value=None)
    dropped = a_target(leader, district, indicator="traffic.injured", kind="reduce", value=None)
    counts = targets_save(
        user=leader, unit=district, year=2020, document="Nghị quyết số 12/NQ-HĐND",
        rows=[
            {"indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": "5", "document": ""},
            {"indicator": "crime.clearance_rate", "kind": "at_least", "value": "75", "document": "NQ 96/2019/QH14"},
            {"id": kept.pk, "indicator": "traffic.dead", "kind": "reduce_by_pct", "value": "5"},
            {"id": dropped.pk, "indicator": "traffic.injured", "kind": ""},
            {"indicator": "social_evil.cases", "kind": "", "value": ""},
        ],
    )  # fmt: skip
    assert counts == {"created": 2, "updated": 1, "deleted": 1, "unchanged": 0}
    listed = {(t.indicator, t.kind): t for t in targets_for(user=leader, unit=district, year=2020)}
    assert set(listed) == {("traffic.accidents", "reduce_by_pct"), ("crime.clearance_rate", "at_least"),
                           ("traffic.dead", "reduce_by_pct")}  # fmt: skip
    assert listed[("traffic.accidents", "reduce_by_pct")].document == "Nghị quyết số 12/NQ-HĐND"
    assert listed[("crime.clearance_rate", "at_least")].document == "NQ 96/2019/QH14"
    assert listed[("traffic.dead", "reduce_by_pct")].pk == kept.pk


def test_one_bad_row_in_the_grid_writes_nothing_and_names_the_row_and_field(leader, district):
    before = Target.all_objects.count()
    with pytest.raises(DomainError) as caught:
        targets_save(
            user=leader, unit=district, year=2020,
            rows=[
                {"indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": "5"},
                {"indicator": "crime.clearance_rate", "kind": "at_least", "value": "175"},
                {"indicator": "crime.unknown", "kind": "reduce"},
                {"indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": "7"},
            ],
        )  # fmt: skip
    assert set(caught.value.errors) == {"rows[1].value", "rows[2].indicator", "rows[3].kind"}
    assert Target.all_objects.count() == before


def test_the_grid_refuses_a_new_row_repeating_a_target_it_does_not_touch(leader, officer, district):
    a_target(leader, district)
    with pytest.raises(DomainError) as caught:
        targets_save(user=leader, unit=district, year=2020,
                     rows=[{"indicator": "traffic.accidents", "kind": "reduce_by_pct", "value": "9"}])  # fmt: skip
    assert "rows[0].kind" in caught.value.errors
    with pytest.raises(Forbidden):
        targets_save(user=officer, unit=district, year=2020, rows=[])


# Judging the year's figures -------------------------------------------------------------------------------


@pytest.fixture
def figures(officer, ma_lam):
    """Traffic accidents: 2 in the first quarter of 2019 and 2 later; 1 in the first quarter of 2020 and 2 later.
    Crimes: 2 in 2019; 4 in 2020, 3 of them solved (75%)."""
    for month, day in ((2, 3), (3, 9), (6, 1), (9, 20)):
        incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(2019, month, day, 18),
                        summary="Va chạm xe máy trên QL28", dead=0, injured=1)  # fmt: skip
    for month, day in ((2, 11), (5, 2), (8, 30)):
        incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(2020, month, day, 18),
                        summary="Va chạm xe máy trên QL28", dead=0, injured=1)  # fmt: skip
    for month in (4, 10):
        incident_create(user=officer, unit=ma_lam, kind="crime", category="social_order",
                        occurred_at=local(2019, month, 5, 9), summary="Trộm cắp tài sản", solved=True)  # fmt: skip
    for month, solved in ((1, True), (3, True), (6, True), (11, False)):
        incident_create(user=officer, unit=ma_lam, kind="crime", category="social_order",
                        occurred_at=local(2020, month, 5, 9), summary="Trộm cắp tài sản", solved=solved)  # fmt: skip


@pytest.fixture
def year_targets(leader, district):
    rows = [
        ("traffic.accidents", "reduce_by_pct", "20"),  # 4 → 3: down 25 %
        ("crime.clearance_rate", "at_least", "70"),  # 75 %
        ("crime.cases", "at_most", "3"),  # 4
        ("disaster.events", "at_most", "0"),  # none
        ("social_evil.cases", "reduce", None),  # none in either year
        ("traffic.injured", "not_increase", None),  # 4 → 3
        ("models.active", "increase", None),  # 0 → 0
        ("recognised.commune", "at_least", "100"),  # nobody assessed
    ]
    return {code: a_target(leader, district, indicator=code, kind=kind, value=value) for code, kind, value in rows}


def _by_code(results):
    return {r.target.indicator: r for r in results}


def test_each_target_of_the_year_is_judged_against_the_indicator_sets_figure(officer, district, figures, year_targets):
    period = period_parse("2020")
    results = _by_code(target_results(user=officer, unit=district, period=period))
    figures_ = indicator_set(user=officer, unit=district, period=period)
    for code, result in results.items():
        assert (result.value, result.comparison) == (figures_.figure(code).value, figures_.figure(code).comparison)
    assert {code: r.status for code, r in results.items()} == {
        "traffic.accidents": "exceeded",
        "crime.clearance_rate": "exceeded",
        "crime.cases": "missed",
        "disaster.events": "met",
        "social_evil.cases": "met",
        "traffic.injured": "met",
        "models.active": "missed",
        "recognised.commune": "unknown",
    }
    assert results["traffic.accidents"].phrase_vi == "vượt chỉ tiêu (kéo giảm 25%, chỉ tiêu 20%)"
    assert results["crime.clearance_rate"].phrase_vi == "vượt chỉ tiêu 5%"
    assert results["crime.cases"].phrase_vi == "không đạt chỉ tiêu (4 vụ, chỉ tiêu không quá 3 vụ)"
    assert results["disaster.events"].phrase_vi == "đạt chỉ tiêu (không để xảy ra)"
    assert results["crime.clearance_rate"].statement_vi == "đạt từ 70% trở lên"
    assert results["recognised.commune"].met is None and results["crime.cases"].met is False
    assert results["traffic.accidents"].comparison_period == period_parse("2019")


def test_a_statistical_year_is_judged_against_the_targets_of_its_year(officer, district, figures, year_targets):
    period = period_parse("st2020")  # 15/12/2019 – 14/12/2020
    results = _by_code(target_results(user=officer, unit=district, period=period))
    assert len(results) == len(year_targets)
    expected = indicator_set(user=officer, unit=district, period=period).figure("traffic.accidents")
    assert results["traffic.accidents"].value == expected.value
    assert results["traffic.accidents"].comparison_period == period_parse("st2019")


def test_a_quarter_judges_only_rates_and_comparisons_with_the_same_quarter(officer, district, figures, year_targets):
    results = _by_code(target_results(user=officer, unit=district, period=period_parse("2020-Q1")))
    # not the counts' caps (crime.cases, disaster.events), nor an indicator dated by a year (recognition)
    assert set(results) == {"traffic.accidents", "crime.clearance_rate", "social_evil.cases", "traffic.injured",
                            "models.active"}  # fmt: skip
    accidents = results["traffic.accidents"]
    assert (accidents.value, accidents.comparison) == (1, 2)  # Q1 2020 against Q1 2019: down 50 %
    assert accidents.status == "exceeded"
    assert accidents.comparison_period == period_parse("2019-Q1")
    assert results["crime.clearance_rate"].value == 100.0  # both crimes of the first quarter solved


def test_the_targets_of_another_year_do_not_judge_this_one(officer, leader, district, figures):
    a_target(leader, district, year=2021)
    assert target_results(user=officer, unit=district, period=period_parse("2020")) == []


def test_a_target_whose_code_left_the_catalogue_is_unknown(officer, leader, district):
    Target.objects.create(unit=district, year=2020, indicator="crime.old_code", kind="reduce", created_by=leader)
    [result] = target_results(user=officer, unit=district, period=period_parse("2020"))
    assert result.status == "unknown" and result.indicator is None
    assert "crime.old_code" in result.phrase_vi


def test_results_stay_in_the_users_scope(hong_son_leader, district, year_targets):
    with pytest.raises(NotFound):
        target_results(user=hong_son_leader, unit=district, period=period_parse("2020"))


def test_an_indicator_set_given_for_another_period_is_refused(officer, district, year_targets):
    figures_ = indicator_set(user=officer, unit=district, period=period_parse("2019"))
    with pytest.raises(ValueError):
        target_results(user=officer, unit=district, period=period_parse("2020"), figures=figures_)


def test_a_deleted_target_is_not_judged(officer, leader, district, figures, year_targets):
    target_delete(user=leader, target=year_targets["crime.cases"])
    codes = {r.target.indicator for r in target_results(user=officer, unit=district, period=period_parse("2020"))}
    assert "crime.cases" not in codes


# Handed down (#23) ----------------------------------------------------------------------------------------------


def test_a_communes_year_takes_the_districts_targets_unless_it_sets_its_own(leader, officer, district, ma_lam,
                                                                             hong_son, make_user):  # fmt: skip
    a_target(leader, district, indicator="traffic.accidents", kind="reduce_by_pct", value="5")
    a_target(leader, district, indicator="crime.social_order.clearance_rate", kind="at_least", value="75")
    a_target(leader, ma_lam, indicator="traffic.accidents", kind="reduce_by_pct", value="10")  # its own, stricter
    for unit, day, dead in ((ma_lam, (2019, 3, 1), 0), (ma_lam, (2020, 3, 1), 0), (ma_lam, (2020, 4, 1), 0),
                            (hong_son, (2019, 5, 1), 1), (hong_son, (2019, 6, 1), 0)):  # fmt: skip
        incident_create(user=officer, unit=unit, kind="traffic", occurred_at=local(*day, 8), summary="Va chạm",
                        dead=dead, injured=1)  # fmt: skip

    commune_officer = make_user(Role.OFFICER, hong_son)
    judged = {r.target.indicator: r
              for r in target_results(user=commune_officer, unit=hong_son, period=period_parse("2020"))}  # fmt: skip
    accidents = judged["traffic.accidents"]
    assert accidents.inherited and accidents.target.unit == district and accidents.target.value == 5
    # Xã Hồng Sơn: 2 accidents in 2019, none in 2020 — an independent count, down 100 %: past the 5 % asked.
    assert (accidents.value, accidents.comparison, accidents.status) == (0, 2, "exceeded")
    assert accidents.as_dict()["inherited_from"] == district.name
    assert judged["crime.social_order.clearance_rate"].inherited

    own = {r.target.indicator: r for r in target_results(user=leader, unit=ma_lam, period=period_parse("2020"))}
    assert not own["traffic.accidents"].inherited and own["traffic.accidents"].target.value == 10
    assert (own["traffic.accidents"].value, own["traffic.accidents"].comparison) == (2, 1)  # up: missed
    assert own["traffic.accidents"].status == "missed"
    assert [t.unit for t in targets_for(user=leader, unit=hong_son, year=2020)] == []  # its own list stays empty


# While the year runs (#23: on track, with the gap) -------------------------------------------------------------


def _count(unit, kind, start, end, **where) -> int:
    """An independent count: the records themselves, by the local days they happened on (both included)."""
    return Incident.objects.filter(unit=unit, kind=kind, occurred_at__gte=local(*start, 0, 0),
                                   occurred_at__lt=local(*end, 0, 0) + timedelta(days=1), **where).count()  # fmt: skip


def test_a_running_year_is_judged_so_far_then_finally_when_it_ends(officer, leader, district, ma_lam, time_machine):
    """On 1/7/2020 (day 183 of 366) the year's targets are judged on the records up to that day, the comparisons on
    the same days of 2019; from 2021 the same targets are judged on the whole years."""
    time_machine.move_to(datetime(2020, 7, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    for day in ((2019, 2, 3), (2019, 3, 9), (2019, 6, 1), (2019, 9, 20), (2020, 2, 11), (2020, 5, 2), (2020, 6, 20)):
        incident_create(user=officer, unit=ma_lam, kind="traffic", occurred_at=local(*day, 18),
                        summary="Va chạm xe máy trên QL28", dead=0, injured=1)  # fmt: skip
    for month, solved in ((1, True), (3, True), (6, False)):
        incident_create(user=officer, unit=ma_lam, kind="crime", category="social_order",
                        occurred_at=local(2020, month, 5, 9), summary="Trộm cắp tài sản", solved=solved)  # fmt: skip
    for code, kind, value in (("traffic.accidents", "reduce_by_pct", "20"), ("traffic.accidents", "at_most", "5"),
                              ("traffic.injured", "at_most", "10"), ("crime.cases", "at_most", "2"),
                              ("crime.clearance_rate", "at_least", "70"), ("disaster.events", "at_most", "0"),
                              ("recognised.commune", "at_least", "100")):  # fmt: skip
        a_target(leader, district, indicator=code, kind=kind, value=value)

    def judged():
        return {(r.target.indicator, r.target.kind): r
                for r in target_results(user=officer, unit=district, period=period_parse("2020"))}  # fmt: skip

    running = judged()
    so_far = _count(ma_lam, "traffic", (2020, 1, 1), (2020, 7, 1))
    same_days = _count(ma_lam, "traffic", (2019, 1, 1), (2019, 7, 1))
    whole_2019 = _count(ma_lam, "traffic", (2019, 1, 1), (2019, 12, 31))
    assert (so_far, same_days, whole_2019) == (3, 3, 4)
    reduce = running["traffic.accidents", "reduce_by_pct"]
    assert reduce.running and reduce.as_of == date(2020, 7, 1)
    assert (reduce.value, reduce.comparison) == (so_far, same_days)  # not the whole of 2019, which would read −25 %
    assert reduce.comparison_period == period_parse("2019-01-01..2019-07-01")
    assert reduce.status == "at_risk" and reduce.met is False
    assert reduce.phrase_vi == "có nguy cơ không đạt chỉ tiêu (so với cùng kỳ: không đổi, chỉ tiêu kéo giảm 20%)"

    cap = running["traffic.accidents", "at_most"]
    pace = so_far * 366 / 183
    assert cap.projected == round(pace, 1) and pace > 5
    assert (cap.status, cap.margin) == ("at_risk", 5 - so_far)  # 2 more before the cap is passed
    assert cap.phrase_vi == "có nguy cơ không đạt chỉ tiêu (3 vụ đến nay, ước cả năm 6 vụ, chỉ tiêu không quá 5 vụ)"
    injured = running["traffic.injured", "at_most"]
    assert (injured.value, injured.status) == (so_far, "on_track")  # one hurt in each accident: 6 in the year ≤ 10
    crimes = _count(ma_lam, "crime", (2020, 1, 1), (2020, 7, 1))
    assert running["crime.cases", "at_most"].value == crimes == 3
    assert running["crime.cases", "at_most"].status == "missed"  # the cap is passed: final
    solved = _count(ma_lam, "crime", (2020, 1, 1), (2020, 7, 1), solved=True)
    rate = running["crime.clearance_rate", "at_least"]
    assert rate.value == pytest.approx(100 * solved / crimes, abs=0.05) and rate.status == "at_risk"
    assert rate.projected is None  # a rate has no pace
    assert running["disaster.events", "at_most"].status == "on_track"
    assert running["recognised.commune", "at_least"].status == "unknown"
    assert running["traffic.accidents", "at_most"].as_dict()["running"] is True

    time_machine.move_to(datetime(2021, 1, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    final = judged()
    assert not final["traffic.accidents", "reduce_by_pct"].running
    reduce = final["traffic.accidents", "reduce_by_pct"]
    assert (reduce.comparison, reduce.status) == (whole_2019, "exceeded")  # 3 against the whole of 2019's 4: −25 %
    assert final["traffic.accidents", "at_most"].status == "met"
    assert final["crime.clearance_rate", "at_least"].status == "missed"
    assert final["disaster.events", "at_most"].status == "met"
