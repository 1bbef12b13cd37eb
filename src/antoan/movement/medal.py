"""Who may receive the Kỷ niệm chương "Bảo vệ an ninh Tổ quốc": the rule file rules/commemorative_medal.json.

Each version (core.rules) names the conditions that exclude a person and those that defer the award, as the names of
commendation fields the officer ticks; a commendation is judged by the version in force on its decision date (a
holder of the medal "Vì an ninh Tổ quốc" could be proposed under Thông tư 11/2021/TT-BCA, not from 28/04/2025).
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from antoan.core.rules import RuleVersion, chain, listed, parse_day, version_on

RULE_FILE = Path(__file__).with_name("rules") / "commemorative_medal.json"


@dataclass(frozen=True)
class MedalRule:
    source: str
    valid_from: date
    valid_to: date | None
    verified: bool
    once_per_person: bool
    excluded_if: tuple[str, ...]
    deferred_if: tuple[str, ...]
    note: str = ""
    unverified_vi: str = ""
    unverified_en: str = ""


@cache
def _data() -> dict:
    return json.loads(RULE_FILE.read_text(encoding="utf-8"))


def medal_condition(name: str) -> tuple[str, str]:
    """What a condition says, (Vietnamese, English): 'bị khởi tố hình sự …'."""
    condition = _data()["conditions"][name]
    return condition["vi"], condition["en"]


@cache
def medal_rules() -> tuple[MedalRule, ...]:
    data = _data()
    rules = []
    for v in data["versions"]:
        unknown = (set(v["excluded_if"]) | set(v["deferred_if"])) - set(data["conditions"])
        if unknown:
            raise ValueError(f"{RULE_FILE.name}: unknown conditions {sorted(unknown)} in {v['source']!r}")
        rules.append(
            MedalRule(
                source=v["source"], valid_from=date.fromisoformat(v["valid_from"]),
                valid_to=parse_day(v.get("valid_to")),
                verified=bool(v.get("verified", False)), once_per_person=bool(v.get("once_per_person", True)),
                excluded_if=tuple(v["excluded_if"]), deferred_if=tuple(v["deferred_if"]), note=v.get("note", ""),
                unverified_vi=v.get("unverified_vi", ""), unverified_en=v.get("unverified_en", ""),
            )
        )  # fmt: skip
    return chain(rules, name=RULE_FILE.name)


def medal_rule_on(day: date) -> MedalRule:
    return version_on(medal_rules(), day)


def medal_rule_versions() -> list[RuleVersion]:
    """The versions as core.rules lists them (the rules page, `antoan rules`)."""
    return listed("commemorative_medal", _data()["description"], medal_rules(), _details)


def _details(rule: MedalRule) -> list[tuple[str, str]]:
    details = [("Chỉ tặng một lần cho mỗi người", "Given once per person")] if rule.once_per_person else []
    details += [(f"Không tặng cho người {medal_condition(c)[0]}", f"Not for a person who {medal_condition(c)[1]}")
                for c in rule.excluded_if]  # fmt: skip
    details += [(f"Chưa xét tặng khi người được đề nghị {medal_condition(c)[0]}",
                 f"Deferred while the person {medal_condition(c)[1]}") for c in rule.deferred_if]  # fmt: skip
    return details
