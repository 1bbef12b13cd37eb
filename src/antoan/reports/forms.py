"""What a caller asks for — a unit, a year (the annual report) or a period (the period report) — read the same
way by the page, the API and the command line; and the two forms of the report page (the report's own words,
the unit's heading and signature)."""

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from antoan.accounts.models import User
from antoan.core.errors import DomainError
from antoan.core.forms import TextField
from antoan.core.values import to_date, year_check
from antoan.indicators.periods import Period, period_parse
from antoan.indicators.selectors import indicator_unit, indicator_unit_param
from antoan.reports.models import ChartPlacement, SignForm
from antoan.units.models import Unit

YEAR = re.compile(r"(st)?(\d{4})")


@dataclass(frozen=True)
class ReportQuery:
    unit: Unit
    period: Period
    kind: str  # "annual" (a year) or "period"

    @property
    def params(self) -> dict[str, str]:
        """The query string that names this report again (the page, the download links); a unit of the old
        hierarchy is read on its last day, as its code may name a new unit today."""
        key = "year" if self.kind == "annual" else "period"
        by_code = self.kind == "period" or self.period.kind == "stat_year"
        value = self.period.code if by_code else str(self.period.end.year)
        params = {"unit": self.unit.code, key: value}
        if self.unit.valid_to is not None:
            params["on"] = self.unit.valid_to.isoformat()
        return params


def clean(value) -> str:
    return ("" if value is None else str(value)).replace("\x00", "").strip()


def report_year(value) -> Period:
    """The year of an annual report: the calendar year ("2020") or the police statistical year ("st2020", 15/12/2019 –
    14/12/2020), YEAR_MIN–YEAR_MAX — the full review either way."""
    text = clean(value)
    found = YEAR.fullmatch(text)
    if not found:
        raise DomainError.single(
            "year",
            f"Năm '{text[:20]}' không hợp lệ (bốn chữ số, ví dụ 2020; năm thống kê: st2020)",
            f"'{text[:20]}' is not a year (e.g. 2020; a statistical year: st2020)",
        )
    year = year_check(int(found[2]))
    return Period.of_stat_year(year) if found[1] else Period.of_year(year)


def report_query(*, user: User, unit, year=None, period=None, on=None) -> ReportQuery:
    """The report a request names: `unit` (a Unit, or an official code read today or on `on` — an old unit's
    code is found on its last day), and either `year` (the annual summary report) or `period` (a period code: 2020-Q1,
    2020-03, st2020, …; the shorter period report). Raises DomainError (NotFound for a unit out of scope)."""
    code = "" if isinstance(unit, Unit) else clean(unit)
    if "@" in code:  # the page's unit picker: "23059@2025-06-30", a code and the day it is read on
        code, _at, on = code.partition("@")
    if not code and not isinstance(unit, Unit):
        raise DomainError.single(
            "unit", "Chọn đơn vị cần báo cáo (mã đơn vị)", "Choose the unit to report on (its code)"
        )
    has_year, has_period = bool(clean(year)), bool(clean(period))
    if has_year and has_period:
        raise DomainError.single("period", "Chọn năm hoặc kỳ báo cáo, không chọn cả hai",
                                 "Give a year or a period, not both")  # fmt: skip
    if not has_year and not has_period:
        raise DomainError.single("year", "Chọn năm (year=2020) hoặc kỳ báo cáo (period=2020-Q1)",
                                 "Give a year (year=2020) or a period (period=2020-Q1)")  # fmt: skip
    chosen = report_year(year) if has_year else period_parse(clean(period), user=user)
    if isinstance(unit, Unit):
        found = indicator_unit(user=user, unit=unit)
    else:
        found = indicator_unit_param(user=user, code=code, on=to_date(clean(on) or None, field="on"))
    return ReportQuery(unit=found, period=chosen, kind="annual" if has_year else "period")


def default_year(today: date) -> int:
    """The year an annual report is most likely wanted for: the reviews start in November (the movement's
    ratings close on 20 and 30/11), so from November on this year, before that the year just ended."""
    return today.year if today.month >= 11 else today.year - 1


def lines(values) -> str:
    return "\n".join(values)


def _part(label) -> TextField:
    return TextField(label=label, widget=forms.Textarea(attrs={"rows": 6}), help_text=_("One paragraph per line."))


class DraftForm(forms.Form):
    """The parts of one report that need judgement (reports/drafting.PARTS), its number and its date: one paragraph
    per line; an emptied part prints the system's draft again."""

    number = TextField(
        label=_("Document number"),
        widget=forms.TextInput(attrs={"maxlength": 20}),
        help_text=_("The number before the symbol, e.g. 05"),
    )
    issued_on = TextField(
        label=_("Date of issue"),
        widget=forms.TextInput(attrs={"maxlength": 10, "placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        help_text=_("dd/mm/yyyy; empty: the first working day after the period ends (or today, if earlier)"),
    )
    leadership = _part(_("I.1. Leadership and direction"))
    political = _part(_("I.2. Political security"))
    strengths = _part(_("II.1. Strengths"))
    shortcomings = _part(_("II.2. Shortcomings and limitations"))
    causes = _part(_("II.3. Causes (objective, subjective)"))
    lessons = _part(_("II.4. Lessons learnt"))
    tasks = _part(_("III. Tasks and measures for the next period"))
    proposals = _part(_("IV. Proposals"))


class ProfileForm(forms.Form):
    """How the unit's reports are headed and signed (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""

    issuer_lines = TextField(
        label=_("Issuing body (one line each, the last in bold)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    number_suffix = TextField(label=_("Document symbol"), help_text=_("e.g. BC-UBND"))
    place = TextField(label=_("Place name in the date line"))
    sign_form = TextField(label=_("Signing form"), widget=forms.Select(choices=SignForm.choices))
    signer_title = TextField(label=_("Signer's title"), help_text=_("e.g. CHỦ TỊCH, PHÓ CHỦ TỊCH"))
    signer_name = TextField(label=_("Signer's name"))
    recipients = TextField(label=_("Recipients (one line each)"), widget=forms.Textarea(attrs={"rows": 6}))
    opening = TextField(
        label=_("Basis of the report (opening)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. Thực hiện Kế hoạch số 15/KH-UBND ngày 20/01/2020 của UBND huyện …; empty: the usual wording"),
    )
    chart_placement = TextField(label=_("Charts"), widget=forms.Select(choices=ChartPlacement.choices))

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}
