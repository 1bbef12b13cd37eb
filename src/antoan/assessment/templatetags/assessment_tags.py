"""How assessment values read on a page. Every value is returned as plain text; templates escape it."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from antoan.assessment.criteria import subject_label
from antoan.assessment.ratings import grade_choices, grade_label
from antoan.assessment.selectors import percent

register = template.Library()

HIDDEN_IN_HISTORY = frozenset({"id", "created_at", "created_by", "assessment", "updated_at", "updated_by"})


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def bilingual(message) -> str:
    """A core.errors.Message in the reader's language."""
    return message.en if _english() else message.vi


@register.filter
def subject_name(code: str) -> str:
    return subject_label(code) if code else ""


@register.filter
def rating_grade(rating) -> str:
    return grade_label(rating.scale, rating.grade)


@register.filter
def shown_changes(changes: list) -> list:
    return [c for c in changes if c.field not in HIDDEN_IN_HISTORY]


@register.filter
def audit_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@register.filter
def share_pct(row) -> str:
    return row.share(vi=not _english())


@register.simple_tag
def history_value(field: str, value, unit=None) -> str:
    """One value of an audit entry as text: the unit's name, the subject type's and grade's labels, a share
    in per cent, points per criterion."""
    if value is None or value == "":
        return "—"
    if field == "unit" and unit is not None and value == unit.pk:
        return unit.name
    if field == "subject_type":
        return subject_label(value)
    if field == "grade":
        return dict(grade_choices()).get(value, value)
    if field == "share_min_bp":
        return percent(int(value), 10_000, vi=not _english())
    return audit_text(value)
