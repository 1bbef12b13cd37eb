"""build_context: everything a report says, gathered from the selectors into one `Report` (plain data).

The renderers (docx, pdf, html, xlsx) take the Report and never query the database. Every sentence with a
figure is written here from the indicators (phrases.py), so a report and the dashboard cannot disagree.
"""

from datetime import date
from functools import partial

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.parallel_reads import run_reads
from antoan.indicators.periods import Period
from antoan.indicators.selectors import IndicatorSet, black_spot_list, indicator_set, indicator_trends, indicator_unit
from antoan.reports import drafting
from antoan.reports.document import Report, Section, Signature
from antoan.reports.facts import Facts, period_labels
from antoan.reports.phrases import date_line
from antoan.reports.profiles import report_profile
from antoan.reports.sections import (
    TREND_CODES,
    charts,
    commendations,
    disaster,
    movement,
    security,
    special_period_figures,
    special_periods,
    traffic,
)
from antoan.units.models import Unit

ROMAN = ("I", "II", "III", "IV", "V", "VI")


def build_context(
    *, user: User, unit: Unit, period: Period, kind: str = "annual", issued_on: date | None = None
) -> Report:
    """The report of `unit` for `period` ("annual": the full summary report; "period": the shorter one)."""
    if unit is None:
        unit = indicator_unit(user=user, unit=None)  # raises: a report is always for a unit
    indicator_unit(user=user, unit=unit)
    # The reads the sections are written from share nothing: side by side on PostgreSQL (core/parallel_reads.py).
    reads = [
        partial(indicator_set, user=user, unit=unit, period=period),
        partial(black_spot_list, user=user, unit=unit, period=period),
    ]
    if kind == "annual":
        trends = partial(indicator_trends, user=user, unit=unit, year=period.end.year, codes=list(TREND_CODES))
        reads += [trends, partial(special_period_figures, user=user, unit=unit, period=period)]
    result, spots, *annual = run_reads(reads)
    this_label, before_label = period_labels(result)
    facts = Facts(unit, period, result, this_label, before_label)
    profile = report_profile(unit)
    draft = drafting.draft_for(user=user, unit=unit, period=period, facts=facts)
    empty = _is_empty(result)
    body = [
        security(facts),
        movement(user, facts),
        traffic(facts, spots),
        disaster(facts),
    ]
    figures = ()
    if kind == "annual":
        trends, windows = annual
        body.append(special_periods(windows))
        figures = charts(user, facts, trends)
    if empty:
        paragraphs = (
            f"Trong {this_label}, chưa có số liệu nào về an ninh, trật tự, trật tự an toàn giao thông, phòng chống "
            f"thiên tai và phong trào được ghi nhận cho {unit.name} trên hệ thống.",
        )
        results = Section(ROMAN[0], _results_title(kind, this_label), paragraphs=paragraphs)
    else:
        results = Section(ROMAN[0], _results_title(kind, this_label), charts=figures, subsections=tuple(body))
    next_label = f"năm {period.end.year + 1}" if kind == "annual" else "kỳ tới"
    sections = [
        results,
        Section(ROMAN[1], "Tồn tại, hạn chế và nguyên nhân", paragraphs=draft.shortcomings, editable="shortcomings"),
        Section(ROMAN[2], f"Phương hướng, nhiệm vụ {next_label}", paragraphs=draft.tasks, editable="tasks"),
    ]
    if kind == "annual":
        sections.append(commendations(user, facts))
    issued_on = issued_on or clock.today()
    notes = (result.mapping.message.vi,) if result.mapping else ()
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
        subject=_subject(kind, this_label, period),
        sections=tuple(sections),
        recipients=profile.recipients,
        signature=Signature(profile.sign_form, "Ủy ban nhân dân", profile.signer_title, profile.signer_name),
        issued_on=issued_on,
        empty=empty,
        notes=notes,
    )


def _results_title(kind: str, this_label: str) -> str:
    return f"Kết quả thực hiện {this_label}" if kind == "annual" else f"Tình hình, kết quả {this_label}"


def _subject(kind: str, this_label: str, period: Period) -> str:
    if kind == "annual":
        return (
            "Tổng kết công tác bảo đảm an ninh, trật tự, phong trào Toàn dân bảo vệ an ninh Tổ quốc, trật tự an toàn "
            f"giao thông, phòng chống thiên tai và tìm kiếm cứu nạn {this_label}; phương hướng, nhiệm vụ năm "
            f"{period.end.year + 1}"
        )
    return (
        "Kết quả công tác bảo đảm an ninh, trật tự, trật tự an toàn giao thông, phòng chống thiên tai "
        f"{this_label}; nhiệm vụ kỳ tới"
    )


EVIDENCE = ("crime.cases", "social_evil.cases", "traffic.accidents", "disaster.events", "officers.deployed",
            "traffic.patrols", "propaganda.sessions", "signs.repaired", "signs.installed", "models.active",
            "models.inspections", "exemplars", "commendations", "tips.received", "plans.total", "ratings")  # fmt: skip


def _is_empty(result: IndicatorSet) -> bool:
    return not any(result.figure(code).value for code in EVIDENCE)
