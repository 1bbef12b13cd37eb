"""Traffic-accident black spots ("điểm đen tai nạn giao thông"), found from the accidents' coordinates.

The rule (how many fatal / injury accidents, within what radius, over how many months) is data in
rules/black_spots.json: each version names its source, the days it governs and whether its text was read (core.rules),
and an amendment is a new version, not a code change. A window is judged by the version in force on its last day. A
version has two tiers: the điểm đen (điểm thường xuyên xảy ra tai nạn giao thông) and, among the accidents in none of
those, the điểm tiềm ẩn tai nạn giao thông; and it may leave out accidents recorded as not caused by the road.

This module is pure: it takes `Accident` values (the caller reads them from the database, scoped to the user) and
returns `BlackSpot` values; nothing here queries the database.

How spots are found (see docs/black-spots.md):
1. keep the accidents of the window (``window_months`` calendar months ending on ``window_end``, both ends included)
   that have coordinates; count the others;
2. cluster them: a cluster is a connected group of accidents each within ``radius_m`` of another (what DBSCAN with
   min_samples=1 finds), read as the connected components (scipy.sparse.csgraph) of the pairs a k-d tree of the
   accidents' unit vectors finds within the chord of ``radius_m`` — on a sphere the chord grows with the arc, so the
   pairs are exactly those within ``radius_m`` along the Earth's surface, found ~15× faster than a ball tree under
   the haversine metric;
3. such clusters chain: accidents every 400 m along a road become one cluster kilometres long. A cluster whose two
   farthest accidents are more than 2 × radius apart is split (see `_split_extended`) into discs of ``radius_m``
   around an accident, chosen greedily, best first, without overlap;
4. keep the groups that meet one of the rule's conditions; then, with the accidents of those groups taken out, find the
   potential spots the same way with the potential-spot conditions.
The discs of a split are remembered (per process) for the same accidents, thresholds and radius: finding a
province's spots again after a few accidents changed splits only the clusters that hold them.
"""

import hashlib
import heapq
import json
import math
from calendar import monthrange
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from threading import Lock
from typing import NamedTuple

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from antoan.core.errors import DomainError, Message
from antoan.core.rules import RuleVersion, chain, listed, parse_day, version_on
from antoan.incidents.severity import SERIOUS_CLASSES

RULE_FILE = Path(__file__).with_name("rules") / "black_spots.json"
EARTH_RADIUS_M = 6_371_000.0
VIETNAM_TIME = timezone(timedelta(hours=7))  # no daylight saving: a fixed offset is exact
VIETNAM_SECONDS = 7 * 3600
_EPOCH = datetime(1970, 1, 1)

# The facts a condition may name, in this column order in the fact matrix.
FACTS = (
    "accidents", "fatal_accidents", "injury_accidents", "casualty_accidents", "serious_accidents", "dead", "injured",
)  # fmt: skip
_PHRASES = {  # fact -> (Vietnamese, English singular, English plural)
    "accidents": ("vụ tai nạn", "accident", "accidents"),
    "fatal_accidents": ("vụ có người chết", "fatal accident", "fatal accidents"),
    "injury_accidents": ("vụ có người bị thương", "injury accident", "injury accidents"),
    "casualty_accidents": ("vụ có người chết hoặc bị thương", "accident with casualties", "accidents with casualties"),
    "serious_accidents": ("vụ nghiêm trọng trở lên", "serious accident", "serious accidents"),
    "dead": ("người chết", "death", "deaths"),
    "injured": ("người bị thương", "injured person", "injured people"),
}


class Accident(NamedTuple):
    """A traffic accident as the spots are found from it (a tuple: a province's year is ~11,000 of them, made, kept
    and read back with every black spot list)."""

    pk: int
    latitude: float | None
    longitude: float | None
    occurred_at: datetime
    dead: int = 0
    injured: int = 0
    severity: str = ""
    road_cause: bool | None = None  # the road was a cause (None: not known, counts as possible)

    @classmethod
    def of_row(cls, row: tuple) -> "Accident":
        """From a row of these fields read from the database, where dead and injured may be missing."""
        pk, latitude, longitude, occurred_at, dead, injured, severity, road_cause = row
        return cls(pk, latitude, longitude, occurred_at, dead or 0, injured or 0, severity, road_cause)


