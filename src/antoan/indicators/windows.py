"""Special windows (đợt đặc biệt) as a user may see them: the national windows and those of the units in their
scope. periods.py reads them to resolve "w:<slug>" and to offer them in the pickers; window_services.py writes them.

A window of a unit (a province's party congress) is written by a leader or an administrator of that unit; a national
window (no unit) by an administrator.
"""

from django.db.models import Q, QuerySet

from antoan.accounts.models import Role, User
from antoan.accounts.selectors import user_is_admin
from antoan.core.errors import DomainError, Forbidden, Message, NotFound
from antoan.core.values import as_id
from antoan.indicators.models import SpecialWindow
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.scope import scope_require, user_scope

LEADERS = frozenset({Role.LEADER})  # user_scope adds administrators to any set of roles
_NATIONAL_NEEDS_ADMIN = Message(
    "Chỉ quản trị viên được ghi đợt đặc biệt toàn quốc (không gắn với đơn vị)",
    "Only an administrator may write a national special window (one without a unit)",
)
_UNIT_NEEDS_LEADER = Message(
    "Chỉ lãnh đạo hoặc quản trị viên của đơn vị này được ghi đợt đặc biệt của đơn vị",
    "Only a leader or an administrator of this unit may write its special windows",
)


def special_window_list(*, user: User | None) -> QuerySet:
    """The national windows and those of the units in `user`'s scope (user None: the system itself, all)."""
    windows = SpecialWindow.objects.select_related("unit", "unit__parent")
    if user is None:
        return windows
    scope = user_scope(user=user)
    if scope.everything:
        return windows
    return windows.filter(Q(unit__isnull=True) | scope.q("unit"))


def special_window_find(*, slug: str, user: User | None = None) -> SpecialWindow | None:
    """The window with this slug if `user` may see it; None otherwise (the two are never told apart)."""
    return special_window_list(user=user).filter(slug=str(slug).replace("\x00", "")).first()


def special_window_get(*, user: User, pk) -> SpecialWindow:
    key = as_id(pk)  # any value: a wrong one is "not found" ("²".isdigit() is True, int("²") fails)
    window = special_window_list(user=user).filter(pk=key).first() if key is not None else None
    if window is None:
        raise NotFound.single("window", "Không tìm thấy đợt đặc biệt", "Special window not found")
    return window


def special_window_can_create(*, user: User) -> bool:
    return user_is_admin(user=user) or not user_scope(user=user, roles=LEADERS).nothing


def special_window_can_write(*, user: User, window: SpecialWindow) -> bool:
    try:
        special_window_write_require(user, window.unit)
    except DomainError:
        return False
    return True


def special_window_unit_choices(*, user: User) -> QuerySet:
    """The units a user is leader (or administrator) of; an administrator also gets the current provinces."""
    own = Q(memberships__user=user, memberships__role__in=[Role.LEADER, Role.ADMIN])
    if user_is_admin(user=user):
        own |= Q(hierarchy=Hierarchy.CURRENT, kind=Kind.PROVINCE)
    return Unit.objects.filter(own).distinct().order_by("hierarchy", "path")


def special_window_write_require(user: User, unit: Unit | None) -> None:
    """Raise unless `user` may write a window of `unit` (None: a national window)."""
    if unit is None:
        if not user_is_admin(user=user):
            raise Forbidden({"unit": _NATIONAL_NEEDS_ADMIN})
        return
    scope_require(user=user, unit=unit, roles=LEADERS, what=_UNIT_NEEDS_LEADER)
