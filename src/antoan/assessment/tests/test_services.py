"""Recording assessments and ratings: the result is computed, never typed; every refusal is bilingual."""

import json
from datetime import date

import pytest

from antoan.accounts.models import Role
from antoan.assessment import criteria
from antoan.assessment.criteria import criteria_sets
from antoan.assessment.models import Assessment, AssessmentCriterion, Rating
from antoan.assessment.selectors import (
    assessment_get,
    assessment_history,
    assessment_history_of_unit,
    assessment_result,
)
from antoan.assessment.services import assessment_delete, assessment_record, rating_delete, rating_record
from antoan.assessment.shares import recognition_shares
from antoan.assessment.tests.conftest import points_for, results_for
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.units.locks import period_lock
from antoan.units.services import establishment_create

pytestmark = pytest.mark.django_db


def recognised(user, assessment) -> bool:
    return assessment_result(assessment_get(user=user, pk=assessment.pk)).recognised


def assess(user, unit, year=2026, **kwargs):
    subject = kwargs.pop("subject", "residential_area" if unit.kind == "establishment" else "commune")
    results = kwargs.pop("results", None) or results_for(subject, year, failed=kwargs.pop("failed", ()))
    assessment, _ = assessment_record(user=user, unit=unit, year=year, results=results, **kwargs)
    return assessment


# Recognition ------------------------------------------------------------------------------------------------


def test_a_residential_area_passing_every_criterion_is_recognised(officer, ham_thuan, establishment):
    area = establishment(ham_thuan, "Khu phố 1")
    assessment = assess(officer, area)
    assert (assessment.subject_type, assessment.criteria_set) == ("residential_area", "tt124_2021_tt48_2025")
    assert recognised(officer, assessment)


def test_one_failed_criterion_means_not_recognised(officer, ham_thuan, establishment):
    area = establishment(ham_thuan, "Khu phố 2")
    assessment = assess(officer, area, failed=("KDC.4",))
    result = assessment_result(assessment_get(user=officer, pk=assessment.pk))
    assert not result.recognised
    assert result.failed_codes == ("KDC.4",)
    assert "KDC.4" in result.lines[0].vi


def test_commune_with_two_of_three_residential_areas_recognised_is_not(officer, ham_thuan, establishment):
    areas = [establishment(ham_thuan, f"Thôn {n}") for n in (1, 2, 3)]
    for area in areas[:2]:
        assess(officer, area)
    assess(officer, areas[2], failed=("KDC.1",))
    commune = assess(officer, ham_thuan)
    result = assessment_result(assessment_get(user=officer, pk=commune.pk))
    assert result.criteria_passed and not result.recognised
    assert (result.area_recognised, result.area_total) == (2, 3)
    assert "2/3 khu dân cư (66,6%)" in result.lines[1].vi and "below the 70% minimum" in result.lines[1].en


def test_commune_becomes_recognised_when_its_last_residential_area_is(officer, ham_thuan, establishment):
    areas = [establishment(ham_thuan, f"Thôn {n}") for n in (1, 2, 3)]
    for area in areas[:2]:
        assess(officer, area)
    commune = assess(officer, ham_thuan)
    assert not recognised(officer, commune)
    assess(officer, areas[2])  # assessed after the commune: counted at once
    assert recognised(officer, commune)


def test_residential_areas_of_another_year_do_not_count(officer, ham_thuan, establishment):
    area = establishment(ham_thuan, "Thôn 1")
    assess(officer, area, year=2025)
    commune = assess(officer, ham_thuan, year=2026)
    assert not recognised(officer, commune)


def test_commune_without_residential_areas_says_so_and_is_not_recognised(officer, ham_thuan):
    commune = assess(officer, ham_thuan)
    result = assessment_result(assessment_get(user=officer, pk=commune.pk))
    assert not result.recognised
    assert "chưa có khu dân cư nào" in result.lines[1].vi
    assert "has no residential areas" in result.lines[1].en


def test_agency_has_no_share_rule(officer, ham_thuan, establishment):
    agency = establishment(ham_thuan, "UBND xã", "agency")
    assessment = assess(officer, agency, subject="agency")
    assert assessment.share_min_bp is None and recognised(officer, assessment)


