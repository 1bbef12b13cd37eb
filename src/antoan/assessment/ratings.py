"""Movement rating sheets (Quyết định 510/QĐ-BCA-V05): a generic reader of ratings/*.json.

A file names its source and the date it took effect, the grades with their lowest totals, and one or more
sheets, each for some subject types: groups of criteria, each criterion with its maximum points. The code
that scores a sheet is generic; a corrected scale is a new file, not a code change.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from antoan.assessment.criteria import SubjectType, _english
from antoan.core.errors import DomainError
from antoan.core.rules import RuleVersion

RATINGS_DIR = Path(__file__).with_name("ratings")


@dataclass(frozen=True)
class RatingCriterion:
    code: str
    group: str
    max_points: int
    vi: str
    en: str

    @property
    def text(self) -> str:
        return self.en if _english() else self.vi


@dataclass(frozen=True)
class RatingGroup:
    code: str
    vi: str
    en: str
    max_points: int
    criteria: tuple[RatingCriterion, ...]

    @property
    def text(self) -> str:
        return self.en if _english() else self.vi


@dataclass(frozen=True)
class Grade:
    code: str
    vi: str
    en: str
    min_points: int

    @property
    def label(self) -> str:
        return self.en if _english() else self.vi


@dataclass(frozen=True)
class RatingSheet:
    scale: str  # the file's code
    source: str
    subject_types: tuple[str, ...]
    groups: tuple[RatingGroup, ...]

    @property
    def criteria(self) -> tuple[RatingCriterion, ...]:
        return tuple(c for g in self.groups for c in g.criteria)

    @property
    def max_total(self) -> int:
        return sum(g.max_points for g in self.groups)

    def criterion(self, code: str) -> RatingCriterion | None:
        return next((c for c in self.criteria if c.code == code), None)


@dataclass(frozen=True)
class RatingScale:
    code: str
    title_vi: str
    title_en: str
    source: str
    valid_from: date
    valid_to: date | None
    note: str
    grades: tuple[Grade, ...]  # highest first
    sheets: tuple[RatingSheet, ...]
    deadlines: tuple[tuple[str, str], ...] = ()  # (level, "MM-DD"): the day each level sends its rating up
    verified: bool = False
    unverified_vi: str = ""
    unverified_en: str = ""

    @property
    def title(self) -> str:
        return self.title_en if _english() else self.title_vi

    def grade_for(self, total: int) -> Grade:
        for grade in self.grades:
            if total >= grade.min_points:
                return grade
        return self.grades[-1]

    def sheet_for(self, subject_type: str) -> RatingSheet | None:
        return next((s for s in self.sheets if subject_type in s.subject_types), None)


def _load(path: Path) -> RatingScale:
    data = json.loads(path.read_text(encoding="utf-8"))
    sheets = []
    for s in data["sheets"]:
        groups = []
        for g in s["groups"]:
            criteria = tuple(
                RatingCriterion(c["code"], g["code"], int(c["max_points"]), c["vi"], c["en"]) for c in g["criteria"]
            )
            if sum(c.max_points for c in criteria) != int(g["max_points"]):
                raise ValueError(f"{path.name}: group {g['code']} max_points is not the sum of its criteria")
            groups.append(RatingGroup(g["code"], g["vi"], g["en"], int(g["max_points"]), criteria))
        unknown = set(s["subject_types"]) - set(SubjectType.values)
        if unknown:
            raise ValueError(f"{path.name}: unknown subject types {sorted(unknown)}")
        sheet = RatingSheet(data["code"], s.get("source", data["source"]), tuple(s["subject_types"]), tuple(groups))
        codes = [c.code for c in sheet.criteria]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{path.name}: repeated criterion codes")
        sheets.append(sheet)
    grades = tuple(
        sorted(
            (Grade(g["code"], g["vi"], g["en"], int(g["min_points"])) for g in data["grades"]),
            key=lambda g: -g.min_points,
        )
    )
    return RatingScale(
        code=data["code"],
        title_vi=data["title"]["vi"],
        title_en=data["title"]["en"],
        source=data["source"],
        valid_from=date.fromisoformat(data["valid_from"]),
        valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
        note=data.get("note", ""),
        grades=grades,
        sheets=tuple(sheets),
        deadlines=tuple(data.get("deadlines", {}).items()),
        verified=bool(data.get("verified", False)),
        unverified_vi=data.get("unverified_vi", ""),
        unverified_en=data.get("unverified_en", ""),
    )


@cache
def rating_scales() -> tuple[RatingScale, ...]:
    return tuple(sorted((_load(p) for p in sorted(RATINGS_DIR.glob("*.json"))), key=lambda s: s.valid_from))


def rating_versions() -> list[RuleVersion]:
    """The scales as core.rules lists them: each sheet's groups and points, the grades and the deadlines."""
    versions = []
    for scale in rating_scales():
        details = []
        for sheet in scale.sheets:
            whom_vi = ", ".join(SubjectType.names.get(t, (t, t))[0] for t in sheet.subject_types)
            whom_en = ", ".join(SubjectType.names.get(t, (t, t))[1] for t in sheet.subject_types)
            groups_vi = "; ".join(f"{g.code}. {g.vi} ({g.max_points} điểm)" for g in sheet.groups)
            groups_en = "; ".join(f"{g.code}. {g.en} ({g.max_points} points)" for g in sheet.groups)
            details.append((f"Phiếu chấm ({whom_vi}): {groups_vi}", f"Sheet ({whom_en}): {groups_en}"))
        details.append(
            (
                "Xếp loại: " + "; ".join(f"{g.vi} từ {g.min_points} điểm" for g in scale.grades),
                "Grades: " + "; ".join(f"{g.en} from {g.min_points} points" for g in scale.grades),
            )
        )
        details.append(
            (
                "Thời hạn gửi kết quả: " + "; ".join(f"{_LEVELS[k][0]} {_day_month(d)}" for k, d in scale.deadlines),
                "Deadlines: " + "; ".join(f"{_LEVELS[k][1]} {_day_month(d)}" for k, d in scale.deadlines),
            )
        )
        versions.append(
            RuleVersion(
                rule="movement_rating", title_vi=scale.title_vi, title_en=scale.title_en, source=scale.source,
                valid_from=scale.valid_from, valid_to=scale.valid_to, verified=scale.verified, note=scale.note,
                unverified_vi=scale.unverified_vi, unverified_en=scale.unverified_en, details=tuple(details),
            )
        )  # fmt: skip
    return versions