@dataclass(frozen=True)
class BlackSpotRule:
    source: str
    valid_from: date
    window_months: int
    radius_m: float
    conditions: tuple[dict[str, int], ...]
    description_vi: str = ""
    description_en: str = ""
    verified: bool = False  # the thresholds were checked against the published text
    customised: bool = False  # a user changed radius, window or thresholds
    valid_to: date | None = None
    potential_conditions: tuple[dict[str, int], ...] = ()  # điểm tiềm ẩn, among accidents in no black spot
    potential_vi: str = ""
    potential_en: str = ""
    exclude_not_road_caused: bool = False  # accidents recorded as not caused by the road do not count
    unverified_vi: str = ""
    unverified_en: str = ""
    note: str = ""

    def met_condition(self, facts: dict[str, int]) -> dict[str, int] | None:
        """The first condition the facts meet, or None."""
        for condition in self.conditions:
            if all(facts.get(k[: -len("_min")], 0) >= v for k, v in condition.items()):
                return condition
        return None

    def with_overrides(
        self,
        *,
        radius_m: float | None = None,
        window_months: int | None = None,
        min_fatal: int | None = None,
        min_injury: int | None = None,
    ) -> "BlackSpotRule":
        """The rule with a user's radius, window or thresholds.

        ``min_fatal`` / ``min_injury`` replace the threshold of the condition that names fatal (injury) accidents
        alone, or add such a condition; combined conditions are kept as they are.
        """
        errors = {}
        if radius_m is not None and not (_number(radius_m) and 0 < radius_m <= 50_000):
            errors["radius_m"] = Message("Bán kính phải trên 0 và tối đa 50.000 m", "Radius must be 0 < r ≤ 50,000 m")
        if window_months is not None and not (_whole(window_months) and 1 <= window_months <= 120):
            errors["window_months"] = Message("Số tháng phải từ 1 đến 120", "The window must be 1 to 120 months")
        for name, value in (("min_fatal", min_fatal), ("min_injury", min_injury)):
            if value is not None and not (_whole(value) and value >= 1):
                errors[name] = Message("Ngưỡng phải là số nguyên từ 1 trở lên", "Threshold must be a whole number ≥ 1")
        if errors:
            raise DomainError(errors)
        if all(v is None for v in (radius_m, window_months, min_fatal, min_injury)):
            return self
        conditions = list(self.conditions)
        for key, value in (("fatal_accidents_min", min_fatal), ("injury_accidents_min", min_injury)):
            if value is None:
                continue
            alone = [i for i, c in enumerate(conditions) if set(c) == {key}]
            for i in alone:
                conditions[i] = {key: value}
            if not alone:
                conditions.append({key: value})
        return replace(
            self,
            radius_m=float(radius_m) if radius_m is not None else self.radius_m,
            window_months=window_months if window_months is not None else self.window_months,
            conditions=tuple(conditions),
            customised=True,
        )


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _conditions(listed: list[dict], source: str) -> tuple[dict[str, int], ...]:
    conditions = tuple(dict(c) for c in listed)
    for c in conditions:
        unknown = {k for k in c if not k.endswith("_min") or k[: -len("_min")] not in FACTS}
        if unknown or not c:
            raise ValueError(f"{RULE_FILE.name}: bad condition {c} in version {source!r}")
    return conditions


@cache
def black_spot_rules() -> tuple[BlackSpotRule, ...]:
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    rules = [
        BlackSpotRule(
            source=v["source"],
            valid_from=date.fromisoformat(v["valid_from"]),
            valid_to=parse_day(v.get("valid_to")),
            window_months=int(v.get("window_months", 12)),
            radius_m=float(v.get("radius_m", 500)),
            conditions=_conditions(v["conditions"], v["source"]),
            potential_conditions=_conditions(v.get("potential_conditions", []), v["source"]),
            description_vi=v.get("description_vi", ""),
            description_en=v.get("description_en", ""),
            potential_vi=v.get("potential_vi", ""),
            potential_en=v.get("potential_en", ""),
            exclude_not_road_caused=bool(v.get("exclude_not_road_caused", False)),
            verified=bool(v.get("verified", False)),
            unverified_vi=v.get("unverified_vi", ""),
            unverified_en=v.get("unverified_en", ""),
            note=v.get("note", ""),
        )
        for v in data["versions"]
    ]
    return chain(rules, name=RULE_FILE.name)