# Refusals ---------------------------------------------------------------------------------------------------


def test_unknown_and_missing_criteria_are_named(officer, ham_thuan):
    results = results_for("commune", 2026)
    del results["XA.2"]
    results["XA.9"] = {"passed": True, "evidence": ""}
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    errors = caught.value.errors
    assert "Không có tiêu chí 'XA.9'" in errors["XA.9"].vi and "no criterion 'XA.9'" in errors["XA.9"].en
    assert "Thiếu kết quả tiêu chí XA.2" in errors["XA.2"].vi
    assert not Assessment.objects.exists()


def test_a_typed_result_is_refused(officer, ham_thuan):
    results = {**results_for("commune", 2026), "recognised": {"passed": True}}
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    assert "recognised" in caught.value.errors
    results = results_for("commune", 2026)
    results["XA.1"] = {"passed": True, "recognised": True}
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    assert "recognised" in caught.value.errors["XA.1"].vi
    with pytest.raises(TypeError):
        assessment_record(
            user=officer, unit=ham_thuan, year=2026, results=results_for("commune", 2026), recognised=True
        )


def test_passed_needs_a_yes_or_no(officer, ham_thuan):
    results = results_for("commune", 2026)
    results["XA.1"]["passed"] = "có lẽ"
    results["XA.2"]["passed"] = ""
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    assert set(caught.value.errors) == {"XA.1", "XA.2"}


def test_form_strings_are_accepted(officer, ham_thuan, establishment):
    area = establishment(ham_thuan, "Thôn 1")
    results = {
        code: {"passed": "có", "evidence": "  Biên bản\u200b số 1  "} for code in results_for("residential_area", 2026)
    }
    assessment, _ = assessment_record(user=officer, unit=area, year="2026", results=results)
    assert assessment.year == 2026
    assert set(assessment.criteria.values_list("evidence", flat=True)) == {"Biên bản số 1"}


def test_a_set_that_does_not_cover_the_subject_type_is_refused(
    officer, ham_thuan, establishment, tmp_path, monkeypatch
):
    for path in criteria.CRITERIA_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    only_communes = json.loads((tmp_path / "tt124_2021_tt48_2025.json").read_text(encoding="utf-8"))
    only_communes["code"] = "communes_only"
    only_communes["subjects"] = {"commune": only_communes["subjects"]["commune"]}
    (tmp_path / "communes_only.json").write_text(json.dumps(only_communes, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(criteria, "CRITERIA_DIR", tmp_path)
    criteria_sets.cache_clear()
    try:
        area = establishment(ham_thuan, "Thôn 1")
        with pytest.raises(DomainError) as caught:
            assessment_record(
                user=officer,
                unit=area,
                year=2026,
                results=results_for("residential_area", 2026),
                criteria_set="communes_only",
            )
    finally:
        criteria_sets.cache_clear()
    message = caught.value.errors["criteria_set"]
    assert "không áp dụng cho khu dân cư" in message.vi
    assert "does not cover a residential area" in message.en


def test_a_year_outside_the_named_sets_validity_is_refused(officer, ham_thuan):
    with pytest.raises(DomainError) as caught:
        assessment_record(
            user=officer, unit=ham_thuan, year=2026, results=results_for("commune", 2020), criteria_set="tt23_2012"
        )
    assert "2026" in caught.value.errors["year"].vi


def test_an_unknown_set_is_refused(officer, ham_thuan):
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=2026, results={}, criteria_set="tt99")
    assert "tt99" in caught.value.errors["criteria_set"].vi


@pytest.mark.parametrize("year", [2099, 1900, "hai nghìn"])
def test_impossible_years_are_refused(officer, ham_thuan, year):
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=year, results={})
    assert "year" in caught.value.errors


def test_a_commune_of_the_wrong_hierarchy_for_the_year_is_refused(officer, ham_thuan):
    with pytest.raises(DomainError) as caught:
        assessment_record(user=officer, unit=ham_thuan, year=2020, results=results_for("commune", 2020))
    assert "không tồn tại" in caught.value.errors["unit"].vi


