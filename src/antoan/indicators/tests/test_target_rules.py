"""How a target is judged and said (target_rules): every kind met, exceeded, missed and unknown, zeros, rates —
pure values, no database."""

from decimal import Decimal

import pytest

from antoan.indicators.target_rules import KINDS, Measure, judge, judge_so_far, number_text, statement

CASES = Measure("vụ", "cases")
RATE = Measure("%", "%", is_percent=True)


def said(kind, target, value, comparison=None, measure=CASES):
    return judge(kind=kind, target=target, value=value, comparison=comparison, measure=measure)


def test_numbers_are_written_as_vietnamese_reports_write_them():
    assert number_text(Decimal("82.50")) == "82,5"
    assert number_text(1500000) == "1.500.000"
    assert number_text(1500000, english=True) == "1,500,000"
    assert number_text(6.382978) == "6,38"
    assert number_text(Decimal("7.00")) == "7"
    assert number_text(-3) == "−3"


# At least N (a rate) ------------------------------------------------------------------------------------------


def test_a_clearance_rate_above_its_target_exceeds_it_by_the_points_between():
    result = said("at_least", Decimal("75"), 82.0, measure=RATE)
    assert result.status == "exceeded"
    assert result.margin == Decimal("7.0")
    assert result.phrase_vi == "vượt chỉ tiêu 7%"
    assert result.phrase_en == "exceeded the target by 7 percentage points"
    assert (result.detail_vi, result.detail_en) == ("cao hơn chỉ tiêu 7%", "7 percentage points above it")


def test_a_rate_equal_to_its_target_meets_it():
    result = said("at_least", 75, 75.0, measure=RATE)
    assert (result.status, result.phrase_vi, result.phrase_en) == ("met", "đạt chỉ tiêu", "met the target")
    assert result.detail_vi == ""


def test_a_rate_under_its_target_misses_it_saying_both_figures():
    result = said("at_least", 75, 70.6, measure=RATE)
    assert result.status == "missed"
    assert result.phrase_vi == "không đạt chỉ tiêu (70,6%, chỉ tiêu 75%)"
    assert result.margin == Decimal("-4.4")


def test_no_rate_cannot_be_judged():
    result = said("at_least", 75, None, measure=RATE)
    assert result.status == "unknown"
    assert result.phrase_vi == "Chưa đủ số liệu để đánh giá"


def test_at_least_a_count_exceeded_is_said_in_the_measure():
    result = said("at_least", 20, 25, measure=Measure("buổi", "sessions"))
    assert (result.status, result.phrase_vi, result.phrase_en) == (
        "exceeded",
        "vượt chỉ tiêu 5 buổi",
        "exceeded the target by 5 sessions",
    )


# At most N ----------------------------------------------------------------------------------------------------


def test_at_most_is_met_under_or_at_the_cap_never_exceeded():
    under = said("at_most", 50, 40)
    assert under.status == "met"
    assert under.phrase_vi == "đạt chỉ tiêu (40 vụ, chỉ tiêu không quá 50 vụ)"
    assert said("at_most", 50, 50).status == "met"


def test_at_most_is_missed_over_the_cap():
    over = said("at_most", 50, 55)
    assert over.status == "missed"
    assert over.phrase_vi == "không đạt chỉ tiêu (55 vụ, chỉ tiêu không quá 50 vụ)"
    assert over.phrase_en == "missed the target (55 cases, target at most 50 cases)"
    assert over.margin == -5


def test_none_allowed_and_none_happened_is_met():
    result = said("at_most", 0, 0)
    assert (result.status, result.phrase_vi) == ("met", "đạt chỉ tiêu (không để xảy ra)")
    assert said("at_most", 0, 1).status == "missed"


# Reduce by at least N % ---------------------------------------------------------------------------------------


def test_reduced_by_more_than_asked_exceeds():
    result = said("reduce_by_pct", 5, 46, 50)  # down 8 %
    assert result.status == "exceeded"
    assert result.phrase_vi == "vượt chỉ tiêu (kéo giảm 8%, chỉ tiêu 5%)"
    assert result.detail_vi == "kéo giảm 8%, chỉ tiêu 5%"
    assert result.margin == 3


def test_reduced_by_exactly_what_was_asked_meets():
    result = said("reduce_by_pct", 5, 57, 60)
    assert (result.status, result.phrase_vi) == ("met", "đạt chỉ tiêu (kéo giảm 5%)")


