"""Reads of the tip portal. Officers' reads are scoped to their units; the public reads one thing only:
a tip's status and public reply, by its tracking code."""

import statistics
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from antoan.accounts.models import Membership, User
from antoan.core import clock
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import NotFound
from antoan.core.filters import Choice, Day, Filters, Flag, param
from antoan.core.values import as_id
from antoan.portal.models import Tip, TipCategory, TipStatus
from antoan.portal.services import tracking_code_normalise
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.scope import Scope, user_scope
from antoan.units.selectors import VisibleUnit

OPEN = (TipStatus.RECEIVED, TipStatus.PROCESSING)


@dataclass(frozen=True)
class PublicStatus:
    """All the tracking page may show."""

    tracking_code: str
    status: str
    status_label: str
    public_reply: str
    received_on: date


def tip_track(*, code: str) -> PublicStatus | None:
    tip = (
        Tip.objects.filter(tracking_code=tracking_code_normalise(code))
        .only("tracking_code", "status", "public_reply", "received_at")
        .first()
    )
    if tip is None:
        return None
    return PublicStatus(
        tip.tracking_code,
        tip.status,
        tip.get_status_display(),
        tip.public_reply,
        timezone.localtime(tip.received_at).date(),
    )


def overdue_before() -> datetime:
    return clock.now() - timedelta(hours=settings.ANTOAN_TIP_OVERDUE_HOURS)


@dataclass(frozen=True)
class TipFilters(Filters):
    """What the triage queue, /api/v1/tips and its figures are narrowed to (core.filters)."""

    status: str = param(Choice(TipStatus.values), default="")
    category: str = param(Choice(TipCategory.values), default="")
    unit: Unit | None = param(VisibleUnit())  # its subtree, and across the 2025 reorganisation the other side of it
    date_from: date | None = param(Day())  # received from
    date_to: date | None = param(Day())
    overdue: bool = param(Flag(), default=False)  # received, and untouched for longer than the configured time
    mine: bool = param(Flag(), default=False)  # assigned to the user


def tip_list(*, user: User, filters: TipFilters | None = None) -> QuerySet:
    filters = filters or TipFilters()
    tips = Tip.objects.filter(user_scope(user=user).q("unit")).select_related("unit", "assigned_to")
    if filters.unit is not None:
        tips = tips.filter(Scope.of_units([filters.unit]).q("unit"))
    if filters.status:
        tips = tips.filter(status=filters.status)
    if filters.category:
        tips = tips.filter(category=filters.category)
    if filters.date_from:
        tips = tips.filter(received_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        tips = tips.filter(received_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.overdue:
        tips = tips.filter(status=TipStatus.RECEIVED, received_at__lt=overdue_before())
    if filters.mine:
        tips = tips.filter(assigned_to=user)
    return tips.order_by("-received_at", "-pk")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def tip_get(*, user: User, pk: int) -> Tip:
    tip = Tip.objects.filter(user_scope(user=user).q("unit"), pk=pk).select_related("unit", "assigned_to").first()
    if tip is None:
        raise NotFound.single("tip", "Không tìm thấy tin báo", "Tip not found")
    return tip


def tip_overdue_count(*, user: User) -> int:
    """Tips of the user's units that nobody has acted on within the configured time (24 h by default)."""
    return tip_list(user=user, filters=TipFilters(overdue=True)).count()


def tip_can_write(*, user: User, tip: Tip) -> bool:
    return user_scope(user=user, write=True).covers(tip.unit)


def tip_history(*, user: User, tip: Tip) -> list[AuditEntry]:
    tip = tip_get(user=user, pk=tip.pk)
    return audit_entries(Tip.history.filter(id=tip.pk))


def tip_assignees(*, user: User, tip: Tip) -> QuerySet:
    """Officers who may act on the tip's commune: members with a writing role on it or a unit above it."""
    parts = tip.unit.path.rstrip(".").split(".")
    above = [".".join(parts[:i]) + "." for i in range(2, len(parts) + 1)]
    members = Membership.objects.filter(unit__path__in=above, role__in=("officer", "admin")).values("user_id")
    return User.objects.filter(pk__in=members, is_active=True).order_by("full_name", "username")


@dataclass(frozen=True)
class TipFigures:
    unit_id: int | None
    unit_name: str
    received: int
    handled: int
    converted: int
    not_actionable: int
    open: int
    median_minutes_to_first_action: float | None


def tip_figures(*, user: User, date_from: date, date_to: date, unit: Unit | None = None) -> list[TipFigures]:
    """Per commune, then a total row (unit_id None): tips received in the period, and what became of them."""
    tips = tip_list(user=user, filters=TipFilters(unit=unit, date_from=date_from, date_to=date_to))
    rows = tips.values_list("unit_id", "unit__name", "status", "incident_id", "received_at", "first_action_at")
    groups: dict = {}
    for unit_id, name, status, incident_id, received, first_action in rows:
        groups.setdefault((unit_id, name), []).append((status, incident_id, received, first_action))
    result = [
        _figures(unit_id, name, items) for (unit_id, name), items in sorted(groups.items(), key=lambda g: g[0][1])
    ]
    result.append(_figures(None, "Tổng cộng / total", [item for items in groups.values() for item in items]))
    return result


def median_minutes(pairs) -> float | None:
    """The median of the minutes from receipt to first action over (received_at, first_action_at) pairs; tips
    not yet acted on are left out."""
    waits = [(first - received).total_seconds() / 60 for received, first in pairs if first is not None]
    return round(statistics.median(waits), 1) if waits else None


def _figures(unit_id, name, items) -> TipFigures:
    return TipFigures(
        unit_id=unit_id,
        unit_name=name,
        received=len(items),
        handled=sum(1 for status, *_ in items if status == TipStatus.HANDLED),
        converted=sum(1 for _, incident_id, *_ in items if incident_id is not None),
        not_actionable=sum(1 for status, *_ in items if status == TipStatus.NOT_ACTIONABLE),
        open=sum(1 for status, *_ in items if status in OPEN),
        median_minutes_to_first_action=median_minutes((received, first) for _, _, received, first in items),
    )


def tip_for_incident(*, user: User, incident) -> Tip | None:
    """The tip an incident record was made from, if there is one and the user may see it."""
    return tip_list(user=user).filter(incident=incident).first()


# Where a citizen can place a tip: provinces and communes of the current hierarchy ------------------

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}  # huyền, sắc, hỏi, ngã, nặng


def vietnamese_key(text: str) -> tuple:
    """Sort key in Vietnamese alphabetical order (ă after a, đ after d, …; tones break ties)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    primary = tuple(-1 if ch == " " else _ALPHABET.find(ch) if ch in _ALPHABET else 100 + ord(ch) for ch in letters)
    return primary, tuple(_TONES.get(ch, 0) for ch in decomposed if ch in _TONES)


def _in_force(units):
    return units.filter(hierarchy=Hierarchy.CURRENT).exclude(valid_to__lt=clock.today())


def _sorted(units) -> list[Unit]:
    return sorted(units, key=lambda u: vietnamese_key(u.short_name or u.name))


def tip_provinces() -> list[Unit]:
    return _sorted(_in_force(Unit.objects.filter(kind=Kind.PROVINCE)))


def tip_communes(province: Unit | str | int | None) -> list[Unit]:
    """The communes of a province of the current hierarchy (none for anything else, quietly)."""
    province_pk = province.pk if isinstance(province, Unit) else as_id(province)
    if province_pk is None:
        return []
    return _sorted(_in_force(Unit.objects.filter(kind=Kind.COMMUNE, parent__kind=Kind.PROVINCE, parent=province_pk)))
