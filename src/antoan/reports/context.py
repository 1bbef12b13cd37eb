"""build_context: everything a report says, gathered from the selectors into one `Report` (plain data).

The structure is that of a real year-end review (báo cáo tổng kết, docs/reports.md): an opening with the basis and the
days counted; I. Kết quả (1 lãnh đạo, chỉ đạo — 2 an ninh chính trị — 3 trật tự, an toàn xã hội — 4 trật tự, an toàn
giao thông — 5 phòng, chống thiên tai và tìm kiếm cứu nạn — 6 phong trào Toàn dân bảo vệ an ninh Tổ quốc);
II. Đánh giá chung (ưu điểm, tồn tại hạn chế, nguyên nhân, bài học kinh nghiệm); III. Phương hướng, nhiệm vụ (the
targets set and the tasks, naming the known events); IV. Đề xuất, kiến nghị. A period report is the shorter form.

The renderers (docx, pdf, html, xlsx) take the Report and never query the database. Every sentence with a figure is
written from the indicator set (the dashboard's figures), so a report and the dashboard cannot disagree.
"""

from dataclasses import replace
from datetime import date
from functools import partial

from antoan.accounts.models import User
from antoan.assessment.selectors import units_not_recognised
from antoan.core import clock
from antoan.core.parallel_reads import run_reads
from antoan.indicators.periods import Period
from antoan.indicators.selectors import (
    IndicatorSet,
    black_spot_list,
    indicator_children,
    indicator_set,
    indicator_trends,
    indicator_unit,
)
from antoan.reports import drafting, results
from antoan.reports.document import Report, Section, Signature
from antoan.reports.facts import Facts, counted_period, period_labels
from antoan.reports.models import ChartPlacement
from antoan.reports.opening import default_issue_day, next_label, next_period, opening, subject
from antoan.reports.phrases import date_line
from antoan.reports.plans import judged_targets, known_events, next_year_targets
from antoan.reports.profiles import report_profile
from antoan.units.models import Unit

ROMAN = ("I", "II", "III", "IV", "V", "VI")
# A unit whose period (and the one before) has none of these has nothing recorded: the report says so plainly.
EVIDENCE = ("crime.cases", "social_evil.cases", "traffic.accidents", "disaster.events", "officers.deployed",
            "traffic.patrols", "propaganda.sessions", "signs.repaired", "signs.installed", "models.active",
            "models.inspections", "exemplars", "commendations", "tips.received", "plans.total", "ratings",
            "security.events", "fire.events", "wanted.handled", "weapons.handed_in", "documents.issued",
            "conferences.held", "rescues.operations", *(f"weapons.{kind}" for kind in results.WEAPON_NAMES),
            *(f"results.{kind}" for kind in results.MOVEMENT_RESULTS))  # fmt: skip


def build_context(
    *, user: User, unit: Unit, period: Period, kind: str = "annual", issued_on: date | None = None
) -> Report:
    """The report of `unit` for `period` ("annual": the full review; "period": the shorter one)."""
    if unit is None:
        unit = indicator_unit(user=user, unit=None)  # raises: a report is always for a unit
    indicator_unit(user=user, unit=unit)
    today = clock.today()
    counted = counted_period(period, today)
    # The reads the sections are written from share nothing: side by side on PostgreSQL (core/parallel_reads.py).
    reads = [
        partial(indicator_set, user=user, unit=unit, period=counted),
        partial(black_spot_list, user=user, unit=unit, period=counted),
        partial(indicator_trends, user=user, unit=unit, year=period.end.year, codes=list(results.TREND_CODES)),
        partial(results.special_period_figures, user=user, unit=unit, period=counted),
    ]
    result, spots, trends, windows = run_reads(reads)
    result, compared = _comparable(result)
    this_label, before_label = period_labels(period, counted)
    facts = Facts(unit, period, counted, result, this_label, before_label)
    children = [c for c in indicator_children(user=user, unit=unit) if c.pk != unit.pk]
    profile = report_profile(unit, [c.name for c in children])
    judged = judged_targets(user=user, unit=unit, period=period)  # judged up to today while it runs
    following = next_period(period)
    grounds = drafting.Grounds(
        facts=facts,
        kind=kind,
        spots=spots,
        unrecognised=units_not_recognised(user=user, unit=unit, year=period.end.year),
        missed_targets=judged.missed,
        met_targets=judged.met,
        events_this=known_events(user=user, start=counted.start, end=counted.end),
        events_next=known_events(user=user, start=following[0], end=following[1]),
        next_label=next_label(period),
    )
    saved = drafting.saved_draft(unit=unit, period_code=period.code)
    draft = drafting.draft_for(saved=saved, grounds=grounds)
    issued_on = issued_on or draft.issued_on or default_issue_day(period, today)

    charts = results.traffic_charts(user, facts, trends) if profile.chart_placement != ChartPlacement.NONE else ()
    inline = charts if profile.chart_placement == ChartPlacement.INLINE else ()
    empty = not any(result.figure(code).value or result.figure(code).comparison for code in EVIDENCE)
    body = [
        results.leadership(facts, _editable(draft, "leadership")),
        results.political(facts, _editable(draft, "political"), windows),
        results.social_order(facts, judged.by_code),
        results.traffic(facts, spots, judged.by_code, inline),
        results.disaster(facts),
        results.movement(user, facts, [c.name for c in children], judged.by_code),
    ]
    body = [section for section in body if section is not None]
    if empty:
        body = [s for s in body if s.editable or s.number in ("1", "2")]
        body.append(Section("", "", paragraphs=(
            f"Trong {this_label}, trên địa bàn không xảy ra vụ phạm pháp hình sự, tai nạn giao thông hay thiên tai gây "
            "thiệt hại; không phát sinh vụ việc phức tạp về an ninh, trật tự.",
        )))  # fmt: skip
    sections = [
        Section(ROMAN[0], _results_title(kind, this_label), subsections=_numbered(body)),
        _review(kind, draft),
        _plan(kind, draft, next_label(period), user=user, unit=unit, period=period),
    ]
    proposals = draft["proposals"]
    if proposals:
        sections.append(Section("", "Đề xuất, kiến nghị", paragraphs=proposals, editable="proposals"))
    sections = [s for s in sections if s is not None]
    sections = [replace(s, number=ROMAN[i]) for i, s in enumerate(sections)]
    appendix = ()
    if charts and profile.chart_placement == ChartPlacement.APPENDIX:
        appendix = (Section("", "Phụ lục: biểu đồ", charts=charts),)
    return Report(
        kind=kind,
        unit_code=unit.code,
        unit_name=unit.name,
        period_code=period.code,
        period_label=this_label,
        comparison_label=before_label,
        issuer_lines=profile.issuer_lines,
        number=f"Số: {draft.number or '      '}/{profile.number_suffix}",
        place_date=date_line(profile.place, issued_on),
        title="BÁO CÁO",
        subject=subject(kind, facts),
        sections=tuple(sections),
        recipients=profile.recipients,
        signature=Signature(profile.sign_form, "Ủy ban nhân dân", profile.signer_title, profile.signer_name),
        issued_on=issued_on,
        empty=empty,
        opening=opening(kind, facts, profile.opening),
        appendix=appendix,
        admin_notes=_admin_notes(result, compared, profile, empty, spots, facts),
        parts=draft.parts,
    )