_LEVELS = {**SubjectType.names, "district": ("cấp huyện", "district"), "province": ("cấp tỉnh", "province")}


def _day_month(month_day: str) -> str:
    month, day = month_day.split("-")
    return f"{day}/{month}"


def rating_scale_get(code: str) -> RatingScale | None:
    return next((s for s in rating_scales() if s.code == code), None)


def grade_label(scale_code: str, grade_code: str) -> str:
    scale = rating_scale_get(scale_code)
    grade = next((g for g in scale.grades if g.code == grade_code), None) if scale else None
    return grade.label if grade else grade_code


def grade_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for scale in rating_scales():
        for grade in scale.grades:
            seen.setdefault(grade.code, grade.label)
    return list(seen.items())


def rating_sheet_choose(*, subject_type: str, year: int) -> tuple[RatingScale, RatingSheet]:
    """The scale in force at the end of `year` (the earliest one for years before it) and its sheet for the
    subject type."""
    scales = rating_scales()
    end = date(year, 12, 31)
    in_force = [s for s in scales if s.valid_from <= end and (s.valid_to is None or s.valid_to >= date(year, 1, 1))]
    vi_subject, en_subject = SubjectType.names[subject_type]
    if not in_force:
        first = scales[0]
        raise DomainError.single(
            "year",
            f"Chưa có thang điểm xếp loại phong trào cho năm {year} ({first.source} áp dụng từ "
            f"{first.valid_from:%d/%m/%Y})",
            f"No movement rating scale covers {year} ({first.source} applies from {first.valid_from:%d/%m/%Y})",
        )
    scale = in_force[-1]
    sheet = scale.sheet_for(subject_type)
    if sheet is None:
        raise DomainError.single(
            "unit",
            f"Thang điểm {scale.code} không có phiếu chấm cho {vi_subject}",
            f"Rating scale {scale.code} has no scoring sheet for a {en_subject}",
        )
    return scale, sheet