def test_a_district_is_not_assessed(district_officer, district):
    with pytest.raises(DomainError) as caught:
        assessment_record(user=district_officer, unit=district, year=2020, results={})
    assert "chỉ đánh giá" in caught.value.errors["unit"].vi


def test_another_communes_officer_gets_not_found(make_user, hong_son, ham_thuan):
    other = make_user(Role.OFFICER, hong_son)
    with pytest.raises(NotFound):
        assessment_record(user=other, unit=ham_thuan, year=2026, results=results_for("commune", 2026))


def test_a_viewer_may_not_record(make_user, ham_thuan):
    viewer = make_user(Role.VIEWER, ham_thuan)
    with pytest.raises(Forbidden):
        assessment_record(user=viewer, unit=ham_thuan, year=2026, results=results_for("commune", 2026))


def test_a_locked_year_end_refuses_writes(officer, make_user, ham_thuan):
    assessment = assess(officer, ham_thuan)
    leader = make_user(Role.LEADER, ham_thuan)
    period_lock(user=leader, unit=ham_thuan, month=date(2026, 12, 1))
    with pytest.raises(DomainError) as caught:
        assess(officer, ham_thuan, failed=("XA.1",))
    assert "khóa" in caught.value.errors["year"].vi
    with pytest.raises(DomainError):
        assessment_delete(user=officer, assessment=assessment)


# One per unit and year, audited ------------------------------------------------------------------------------


def test_recording_again_updates_and_the_same_again_changes_nothing(officer, ham_thuan):
    results = results_for("commune", 2026)
    first, outcome = assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    assert outcome == "created"
    results["XA.4"] = {"passed": False, "evidence": "Xảy ra 01 vụ giết người"}
    second, outcome = assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    assert (second.pk, outcome, second.criteria_passed) == (first.pk, "updated", False)
    _, outcome = assessment_record(user=officer, unit=ham_thuan, year=2026, results=results)
    assert outcome == "unchanged"
    assert Assessment.objects.count() == 1
    row_history = AssessmentCriterion.history.filter(code="XA.4")
    assert [h.history_type for h in row_history.order_by("history_id")] == ["+", "~"]
    assert {h.history_user for h in row_history} == {officer}
    entries = assessment_history(user=officer, assessment=second)
    assert any(e.reason.startswith("XA.4") and e.change_type == "~" for e in entries)


def test_delete_is_audited(officer, ham_thuan):
    assessment = assess(officer, ham_thuan)
    assessment_delete(user=officer, assessment=assessment, reason="Nhập nhầm năm")
    assert not Assessment.objects.exists()
    # Deleted softly: kept with its criteria (its content), restorable by an administrator.
    assert Assessment.all_objects.get(pk=assessment.pk).deleted_by == officer
    assert AssessmentCriterion.objects.filter(assessment_id=assessment.pk).count() == len(assessment.criteria.all())
    deleted = Assessment.history.filter(id=assessment.pk).latest()
    assert (deleted.history_user, deleted.history_change_reason) == (officer, "Nhập nhầm năm")
    assert deleted.deleted_at is not None and deleted.delete_reason == "Nhập nhầm năm"


def test_the_units_results_over_the_years(officer, ham_thuan, ma_lam):
    assess(officer, ham_thuan, year=2026)
    assess(officer, ham_thuan, year=2025, failed=("XA.2",))
    assess(officer, ma_lam, year=2020)
    years = [a.year for a in assessment_history_of_unit(user=officer, unit=ham_thuan)]
    assert years == [2026, 2025]


# Shares under a district --------------------------------------------------------------------------------------


