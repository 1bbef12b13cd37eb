"""Locked (approved) months: a leader freezes a unit's month; every write service asks `period_lock_check`.

A lock on a unit covers its whole subtree (a district's lock freezes its communes). Months are calendar
months; the police statistical month (15th → 14th) is a reporting window, not a unit of approval here.
"""

from datetime import date

from django.db import IntegrityError, transaction

from antoan.accounts.models import Role, User
from antoan.core.errors import DomainError, Message
from antoan.core.memo import memoized
from antoan.units.models import PeriodLock, Unit
from antoan.units.scope import scope_require

LOCKING_ROLES = frozenset({Role.LEADER, Role.ADMIN})
_ONLY_LEADERS = Message(
    "Chỉ lãnh đạo đơn vị mới được khóa hoặc mở khóa kỳ báo cáo", "Only a unit's leader can lock or unlock a period"
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def _ancestor_paths(path: str) -> list[str]:
    """ "C.68.23059." → ["C.68.", "C.68.23059."]: the unit and the units above it."""
    parts = path.rstrip(".").split(".")
    return [".".join(parts[:i]) + "." for i in range(2, len(parts) + 1)]


def period_lock_find(*, unit: Unit, day: date) -> PeriodLock | None:
    """The lock that freezes `unit` on `day`, if any (its own or an ancestor's)."""
    return _locks_over(unit.path).get(month_start(day))


@memoized
def _locks_over(path: str) -> dict[date, PeriodLock]:
    """Every lock on the unit at `path` or above it, by month (few: one per approved month)."""
    locks = PeriodLock.objects.filter(unit__path__in=_ancestor_paths(path)).select_related("unit", "locked_by")
    return {lock.month: lock for lock in locks.order_by("unit__path")}


def period_lock_check(*, unit: Unit, day: date, field: str = "occurred_at") -> None:
    lock = period_lock_find(unit=unit, day=day)
    if lock is None:
        return
    who = str(lock.locked_by) if lock.locked_by else "hệ thống"
    raise DomainError.single(
        field,
        f"Tháng {lock.month:%m/%Y} của {lock.unit.name} đã được khóa (duyệt) bởi {who}; "
        "đề nghị lãnh đạo mở khóa trước khi thêm, sửa hoặc xóa dữ liệu trong tháng này",
        f"{lock.month:%m/%Y} of {lock.unit.name} is locked (approved) by {who}; "
        "ask a leader to unlock it before adding, changing or deleting its records",
    )


@transaction.atomic
def period_lock(*, user: User, unit: Unit, month: date) -> PeriodLock:
    scope_require(user=user, unit=unit, roles=LOCKING_ROLES, what=_ONLY_LEADERS)
    lock = PeriodLock(unit=unit, month=month_start(month), locked_by=user)
    lock._history_user = user
    try:
        with transaction.atomic():
            lock.save()
    except IntegrityError:
        raise DomainError.single(
            "month", f"Tháng {month:%m/%Y} đã được khóa", f"{month:%m/%Y} is already locked"
        ) from None
    return lock


@transaction.atomic
def period_unlock(*, user: User, unit: Unit, month: date) -> None:
    scope_require(user=user, unit=unit, roles=LOCKING_ROLES, what=_ONLY_LEADERS)
    lock = PeriodLock.objects.filter(unit=unit, month=month_start(month)).first()
    if lock is None:
        raise DomainError.single("month", f"Tháng {month:%m/%Y} chưa bị khóa", f"{month:%m/%Y} is not locked")
    lock._history_user = user
    lock.delete()


def period_locks(*, unit: Unit):
    """The locks that freeze `unit` (its own and its ancestors'), newest month first. The caller has
    already checked that the user may see `unit`."""
    return PeriodLock.objects.filter(unit__path__in=_ancestor_paths(unit.path)).select_related("unit", "locked_by")
