"""build_context: the report's data, from the indicators, for the demo district and for edge cases."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.core.errors import NotFound
from antoan.incidents.services import incident_create
from antoan.indicators.periods import period_parse
from antoan.indicators.selectors import indicator_children, indicator_set
from antoan.reports.context import build_context
from antoan.reports.services import report_draft_save, report_profile_save

LEGACY = date(2020, 1, 1)


def all_paragraphs(report) -> list[str]:
    found = []

    def walk(sections):
        for section in sections:
            found.extend(section.paragraphs)
            walk(section.subsections)

    walk(report.sections)
    return found


def text_of(report) -> str:
    return "\n".join(all_paragraphs(report))


@pytest.fixture
def leader(make_user, unit):
    return make_user(Role.LEADER, unit("597", LEGACY), username="lanhdao.htb")


def test_the_demo_district_report_shows_the_seed_figures(leader, unit):
    """Hàm Thuận Bắc 2020 (the seed report): 44 vs 49 criminal cases, 54 vs 57 traffic accidents, 17 communes
    recognised, 75 officers deployed, 9 Kỷ niệm chương."""
    from antoan.site.demo import demo_seed

    demo_seed()
    htb = unit("597", LEGACY)
    report = build_context(user=leader, unit=htb, period=period_parse("2020"), issued_on=date(2021, 1, 27))
    text = text_of(report)
    assert "Số vụ phạm pháp hình sự xảy ra 44 vụ, giảm 05 vụ (-10,2%) so với năm 2019 (49 vụ)" in text
    assert "Số vụ tai nạn giao thông xảy ra 54 vụ, giảm 03 vụ (-5,3%) so với năm 2019 (57 vụ)" in text
    assert "17/17 xã, phường, thị trấn (100%)" in text
    assert "75 người" in text
    assert '09 cá nhân được Bộ Công an tặng Kỷ niệm chương "Bảo vệ an ninh Tổ quốc"' in text
    assert report.place_date == "Hàm Thuận Bắc, ngày 27 tháng 01 năm 2021"
    assert report.issuer_lines == ("ỦY BAN NHÂN DÂN", "HUYỆN HÀM THUẬN BẮC")
    assert report.subject.endswith("năm 2020; phương hướng, nhiệm vụ năm 2021")
    assert [s.number for s in report.sections] == ["I", "II", "III", "IV"]
    # Table cells are the indicator values.
    figures = indicator_set(user=leader, unit=htb, period=period_parse("2020"))
    security = next(t for t in report.tables() if t.key == "an_ninh")
    row = next(r for r in security.rows if r[0] == "Tổng số vụ án, vụ việc hình sự (mọi nhóm tội phạm)")
    assert row[2:4] == (figures.figure("crime.cases").value, figures.figure("crime.cases").comparison) == (44, 49)
    assert {c.key for c in report.charts()} == {"xu_huong", "so_sanh", "theo_don_vi"}
    assert not report.empty
    # The chart by commune: each commune's own figures, as its own indicator set gives them.
    by_unit = next(c for c in report.charts() if c.key == "theo_don_vi")
    communes = indicator_children(user=leader, unit=htb)
    assert len(by_unit.labels) == len(communes) == 17
    for index, commune in enumerate(communes):
        own = indicator_set(user=leader, unit=commune, period=period_parse("2020"), codes=["crime.cases",
                            "traffic.accidents"])  # fmt: skip
        crimes, accidents = (series[1][index] for series in by_unit.series)
        assert (crimes, accidents) == (own.figure("crime.cases").value, own.figure("traffic.accidents").value)
    assert sum(by_unit.series[0][1]) == 44 and sum(by_unit.series[1][1]) == 54


def test_a_unit_with_no_records_says_so(leader, unit):
    report = build_context(user=leader, unit=unit("23065", LEGACY), period=period_parse("2013"))
    assert report.empty
    assert "chưa có số liệu nào" in report.sections[0].paragraphs[0]
    assert report.sections[1].paragraphs and report.sections[2].paragraphs  # drafts still offered


def test_a_unit_outside_the_scope_is_not_found(make_user, unit):
    officer = make_user(Role.OFFICER, unit("23059"))
    with pytest.raises(NotFound):
        build_context(user=officer, unit=unit("23086"), period=period_parse("2026"))


def test_saved_words_replace_the_draft_and_the_profile_heads_the_document(leader, unit):
    htb = unit("597", LEGACY)
    period = period_parse("2020")
    report_draft_save(user=leader, unit=htb, period=period, shortcomings="Tồn tại A.\nTồn tại B.", tasks="Nhiệm vụ C.",
                      number="05")  # fmt: skip
    report_profile_save(user=leader, unit=htb, signer_name="Võ Minh Khang", sign_form="TM.",
                        issuer_lines="UBND TỈNH BÌNH THUẬN\nUBND HUYỆN HÀM THUẬN BẮC")  # fmt: skip
    report = build_context(user=leader, unit=htb, period=period)
    assert report.sections[1].paragraphs == ("Tồn tại A.", "Tồn tại B.")
    assert report.sections[2].paragraphs == ("Nhiệm vụ C.",)
    assert report.number == "Số: 05/BC-UBND"
    assert report.issuer_lines == ("UBND TỈNH BÌNH THUẬN", "UBND HUYỆN HÀM THUẬN BẮC")
    assert report.signature.signer == "Võ Minh Khang"
    assert report.signature.lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")


def test_the_draft_names_what_rose(leader, make_user, unit):
    ma_lam = unit("23059", LEGACY)
    officer = make_user(Role.OFFICER, ma_lam)
    for month in (3, 4):
        incident_create(user=officer, unit=ma_lam, kind="traffic", summary="TNGT", dead=1, injured=0,
                        occurred_at=timezone.make_aware(datetime(2020, month, 2, 8)))  # fmt: skip
    report = build_context(user=leader, unit=ma_lam, period=period_parse("2020"))
    shortcomings = " ".join(report.sections[1].paragraphs)
    assert "số vụ tai nạn giao thông tăng 02 vụ" in shortcomings
    assert any("kéo giảm tai nạn giao thông" in task for task in report.sections[2].paragraphs)


def test_a_period_report_is_shorter(leader, unit):
    report = build_context(user=leader, unit=unit("597", LEGACY), period=period_parse("2020-Q1"), kind="period")
    assert [s.number for s in report.sections] == ["I", "II", "III"]
    assert report.comparison_label == "cùng kỳ quý I/2019"
    assert report.sections[2].title == "Phương hướng, nhiệm vụ kỳ tới"


def test_citizens_tips_are_in_the_indicators_and_the_movement_section(make_user, unit):
    """Issue #7: tips received, handled, converted and the median time to first action, by commune and period,
    in the indicator catalogue and the report's movement section — the same numbers as the triage figures."""
    from antoan.portal.selectors import tip_figures
    from antoan.portal.services import tip_note, tip_submit

    ham_thuan = unit("23059")
    officer = make_user(Role.OFFICER, ham_thuan)
    when = clock.now()
    tips = [
        tip_submit(category="drugs", unit=ham_thuan, occurred_at=when, description=f"Tin báo {i}") for i in range(3)
    ]
    tip_note(user=officer, tip=tips[0], public_reply="Đã tiếp nhận, đang xác minh")
    period = period_parse(str(clock.today().year))
    figures = indicator_set(user=officer, unit=ham_thuan, period=period)
    [*_, total] = tip_figures(user=officer, date_from=period.start, date_to=period.end, unit=ham_thuan)
    assert figures.figure("tips.received").value == total.received == 3
    assert figures.figure("tips.converted").value == total.converted
    assert figures.figure("tips.median_minutes").value == total.median_minutes_to_first_action
    report = build_context(user=officer, unit=ham_thuan, period=period)
    movement = report.sections[0].subsections[1]
    assert any(p.startswith("Tiếp nhận 03 tin báo của nhân dân") for p in movement.paragraphs)
    table = next(t for t in report.tables() if t.key == "phong_trao")
    assert ("Tin báo của nhân dân tiếp nhận", "tin", 3) == next(r for r in table.rows if r[0].startswith("Tin báo"))[:3]


