"""Traffic accident severity: a generic reader of the rule table in rules/traffic_severity.json.

The table names its source and the date it took effect; an amendment is a new version in the file, not a
code change. An accident is classified by the version in force on the day it happened (the earliest
version for accidents before it: the record keeps the source it was classified by).
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

RULE_FILE = Path(__file__).with_name("rules") / "traffic_severity.json"


@dataclass(frozen=True)
class SeverityClass:
    code: str
    vi: str
    en: str
    conditions: tuple[dict[str, int], ...]

    def applies(self, facts: dict[str, int | None]) -> bool:
        return any(all((facts.get(k[: -len("_min")]) or 0) >= v for k, v in c.items()) for c in self.conditions)


@dataclass(frozen=True)
class SeverityRule:
    source: str
    valid_from: date
    classes: tuple[SeverityClass, ...]

    def classify(self, facts: dict[str, int | None]) -> SeverityClass:
        for severity in self.classes:
            if severity.applies(facts):
                return severity
        return self.classes[-1]


@cache
def severity_rules() -> tuple[SeverityRule, ...]:
    data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    rules = [
        SeverityRule(
            source=v["source"],
            valid_from=date.fromisoformat(v["valid_from"]),
            classes=tuple(SeverityClass(c["code"], c["vi"], c["en"], tuple(c["any"])) for c in v["classes"]),
        )
        for v in data["versions"]
    ]
    return tuple(sorted(rules, key=lambda r: r.valid_from))


def severity_rule_on(day: date) -> SeverityRule:
    rules = severity_rules()
    in_force = [r for r in rules if r.valid_from <= day]
    return in_force[-1] if in_force else rules[0]


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