def black_spot_rule_on(day: date) -> BlackSpotRule:
    """The version in force on ``day`` (the earliest version for days before it)."""
    return version_on(black_spot_rules(), day)


def black_spot_rule_versions() -> list[RuleVersion]:
    """The versions as core.rules lists them (the rules page, `antoan rules`)."""
    description = json.loads(RULE_FILE.read_text(encoding="utf-8"))["description"]
    return listed(
        "black_spots", description, black_spot_rules(),
        lambda r: ((r.description_vi, r.description_en), (r.potential_vi, r.potential_en)),
    )  # fmt: skip


@dataclass(frozen=True)
class BlackSpot:
    latitude: float  # centroid
    longitude: float
    radius_m: float  # farthest member from the centroid
    accidents: tuple[Accident, ...]  # newest first
    fatal_accidents: int
    injury_accidents: int
    dead: int
    injured: int
    first_occurred: date
    last_occurred: date
    rule_source: str
    reason_vi: str
    reason_en: str
    # Where it is, in words (indicators.spot_places, from the database: this module reads none): the most common road
    # (or address) of its accidents, the commune holding most of them, and the two as an official writes them.
    road: str = ""
    commune: str = ""  # the unit's full name: "Xã Hàm Thuận"
    place_vi: str = ""  # "Quốc lộ 28, xã Hàm Thuận"
    place_en: str = ""  # "Quốc lộ 28, Hàm Thuận commune"
    potential: bool = False  # an điểm tiềm ẩn, not an điểm đen

    @property
    def accident_count(self) -> int:
        return len(self.accidents)


@dataclass(frozen=True)
class BlackSpotResult:
    spots: tuple[BlackSpot, ...]
    without_coordinates: int  # accidents of the window left out: no usable coordinates ("n vụ không có tọa độ")
    considered: int  # accidents of the window with coordinates
    window_start: date
    window_end: date
    rule: BlackSpotRule = field(repr=False)
    potential: tuple[BlackSpot, ...] = ()  # điểm tiềm ẩn: among the accidents in no black spot
    not_road_caused: int = 0  # accidents of the window left out as not caused by the road (when the rule says so)

    def __iter__(self):
        return iter(self.spots)

    def __len__(self) -> int:
        return len(self.spots)


def window_start(window_end: date, months: int) -> date:
    """First day of the ``months`` calendar months ending on ``window_end`` (2020-12-31, 12 → 2020-01-01)."""
    after = window_end + timedelta(days=1)
    year, month0 = divmod(after.year * 12 + after.month - 1 - months, 12)
    return date(year, month0 + 1, min(after.day, monthrange(year, month0 + 1)[1]))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    a, b = np.radians([[lat1, lon1]]), np.radians([[lat2, lon2]])
    return float(_haversine(a, b)[0, 0] * EARTH_RADIUS_M)


Group = tuple[np.ndarray, dict[str, int], dict[str, int]]  # (positions of accidents, their facts, a condition met)


def find_black_spots(accidents: Iterable[Accident], *, rule: BlackSpotRule, window_end: date) -> BlackSpotResult:
    """The black spots among ``accidents`` in the rule's window ending on ``window_end``, worst first."""
    start = window_start(window_end, rule.window_months)
    accidents = list(accidents)
    counted = [a for a in accidents if a.road_cause is not False] if rule.exclude_not_road_caused else accidents
    located, coords, facts, in_window = _located(counted, start, window_end)
    spots = _tier(located, coords, facts, rule, rule.conditions)
    potential: list[BlackSpot] = []
    if rule.potential_conditions and located:
        taken = {a.pk for spot in spots for a in spot.accidents}
        rest = np.array([a.pk not in taken for a in located], dtype=bool)
        left = [a for a, keep in zip(located, rest.tolist(), strict=True) if keep]
        found = _tier(left, coords[rest], facts[rest], rule, rule.potential_conditions)
        potential = [replace(spot, potential=True) for spot in found]
    return BlackSpotResult(
        spots=tuple(spots),
        without_coordinates=in_window - len(located),
        considered=len(located),
        window_start=start,
        window_end=window_end,
        rule=rule,
        potential=tuple(potential),
        not_road_caused=_in_window(accidents, start, window_end) - _in_window(counted, start, window_end)
        if len(counted) < len(accidents)
        else 0,
    )