def test_reduced_by_less_than_asked_misses_naming_both():
    result = said("reduce_by_pct", 5, 97, 100)
    assert result.status == "missed"
    assert result.phrase_vi == "không đạt chỉ tiêu (kéo giảm 3%, chỉ tiêu 5%)"
    assert result.phrase_en == "missed the target (down 3%, target 5%)"


def test_a_rise_against_a_reduction_target_misses_saying_it_rose():
    result = said("reduce_by_pct", 5, 54, 50)
    assert result.phrase_vi == "không đạt chỉ tiêu (tăng 8%, chỉ tiêu kéo giảm 5%)"
    assert said("reduce_by_pct", 5, 50, 50).phrase_vi == "không đạt chỉ tiêu (không đổi, chỉ tiêu kéo giảm 5%)"


def test_a_reduction_from_zero_is_met_only_when_nothing_happened_again():
    assert said("reduce_by_pct", 5, 0, 0).status == "met"
    rose = said("reduce_by_pct", 5, 2, 0)
    assert (rose.status, rose.phrase_vi) == ("missed", "không đạt chỉ tiêu (tăng từ 0 lên 2 vụ)")


def test_a_reduction_needs_the_year_before():
    assert said("reduce_by_pct", 5, 40, None).status == "unknown"
    assert said("reduce", None, 40, None).status == "unknown"


def test_a_fractional_reduction_is_compared_exactly_and_shown_to_two_decimals():
    result = said("reduce_by_pct", 5, 44, 47)  # 6.3829… %
    assert result.status == "exceeded"
    assert result.phrase_vi == "vượt chỉ tiêu (kéo giảm 6,38%, chỉ tiêu 5%)"
    assert said("reduce_by_pct", Decimal("6.39"), 44, 47).status == "missed"


# Increase by at least N % -------------------------------------------------------------------------------------


def test_increase_by_percent_met_exceeded_and_missed():
    assert said("increase_by_pct", 10, 11, 10).status == "met"
    assert said("increase_by_pct", 10, 15, 10).phrase_vi == "vượt chỉ tiêu (tăng 50%, chỉ tiêu 10%)"
    fell = said("increase_by_pct", 10, 8, 10)
    assert (fell.status, fell.phrase_vi) == ("missed", "không đạt chỉ tiêu (giảm 20%, chỉ tiêu tăng 10%)")


def test_an_increase_from_zero_is_met_by_anything_at_all():
    assert said("increase_by_pct", 10, 3, 0).status == "met"
    assert said("increase_by_pct", 10, 0, 0).status == "missed"


# Without a number ----------------------------------------------------------------------------------------------


def test_reduce_needs_a_fall():
    fell = said("reduce", None, 44, 49)
    assert (fell.status, fell.phrase_vi) == ("met", "đạt chỉ tiêu (giảm 5 vụ, 10,2%)")
    assert fell.phrase_en == "met the target (down 5 cases, 10.2%)"
    same = said("reduce", None, 49, 49)
    assert (same.status, same.phrase_vi) == ("missed", "không đạt chỉ tiêu (không đổi, 49 vụ)")
    assert said("reduce", None, 50, 49).phrase_vi == "không đạt chỉ tiêu (tăng 1 vụ, 2%)"


def test_reduce_with_nothing_in_either_year_is_met():
    result = said("reduce", None, 0, 0)
    assert (result.status, result.phrase_vi) == ("met", "đạt chỉ tiêu (cả hai kỳ đều không có)")


def test_not_increase_holds_or_falls_and_increase_rises():
    assert said("not_increase", None, 49, 49).status == "met"
    assert said("not_increase", None, 50, 49).status == "missed"
    assert said("increase", None, 50, 49).status == "met"
    assert said("increase", None, 49, 49).status == "missed"


def test_a_rate_that_moves_is_said_in_points():
    result = said("reduce", None, 10.0, 12.5, measure=RATE)
    assert result.phrase_vi == "đạt chỉ tiêu (giảm 2,5 điểm %)"
    assert result.change_pct is None


