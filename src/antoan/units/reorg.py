"""Which records count toward a unit across the 2025 reorganisation.

Records belong to the commune in force on their day. A figure for a current (post-2025) unit over a period
before 1 July 2025 sums the old communes that became it; a figure for an old unit after 30 June 2025 sums
the new communes that came from it. The rules, in one place:

- an old commune counts toward its default successor — unless it was split and an incident's coordinates
  say which of its successors the incident lies in (the nearest successor's centre: the data has centres,
  not boundaries);
- a new commune counts toward its primary predecessor (units.loader.primary_links) — unless an incident's
  coordinates say which of its predecessors it lies in;
- a record at district or province level of the old hierarchy counts toward the new province its old
  province became; a new province's own records are not split among old provinces (there is no rule for it).

Incidents carry both communes (`current_commune`, `legacy_commune`, set here by `attribute_communes` when
the services write them); other records are matched through the succession map at query time.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import F, Q

from antoan.core.errors import Message
from antoan.core.lookups import Ids
from antoan.units.models import CUTOVER, LEGACY_LAST_DAY, Hierarchy, Kind, Succession, Unit


def _nearest(lat: float, lon: float, candidates: list[tuple[int, float | None, float | None]]) -> int | None:
    def distance(candidate):
        _, clat, clon = candidate
        if clat is None or clon is None:
            return math.inf
        return (lat - clat) ** 2 + ((lon - clon) * math.cos(math.radians(lat))) ** 2

    best = min(candidates, key=distance)
    return best[0] if distance(best) < math.inf else None


def attribute_communes(incidents) -> None:
    """Set `current_commune_id` and `legacy_commune_id` of unsaved or changed incidents (one query per call)."""
    unit_ids = {i.unit_id for i in incidents}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids).only("pk", "hierarchy")}
    links = Succession.objects.filter(Q(predecessor_id__in=unit_ids) | Q(successor_id__in=unit_ids)).values_list(
        "predecessor_id", "successor_id", "is_default", "is_primary",
        "predecessor__latitude", "predecessor__longitude", "successor__latitude", "successor__longitude",
    )  # fmt: skip
    successors: dict[int, list] = {}
    predecessors: dict[int, list] = {}
    default_successor: dict[int, int] = {}
    primary_predecessor: dict[int, int] = {}
    for pred, succ, is_default, is_primary, plat, plon, slat, slon in links:
        successors.setdefault(pred, []).append((succ, slat, slon))
        predecessors.setdefault(succ, []).append((pred, plat, plon))
        if is_default:
            default_successor[pred] = succ
        if is_primary:
            primary_predecessor[succ] = pred
    for incident in incidents:
        unit = units.get(incident.unit_id)
        if unit is None:
            continue
        located = incident.latitude is not None and incident.longitude is not None
        if unit.hierarchy == Hierarchy.LEGACY:
            incident.legacy_commune_id = unit.pk
            options = successors.get(unit.pk, [])
            chosen = _nearest(incident.latitude, incident.longitude, options) if located and len(options) > 1 else None
            incident.current_commune_id = chosen or default_successor.get(unit.pk)
        else:
            incident.current_commune_id = unit.pk
            options = predecessors.get(unit.pk, [])
            chosen = _nearest(incident.latitude, incident.longitude, options) if located and len(options) > 1 else None
            incident.legacy_commune_id = chosen or primary_predecessor.get(unit.pk)


def incidents_q(unit: Unit | None, prefix: str = "") -> Q:
    """Incidents that count toward `unit` (None: the whole country), whatever hierarchy they were recorded in."""
    if unit is None:
        return Q()
    field = "current_commune" if unit.hierarchy == Hierarchy.CURRENT else "legacy_commune"
    if unit.kind == Kind.COMMUNE or unit.commune_id == unit.pk:
        return Q(**{f"{prefix}{field}_id": unit.pk})
    # The communes' ids, not a join on their path: SQLite cannot seek a LIKE on the path (it is case-insensitive
    # there), and an id list lets both databases use the (commune, kind, occurred_at) indexes.
    return Q(**{f"{prefix}{field}__any": _memo_ids(unit, "communes", _communes_of)})


def records_q(unit: Unit | None, field: str = "unit") -> Q:
    """Any other record (reached through its `field`; "" for units themselves) that counts toward `unit`: its
    subtree, and across the reorganisation the other hierarchy's communes (and what lies in them) mapped onto
    it. As a list of unit ids, read once per unit object: a condition on the joined units (a path prefix ORed
    with the succession map) is served by no index of the records' table, and PostgreSQL scanned it whole."""
    if unit is None:
        return Q()
    return Q(**{f"{field}__any" if field else "pk__any": _memo_ids(unit, "units", _units_counted)})


