"""Reads of units. Anything a user asks for goes through `user_scope`; `unit_for_code` is for the
system's own lookups (CLI, imports) where a code and a date name a unit."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, QuerySet

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.audit import AuditEntry, audit_entries
from antoan.core.errors import DomainError, NotFound
from antoan.core.filters import Choice, Filters, Param, Text, param
from antoan.core.memo import memoized
from antoan.core.values import as_id, shown
from antoan.units.models import CUTOVER, Hierarchy, Kind, Succession, Unit
from antoan.units.scope import Scope, user_scope


@memoized
def _units_with_code(code: str) -> list[Unit]:
    """Every unit that ever carried `code` (codes are reused across the reorganisation): in an import, one query per
    code, then each row's day picks among them."""
    return list(Unit.objects.filter(code=code).select_related("parent").order_by("valid_from"))


def unit_for_code(*, code, day: date | None = None) -> Unit:
    """The unit that carries `code` on `day` (default: today) — the one place antoan decides it, for the pages, the
    API, the commands and every import. A code alone never picks a unit: 23059 is Thị trấn Ma Lâm until 30/06/2025
    and Xã Hàm Thuận after (units.reorg.day_for_year gives the day for a year's records).

    An establishment ("23059-001") is found in the hierarchy of that day even before its record was made: its dates
    are those of the record, not of the organisation (a school assessed for 2024 and entered in 2026)."""
    day = day or clock.today()
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    code = str(code or "").replace("\x00", "").strip()[:40]  # PostgreSQL refuses NUL in a parameter
    candidates = _units_with_code(code)
    matches = [u for u in candidates if _valid(u, day)]
    if len(matches) == 1:
        return matches[0]
    when = day.strftime("%d/%m/%Y")
    if not matches:
        hierarchy = Hierarchy.CURRENT if day >= CUTOVER else Hierarchy.LEGACY
        establishment = [u for u in candidates if u.kind == Kind.ESTABLISHMENT and u.hierarchy == hierarchy
                         and u.valid_from is not None and u.valid_from > day]  # fmt: skip
        if establishment:
            return establishment[0]
        # An administrative unit's name and dates are public (the Government's lists); an establishment's are not,
        # and the message would name it to anyone who guessed its code (#27): its code is "no unit", as a 404 says.
        public = [u for u in candidates if u.kind != Kind.ESTABLISHMENT]
        if public:
            other = public[0]
            span_vi, span_en = _validity_text(other)
            raise NotFound.single(
                "code",
                f"Mã {code} không thuộc đơn vị nào vào ngày {when}; mã này là {other.name} ({span_vi})",
                f"Code {code} names no unit on {when}; it is {other.name} ({span_en})",
            )
        raise NotFound.single("code", f"Không có đơn vị nào mang mã '{code}'", f"There is no unit with code '{code}'")
    names = ", ".join(u.name for u in matches if u.kind != Kind.ESTABLISHMENT)  # no establishment's name (above)
    raise NotFound.single(  # only possible if the data itself is inconsistent: say so rather than guess
        "code",
        f"Mã {code} ứng với nhiều đơn vị vào ngày {when}" + (f": {names}" if names else ""),
        f"Code {code} names several units on {when}" + (f": {names}" if names else ""),
    )