def test_each_special_period_says_what_happened_in_it(make_user, unit):
    """Tết 2020 (around 25/01) had a criminal case; the congress window of October none, but a fatal accident."""
    from antoan.indicators.periods import Period
    from antoan.indicators.window_services import special_window_create
    from antoan.reports.phrases import count_vi

    ma_lam = unit("23059", LEGACY)
    leader, officer = make_user(Role.LEADER, ma_lam), make_user(Role.OFFICER, ma_lam)
    special_window_create(user=leader, slug="dai-hoi-xv", name="Đại hội Đảng bộ huyện", unit=ma_lam,
                          start=date(2020, 10, 1), end=date(2020, 10, 20))  # fmt: skip
    incident_create(user=officer, unit=ma_lam, kind="crime", category="social_order", summary="Trộm cắp tài sản",
                    solved=False, occurred_at=timezone.make_aware(datetime(2020, 1, 26, 9)))  # fmt: skip
    incident_create(user=officer, unit=ma_lam, kind="traffic", summary="TNGT", dead=2, injured=0,
                    occurred_at=timezone.make_aware(datetime(2020, 10, 5, 8)))  # fmt: skip

    report = build_context(user=leader, unit=ma_lam, period=period_parse("2020"))
    (section,) = [s for s in report.sections[0].subsections if s.title.startswith("Bảo đảm an ninh, trật tự các dịp")]
    tet = Period.of_tet(2020)
    assert section.paragraphs == (
        f"{tet.label_vi}: xảy ra {count_vi(1)} vụ phạm pháp hình sự, {count_vi(0)} vụ tai nạn giao thông làm chết "
        f"{count_vi(0)} người.",
        f"Đại hội Đảng bộ huyện (01/10/2020 – 20/10/2020): xảy ra {count_vi(0)} vụ phạm pháp hình sự, "
        f"{count_vi(1)} vụ tai nạn giao thông làm chết {count_vi(2)} người.",
    )
