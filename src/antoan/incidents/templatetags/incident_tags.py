"""How a record's values read on a page: labels of codes, dd/mm/yyyy, 1.500.000, yes or no.

Every value is returned as plain text; templates escape it like anything else.
"""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from antoan.incidents.categories import (
    IncidentKind,
    IncidentStatus,
    accident_cause_find,
    category_label,
    drug_substance_find,
    fire_cause_find,
    offence_find,
)
from antoan.incidents.models import GRAVITY_LABEL, DuplicateState, Incident
from antoan.incidents.services import KIND_FIELDS
from antoan.incidents.severity import severity_label

register = template.Library()

EMPTY = "—"
CHOICE_LABELS = {
    "kind": dict(IncidentKind.choices),
    "status": dict(IncidentStatus.choices),
    "duplicate_state": dict(DuplicateState.choices),
}
RELATED = ("unit", "duplicate_of", "created_by", "updated_by")
HIDDEN_IN_HISTORY = frozenset({"id", "created_at", "created_by"})


def _label(field: str) -> str:
    if field == "gravity":
        return str(GRAVITY_LABEL)
    try:
        return capfirst(str(Incident._meta.get_field(field).verbose_name))
    except Exception:  # a field that no longer exists, in old history
        return field


def display(kind: str, field: str, value, *, unit_names: dict | None = None) -> str:
    """One value of a record of `kind` as text."""
    if value is None or value == "":
        return EMPTY
    if field == "solved":
        return _("Solved") if value else _("Not solved")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
    if isinstance(value, date):
        return formats.date_format(value, "d/m/Y")
    if field == "category":
        return category_label(kind, value)
    if field in ("severity", "gravity"):  # the same codes (categories.CRIME_GRAVITIES)
        return severity_label(value)
    if field in LISTED:
        found = LISTED[field](value)
        return found.label if found else value
    if field in CHOICE_LABELS:
        return str(CHOICE_LABELS[field].get(value, value))
    if field in RELATED:
        pk = getattr(value, "pk", value)
        names = unit_names or {}
        return names.get(pk, f"#{pk}") if field == "unit" else f"#{pk}"
    if isinstance(value, float):  # coordinates: written as the inputs and the map take them
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return str(value)


# Fields holding a code of a controlled list, and how to find its label.
LISTED = {"fire_cause": fire_cause_find, "accident_cause": accident_cause_find, "offence": offence_find,
          "drug_substance": drug_substance_find}  # fmt: skip


@register.filter
def shown_changes(changes: list) -> list:
    """The changes worth reading: not the record's id nor who created it when (the entry says that)."""
    return [c for c in changes if c.field not in HIDDEN_IN_HISTORY]


@register.filter
def incident_category(incident: Incident) -> str:
    return category_label(incident.kind, incident.category) if incident.category else ""


@register.filter
def severity_name(code: str) -> str:
    return severity_label(code) if code else ""


@register.simple_tag
def incident_facts(incident: Incident) -> list[tuple[str, str]]:
    """(label, value) for every field the record's kind uses, empty ones included (as —)."""
    names = ["category", *KIND_FIELDS[incident.kind]]
    facts = [(_label(n), display(incident.kind, n, getattr(incident, n))) for n in names]
    if incident.kind == IncidentKind.TRAFFIC:
        facts.append((_label("severity"), display(incident.kind, "severity", incident.severity)))
    return facts


@register.simple_tag(takes_context=True)
def audit_value(context, field: str, value) -> str:
    """A value of the audit history (before or after a change); commune ids read as the commune's name."""
    incident = context.get("incident")
    kind = incident.kind if incident is not None else ""
    return display(kind, field, value, unit_names=context.get("unit_names"))