def _editable(draft: drafting.Draft, part: str) -> tuple[str, ...]:
    return draft[part]


def _comparable(result: IndicatorSet) -> tuple[IndicatorSet, bool]:
    """A comparison year with no record at all (the unit started recording after it) is no comparison: its zeros
    would read "tăng 75 người so với năm 2019". Its figures become None and the sentences compare with nothing."""
    if any(result.figure(code).comparison and result.figure(code).comparison_history is None for code in EVIDENCE):
        return result, True
    # No record of the comparison year: only what old reports gave for it (indicators.history) is compared.
    figures = tuple(f if f.comparison_history is not None else replace(f, comparison=None) for f in result.figures)
    return replace(result, figures=figures), any(f.comparison_history is not None for f in result.figures)


def _numbered(sections: list[Section]) -> tuple[Section, ...]:
    """Section I's subsections numbered 1, 2, … in the order they are printed (an omitted one leaves no gap); an
    unnamed paragraph block keeps no number."""
    numbered, n = [], 0
    for section in sections:
        if section.title:
            n += 1
            numbered.append(replace(section, number=str(n)))
        else:
            numbered.append(section)
    return tuple(numbered)


def _results_title(kind: str, this_label: str) -> str:
    return f"Kết quả thực hiện {this_label}" if kind == "annual" else f"Tình hình, kết quả {this_label}"


def _review(kind: str, draft: drafting.Draft) -> Section:
    if kind != "annual":
        return Section("", "Tồn tại, hạn chế và nguyên nhân", subsections=_numbered([
            Section("", "Tồn tại, hạn chế", paragraphs=draft["shortcomings"], editable="shortcomings"),
            Section("", "Nguyên nhân", paragraphs=draft["causes"], editable="causes"),
        ]))  # fmt: skip
    parts = [("strengths", "Ưu điểm"), ("shortcomings", "Tồn tại, hạn chế"), ("causes", "Nguyên nhân"),
             ("lessons", "Bài học kinh nghiệm")]  # fmt: skip
    return Section("", "Đánh giá chung", subsections=_numbered([
        Section("", title, paragraphs=draft[part], editable=part) for part, title in parts if draft[part]
    ]))  # fmt: skip


def _plan(kind: str, draft: drafting.Draft, following: str, *, user: User, unit: Unit, period: Period) -> Section:
    title = f"Phương hướng, nhiệm vụ {following}" if kind == "annual" else f"Nhiệm vụ trọng tâm {following}"
    targets = next_year_targets(user=user, unit=unit, year=period.end.year + 1) if kind == "annual" else []
    if not targets:
        return Section("", title, paragraphs=draft["tasks"], editable="tasks")
    return Section("", title, subsections=(
        Section("1", "Mục tiêu, chỉ tiêu", paragraphs=("Phấn đấu:", *(f"- {line}" for line in targets))),
        Section("2", "Nhiệm vụ, giải pháp", paragraphs=draft["tasks"], editable="tasks"),
    ))  # fmt: skip


def _admin_notes(result, compared: bool, profile, empty: bool, spots, facts: Facts) -> tuple[str, ...]:
    notes = []
    if result.mapping:
        notes.append(result.mapping.message.vi)
    if not compared:
        notes.append(f"{facts.before_label.capitalize()} không có bản ghi nào: báo cáo không so sánh với kỳ này.")
    if empty:
        notes.append("Đơn vị chưa có bản ghi nào trong kỳ: kiểm tra lại số liệu trước khi trình ký.")
    if not profile.signer_name:
        notes.append('Chưa có họ tên người ký: nhập ở mục "Thể thức" của trang báo cáo.')
    if spots.rule and not getattr(spots.rule, "verified", True):
        notes.append(f"Tiêu chí điểm đen chưa đối chiếu văn bản: {spots.rule.source}.")
    return tuple(notes)
