"""Where a black spot is, in the words an official writes: its road and its commune ("Quốc lộ 28, xã Hàm Thuận"),
not its coordinates (a year-end review "names roads and places rather than coordinates", DESIGN.md).

- The road is the most common `road_name` of the spot's accidents; when none of them has one, the most common
  `address`.
- The commune is the one that holds most of the spot's accidents, of the hierarchy in force at the end of the period
  (an old commune for a 2020 report, a new one after 1/7/2025): each accident's `legacy_commune` or
  `current_commune`, which the incident services keep.
- Ties are broken by count, then by the text (Unicode order: "Quốc lộ 1A" before "Quốc lộ 28"), then, for communes
  named alike, by id: the same spot is always named the same way.

The places of a whole result are read with two queries, whatever the number of spots: the road, address and commune
of the spots' accidents (by primary key, unordered: the incidents' default order would make PostgreSQL walk the
time index of the whole table), then the names of the few communes found (joined instead, 3,000 accidents cost
3,000 probes of the units' index, ~4 µs each). They are read after the spots themselves, which are kept under a
digest of the accidents' coordinates and facts (core/kept.py) that a corrected road name does not change: the names
are read fresh every time.
"""

from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date

from antoan.core.lookups import Ids
from antoan.incidents.models import Incident
from antoan.indicators.blackspots import BlackSpot, BlackSpotResult
from antoan.units.models import CUTOVER, Unit

# The English word for a unit's type, after its name ("Hàm Thuận commune"); other types keep the Vietnamese name.
TYPES_EN = {
    "xã": "commune",
    "phường": "ward",
    "thị trấn": "town",
    "đặc khu": "special zone",
    "huyện": "district",
    "quận": "district",
    "thị xã": "town",
    "thành phố": "city",
    "tỉnh": "province",
}


def black_spots_placed(result: BlackSpotResult, *, day: date) -> BlackSpotResult:
    """`result` with each spot's `road`, `commune`, `place_vi` and `place_en` (potential spots' too), the communes
    named as of `day`."""
    if not result.spots and not result.potential:
        return result
    commune = "legacy_commune_id" if day < CUTOVER else "current_commune_id"
    pks = Ids(accident.pk for spot in (*result.spots, *result.potential) for accident in spot.accidents)
    rows = Incident.objects.filter(pk__any=pks).order_by().values_list("pk", "road_name", "address", commune)
    # The texts are as the services wrote them: trimmed, inner spaces single (core.values.to_text).
    accidents = {pk: (road, address, commune_id) for pk, road, address, commune_id in rows}
    ids = {commune_id for _, _, commune_id in accidents.values() if commune_id is not None}
    communes = {
        pk: (name, short_name, type_name)
        for pk, name, short_name, type_name in Unit.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "name", "short_name", "type_name")
    }
    return replace(
        result,
        spots=tuple(_placed(spot, accidents, communes) for spot in result.spots),
        potential=tuple(_placed(spot, accidents, communes) for spot in result.potential),
    )


def _placed(spot: BlackSpot, accidents: dict, communes: dict) -> BlackSpot:
    roads: dict[str, int] = {}
    addresses: dict[str, int] = {}
    held: dict[int, int] = {}
    for accident in spot.accidents:
        road, address, commune_id = accidents.get(accident.pk, _UNKNOWN)
        if road:
            roads[road] = roads.get(road, 0) + 1
        elif address:  # read only when no accident of the spot has a road
            addresses[address] = addresses.get(address, 0) + 1
        if commune_id in communes:
            held[commune_id] = held.get(commune_id, 0) + 1
    road = _most_common(roads, _by_text) or _most_common(addresses, _by_text) or ""
    commune_id = _most_common(held, lambda pk: (communes[pk][0], pk))
    name, short_name, type_name = communes[commune_id] if commune_id is not None else ("", "", "")
    place_vi, place_en = _place(spot, road, name, short_name, type_name)
    return replace(spot, road=road, commune=name, place_vi=place_vi, place_en=place_en)


_UNKNOWN = ("", "", None)  # an accident deleted since the spots were found: it names nothing


def _by_text(text: str) -> str:
    return text


def _most_common(counts: dict, order: Callable[[Hashable], object]):
    """The key counted most often; on a tie, the first in `order`. None when nothing was counted."""
    if not counts:
        return None
    if len(counts) == 1:
        return next(iter(counts))
    return min(counts, key=lambda key: (-counts[key], order(key)))


def _place(spot: BlackSpot, road: str, name: str, short_name: str, type_name: str) -> tuple[str, str]:
    """("Quốc lộ 28, xã Hàm Thuận", "Quốc lộ 28, Hàm Thuận commune"); the commune alone under its full name ("Xã Hàm
    Thuận"); an address that already names the commune is not followed by it; nothing known: the coordinates."""
    if not road and not name:
        where = f"{spot.latitude:.5f}, {spot.longitude:.5f}"
        return f"tọa độ {where}", f"coordinates {where}"
    if not name:
        return road, road
    in_text_vi = f"{type_name.lower()} {short_name}" if type_name and short_name else name
    english_type = TYPES_EN.get(type_name.lower())
    in_text_en = f"{short_name} {english_type}" if english_type and short_name else name
    if not road:
        return name, in_text_en
    if in_text_vi.casefold() in road.casefold() or name.casefold() in road.casefold():
        return road, road
    return f"{road}, {in_text_vi}", f"{road}, {in_text_en}"