def _in_window(accidents: list[Accident], start: date, end: date) -> int:
    first, last = _local_seconds(start), _local_seconds(end + timedelta(days=1))
    return sum(1 for a in accidents if first <= _local_seconds(a.occurred_at) < last)


def _tier(
    located: list[Accident],
    coords: np.ndarray,
    facts: np.ndarray,
    rule: BlackSpotRule,
    conditions: tuple[dict[str, int], ...],
) -> list[BlackSpot]:
    """The spots of one tier (its conditions) among the located accidents, worst first."""
    tier = replace(rule, conditions=conditions)
    found: list[Group] = []
    if located:
        thresholds, eps = _thresholds(tier), rule.radius_m / EARTH_RADIUS_M
        for group in _groups(coords, facts, thresholds, eps):
            added = _sum_facts(facts, group)
            condition = tier.met_condition(added)
            if condition is not None:
                found.append((np.sort(group), added, condition))
    spots = _spots(found, located, coords, rule)
    spots.sort(key=lambda s: (-s.dead, -s.accident_count, -s.fatal_accidents, -s.injured, s.latitude, s.longitude))
    return spots


def _located(accidents: list[Accident], start: date, end: date) -> tuple[list[Accident], np.ndarray, np.ndarray, int]:
    """The accidents of the window (local days `start` … `end`) that have usable coordinates, in order of time (then
    id); their (lat, lon) in radians and their facts; and how many accidents the window holds. One pass over the
    accidents into arrays: the rest is array operations."""
    columns = list(zip(*((_local_seconds(a.occurred_at), a.pk, a.latitude, a.longitude, a.dead, a.injured,
                          a.severity in SERIOUS_CLASSES) for a in accidents), strict=True)) or [()] * 7  # fmt: skip
    seconds, pks = np.array(columns[0], dtype=np.float64), np.array(columns[1], dtype=np.int64)
    lat, lon, dead, injured, serious = (np.array(values, dtype=np.float64) for values in columns[2:])  # None → NaN
    in_window = (seconds >= _local_seconds(start)) & (seconds < _local_seconds(end + timedelta(days=1)))
    usable = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    chosen = np.flatnonzero(in_window & usable)
    chosen = chosen[np.lexsort((pks[chosen], seconds[chosen]))]
    coords = np.radians(np.column_stack([lat[chosen], lon[chosen]]))
    facts = _facts(dead[chosen], injured[chosen], serious[chosen])
    return [accidents[i] for i in chosen.tolist()], coords, facts, int(in_window.sum())


def _groups(coords: np.ndarray, facts: np.ndarray, thresholds: np.ndarray, eps: float):
    """The groups of accidents (positions) that may be spots: each cluster whose facts meet a condition, whole when
    no two of its accidents are more than 2 × radius apart, else split into discs (`_split_extended`)."""
    labels = _clusters(coords, eps)
    # Sum the facts of every cluster at once; a cluster whose whole does not meet a condition has no part that
    # does (conditions are lower bounds on sums of non-negative counts), so only the others are looked at.
    totals = np.column_stack([np.bincount(labels, weights=facts[:, j]) for j in range(len(FACTS))])
    # A cluster whose every accident is within radius of its centre is no longer than 2 × radius: whole, without
    # the exact test of `_extent_within` (every cluster's centre and reach at once).
    vectors = _unit_vectors(coords)
    centres = _directions(np.column_stack([np.bincount(labels, weights=vectors[:, k]) for k in range(3)]))
    reach = np.zeros(len(totals))
    np.maximum.at(reach, labels, _angle(coords, centres[labels]))
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    for label in np.flatnonzero(_meets(totals, thresholds)):
        lo, hi = np.searchsorted(sorted_labels, [label, label + 1])
        members = order[lo:hi]
        if reach[label] <= eps or _extent_within(coords[members], 2 * eps):
            yield members
        else:
            yield from _split_remembered(members, coords, facts, thresholds, eps)


