"""The rules are data: each criteria set and rating scale names its source, and the code that applies them is
generic, so an amendment is a new file."""

import json
from datetime import date

import pytest

from antoan.assessment import criteria
from antoan.assessment.criteria import SubjectType, criteria_set_choose, criteria_sets
from antoan.assessment.ratings import rating_scales, rating_sheet_choose
from antoan.core.errors import DomainError


def test_every_criteria_set_names_its_source_dates_and_subjects():
    sets = criteria_sets()
    assert [s.code for s in sets] == ["tt23_2012", "tt124_2021", "tt124_2021_tt48_2025"]
    for criteria_set in sets:
        assert criteria_set.source.startswith("Thông tư")
        assert criteria_set.valid_from
        assert set(criteria_set.subjects) == set(SubjectType.values)
        for subject in criteria_set.subjects.values():
            assert "Điều" in subject.source
            assert 4 <= len(subject.criteria) <= 8
            assert all(c.vi and c.en for c in subject.criteria)
        assert criteria_set.subjects["commune"].residential_area_share_min == 0.7


def test_thong_tu_124_is_in_force_from_10_february_2022():
    tt124 = next(s for s in criteria_sets() if s.code == "tt124_2021")
    assert tt124.valid_from == date(2022, 2, 10)


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2020, "tt23_2012"), (2022, "tt124_2021"), (2024, "tt124_2021"), (2026, "tt124_2021_tt48_2025")],
)
def test_a_year_is_judged_by_the_set_in_force_when_its_window_closes(year, expected):
    chosen, _ = criteria_set_choose(subject_type="commune", year=year)
    assert chosen.code == expected


def test_evaluation_windows_come_from_the_data():
    _, area = criteria_set_choose(subject_type="residential_area", year=2023)
    _, commune = criteria_set_choose(subject_type="commune", year=2023)
    assert area.window.of_year(2023) == (date(2022, 11, 1), date(2023, 10, 31))
    assert commune.window.of_year(2023) == (date(2022, 11, 16), date(2023, 11, 15))


def test_a_named_set_out_of_force_for_the_year_is_refused_bilingually():
    with pytest.raises(DomainError) as caught:
        criteria_set_choose(subject_type="commune", year=2023, code="tt23_2012")
    message = caught.value.errors["year"]
    assert "hiệu lực" in message.vi and "in force" in message.en


def test_an_amendment_is_a_new_file(tmp_path, monkeypatch):
    for path in criteria.CRITERIA_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    amended = json.loads((tmp_path / "tt124_2021_tt48_2025.json").read_text(encoding="utf-8"))
    amended.update(code="amendment_2026", valid_from="2026-01-01", source="Thông tư 99/2026/TT-BCA")
    amended["subjects"]["commune"]["residential_area_share_min"] = 0.8
    (tmp_path / "amendment_2026.json").write_text(json.dumps(amended, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(criteria, "CRITERIA_DIR", tmp_path)
    criteria_sets.cache_clear()
    try:
        chosen, subject = criteria_set_choose(subject_type="commune", year=2026)
        assert (chosen.code, subject.residential_area_share_min) == ("amendment_2026", 0.8)
        assert criteria_set_choose(subject_type="commune", year=2025)[0].code == "tt124_2021_tt48_2025"
    finally:
        criteria_sets.cache_clear()


def test_the_rating_scale_adds_up_and_names_its_source():
    [scale] = rating_scales()
    assert scale.source.startswith("Quyết định 510/QĐ-BCA-V05")
    assert "checked against the decision" in scale.note
    _, sheet = rating_sheet_choose(subject_type="commune", year=2024)
    assert sheet.max_total == 100
    assert all(sum(c.max_points for c in g.criteria) == g.max_points for g in sheet.groups)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (89, "good"),
        (70, "good"),
        (69, "average"),
        (50, "average"),
        (49, "weak"),
        (0, "weak"),
    ],
)
def test_grade_thresholds(total, grade):
    [scale] = rating_scales()
    assert scale.grade_for(total).code == grade