def _valid(unit: Unit, day: date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (unit.valid_to is None or day <= unit.valid_to)


def _validity_text(unit: Unit) -> tuple[str, str]:
    if unit.valid_to:
        d = unit.valid_to.strftime("%d/%m/%Y")
        return f"đến hết ngày {d}", f"until {d}"
    if unit.valid_from:
        d = unit.valid_from.strftime("%d/%m/%Y")
        return f"từ ngày {d}", f"from {d}"
    return "", ""


class VisibleUnit(Param):
    """A list's unit parameter: the id of a unit the user may see. Text that is no id is invalid; a unit out of the
    user's reach is "not found", as one that does not exist (the two are never told apart)."""

    doc = "the id of a unit the user may see"

    def read(self, text, *, field, user):
        pk = as_id(text)
        if pk is None:
            raise DomainError.single(field, f"Đơn vị '{shown(text)}' không hợp lệ", f"Invalid unit '{shown(text)}'")
        unit = Unit.objects.filter(user_scope(user=user).q(), pk=pk).first()
        if unit is None:
            raise NotFound.single(field, "Không tìm thấy đơn vị", "Unit not found")
        return unit


@dataclass(frozen=True)
class UnitFilters(Filters):
    """What the units' list (API) is narrowed to."""

    parent: Unit | None = param(VisibleUnit())  # its children
    kind: str = param(Choice(Kind.values), default="")
    q: str = param(Text(), default="")  # in the name


def unit_list(*, user: User, filters: UnitFilters | None = None) -> QuerySet:
    filters = filters or UnitFilters()
    units = Unit.objects.filter(user_scope(user=user).q())
    if filters.parent is not None:
        units = units.filter(parent=filters.parent)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.q:
        units = units.filter(name__icontains=filters.q)
    return units.select_related("parent").order_by("kind", "name")


def unit_get(*, user: User, pk) -> Unit:
    """A unit the user may see, by a key from a URL, a form or a client (any value: a wrong one is "not found")."""
    key = as_id(pk)
    units = Unit.objects.select_related("parent", "parent__parent")
    unit = None if key is None else units.filter(user_scope(user=user).q(), pk=key).first()
    if unit is None:
        raise NotFound.single("unit", "Không tìm thấy đơn vị", "Unit not found")
    return unit


def unit_children(*, user: User, unit: Unit, search: str = "") -> QuerySet:
    children = unit_list(user=user, filters=UnitFilters(parent=unit, q=search))
    return children.annotate(child_count=Count("children")).order_by("kind", "name")


def unit_successors(*, unit: Unit) -> list[Succession]:
    """The current communes a legacy commune became; more than one means it was split."""
    return list(
        Succession.objects.filter(predecessor=unit)
        .select_related("successor", "successor__parent")
        .order_by("-is_default", "successor__name")
    )


def unit_predecessors(*, unit: Unit) -> list[Succession]:
    """The legacy communes (or parts of them) that became this current commune."""
    return list(
        Succession.objects.filter(successor=unit)
        .select_related("predecessor", "predecessor__parent", "predecessor__parent__parent")
        .annotate(successor_count=Count("predecessor__successions_out"))
        .order_by("predecessor__name")
    )


def unit_can_write(*, user: User, unit: Unit) -> bool:
    return user_scope(user=user, write=True).covers(unit)


def unit_history(*, user: User, unit: Unit) -> list[AuditEntry]:
    unit = unit_get(user=user, pk=unit.pk)
    return audit_entries(unit.history.all(), excluded=("path", "commune"))


def unit_counts() -> dict[tuple[str, str], int]:
    rows = Unit.objects.values_list("hierarchy", "kind").annotate(n=Count("pk"))
    return {(h, k): n for h, k, n in rows}


def island_district_count() -> int:
    """Legacy districts with no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): each is its
    own commune-level unit for the succession map."""
    return Unit.objects.filter(kind=Kind.DISTRICT, commune_id=F("pk")).count()


def unit_writable_communes(*, user: User) -> QuerySet:
    """The commune-level units `user` may enter records for, on both sides of the 2025 reorganisation (an officer of
    Xã Hàm Thuận also enters Thị trấn Ma Lâm's records from before 1/7/2025). For an administrator, the
    communes of their own units; without any, the current communes."""
    scope = user_scope(user=user, write=True)
    if scope.everything:
        own = [m.unit for m in user.memberships.select_related("unit")]
        if not own:
            return Unit.objects.filter(kind="commune", hierarchy="current").order_by("path")
        scope = Scope.of_units(own)
    return Unit.objects.filter(scope.q(), pk=F("commune_id")).select_related("parent").order_by("hierarchy", "path")
