""" "An toàn về an ninh, trật tự" criteria sets: a generic reader of the versioned files in criteria/*.json.

Each file is one version of the rules (Thông tư 23/2012/TT-BCA, Thông tư 124/2021/TT-BCA, its 2025 amendment, …):
the regulation it comes from, the dates it is in force, and per subject type (residential area, commune, agency,
enterprise, school) the article, the evaluation window and the criteria; for communes also the share of
residential areas that must be recognised. An amendment is a new file, not a code change.

A year's assessment uses the set in force on the day its evaluation window closes (15/11 for a commune under
Thông tư 124/2021), unless a set is named, which must then be in force on that day.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from antoan.core.errors import DomainError
from antoan.core.rules import RuleVersion
from antoan.units.models import EstablishmentType, Kind, Unit

CRITERIA_DIR = Path(__file__).with_name("criteria")


class SubjectType:
    """What an assessment or rating is about; a unit's subject type follows from its kind and type."""

    RESIDENTIAL_AREA = "residential_area"
    COMMUNE = "commune"
    AGENCY = "agency"
    ENTERPRISE = "enterprise"
    SCHOOL = "school"

    values = (RESIDENTIAL_AREA, COMMUNE, AGENCY, ENTERPRISE, SCHOOL)
    names = {
        RESIDENTIAL_AREA: ("khu dân cư", "residential area"),
        COMMUNE: ("xã, phường, thị trấn, đặc khu", "commune"),
        AGENCY: ("cơ quan, đơn vị", "agency"),
        ENTERPRISE: ("doanh nghiệp", "enterprise"),
        SCHOOL: ("cơ sở giáo dục", "school"),
    }
    plural = {
        RESIDENTIAL_AREA: ("khu dân cư", "residential areas"),
        COMMUNE: ("xã, phường, thị trấn", "communes"),
        AGENCY: ("cơ quan, đơn vị", "agencies"),
        ENTERPRISE: ("doanh nghiệp", "enterprises"),
        SCHOOL: ("cơ sở giáo dục", "schools"),
    }


def subject_label(subject_type: str) -> str:
    vi, en = SubjectType.names.get(subject_type, (subject_type, subject_type))
    return en.capitalize() if _english() else vi.capitalize()


def subject_choices() -> list[tuple[str, str]]:
    return [(s, subject_label(s)) for s in SubjectType.values]


def _english() -> bool:
    return (get_language() or "").startswith("en")


def subject_type_of(unit: Unit) -> str | None:
    """A commune-level unit (and a legacy island district without communes, which is its own commune-level
    unit) is a commune; an establishment is what its type says; a district or province is not assessed."""
    if unit.kind == Kind.COMMUNE or (unit.kind == Kind.DISTRICT and unit.commune_id == unit.pk):
        return SubjectType.COMMUNE
    if unit.kind == Kind.ESTABLISHMENT and unit.establishment_type in EstablishmentType.values:
        return unit.establishment_type
    return None


@dataclass(frozen=True)
class Criterion:
    code: str
    clause: str
    vi: str
    en: str

    @property
    def text(self) -> str:
        return self.en if _english() else self.vi


@dataclass(frozen=True)
class Window:
    """The evaluation window of a year: e.g. 16/11 of the previous year → 15/11."""

    start: str  # "MM-DD"
    from_previous_year: bool
    end: str  # "MM-DD"
    source: str

    def of_year(self, year: int) -> tuple[date, date]:
        sm, sd = (int(p) for p in self.start.split("-"))
        em, ed = (int(p) for p in self.end.split("-"))
        return date(year - 1 if self.from_previous_year else year, sm, sd), date(year, em, ed)


@dataclass(frozen=True)
class Subject:
    subject_type: str
    source: str
    window: Window
    criteria: tuple[Criterion, ...]
    residential_area_share_min: float | None
    residential_area_share_source: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria)

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)


@dataclass(frozen=True)
class CriteriaSet:
    code: str
    title_vi: str
    title_en: str
    source: str
    valid_from: date
    valid_to: date | None
    note: str
    subjects: dict[str, Subject]
    verified: bool = False
    unverified_vi: str = ""
    unverified_en: str = ""

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_vi

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def validity_text(self) -> tuple[str, str]:
        start = self.valid_from.strftime("%d/%m/%Y")
        if self.valid_to is None:
            return f"từ {start}", f"from {start}"
        end = self.valid_to.strftime("%d/%m/%Y")
        return f"từ {start} đến {end}", f"from {start} to {end}"


