"""Writes of the reports app: a report's own words (sections II and III, its number) and a unit's profile."""

from django.db import transaction

from antoan.accounts.models import Role, User
from antoan.core.errors import DomainError
from antoan.core.values import to_date, to_text, year_check
from antoan.indicators.periods import Period
from antoan.reports.models import ChartPlacement, ReportDraft, ReportProfile, SignForm
from antoan.units.models import Unit
from antoan.units.scope import scope_require

TEXT_LIMIT = 20000
# Officers draft the report, leaders sign it: both may edit its words and its heading.
EDITORS = frozenset({Role.OFFICER, Role.LEADER})


@transaction.atomic
def report_draft_save(
    *, user: User, unit: Unit, period: Period, number: str = "", issued_on=None, **parts
) -> ReportDraft:
    """Save the officials' words for one report, its number and its date (audited); the next rendering in any format
    prints them. `parts` are the texts of reports/drafting.PARTS; a part not given keeps what was saved."""
    from antoan.reports.drafting import PARTS

    scope_require(user=user, unit=unit, roles=EDITORS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise DomainError.single(sorted(unknown)[0], "Không phải một phần của báo cáo", "Not a part of the report")
    values = {part: to_text(text, field=part, max_length=TEXT_LIMIT, multiline=True) for part, text in parts.items()}
    values["number"] = to_text(number, field="number", max_length=20)
    day = to_date(issued_on, field="issued_on")
    if day is not None:
        year_check(day.year, field="issued_on")
        if day < period.start:
            raise DomainError.single(
                "issued_on",
                f"Ngày ban hành ({day:%d/%m/%Y}) trước ngày đầu kỳ báo cáo ({period.start:%d/%m/%Y})",
                f"The date of issue ({day:%d/%m/%Y}) is before the period begins ({period.start:%d/%m/%Y})",
            )
    values["issued_on"] = day
    draft = ReportDraft.objects.select_for_update().filter(unit=unit, period_code=period.code).first()
    if draft is None:
        draft = ReportDraft(unit=unit, period_code=period.code)
    elif all(getattr(draft, k) == v for k, v in values.items()):
        return draft
    for key, value in values.items():
        setattr(draft, key, value)
    draft.updated_by = user
    draft._history_user = user
    draft.save()
    return draft


@transaction.atomic
def report_profile_save(*, user: User, unit: Unit, **fields) -> ReportProfile:
    """How the unit's reports are headed and signed (audited)."""
    scope_require(user=user, unit=unit, roles=EDITORS)
    limits = {"issuer_lines": 500, "number_suffix": 50, "place": 100, "signer_title": 100, "signer_name": 100,
              "recipients": 2000, "opening": 2000}  # fmt: skip
    unknown = set(fields) - set(limits) - {"sign_form", "chart_placement"}
    if unknown:
        raise DomainError.single(sorted(unknown)[0], "Trường không sửa được", "Not an editable field")
    clean = {
        k: to_text(v, field=k, max_length=limits[k], multiline=k in ("issuer_lines", "recipients", "opening"))
        for k, v in fields.items()
        if k in limits
    }
    if "sign_form" in fields:
        if fields["sign_form"] not in SignForm.values:
            raise DomainError.single("sign_form", "Hình thức ký không hợp lệ (TM., KT. hoặc để trống)",
                                     "Signing form must be TM., KT. or empty")  # fmt: skip
        clean["sign_form"] = fields["sign_form"]
    if fields.get("chart_placement"):  # not given: as it was
        if fields["chart_placement"] not in ChartPlacement.values:
            raise DomainError.single("chart_placement", "Cách đặt biểu đồ không hợp lệ (inline, appendix, none)",
                                     "Charts go inline, in an appendix, or nowhere")  # fmt: skip
        clean["chart_placement"] = fields["chart_placement"]
    profile = ReportProfile.objects.select_for_update().filter(unit=unit).first() or ReportProfile(unit=unit)
    for key, value in clean.items():
        setattr(profile, key, value)
    profile.updated_by = user
    profile._history_user = user
    profile.save()
    return profile