def test_all_17_communes_of_ham_thuan_bac_recognised_in_2020(district_officer, district, district_communes):
    assert len(district_communes) == 17
    for commune in district_communes:
        area = establishment_create(
            user=district_officer, commune=commune, name="Thôn 1", establishment_type="residential_area"
        )
        assess(district_officer, area, year=2020)
        assess(district_officer, commune, year=2020)
    school = establishment_create(
        user=district_officer,
        commune=district_communes[0],
        name="Trường THPT Hàm Thuận Bắc",
        establishment_type="school",
    )
    assess(district_officer, school, year=2020, subject="school", failed=("GD.4",))
    shares = recognition_shares(user=district_officer, unit=district, year=2020)
    communes = shares.row("commune")
    assert (communes.recognised, communes.total, communes.share(vi=True)) == (17, 17, "100%")
    assert shares.row("residential_area").recognised == 17
    assert (shares.row("school").assessed, shares.row("school").recognised) == (1, 0)
    assert "17/17 xã, phường, thị trấn (100%)" in shares.summary.vi
    assert "17/17 communes (100%)" in shares.summary.en


def test_shares_count_communes_not_assessed(district_officer, district, district_communes):
    assess(district_officer, district_communes[0], year=2020)
    row = recognition_shares(user=district_officer, unit=district, year=2020).row("commune")
    assert (row.total, row.assessed, row.recognised) == (17, 1, 0)


def test_shares_are_scoped(make_user, hong_son, district):
    other = make_user(Role.OFFICER, hong_son)
    with pytest.raises(NotFound):
        recognition_shares(user=other, unit=district, year=2020)


# Ratings ------------------------------------------------------------------------------------------------------


def test_rating_total_and_grade_are_computed(officer, ham_thuan):
    rating, outcome = rating_record(
        user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026, overrides={"A.1": "5"})
    )
    assert (outcome, rating.total, rating.max_total, rating.grade) == ("created", 97, 100, "excellent")
    rating, outcome = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026, each=6))
    assert (outcome, rating.total, rating.grade) == ("updated", 60, "average")
    assert Rating.objects.count() == 1


@pytest.mark.parametrize(("value", "fragment"), [(11, "từ 0 đến 8"), (-1, "số âm"), ("tám", "số nguyên")])
def test_points_outside_the_scale_name_the_criterion(officer, ham_thuan, value, fragment):
    with pytest.raises(DomainError) as caught:
        rating_record(
            user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026, overrides={"A.1": value})
        )
    assert fragment in caught.value.errors["A.1"].vi and caught.value.errors["A.1"].en
    assert not Rating.objects.exists()


def test_a_typed_total_or_grade_is_refused(officer, ham_thuan):
    with pytest.raises(DomainError) as caught:
        rating_record(
            user=officer, unit=ham_thuan, year=2026, points={**points_for("commune", 2026), "total": 100, "grade": "x"}
        )
    assert {"total", "grade"} <= set(caught.value.errors)
    assert "tính tự động" in caught.value.errors["total"].vi
    with pytest.raises(TypeError):
        rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026), total=100)


def test_a_missing_criterion_is_named(officer, ham_thuan):
    points = points_for("commune", 2026)
    del points["E.1"]
    with pytest.raises(DomainError) as caught:
        rating_record(user=officer, unit=ham_thuan, year=2026, points=points)
    assert "E.1" in caught.value.errors


def test_no_rating_scale_before_it_took_effect(district_officer, district_communes):
    with pytest.raises(DomainError) as caught:
        rating_record(user=district_officer, unit=district_communes[0], year=2020, points={})
    assert "2020" in caught.value.errors["year"].vi


def test_rating_scope_and_delete(officer, make_user, hong_son, ham_thuan):
    other = make_user(Role.OFFICER, hong_son)
    with pytest.raises(NotFound):
        rating_record(user=other, unit=ham_thuan, year=2026, points=points_for("commune", 2026))
    rating, _ = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026))
    with pytest.raises(NotFound):
        rating_delete(user=other, rating=rating)
    rating_delete(user=officer, rating=rating)
    assert not Rating.objects.filter(pk=rating.pk).exists()
    assert Rating.history.filter(id=rating.pk, deleted_at__isnull=False, history_user=officer).exists()


def test_a_year_is_assessed_up_to_this_one_and_not_the_next(today):
    from antoan.assessment.services import clean_year

    assert clean_year(str(today.year)) == today.year
    with pytest.raises(DomainError) as error:
        clean_year(str(today.year + 1))
    assert f"đến {today.year}" in error.value.errors["year"].vi
