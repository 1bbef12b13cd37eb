"""Reads of the incident registry, always scoped to what the user may see."""

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import DomainError, Message, NotFound
from antoan.core.values import is_empty, to_bool, to_date
from antoan.incidents.categories import IncidentKind, IncidentStatus
from antoan.incidents.models import DuplicateState, Incident
from antoan.units.models import Unit
from antoan.units.scope import Scope, user_scope


@dataclass(frozen=True)
class IncidentFilters:
    """What a list is narrowed to; the same for the web list, the API and the export."""

    kind: str = ""
    category: str = ""
    unit: Unit | None = None  # its subtree, and across the 2025 reorganisation the other side of it
    date_from: date | None = None
    date_to: date | None = None
    severity: str = ""
    solved: bool | None = None
    status: str = ""
    duplicates: bool = False  # only records flagged as possible duplicates
    q: str = ""

    @classmethod
    def from_params(cls, params, *, user: User) -> "IncidentFilters":
        """From query parameters (strings); an unknown value gets a bilingual error naming the parameter."""
        errors: dict[str, Message] = {}
        values: dict = {}

        def take(name, convert):
            raw = (params.get(name) or "").replace("\x00", "")  # never meant; PostgreSQL refuses it
            if is_empty(raw):
                return
            try:
                values[name] = convert(raw.strip())
            except DomainError as exc:
                errors.update(exc.errors)

        def choice(name, allowed):
            def check(raw):
                if raw not in allowed:
                    raise DomainError.single(name, f"Giá trị '{raw}' không hợp lệ", f"Unknown value '{raw}'")
                return raw

            return check

        take("kind", choice("kind", IncidentKind.values))
        take("status", choice("status", IncidentStatus.values))
        take("category", lambda raw: raw)
        take("severity", lambda raw: raw)
        take("q", lambda raw: raw[:200])
        take("date_from", lambda raw: to_date(raw, field="date_from"))
        take("date_to", lambda raw: to_date(raw, field="date_to"))
        take("solved", lambda raw: to_bool(raw, field="solved"))
        take("duplicates", lambda raw: bool(to_bool(raw, field="duplicates")))

        def unit_of(raw):
            if not raw.isdigit():
                raise DomainError.single("unit", f"Đơn vị '{raw}' không hợp lệ", f"Invalid unit '{raw}'")
            unit = Unit.objects.filter(user_scope(user=user).q(), pk=int(raw)).first()
            if unit is None:
                raise NotFound.single("unit", "Không tìm thấy đơn vị", "Unit not found")
            return unit

        take("unit", unit_of)
        if errors:
            raise DomainError(errors)
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        """Back to query parameters (for pagination and export links)."""
        params = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, "", False):
                continue
            if isinstance(value, Unit):
                value = value.pk
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "1" if value else "0"
            params[f.name] = str(value)
        return params


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
