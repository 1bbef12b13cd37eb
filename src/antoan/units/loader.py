"""Reads both hierarchies and the succession map from the bundled data of `vietnamadminunits`.

Only the package's data files are read (its SQLite dataset and converter JSON); its geocoder, which
needs the internet, is never called. The output is plain rows: services.units_load writes them.
"""

import json
import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from importlib.resources import files

from antoan.units.models import CUTOVER, LEGACY_LAST_DAY

PROVINCE_TYPES = ("Thành phố", "Tỉnh")


def source_label() -> str:
    return f"vietnamadminunits {version('vietnamadminunits')} (Nghị quyết 202/2025/QH15)"


@dataclass
class UnitRow:
    hierarchy: str
    kind: str
    code: str
    name: str
    short_name: str
    type_name: str
    path: str
    parent_path: str | None
    valid_from: date | None
    valid_to: date | None
    latitude: float | None = None
    longitude: float | None = None
    bounds: list[float] | None = None
    area_km2: float | None = None


@dataclass
class SuccessionRow:
    predecessor_code: str  # legacy commune, or one of the five island districts that had no communes
    successor_code: str  # current commune
    is_default: bool
    # The one predecessor a current commune's own records are attributed to when a legacy unit is asked
    # about a date after the reorganisation (see _mark_primary).
    is_primary: bool = False


@dataclass
class Dataset:
    units: list[UnitRow] = field(default_factory=list)
    successions: list[SuccessionRow] = field(default_factory=list)


def _province_type(name: str) -> str:
    return next(t for t in PROVINCE_TYPES if name.startswith(t + " "))


def _bounds(text: str | None) -> list[float] | None:
    # "10.48313,107.394199 – 11.555579,108.969445" (south-west – north-east)
    if not text:
        return None
    try:
        sw, ne = (part.strip() for part in text.split("–"))
        south, west = (float(v) for v in sw.split(","))
        north, east = (float(v) for v in ne.split(","))
    except ValueError:
        return None
    return [south, west, north, east]


KIND_OF_LEVEL = {"province": "province", "district": "district", "ward": "commune"}


def _level_row(r: sqlite3.Row, level: str, hierarchy: str, path: str, parent_path: str | None) -> UnitRow:
    """One level ("province", "district", "ward") of a dataset row: its columns share that prefix."""
    columns = r.keys()
    legacy = hierarchy == "legacy"
    return UnitRow(
        hierarchy=hierarchy,
        kind=KIND_OF_LEVEL[level],
        code=r[f"{level}Code"],
        name=r[level],
        short_name=r[f"{level}Short"],
        type_name=r[f"{level}Type"] if level != "province" else _province_type(r[level]),
        path=path,
        parent_path=parent_path,
        valid_from=None if legacy else CUTOVER,
        valid_to=LEGACY_LAST_DAY if legacy else None,
        latitude=r[f"{level}Lat"],
        longitude=r[f"{level}Lon"],
        bounds=_bounds(r[f"{level}Bounds"]) if f"{level}Bounds" in columns else None,
        area_km2=r[f"{level}AreaKm2"] if f"{level}AreaKm2" in columns else None,
    )


def _rows(sql: str) -> list[sqlite3.Row]:
    path = files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def read_dataset() -> Dataset:
    data = Dataset()
    legacy_keys: dict[str, str] = {}  # "province_district_ward" key → legacy leaf code
    current_keys: dict[tuple[str, str], str] = {}  # (province key, ward key) → current commune code

    seen: set[str] = set()

    def add(row: UnitRow) -> None:
        if row.path not in seen:
            seen.add(row.path)
            data.units.append(row)

    for r in _rows("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"):
        p_path = f"L.{r['provinceCode']}."
        d_path = f"{p_path}{r['districtCode']}."
        add(_level_row(r, "province", "legacy", p_path, None))
        add(_level_row(r, "district", "legacy", d_path, p_path))
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"]:
            add(_level_row(r, "ward", "legacy", f"{d_path}{r['wardCode']}.", d_path))
            legacy_keys[key] = r["wardCode"]
        else:
            # An island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo).
            legacy_keys[key] = r["districtCode"]

    for r in _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode"):
        p_path = f"C.{r['provinceCode']}."
        add(_level_row(r, "province", "current", p_path, None))
        add(_level_row(r, "ward", "current", f"{p_path}{r['wardCode']}.", p_path))
        current_keys[(r["provinceKey"], r["wardKey"])] = r["wardCode"]

    converter = json.loads((files("vietnamadminunits") / "data" / "converter_2025.json").read_text("utf-8"))
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                data.successions.append(
                    SuccessionRow(legacy_keys[old_key], current_keys[(province_key, ward_key)], True)
                )
    for province_key, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, new_wards in old_wards.items():
            for new in new_wards:
                data.successions.append(
                    SuccessionRow(
                        legacy_keys[old_key],
                        current_keys[(province_key, new["newWardKey"])],
                        bool(new["isDefaultNewWard"]),
                    )
                )
    _mark_primary(data)
    return data


def _mark_primary(data: Dataset) -> None:
    centres = {(u.hierarchy, u.code): (u.latitude, u.longitude) for u in data.units}
    links = [
        Link(r, r.successor_code, r.is_default, r.predecessor_code,
             centres[("legacy", r.predecessor_code)], centres[("current", r.successor_code)])
        for r in data.successions
    ]  # fmt: skip
    for row in primary_links(links):
        row.is_primary = True


@dataclass
class Link:
    key: object  # what the caller gets back
    successor_code: str
    is_default: bool
    predecessor_code: str
    predecessor_centre: tuple[float | None, float | None]
    successor_centre: tuple[float | None, float | None]

    @property
    def distance(self) -> float:
        (lat1, lon1), (lat2, lon2) = self.predecessor_centre, self.successor_centre
        if None in (lat1, lon1, lat2, lon2):
            return float("inf")
        return (lat1 - lat2) ** 2 + ((lon1 - lon2) * math.cos(math.radians(lat2))) ** 2


def primary_links(links: list[Link]) -> list:
    """For each current commune, its primary predecessor: one whose default successor it is (a whole old
    commune rather than a part of a split one); among those the one whose code it took over (Xã Hàm Thuận
    kept Thị trấn Ma Lâm's 23059), else the one whose centre lies nearest the new commune's centre (the data
    has no areas for old communes); the code breaks ties. Returns the keys of the chosen links."""
    by_successor: dict[str, list[Link]] = {}
    for link in links:
        by_successor.setdefault(link.successor_code, []).append(link)

    def preference(link: Link):
        return (not link.is_default, link.predecessor_code != link.successor_code, link.distance, link.predecessor_code)

    return [min(group, key=preference).key for group in by_successor.values()]
