"""Writes of the reports app: a report's own words (sections II and III, its number) and a unit's profile."""

from django.db import transaction

from antoan.accounts.models import Role, User
from antoan.core.values import to_text
from antoan.indicators.periods import Period
from antoan.reports.models import ReportDraft, ReportProfile, SignForm
from antoan.units.models import Unit
from antoan.units.scope import scope_require

TEXT_LIMIT = 20000
# Officers draft the report, leaders sign it: both may edit its words and its heading.
EDITORS = frozenset({Role.OFFICER, Role.LEADER})


@transaction.atomic
def report_draft_save(
    *, user: User, unit: Unit, period: Period, shortcomings: str, tasks: str, number: str = ""
) -> ReportDraft:
    """Save the officials' words for one report (audited); the next rendering in any format prints them."""
    scope_require(user=user, unit=unit, roles=EDITORS)
    values = {
        "shortcomings": to_text(shortcomings, field="shortcomings", max_length=TEXT_LIMIT, multiline=True),
        "tasks": to_text(tasks, field="tasks", max_length=TEXT_LIMIT, multiline=True),
        "number": to_text(number, field="number", max_length=20),
    }
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
    from antoan.core.errors import DomainError

    scope_require(user=user, unit=unit, roles=EDITORS)
    limits = {"issuer_lines": 500, "number_suffix": 50, "place": 100, "signer_title": 100, "signer_name": 100,
              "recipients": 2000}  # fmt: skip
    unknown = set(fields) - set(limits) - {"sign_form"}
    if unknown:
        raise DomainError.single(sorted(unknown)[0], "Trường không sửa được", "Not an editable field")
    clean = {
        k: to_text(v, field=k, max_length=limits[k], multiline=k in ("issuer_lines", "recipients"))
        for k, v in fields.items()
        if k in limits
    }
    if "sign_form" in fields:
        if fields["sign_form"] not in SignForm.values:
            raise DomainError.single("sign_form", "Hình thức ký không hợp lệ (TM., KT. hoặc để trống)",
                                     "Signing form must be TM., KT. or empty")  # fmt: skip
        clean["sign_form"] = fields["sign_form"]
    profile = ReportProfile.objects.select_for_update().filter(unit=unit).first() or ReportProfile(unit=unit)
    for key, value in clean.items():
        setattr(profile, key, value)
    profile.updated_by = user
    profile._history_user = user
    profile.save()
    return profile