def _load(path: Path) -> CriteriaSet:
    data = json.loads(path.read_text(encoding="utf-8"))
    subjects = {}
    for subject_type, s in data["subjects"].items():
        if subject_type not in SubjectType.values:
            raise ValueError(f"{path.name}: unknown subject type {subject_type!r}")
        criteria = tuple(Criterion(c["code"], c.get("clause", ""), c["vi"], c["en"]) for c in s["criteria"])
        if len({c.code for c in criteria}) != len(criteria) or not criteria:
            raise ValueError(f"{path.name}: {subject_type} needs criteria with distinct codes")
        w = s["window"]
        subjects[subject_type] = Subject(
            subject_type=subject_type,
            source=s["source"],
            window=Window(w["from"], bool(w.get("from_previous_year")), w["to"], w.get("source", "")),
            criteria=criteria,
            residential_area_share_min=s.get("residential_area_share_min"),
            residential_area_share_source=s.get("residential_area_share_source", ""),
        )
    return CriteriaSet(
        code=data["code"],
        title_vi=data["title"]["vi"],
        title_en=data["title"]["en"],
        source=data["source"],
        valid_from=date.fromisoformat(data["valid_from"]),
        valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
        note=data.get("note", ""),
        subjects=subjects,
        verified=bool(data.get("verified", False)),
        unverified_vi=data.get("unverified_vi", ""),
        unverified_en=data.get("unverified_en", ""),
    )


@cache
def criteria_sets() -> tuple[CriteriaSet, ...]:
    """Every set, oldest first."""
    sets = [_load(path) for path in sorted(CRITERIA_DIR.glob("*.json"))]
    codes = [s.code for s in sets]
    if len(set(codes)) != len(codes):
        raise ValueError(f"Two criteria files share a code: {codes}")
    return tuple(sorted(sets, key=lambda s: s.valid_from))


def criteria_versions() -> list[RuleVersion]:
    """The sets as core.rules lists them (the rules page, `antoan rules`): a commune's criteria as the details."""
    return [
        RuleVersion(
            rule="antt_standard", title_vi='Tiêu chuẩn "An toàn về an ninh, trật tự"',
            title_en='"Safe in security and order" standard', source=s.source, valid_from=s.valid_from,
            valid_to=s.valid_to, verified=s.verified, note=s.note, unverified_vi=s.unverified_vi,
            unverified_en=s.unverified_en,
            details=tuple((f"{c.code} ({c.clause}): {c.vi}", f"{c.code} ({c.clause}): {c.en}")
                          for c in (s.subjects[SubjectType.COMMUNE].criteria if SubjectType.COMMUNE in s.subjects
                                    else ())),
        )
        for s in criteria_sets()
    ]  # fmt: skip


def criteria_set_get(code: str) -> CriteriaSet:
    for criteria_set in criteria_sets():
        if criteria_set.code == code:
            return criteria_set
    known = ", ".join(s.code for s in criteria_sets())
    raise DomainError.single(
        "criteria_set",
        f"Không có bộ tiêu chí '{code}' (các bộ hiện có: {known})",
        f"There is no criteria set '{code}' (known sets: {known})",
    )


def criteria_set_choose(*, subject_type: str, year: int, code: str | None = None) -> tuple[CriteriaSet, Subject]:
    """The set (and its part for `subject_type`) that judges `year`: the one named, or the one in force on the
    day the year's evaluation window closes. Refused, bilingually, when the set does not cover the subject type
    or is not in force then."""
    vi_subject, en_subject = SubjectType.names[subject_type]
    if code:
        chosen = criteria_set_get(code)
        subject = chosen.subjects.get(subject_type)
        if subject is None:
            covered_vi = ", ".join(SubjectType.names[s][0] for s in chosen.subjects)
            covered_en = ", ".join(SubjectType.names[s][1] for s in chosen.subjects)
            raise DomainError.single(
                "criteria_set",
                f"Bộ tiêu chí {chosen.code} ({chosen.source}) không áp dụng cho {vi_subject}; bộ này áp dụng cho: "
                f"{covered_vi}",
                f"Criteria set {chosen.code} ({chosen.source}) does not cover a {en_subject}; it covers: {covered_en}",
            )
        closes = subject.window.of_year(year)[1]
        if not chosen.in_force_on(closes):
            span_vi, span_en = chosen.validity_text()
            raise DomainError.single(
                "year",
                f"Bộ tiêu chí {chosen.code} có hiệu lực {span_vi}; kỳ đánh giá năm {year} kết thúc ngày "
                f"{closes:%d/%m/%Y}, ngoài thời gian đó",
                f"Criteria set {chosen.code} is in force {span_en}; the {year} evaluation closes on {closes:%d/%m/%Y}, "
                "outside that span",
            )
        return chosen, subject
    candidates = []
    for criteria_set in criteria_sets():
        subject = criteria_set.subjects.get(subject_type)
        if subject is not None and criteria_set.in_force_on(subject.window.of_year(year)[1]):
            candidates.append((criteria_set, subject))
    if not candidates:
        raise DomainError.single(
            "year",
            f"Không có bộ tiêu chí nào áp dụng cho {vi_subject} năm {year}",
            f"No criteria set covers a {en_subject} in {year}",
        )
    return candidates[-1]