def counted_unit_ids(unit: Unit) -> frozenset[int]:
    """The ids of the units whose records count toward `unit` (records_q), as a set for reads made in Python."""
    return frozenset(_memo_ids(unit, "units", _units_counted).values)


def children_owners(unit: Unit | None, children: list[Unit], what: str) -> dict[int, int]:
    """For the units whose records count toward `unit` ("communes": the incidents' communes; "units": any
    record's unit), the child of `unit` each one counts toward, by the rules above: a unit of the children's
    hierarchy by its place in the tree; a commune of the other hierarchy by its default successor (its primary
    predecessor, for old children); an old province's own records by the new province it became. A unit under
    none of the children (the unit's own level, an establishment directly under it) is left out."""
    hierarchy = children[0].hierarchy
    if unit is not None:
        condition = _communes_of if what == "communes" else _units_counted
        units = Unit.objects.filter(pk__any=_memo_ids(unit, what, condition))
    elif what == "communes":
        units = Unit.objects.filter(hierarchy=hierarchy, commune_id=F("pk"))
    else:
        units = Unit.objects.all()
    rows = list(units.order_by().values_list("pk", "path", "hierarchy", "commune_id"))
    others = Ids({commune for _, _, h, commune in rows if h != hierarchy and commune})
    if hierarchy == Hierarchy.CURRENT:
        links = Succession.objects.filter(is_default=True, predecessor_id__any=others)
        mapped = dict(links.values_list("predecessor_id", "successor__path"))
    else:
        links = Succession.objects.filter(is_primary=True, successor_id__any=others)
        mapped = dict(links.values_list("successor_id", "predecessor__path"))
    provinces = _province_map() if hierarchy == Hierarchy.CURRENT else {}
    by_path = {child.path: child.pk for child in children}
    owners = {}
    for pk, path, unit_hierarchy, commune in rows:
        if unit_hierarchy == hierarchy:
            place = path
        elif commune:
            place = mapped.get(commune)
        else:
            place = provinces.get(".".join(path.split(".")[:2]) + ".")
        owner = _owner(place, by_path)
        if owner is not None:
            owners[pk] = owner
    return owners


def _owner(path: str | None, by_path: dict[str, int]) -> int | None:
    """The child whose path is `path` or one of its ancestors' ("C.79.26734." → "C.79.", then "C.79.26734.")."""
    if not path:
        return None
    parts = path.rstrip(".").split(".")
    for end in range(2, len(parts) + 1):
        found = by_path.get(".".join(parts[:end]) + ".")
        if found is not None:
            return found
    return None


def _units_counted(unit: Unit) -> list[Q]:
    own = Q(path__startswith=unit.path)
    if unit.hierarchy == Hierarchy.CURRENT:
        mapped = Succession.objects.filter(is_default=True, successor__path__startswith=unit.path)
        parts = [own, Q(commune_id__in=mapped.values("predecessor_id"))]
        parts += [Q(path__startswith=old, commune__isnull=True) for old in _legacy_provinces_of(unit.path)]
        return parts
    mapped = Succession.objects.filter(is_primary=True, predecessor__path__startswith=unit.path)
    return [own, Q(commune_id__in=mapped.values("successor_id"))]