# Statements -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, value, vi, en",
    [
        ("at_most", 0, "không để xảy ra", "none"),
        ("at_most", 50, "không quá 50 vụ", "at most 50 cases"),
        ("at_least", 20, "đạt từ 20 vụ trở lên", "at least 20 cases"),
        ("reduce_by_pct", 5, "kéo giảm ít nhất 5% so với năm trước", "down at least 5% on the year before"),
        ("reduce", None, "kéo giảm so với năm trước", "lower than the year before"),
        ("not_increase", None, "kiềm chế, không để tăng so với năm trước", "no higher than the year before"),
        ("increase_by_pct", 10, "tăng ít nhất 10% so với năm trước", "up at least 10% on the year before"),
        ("increase", None, "tăng so với năm trước", "higher than the year before"),
    ],
)
def test_each_kind_is_stated_as_a_plan_states_it(kind, value, vi, en):
    assert statement(kind, value, CASES) == vi
    assert statement(kind, value, CASES, english=True) == en


def test_a_rate_of_a_hundred_percent_is_stated_plainly():
    assert statement("at_least", 100, RATE) == "đạt 100%"
    assert statement("at_least", 75, RATE) == "đạt từ 75% trở lên"


def test_every_kind_has_a_rule_and_a_statement():
    from antoan.indicators.models import TargetKind

    assert set(KINDS) == set(TargetKind.values)


# While the period runs (#23: on track, with the gap) ------------------------------------------------------------


def so_far(kind, target, value, comparison=None, measure=CASES, projected=None):
    return judge_so_far(kind=kind, target=target, value=value, comparison=comparison, measure=measure,
                        projected=projected)  # fmt: skip


def test_a_cap_kept_at_the_pace_so_far_is_on_track_with_the_room_left():
    result = so_far("at_most", 15, 12, projected=Decimal("12.85"))
    assert (result.status, result.margin) == ("on_track", Decimal(3))
    assert result.phrase_vi == "dự kiến đạt chỉ tiêu (12 vụ đến nay, ước cả năm 13 vụ, chỉ tiêu không quá 15 vụ)"
    assert result.phrase_en == ("on track to meet the target (12 cases so far, about 13 cases for the year, "
                                "target at most 15 cases)")  # fmt: skip


def test_a_cap_the_pace_would_pass_is_at_risk_and_one_already_passed_is_missed():
    risky = so_far("at_most", 10, 8, projected=Decimal("16.04"))
    assert (risky.status, risky.margin) == ("at_risk", Decimal(2))
    assert risky.phrase_vi.startswith("có nguy cơ không đạt chỉ tiêu (8 vụ đến nay, ước cả năm 16 vụ")
    passed = so_far("at_most", 10, 11, projected=Decimal("22"))
    assert (passed.status, passed.margin) == ("missed", Decimal(-1))  # later days cannot bring it back
    assert so_far("at_most", 0, 1, projected=Decimal("2")).status == "missed"
    nothing = so_far("at_most", 0, 0, projected=Decimal("0"))
    assert (nothing.status, nothing.phrase_vi) == ("on_track", "dự kiến đạt chỉ tiêu (chưa để xảy ra)")


def test_a_floor_reached_is_final_and_one_short_is_judged_by_its_pace():
    assert so_far("at_least", 40, 45, projected=Decimal("60")).status == "exceeded"
    assert so_far("at_least", 40, 40, projected=Decimal("60")).status == "met"
    pace = so_far("at_least", 40, 20, projected=Decimal("40.1"))
    assert (pace.status, pace.margin) == ("on_track", Decimal(-20))  # still 20 to do
    slow = so_far("at_least", 40, 10, projected=Decimal("20"))
    assert (slow.status, slow.margin) == ("at_risk", Decimal(-30))


def test_a_rate_so_far_is_judged_as_it_stands_never_final():
    ahead = so_far("at_least", 75, 80.0, measure=RATE)
    assert (ahead.status, ahead.margin) == ("on_track", Decimal("5.0"))
    assert ahead.phrase_vi == "dự kiến đạt chỉ tiêu (80% đến nay, chỉ tiêu 75%)"
    behind = so_far("at_least", 75, 70.0, measure=RATE)
    assert (behind.status, behind.detail_en) == ("at_risk", "70% so far, target 75%")


def test_a_comparison_so_far_is_with_the_same_days_of_the_year_before():
    result = so_far("reduce_by_pct", 5, 9, 10)
    assert result.status == "on_track"
    assert result.phrase_vi == "dự kiến đạt chỉ tiêu (so với cùng kỳ: kéo giảm 10%, chỉ tiêu 5%)"
    assert so_far("reduce", None, 10, 10).status == "at_risk"
    assert so_far("not_increase", None, 10, 10).status == "on_track"


def test_without_a_figure_a_running_target_is_unknown():
    assert so_far("at_most", 5, None, projected=None).status == "unknown"
    assert so_far("reduce", None, 3, None).status == "unknown"