def _local(moment: datetime | date) -> datetime:
    """The moment as a naive Vietnam-time datetime (aware values are converted, naive ones taken as local)."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time())
    if moment.tzinfo is not None:
        return moment.astimezone(VIETNAM_TIME).replace(tzinfo=None)
    return moment


def _local_seconds(moment: datetime | date) -> float:
    """Seconds from 1970-01-01 00:00 to the moment, both read on a Vietnam clock (as `_local`): a day's local
    midnight is then a whole multiple of 86,400, and comparing these numbers compares local times."""
    if not isinstance(moment, datetime):
        return (datetime.combine(moment, time()) - _EPOCH).total_seconds()
    if moment.tzinfo is not None:
        return moment.timestamp() + VIETNAM_SECONDS
    return (moment - _EPOCH).total_seconds()


def _facts(dead: np.ndarray, injured: np.ndarray, serious: np.ndarray | None = None) -> np.ndarray:
    """The facts of each accident (FACTS' columns) from its dead and injured (missing or negative: none) and whether
    its severity class is serious or graver. A fatal accident has someone dead; an injury accident has someone
    injured and nobody dead (a crash with 1 dead and 2 injured counts once, as fatal)."""
    dead, injured = np.clip(np.nan_to_num(dead), 0, None), np.clip(np.nan_to_num(injured), 0, None)
    serious = np.zeros_like(dead) if serious is None else np.nan_to_num(serious)
    fatal, hurt = dead >= 1, injured >= 1
    return np.column_stack(
        # a death makes an accident serious under every severity version (a record classified before may lack it)
        [np.ones_like(dead), fatal, hurt & ~fatal, (dead > 0) | (injured > 0), (serious > 0) | fatal, dead, injured]
    ).astype(np.int64)


def _sum_facts(facts: np.ndarray, members: np.ndarray) -> dict[str, int]:
    return dict(zip(FACTS, (int(x) for x in facts[members].sum(axis=0)), strict=True))


def _thresholds(rule: BlackSpotRule) -> np.ndarray:
    """The conditions as a matrix: one row per condition, one column per fact, 0 where the condition is silent."""
    return np.array([[c.get(f"{f}_min", 0) for f in FACTS] for c in rule.conditions], dtype=np.int64)


def _meets(sums: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """For fact sums of shape (..., facts): does any condition hold?"""
    return (sums[..., None, :] >= thresholds).all(axis=-1).any(axis=-1)


def _unit_vectors(coords: np.ndarray) -> np.ndarray:
    """(lat, lon) rows in radians as points on the unit sphere."""
    lat, lon = coords[:, 0], coords[:, 1]
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _chord(angle: float) -> float:
    """The straight-line distance between two points of the unit sphere `angle` radians of arc apart."""
    return 2 * math.sin(angle / 2)


def _clusters(coords: np.ndarray, eps: float) -> np.ndarray:
    """A label per accident: its connected group of accidents each within `eps` radians of arc of another."""
    pairs = cKDTree(_unit_vectors(coords)).query_pairs(_chord(eps), output_type="ndarray")
    links = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(coords), len(coords)))
    return connected_components(links, directed=False)[1]


def _haversine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle angles (radians) between every (lat, lon) row of `a` and every row of `b`, in radians."""
    return _angle(a[:, None, :], b[None, :, :])


def _angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The great-circle angle (radians) between (lat, lon) pairs in radians in the last axis, broadcast over the others
    (the haversine formula): row by row for two arrays of rows."""
    dlat, dlon = b[..., 0] - a[..., 0], b[..., 1] - a[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[..., 0]) * np.cos(b[..., 0]) * np.sin(dlon / 2) ** 2
    return 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _extent_within(coords: np.ndarray, max_angle: float) -> bool:
    """True when no two points are farther apart than ``max_angle`` (radians of arc)."""
    if len(coords) < 2:
        return True
    from_centre = _haversine(coords, _centroid(coords)[None, :])[:, 0]
    if from_centre.max() * 2 <= max_angle:
        return True  # every point within max/2 of one point: no pair can be farther than max
    far = coords[int(from_centre.argmax())]
    if _haversine(far[None, :], coords).max() > max_angle:
        return False  # a witness pair, found in one pass
    block = max(1, 2_000_000 // len(coords))  # exact, in blocks of bounded memory, stopping at the first far pair
    return all(_haversine(coords[lo : lo + block], coords).max() <= max_angle for lo in range(0, len(coords), block))


# The order of merit of a candidate disc, after "meets a condition": most dead, most accidents, most fatal accidents,
# most injured; the other facts follow so that an unchanged key means unchanged facts.
_MERIT = [FACTS.index(f) for f in ("dead", "accidents", "fatal_accidents", "injured")]
_MERIT += [j for j in range(len(FACTS)) if j not in _MERIT]


# The discs `_split_extended` chose for the clusters it split lately, by a digest of what they depend on: the
# cluster's accidents (coordinates and facts, in order of time), the thresholds and the radius. A province's accidents
# change a few at a time, so when its spots are found again most of its long clusters are the same as before (Hà
# Nội's year: 128 clusters split, ~60 of the ~100 ms of finding its spots). Per process, the most recent only.
_SPLITS: OrderedDict[bytes, list[np.ndarray]] = OrderedDict()
_SPLITS_KEPT = 4096
_SPLITS_LOCK = Lock()


def _split_remembered(
    members: np.ndarray, coords: np.ndarray, facts: np.ndarray, thresholds: np.ndarray, eps: float
) -> list[np.ndarray]:
    """`_split_extended(members, …)`, whose discs for the same accidents, thresholds and radius were remembered."""
    points, local_facts = coords[members], facts[members]
    digest = hashlib.blake2b(digest_size=16)
    for part in (points, local_facts, thresholds, np.float64(eps)):
        digest.update(np.ascontiguousarray(part).tobytes())
    key = digest.digest()
    with _SPLITS_LOCK:
        discs = _SPLITS.get(key)
        if discs is not None:
            _SPLITS.move_to_end(key)
    if discs is None:
        discs = _split_extended(np.arange(len(members)), points, local_facts, thresholds, eps)
        with _SPLITS_LOCK:
            _SPLITS[key] = discs
            if len(_SPLITS) > _SPLITS_KEPT:
                _SPLITS.popitem(last=False)
    return [members[disc] for disc in discs]


def _split_extended(
    members: np.ndarray, coords: np.ndarray, facts: np.ndarray, thresholds: np.ndarray, eps: float
) -> list[np.ndarray]:
    """Split a cluster longer than 2 × radius into qualifying discs of the rule's radius.

    Approach (chosen over clustering again with a smaller radius, which would change the radius the rule speaks of):
    every accident of the cluster is the centre of a candidate disc, the accidents within ``radius_m`` of it (the
    k-d tree of unit vectors, as `_clusters`). The best disc (meets a condition, then most dead, most accidents, most
    fatal accidents, most injured; the earlier centre on a tie) becomes a spot and its accidents are taken out of every
    other disc; repeat while a disc still meets a condition. A disc's diameter is at most 2 × radius, so no spot is
    longer than that, and no accident is in two spots.

    Every disc's facts are kept up to date (taking an accident out subtracts it from the discs that hold it, found
    through the transposed disc-membership matrix), and a priority queue holds the discs by merit; an entry whose
    merit has since fallen is pushed back with its new merit when it comes to the top.
    """
    points, local = coords[members], facts[members][:, _MERIT]  # the facts in order of merit
    vectors = _unit_vectors(points)
    discs = [np.asarray(d, dtype=np.intp) for d in cKDTree(vectors).query_ball_point(vectors, r=_chord(eps))]
    sizes = np.fromiter((len(d) for d in discs), dtype=np.int64, count=len(discs))
    indptr = np.concatenate([[0], np.cumsum(sizes)])
    holds = csr_matrix((np.ones(int(sizes.sum())), np.concatenate(discs), indptr), shape=(len(points), len(points)))
    held_by = holds.T.tocsr()  # row m: the discs that hold accident m
    sums = np.rint(holds @ local).astype(np.int64)  # every disc's facts at once

    bounds = thresholds[:, _MERIT].tolist()

    def qualifies(facts_row: list[int]) -> bool:  # _meets for one disc, in plain Python: numpy costs more on 6 values
        return any(all(v >= t for v, t in zip(facts_row, bound, strict=True)) for bound in bounds)

    qualified = np.flatnonzero(_meets(sums, thresholds[:, _MERIT]))
    heap = [(tuple(-v for v in row), i) for i, row in zip(qualified.tolist(), sums[qualified].tolist(), strict=True)]
    heapq.heapify(heap)
    free = np.ones(len(points), dtype=bool)
    groups = []
    while heap:
        key, i = heapq.heappop(heap)
        row = sums[i].tolist()
        now = tuple(-v for v in row)  # the merit: the facts in order of merit, most first
        if now != key:
            if qualifies(row):
                heapq.heappush(heap, (now, i))
            continue  # a disc that no longer qualifies never will again: facts only fall
        taken = discs[i][free[discs[i]]]
        free[taken] = False
        groups.append(members[taken])
        # The discs holding each accident taken: slices of the matrix's own arrays (its row indexing costs ~0.1 ms).
        starts, ends = held_by.indptr[taken], held_by.indptr[taken + 1]
        holders = np.concatenate([held_by.indices[start:end] for start, end in zip(starts, ends, strict=True)])
        np.subtract.at(sums, holders, local[np.repeat(taken, ends - starts)])
    return groups


def _centroid(coords: np.ndarray) -> np.ndarray:
    """Mean of unit vectors, back to (lat, lon) radians: exact enough for spots a few hundred metres wide."""
    return _directions(_unit_vectors(coords).sum(axis=0)[None, :])[0]


def _directions(vectors: np.ndarray) -> np.ndarray:
    """(lat, lon) in radians of each row's direction (x, y, z): a sum of unit vectors gives their centre."""
    x, y, z = vectors[:, 0], vectors[:, 1], vectors[:, 2]
    return np.column_stack([np.arctan2(z, np.hypot(x, y)), np.arctan2(y, x)])


