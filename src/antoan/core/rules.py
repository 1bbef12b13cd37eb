"""Legal rules kept as data: versions in force by the day, each with its source and whether it was read.

Every rule antoan applies (a traffic accident's severity class, black spots, the "An toàn về ANTT" criteria, the
movement's rating sheets, the Kỷ niệm chương's conditions) lives in a JSON file of its app. Whatever the rule's own
content, each version says:

- ``valid_from`` (and ``valid_to``, or the day before the next version's ``valid_from``): the days it governs;
- ``source``: the document, article and clause it comes from, as an official cites it;
- ``verified``: true only when its content was read in the published text (``note`` says where); an unverified
  version is still applied — it is the best knowledge at hand — but administrators see a warning beside every figure
  it produced, and documents never mention it (see docs/rules.md).

A record is judged by the version in force on its own day (`version_on`). The apps register how to list their rules
(`register`), so one page and one command (`antoan rules --on DATE`) show every rule in force on a day.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class RuleVersion:
    """What every version of every rule says about itself."""

    rule: str  # the rule's code: "traffic_severity"
    title_vi: str
    title_en: str
    source: str  # "Thông tư 26/2024/TT-BCA, Điều 5"
    valid_from: date
    valid_to: date | None = None  # last day in force; None while in force
    verified: bool = False
    note: str = ""  # where it was read, what is still unread
    unverified_vi: str = ""  # the parts still to be read, when verified is false
    unverified_en: str = ""
    details: tuple[tuple[str, str], ...] = field(default=())  # (Vietnamese, English) lines: the content, in brief

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Versioned(Protocol):
    valid_from: date
    valid_to: date | None


V = TypeVar("V", bound=Versioned)


def parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def chain(versions: Iterable[V], *, name: str) -> tuple[V, ...]:
    """The versions in order, each ending the day before the next begins unless it says when it ends; refused when
    two overlap (a rule file that says two things of one day is a mistake to fix, not to guess at)."""
    ordered = sorted(versions, key=lambda v: v.valid_from)
    if not ordered:
        raise ValueError(f"{name}: no version")
    chained = []
    for version, following in zip(ordered, [*ordered[1:], None], strict=True):
        if following is not None:
            last_day = following.valid_from - timedelta(days=1)
            if version.valid_to is None:
                version = replace(version, valid_to=last_day)
            elif version.valid_to > last_day:
                raise ValueError(f"{name}: the version from {version.valid_from} overlaps the next one")
        chained.append(version)
    return tuple(chained)


def version_on(versions: Sequence[V], day: date) -> V:
    """The version in force on ``day``. Before the first version the first applies (the oldest rule known is the best
    guide to days nobody encoded); in a gap between versions, the one that ended last."""
    in_force = [v for v in versions if v.valid_from <= day]
    return in_force[-1] if in_force else versions[0]


class Described(Protocol):
    """A rule module's own version object, as far as `listed` reads it."""

    source: str
    valid_from: date
    valid_to: date | None
    verified: bool
    note: str
    unverified_vi: str
    unverified_en: str


Details = Callable[[Described], Iterable[tuple[str, str]]]


def listed(rule: str, description: str, versions: Iterable[Described], details: Details) -> list[RuleVersion]:
    """A rule file's versions as `RuleVersion`s: the title from its "Tiếng Việt / English" description, the content
    in brief from ``details``."""
    title_vi, _, title_en = description.partition(" / ")
    return [
        RuleVersion(
            rule=rule, title_vi=title_vi, title_en=title_en or title_vi, source=v.source, valid_from=v.valid_from,
            valid_to=v.valid_to, verified=v.verified, note=v.note, unverified_vi=v.unverified_vi,
            unverified_en=v.unverified_en, details=tuple(details(v)),
        )
        for v in versions
    ]  # fmt: skip


# Each app registers a function listing its rules' versions (in its AppConfig.ready): core lists them without
# importing the apps above it.
_LISTERS: dict[str, Callable[[], Iterable[RuleVersion]]] = {}


def register(rule: str, lister: Callable[[], Iterable[RuleVersion]]) -> None:
    _LISTERS[rule] = lister


def all_versions() -> list[RuleVersion]:
    return [v for rule in sorted(_LISTERS) for v in _LISTERS[rule]()]


def rules_on(day: date) -> list[RuleVersion]:
    """Each rule's version in force on ``day`` (rules not yet in force on that day are left out)."""
    found = []
    for rule in sorted(_LISTERS):
        versions = sorted(_LISTERS[rule](), key=lambda v: v.valid_from)
        current = [v for v in versions if v.in_force_on(day)]
        found.extend(current)
    return found