def _communes_of(unit: Unit) -> list[Q]:
    return [Q(path__startswith=unit.path, commune_id=F("pk"))]


def _memo_ids(unit: Unit, what: str, condition) -> Ids:
    """The ids of the units any of `condition(unit)` selects, kept on the unit object (units change only with a
    units load; a request reads its unit afresh)."""
    memo = unit.__dict__.setdefault("_reorg_ids", {})
    if what not in memo:
        memo[what] = Unit.objects.ids_any(condition(unit))
    return memo[what]


def _legacy_provinces_of(path: str) -> tuple[str, ...]:
    """Paths of the old provinces whose whole territory went into the new province at `path` (none for a
    new commune)."""
    return tuple(old for old, new in _province_map().items() if new == path)


@lru_cache(maxsize=1)
def _province_map_cached(marker: int) -> dict[str, str]:
    pairs = Succession.objects.filter(is_default=True).values_list("predecessor__path", "successor__parent__path")
    mapping: dict[str, set[str]] = {}
    for old_path, new_province in pairs:
        old_province = ".".join(old_path.split(".")[:2]) + "."
        mapping.setdefault(old_province, set()).add(new_province)
    return {old: next(iter(new)) for old, new in mapping.items() if len(new) == 1}


def _province_map() -> dict[str, str]:
    # Keyed by the number of links, so that a units load (or a test database flush) is noticed.
    return _province_map_cached(Succession.objects.count())


@dataclass(frozen=True)
class Mapping:
    """What the answer says when records of the other hierarchy were counted."""

    message: Message
    units: tuple[str, ...]  # the names of the other hierarchy's communes counted (when there are few)


LISTED_AT_MOST = 20  # beyond this, the answer gives the number of units rather than their names


def mapping_used(unit: Unit | None, start, end) -> Mapping | None:
    """How `unit`'s figures for the days start..end reach across the 2025 reorganisation, or None."""
    if unit is None:
        return None
    if unit.hierarchy == Hierarchy.CURRENT and start < CUTOVER:
        links = Succession.objects.filter(successor__path__startswith=unit.path, is_default=True)
        names = _names(links.values_list("predecessor__name", flat=True).order_by("predecessor__name"))
        return Mapping(
            Message(
                f"Số liệu trước 01/07/2025 được cộng từ các đơn vị hành chính cũ nay thuộc {unit.name}: "
                f"{names.vi} (xã cũ bị chia tách tính cho xã mới mặc định, trừ sự việc có tọa độ)",
                f"Figures before 01/07/2025 are summed from the former units now part of {unit.name}: "
                f"{names.en} (a split former commune counts toward its default successor, unless a record's "
                "coordinates place it)",
            ),
            names.units,
        )
    if unit.hierarchy == Hierarchy.LEGACY and end > LEGACY_LAST_DAY:
        links = Succession.objects.filter(predecessor__path__startswith=unit.path, is_primary=True)
        names = _names(links.values_list("successor__name", flat=True).order_by("successor__name"))
        return Mapping(
            Message(
                f"Số liệu từ 01/07/2025 được lấy từ các xã, phường mới hình thành từ {unit.name}: {names.vi}",
                f"Figures from 01/07/2025 come from the new communes formed from {unit.name}: {names.en}",
            ),
            names.units,
        )
    return None


@dataclass(frozen=True)
class _Names:
    vi: str
    en: str
    units: tuple[str, ...]


def _names(queryset) -> _Names:
    names = tuple(queryset)  # one query: a province's few hundred names cost less than a second query counting them
    if len(names) <= LISTED_AT_MOST:
        return _Names(", ".join(names), ", ".join(names), names)
    count = len(names)
    return _Names(f"{count:,} đơn vị".replace(",", "."), f"{count:,} units", ())
