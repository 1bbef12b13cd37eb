"""Who may see and change what: a user's scope is the subtrees of the units of their memberships, across the 2025
reorganisation. Every scoped read in antoan starts from `user_scope`; every write checks `scope_require`."""

from dataclasses import dataclass

from django.db.models import Q

from antoan.accounts.models import WRITING_ROLES, Membership, Role, User
from antoan.core.errors import Forbidden, Message, NotFound
from antoan.core.memo import memoized
from antoan.core.softdelete import ONLY_ADMINS
from antoan.units.models import Hierarchy, Succession, Unit
from antoan.units.reorg import records_q


@dataclass(frozen=True)
class Scope:
    """The units a user reaches, as a filter that any query on units or on records can apply.

    A membership covers the unit's subtree and, across the 2025 reorganisation, the other hierarchy's
    side of it: on a current unit, the legacy communes that became its communes (and what lies in
    them); on a legacy unit, the current communes its communes became.
    """

    everything: bool
    current_paths: tuple[str, ...]
    legacy_paths: tuple[str, ...]

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.current_paths and not self.legacy_paths

    def q(self, field: str = "") -> Q:
        """A Q for a model whose unit is reached through `field` ("" for Unit itself, "unit" for a record)."""
        if self.everything:
            return Q()
        if self.nothing:
            return Q(**{f"{field}__pk__in" if field else "pk__in": []})
        if not field:
            return self._units()
        # A record: the ids of the units reached, read now, as one array. A condition on the joined units (path
        # prefixes ORed with the succession map) is served by no index of the records' table, and PostgreSQL,
        # misjudging how many units it keeps, scanned all 5 million incidents for an officer's list
        # (docs/benchmarks.md, "Load").
        return Q(**{f"{field}__any": _scope_ids(self)})

    def _units(self) -> Q:
        q = Q()
        for condition in self._unit_conditions():
            q |= condition
        return q

    def _unit_conditions(self) -> list[Q]:
        conditions = [Q(path__startswith=path) for path in self.current_paths + self.legacy_paths]
        if self.current_paths:
            predecessors = Succession.objects.filter(_any_prefix("successor__path", self.current_paths))
            conditions.append(Q(commune_id__in=predecessors.values("predecessor_id")))
        if self.legacy_paths:
            successors = Succession.objects.filter(_any_prefix("predecessor__path", self.legacy_paths))
            conditions.append(Q(commune_id__in=successors.values("successor_id")))
        return conditions

    @classmethod
    def of_units(cls, units) -> "Scope":
        """What these units reach: their subtrees and, across the reorganisation, the other side of them."""
        current = tuple(sorted({u.path for u in units if u.hierarchy != Hierarchy.LEGACY}))
        legacy = tuple(sorted({u.path for u in units if u.hierarchy == Hierarchy.LEGACY}))
        return cls(False, current, legacy)

    def covers(self, unit: Unit) -> bool:
        return self.everything or _scope_covers(self, unit.pk)


@memoized
def _scope_ids(scope: Scope):
    return Unit.objects.ids_any(scope._unit_conditions())


@memoized
def _scope_covers(scope: Scope, unit_pk: int) -> bool:
    return Unit.objects.filter(scope.q(), pk=unit_pk).exists()


def _any_prefix(field: str, paths: tuple[str, ...]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__startswith": path})
    return q


def _scope_from(memberships) -> Scope:
    current, legacy = [], []
    for membership in memberships:
        if membership.role == Role.ADMIN:
            return Scope(True, (), ())
        target = legacy if membership.unit.hierarchy == Hierarchy.LEGACY else current
        target.append(membership.unit.path)
    return Scope(False, tuple(sorted(set(current))), tuple(sorted(set(legacy))))


@memoized
def user_scope(*, user: User, write: bool = False, roles: frozenset[str] | None = None) -> Scope:
    """The units `user` may read (with write=True, change; with `roles`, act on in one of those roles)."""
    if not user.is_authenticated or not user.is_active:
        return Scope(False, (), ())
    if user.is_superuser:
        return Scope(True, (), ())
    memberships = Membership.objects.filter(user=user).select_related("unit")
    if write:
        roles = WRITING_ROLES
    if roles is not None:
        memberships = memberships.filter(role__in=roles | {Role.ADMIN})
    return _scope_from(memberships)


def scope_require(
    *, user: User, unit: Unit, roles: frozenset[str] = WRITING_ROLES, what: Message | None = None
) -> None:
    """Raise unless `user` may act on `unit` in one of `roles`: NotFound when they cannot even see it
    (existence does not leak), Forbidden when they can see it but not do this."""
    if not user_scope(user=user).covers(unit):
        raise NotFound.single("unit", "Không tìm thấy đơn vị", "Unit not found")
    if not user_scope(user=user, roles=roles).covers(unit):
        what = what or Message(
            "Bạn chỉ có quyền xem, không có quyền sửa dữ liệu của đơn vị này",
            "You may read but not change this unit's data",
        )
        raise Forbidden({"__all__": what})


def restore_require(*, user: User, unit: Unit) -> None:
    """Only an administrator (or a superuser) whose scope covers the record's unit restores a deleted record."""
    scope_require(user=user, unit=unit, roles=frozenset({Role.ADMIN}), what=ONLY_ADMINS)


def scope_filter(scope: Scope, unit: Unit | None) -> Scope | None:
    """The scope still to apply to the records counted toward `unit`, or None when they are all inside it:
    a user's own subtree reaches the other hierarchy's communes mapped onto it (Scope)."""
    if scope.everything:
        return None
    if unit is not None:
        paths = scope.current_paths if unit.hierarchy == Hierarchy.CURRENT else scope.legacy_paths
        if any(unit.path.startswith(path) for path in paths):
            return None
    return scope


def counted_for(user: User, unit: Unit | None, field: str = "unit") -> Q:
    """Records (reaching their unit through `field`; "" for units themselves) that count toward `unit` across the
    2025 reorganisation (units.reorg) and that `user` may read — what every figure, list and report of a unit is
    made of."""
    counted = records_q(unit, field)
    scope = scope_filter(user_scope(user=user), unit)
    return counted & scope.q(field) if scope is not None else counted
