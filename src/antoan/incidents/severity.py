"""Traffic accident severity: a generic reader of the rule table in rules/traffic_severity.json.

Each version names its source, the days it governs and whether it was read in the published text (core.rules); an
amendment is a new version in the file, not a code change. An accident is classified by the version in force on the
day it happened — an accident of 2020 by Thông tư 58/2009/TT-BCA(C11), one of 2025 by Thông tư 26/2024/TT-BCA —
and the record keeps the source it was classified by. `severity_reclassify` (incidents.services) brings stored
classes up to date after a version is added or corrected.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

from antoan.core.rules import RuleVersion, chain, listed, parse_day, version_on

RULE_FILE = Path(__file__).with_name("rules") / "traffic_severity.json"


@dataclass(frozen=True)
class SeverityClass:
    code: str
    vi: str
    en: str
    conditions: tuple[dict[str, int], ...]

    def applies(self, facts: dict[str, int | None]) -> bool:
        """A condition holds when each bound it names holds: `dead_min` ≥, `property_damage_vnd_max` < (an upper
        bound is exclusive, as the circulars write "từ … đến dưới …")."""
        return any(all(_holds(facts, bound, limit) for bound, limit in c.items()) for c in self.conditions)


def _holds(facts: dict[str, int | None], bound: str, limit: int) -> bool:
    fact, _, side = bound.rpartition("_")
    value = facts.get(fact) or 0
    return value >= limit if side == "min" else value < limit


@dataclass(frozen=True)
class SeverityRule:
    source: str
    valid_from: date
    classes: tuple[SeverityClass, ...]
    valid_to: date | None = None
    verified: bool = False
    note: str = ""
    unverified_vi: str = ""
    unverified_en: str = ""

    def classify(self, facts: dict[str, int | None]) -> SeverityClass:
        for severity in self.classes:
            if severity.applies(facts):
                return severity
        return self.classes[-1]


FACTS = ("dead", "injured", "injury_rate_total_pct", "property_damage_vnd")


@cache
def severity_rules() -> tuple[SeverityRule, ...]:
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    rules = []
    for v in data["versions"]:
        classes = tuple(SeverityClass(c["code"], c["vi"], c["en"], tuple(c["any"])) for c in v["classes"])
        for c in classes:
            for condition in c.conditions:
                unknown = [k for k in condition if k.rpartition("_")[0] not in FACTS or k[-4:] not in ("_min", "_max")]
                if unknown:
                    raise ValueError(f"{RULE_FILE.name}: unknown bound {unknown} in {v['source']!r}")
        rules.append(
            SeverityRule(
                source=v["source"],
                valid_from=date.fromisoformat(v["valid_from"]),
                valid_to=parse_day(v.get("valid_to")),
                classes=classes,
                verified=bool(v.get("verified", False)),
                note=v.get("note", ""),
                unverified_vi=v.get("unverified_vi", ""),
                unverified_en=v.get("unverified_en", ""),
            )
        )
    return chain(rules, name=RULE_FILE.name)


def severity_rule_on(day: date) -> SeverityRule:
    return version_on(severity_rules(), day)


def severity_rule_versions() -> list[RuleVersion]:
    """The versions as core.rules lists them (the rules page, `antoan rules`)."""
    description = json.loads(RULE_FILE.read_text(encoding="utf-8"))["description"]
    return listed("traffic_severity", description, severity_rules(), lambda r: map(_class_text, r.classes))


_BOUNDS = {  # fact -> (Vietnamese, English, unit)
    "dead": ("người chết", "dead", ""),
    "injured": ("người bị thương", "injured", ""),
    "injury_rate_total_pct": ("tổng tỷ lệ tổn thương", "total injury rate", "%"),
    "property_damage_vnd": ("thiệt hại tài sản", "property damage", " đồng"),
}


def _class_text(severity: SeverityClass) -> tuple[str, str]:
    """'Nghiêm trọng: người chết từ 1; hoặc …' — a class's conditions in words, for the rules page."""
    vi_parts, en_parts = [], []
    for condition in severity.conditions:
        vi, en = [], []
        for bound, limit in condition.items():
            fact, _, side = bound.rpartition("_")
            name_vi, name_en, unit = _BOUNDS[fact]
            number = f"{limit:,}".replace(",", ".") + unit
            vi.append(f"{name_vi} {'từ' if side == 'min' else 'dưới'} {number}")
            en.append(f"{name_en} {'≥' if side == 'min' else '<'} {number.replace(' đồng', ' VND')}")
        vi_parts.append(", ".join(vi) or "các trường hợp còn lại")
        en_parts.append(", ".join(en) or "any other case")
    return f"{severity.vi}: {'; hoặc '.join(vi_parts)}", f"{severity.en}: {'; or '.join(en_parts)}"


def _classes() -> dict[str, SeverityClass]:
    found = {}
    for rule in severity_rules():
        for c in rule.classes:
            found.setdefault(c.code, c)
    return found


def severity_label(code: str) -> str:
    """The class's name in the reader's language (Vietnamese unless they switched to English)."""
    severity = _classes().get(code)
    if severity is None:
        return code
    return severity.en if (get_language() or "").startswith("en") else severity.vi


_severity_label_lazy = lazy(severity_label, str)  # made once (see categories._label_of)


def severity_choices() -> list[tuple[str, str]]:
    return [(code, _severity_label_lazy(code)) for code in _classes()]


# The classes "nghiêm trọng" and graver, as rules that speak of serious accidents count them (black spots before 2025).
SERIOUS_CLASSES = frozenset({"serious", "very_serious", "especially_serious"})