def _spots(found: list[Group], located: list, coords: np.ndarray, rule: BlackSpotRule) -> list[BlackSpot]:
    """A spot for each group of accidents (positions in `located`, which is in order of time, ascending) with the
    facts added up and the condition they meet. Every group's centre (the mean of its unit vectors) and radius (its
    farthest member from the centre) are computed at once."""
    if not found:
        return []
    members = np.concatenate([group for group, _, _ in found])
    sizes = [len(group) for group, _, _ in found]
    starts = np.cumsum([0, *sizes[:-1]])
    centres = _directions(np.add.reduceat(_unit_vectors(coords[members]), starts, axis=0))
    owner = np.repeat(np.arange(len(found)), sizes)
    far = _angle(coords[members], centres[owner])
    radii = np.maximum.reduceat(far, starts) * EARTH_RADIUS_M
    spots = []
    for (group, totals, condition), (lat, lon), radius in zip(found, centres.tolist(), radii.tolist(), strict=True):
        positions = group.tolist()
        reason_vi, reason_en = _reason(condition, totals, rule)
        spots.append(
            BlackSpot(
                latitude=round(math.degrees(lat), 7),
                longitude=round(math.degrees(lon), 7),
                radius_m=round(radius, 1),
                accidents=tuple(located[i] for i in reversed(positions)),  # newest first
                fatal_accidents=totals["fatal_accidents"],
                injury_accidents=totals["injury_accidents"],
                dead=totals["dead"],
                injured=totals["injured"],
                first_occurred=_local(located[positions[0]].occurred_at).date(),
                last_occurred=_local(located[positions[-1]].occurred_at).date(),
                rule_source=rule.source,
                reason_vi=reason_vi,
                reason_en=reason_en,
            )
        )
    return spots


