"""Units as an official document names them: "huyện Hàm Thuận Bắc", "UBND tỉnh Bình Thuận", "các xã, thị trấn".

The level word is the first word(s) of the official name (the data writes "Thị Trấn" and "Thị trấn" both), so a
town is "thị xã", a provincial city "thành phố", and after 1 July 2025 a commune may be a "phường" or an "đặc khu".
"""

from antoan.units.models import Kind, Unit

# Longest first: "Thành phố" before a one-word level.
LEVELS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "tỉnh", "huyện", "quận", "xã", "phường")
# The order reports list the kinds of commune-level units in.
COMMUNE_LEVELS = ("xã", "phường", "thị trấn", "đặc khu")


def level_word(unit: Unit) -> str:
    """ "huyện", "thị xã", "tỉnh", "thành phố", "xã", "phường", "thị trấn", "đặc khu"."""
    name = unit.name.lower()
    for level in LEVELS:
        if name.startswith(level + " "):
            return level
    return {Kind.PROVINCE: "tỉnh", Kind.DISTRICT: "huyện"}.get(unit.kind, "xã")


def proper_name(unit: Unit) -> str:
    """The name without its level word: "Hàm Thuận Bắc"."""
    level = level_word(unit)
    name = unit.name
    return name[len(level) + 1 :] if name.lower().startswith(level + " ") else (unit.short_name or name)


def named(unit: Unit) -> str:
    """ "huyện Hàm Thuận Bắc", as a sentence names it (the level word in lower case)."""
    return f"{level_word(unit)} {proper_name(unit)}"


def committee(unit: Unit) -> str:
    """ "UBND huyện Hàm Thuận Bắc"."""
    return f"UBND {named(unit)}"


def police(unit: Unit) -> str:
    """ "Công an tỉnh Bình Thuận" (a district's police until 1/3/2025, then the province's)."""
    return f"Công an {named(unit)}"


def party_committee(unit: Unit) -> str:
    """The party committee of the level: Tỉnh ủy, Thành ủy, Huyện ủy, Thị ủy, Quận ủy, Đảng ủy (commune)."""
    level = level_word(unit)
    return {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "huyện": "Huyện ủy", "thị xã": "Thị ủy",
            "quận": "Quận ủy"}.get(level, "Đảng ủy")  # fmt: skip


def commune_levels(names) -> str:
    """ "xã, thị trấn" for the commune-level units named `names` (a district with no ward says no "phường")."""
    present = set()
    for name in names:
        lowered = name.lower()
        present.update(level for level in COMMUNE_LEVELS if lowered.startswith(level + " "))
    return ", ".join(level for level in COMMUNE_LEVELS if level in present) or "xã"
