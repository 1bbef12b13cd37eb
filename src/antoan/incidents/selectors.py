"""Reads of the incident registry, always scoped to what the user may see."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import NotFound
from antoan.core.filters import Choice, Day, Filters, Flag, Text, param
from antoan.incidents.categories import CATEGORIES, IncidentKind, IncidentStatus
from antoan.incidents.models import DuplicateState, Incident
from antoan.incidents.severity import severity_choices
from antoan.units.models import Unit
from antoan.units.scope import Scope, user_scope
from antoan.units.selectors import VisibleUnit


def _category_codes() -> list[str]:
    return [category.code for categories in CATEGORIES.values() for category in categories]


def _severity_codes() -> list[str]:
    return [code for code, _label in severity_choices()]


@dataclass(frozen=True)
class IncidentFilters(Filters):
    """What a list is narrowed to; the same for the web list, the API and the export (core.filters)."""

    kind: str = param(Choice(IncidentKind.values), default="")
    category: str = param(Choice(_category_codes), default="")
    unit: Unit | None = param(VisibleUnit())  # its subtree, and across the 2025 reorganisation the other side of it
    date_from: date | None = param(Day())
    date_to: date | None = param(Day())
    severity: str = param(Choice(_severity_codes), default="")
    solved: bool | None = param(Flag())
    status: str = param(Choice(IncidentStatus.values), default="")
    duplicates: bool = param(Flag(), default=False)  # only records flagged as possible duplicates
    q: str = param(Text(), default="")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def incident_list(*, user: User, filters: IncidentFilters | None = None) -> QuerySet:
    """The records the user may see, narrowed by `filters`, newest first."""
    filters = filters or IncidentFilters()
    incidents = Incident.objects.filter(user_scope(user=user).q("unit"))
    if filters.unit is not None:
        incidents = incidents.filter(Scope.of_units([filters.unit]).q("unit"))
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.date_from:
        incidents = incidents.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        incidents = incidents.filter(occurred_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.severity:
        incidents = incidents.filter(severity=filters.severity)
    if filters.solved is not None:
        incidents = incidents.filter(solved=filters.solved)
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.duplicates:
        incidents = incidents.filter(duplicate_state=DuplicateState.FLAGGED)
    if filters.q:
        incidents = incidents.filter(
            Q(summary__icontains=filters.q) | Q(address__icontains=filters.q) | Q(external_id=filters.q)
        )
    return incidents.select_related("unit").order_by("-occurred_at", "-pk")


def incident_get(*, user: User, pk: int, deleted_too: bool = False) -> Incident:
    """A record the user may see; with `deleted_too`, an administrator also gets a deleted one (its page shows
    that it was deleted, and offers to restore it)."""
    rows = Incident.all_objects if deleted_too and user_is_admin(user=user) else Incident.objects
    incident = (
        rows.filter(user_scope(user=user).q("unit"), pk=pk)
        .select_related("unit", "unit__parent", "created_by", "updated_by", "duplicate_of")
        .first()
    )
    if incident is None:
        raise NotFound.single("incident", "Không tìm thấy sự việc", "Record not found")
    return incident


def incident_can_write(*, user: User, incident: Incident) -> bool:
    return not incident.is_deleted and user_scope(user=user, write=True).covers(incident.unit)


def incident_history(*, user: User, incident: Incident) -> list[AuditEntry]:
    """The audit trail of a record `user` may read (as incident_get, a deleted one only for an administrator), as the
    caller read it: the page's own incident_get, not read again (its four joins were a fifth of the page's time)."""
    readable = user_scope(user=user).covers(incident.unit) and (not incident.is_deleted or user_is_admin(user=user))
    if not readable:
        raise NotFound.single("incident", "Không tìm thấy sự việc", "Record not found")
    return audit_entries(Incident.history.filter(id=incident.pk), excluded=("updated_at", "updated_by"))


def incident_unit_choices(*, user: User) -> QuerySet:
    """Units to narrow a list to: the user's own units and the communes in them (for an administrator
    without memberships, the provinces)."""
    scope = user_scope(user=user)
    if scope.everything and not user.memberships.exists():
        return Unit.objects.filter(kind="province", parent__isnull=True).order_by("hierarchy", "name")
    roots = list(Unit.objects.filter(memberships__user=user).distinct())
    # One indexed query per condition (ids_any): ORed, they made PostgreSQL read all 14,149 units.
    conditions = [Q(pk__in=[root.pk for root in roots])]
    conditions += [Q(path__startswith=root.path, kind="commune") for root in roots]
    return Unit.objects.filter(pk__any=Unit.objects.ids_any(conditions)).order_by("path")


def incident_copies(*, user: User, incident: Incident) -> QuerySet:
    """Records flagged as possible duplicates of `incident`, that the user may see."""
    return incident_list(user=user).filter(duplicate_of=incident, duplicate_state=DuplicateState.FLAGGED)