def _reason(condition: dict[str, int], totals: dict[str, int], rule: BlackSpotRule) -> tuple[str, str]:
    """'3 vụ có người bị thương trong bán kính 500 m, 12 tháng (Thông tư …)' and its English."""
    vi_parts, en_parts = [], []
    for key in condition:
        fact = key[: -len("_min")]
        n = totals[fact]
        vi, en_one, en_many = _PHRASES[fact]
        vi_parts.append(f"{n} {vi}")
        en_parts.append(f"{n} {en_one if n == 1 else en_many}")
    radius = f"{rule.radius_m:g}"
    notes_vi, notes_en = [rule.source], [rule.source]
    if not rule.verified:
        notes_vi.append("ngưỡng tạm, chưa đối chiếu văn bản")
        notes_en.append("provisional thresholds, not yet checked against the text")
    if rule.customised:
        notes_vi.append("tham số do người dùng đặt")
        notes_en.append("user-set parameters")
    vi = f"{' và '.join(vi_parts)} trong bán kính {radius} m, {rule.window_months} tháng ({'; '.join(notes_vi)})"
    en = (
        f"{' and '.join(en_parts)} within {radius} m in {rule.window_months} "
        f"month{'s' if rule.window_months != 1 else ''} ({'; '.join(notes_en)})"
    )
    return vi, en
