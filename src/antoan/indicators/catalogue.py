"""The indicator catalogue (data/catalogue.json) and the record sources it reads.

An indicator is data: a code, its names, its unit of measure, the source it reads, how it aggregates and
over what. An entry with `by` also stands for one indicator per value of a controlled list (the crime
categories, the severity classes in force, the award types, …): those lists live with their domains and
the catalogue follows them.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from django.db import models
from django.utils.translation import get_language

from antoan.assessment.criteria import SubjectType
from antoan.assessment.models import Rating
from antoan.assessment.ratings import rating_scales
from antoan.incidents.categories import ACCIDENT_CAUSES, CATEGORIES, DRUG_SUBSTANCES, OFFENCES
from antoan.incidents.models import Incident
from antoan.incidents.severity import severity_rules
from antoan.movement import models as movement
from antoan.portal.models import Tip


@dataclass(frozen=True)
class Source:
    """Records an indicator reads: the model, and what places a record in a period (a date, a moment or a
    year). `reorganised` sources are incidents, which carry their commune of each hierarchy."""

    model: type[models.Model]
    date_field: str = ""
    is_datetime: bool = False
    year_field: str = ""
    reorganised: bool = False
    reads_vi: str = ""
    reads_en: str = ""


SOURCES: dict[str, Source] = {
    "incidents": Source(Incident, "occurred_at", is_datetime=True, reorganised=True,
                        reads_vi="Sổ sự việc", reads_en="Incident registry"),
    "deployments": Source(movement.ForceDeployment, "deployed_on", reads_vi="Tăng cường lực lượng",
                          reads_en="Force deployments"),
    "patrols": Source(movement.TrafficPatrol, "patrolled_on", reads_vi="Tuần tra, kiểm soát", reads_en="Patrols"),
    "propaganda": Source(movement.PropagandaSession, "held_on", reads_vi="Tuyên truyền", reads_en="Propaganda"),
    "signage": Source(movement.RoadSignage, "done_on", reads_vi="Biển báo", reads_en="Road signs"),
    "plans": Source(movement.ResponsePlan, "approved_on", reads_vi="Phương án PCTT", reads_en="Response plans"),
    "models": Source(movement.MovementModel, "started_on", reads_vi="Mô hình", reads_en="Models"),
    "inspections": Source(movement.Inspection, "inspected_on", reads_vi="Kiểm tra mô hình",
                          reads_en="Model inspections"),
    "exemplars": Source(movement.Exemplar, year_field="year", reads_vi="Điển hình tiên tiến", reads_en="Exemplars"),
    "commendations": Source(movement.Commendation, "decision_date", reads_vi="Khen thưởng",
                            reads_en="Commendations"),
    "ratings": Source(Rating, year_field="year", reads_vi="Xếp loại phong trào", reads_en="Movement ratings"),
    "recognition": Source(Rating, year_field="year", reads_vi="Đánh giá \"An toàn về ANTT\"",
                          reads_en="ANTT assessments"),
    "security_events": Source(movement.SecurityEvent, "occurred_on", reads_vi="An ninh chính trị",
                              reads_en="Political security events"),
    "wanted": Source(movement.WantedPerson, "handled_on", reads_vi="Truy nã", reads_en="Wanted persons"),
    "weapons": Source(movement.WeaponRecovery, "recovered_on", reads_vi="Vũ khí, vật liệu nổ",
                      reads_en="Weapons recovered"),
    "documents": Source(movement.DirectionDocument, "issued_on", reads_vi="Văn bản chỉ đạo",
                        reads_en="Documents of direction"),
    "conferences": Source(movement.Conference, "held_on", reads_vi="Hội nghị", reads_en="Conferences"),
    "rescues": Source(movement.RescueOperation, "started_on", reads_vi="Tìm kiếm cứu nạn",
                      reads_en="Search and rescue"),
    "results": Source(movement.MovementResult, "achieved_on", reads_vi="Kết quả phong trào",
                      reads_en="Movement results"),
    "tips": Source(Tip, "received_at", is_datetime=True, reads_vi="Tin báo của nhân dân", reads_en="Citizens' tips"),
}  # fmt: skip

# Aggregates over the records of one period, computed in SQL; the others are special (see compute.py).
SQL_AGGREGATES = ("count", "sum")
PERCENT = ("%", "%")


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    vi: str
    en: str
    measure_vi: str
    measure_en: str
    aggregate: str
    source: str = ""
    field: str = ""
    where: tuple[tuple[str, object], ...] = ()
    # Records matching any of these (column, value) pairs are left out: "every crime group but social order".
    where_not: tuple[tuple[str, object], ...] = ()
    of: tuple[str, ...] = ()  # a ratio: numerator, denominator
    parent: str = ""  # the indicator this one is a part of
    note: str = ""
    parts: tuple[str, ...] = ()  # the indicators that break this one down

    @property
    def name(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.vi

    @property
    def measure(self) -> str:
        return self.measure_en if (get_language() or "").startswith("en") else self.measure_vi

    @property
    def is_percent(self) -> bool:
        return (self.measure_vi, self.measure_en) == PERCENT

    @property
    def is_annual(self) -> bool:
        """Dated by a year only (exemplars, ratings, recognition): given for periods covering a year."""
        return bool(self.source and SOURCES[self.source].year_field)

    @property
    def reads(self) -> str:
        if not self.source:
            return ", ".join(self.of)
        source = SOURCES[self.source]
        return source.reads_en if (get_language() or "").startswith("en") else source.reads_vi


@dataclass(frozen=True)
class Section:
    code: str
    vi: str
    en: str

    @property
    def name(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.vi


def _parts(by: str, where: dict, where_not: dict) -> list[tuple[str, str, str, dict]]:
    """(suffix, vi, en, extra where) for each value of the controlled list `by` that `where_not` leaves in."""
    return [part for part in _all_parts(by, where) if not _excluded(part[3], where_not)]


def _excluded(where: dict, where_not: dict) -> bool:
    return any(key in where and where[key] == value for key, value in where_not.items())


def _all_parts(by: str, where: dict) -> list[tuple[str, str, str, dict]]:
    if by == "category":
        return [(c.code, c.vi, c.en, {"category": c.code}) for c in CATEGORIES[where["kind"]]]
    listed = {"accident_cause": ACCIDENT_CAUSES, "offence": OFFENCES, "drug_substance": DRUG_SUBSTANCES}
    if by in listed:
        return [(c.code, c.vi, c.en, {by: c.code}) for c in listed[by]]
    if by == "severity":  # the classes in force first, then any an older rule had
        classes = {c.code: c for rule in reversed(severity_rules()) for c in reversed(rule.classes)}
        return [(c.code, c.vi, c.en, {"severity": c.code}) for c in reversed(classes.values())]
    if by == "grade":
        grades = {g.code: g for scale in reversed(rating_scales()) for g in reversed(scale.grades)}
        return [(g.code, g.vi, g.en, {"grade": g.code}) for g in reversed(grades.values())]
    if by == "subject":
        return [
            (s, SubjectType.plural[s][0].capitalize(), SubjectType.plural[s][1].capitalize(), {"subject_type": s})
            for s in (SubjectType.COMMUNE, SubjectType.RESIDENTIAL_AREA, SubjectType.AGENCY, SubjectType.ENTERPRISE,
                      SubjectType.SCHOOL)
        ]  # fmt: skip
    choices = {
        "topic": ("topic", movement.Topic),
        "recipient": ("kind", movement.RecipientKind),
        "award": ("award", movement.Award),
        "authority": ("authority", movement.Authority),
        "event_kind": ("kind", movement.SecurityEventKind),
        "outcome": ("outcome", movement.WantedOutcome),
        "doc_type": ("doc_type", movement.DocumentType),
        "conference_kind": ("kind", movement.ConferenceKind),
    }
    column, enum = choices[by]
    return [(value, _vi_label(enum, value), str(enum(value).label), {column: value}) for value in enum.values]


# The choices' labels are English msgids; the catalogue names both languages without switching.
_VI_LABELS = {
    "topic": {"security": "An ninh, trật tự", "traffic": "An toàn giao thông", "disaster": "Phòng, chống thiên tai"},
    "kind": {"individual": "Cá nhân", "collective": "Tập thể"},
    "award": {"medal": 'Kỷ niệm chương "Bảo vệ an ninh Tổ quốc"', "merit": "Bằng khen", "commendation": "Giấy khen",
              "other": "Hình thức khác"},
    "authority": {"ministry": "Bộ Công an", "provincial_police": "Giám đốc Công an tỉnh",
                  "province_chair": "Chủ tịch UBND tỉnh", "district_chair": "Chủ tịch UBND huyện",
                  "commune_chair": "Chủ tịch UBND xã", "other": "Cấp khác"},
    "event_kind": {"mass_gathering": "Tụ tập đông người", "group_complaint": "Khiếu kiện đông người",
                   "religious": "Vụ việc liên quan đến tôn giáo", "ethnic": "Vụ việc liên quan đến dân tộc",
                   "propaganda": "Tuyên truyền, phát tán tài liệu phản động", "other": "Vụ việc khác"},
    "outcome": {"arrested": "Bắt giữ", "surrendered": "Vận động đầu thú", "cancelled": "Đình nã"},
    "doc_type": {"resolution": "Nghị quyết", "directive": "Chỉ thị", "plan": "Kế hoạch", "decision": "Quyết định",
                 "letter": "Công văn"},
    "conference_kind": {"launch": "Triển khai", "mid_year": "Sơ kết", "year_end": "Tổng kết", "other": "Hội nghị khác"},
}  # fmt: skip


def _vi_label(enum, value: str) -> str:
    column = {"Topic": "topic", "RecipientKind": "kind", "Award": "award", "Authority": "authority",
              "SecurityEventKind": "event_kind", "WantedOutcome": "outcome", "DocumentType": "doc_type",
              "ConferenceKind": "conference_kind"}[enum.__name__]  # fmt: skip
    return _VI_LABELS[column][value]


@cache
def catalogue() -> tuple[tuple[Section, ...], dict[str, Indicator]]:
    data = json.loads((files("antoan.indicators") / "data" / "catalogue.json").read_text("utf-8"))
    sections = tuple(Section(s["code"], s["vi"], s["en"]) for s in data["sections"])
    indicators: dict[str, Indicator] = {}
    for entry in data["indicators"]:
        # A list is a lookup's values ("severity__in"): a tuple, so that an indicator stays hashable.
        where = {key: tuple(v) if isinstance(v, list) else v for key, v in entry.get("where", {}).items()}
        where_not = entry.get("where_not", {})
        common = {
            "section": entry["section"],
            "measure_vi": entry["measure"][0],
            "measure_en": entry["measure"][1],
            "aggregate": entry["aggregate"],
            "source": entry.get("source", ""),
            "field": entry.get("field", ""),
            "note": entry.get("note", ""),
        }
        parts = _parts(entry["by"], where, where_not) if "by" in entry else []
        part_codes = tuple(f"{entry['code']}.{suffix}" for suffix, *_ in parts)
        if not entry.get("parts_only"):
            indicators[entry["code"]] = Indicator(
                code=entry["code"], vi=entry["vi"], en=entry["en"], where=tuple(where.items()),
                where_not=tuple(where_not.items()), of=tuple(entry.get("of", ())), parts=part_codes, **common,
            )  # fmt: skip
        for (_, vi, en, extra), code in zip(parts, part_codes, strict=True):
            indicators[code] = Indicator(
                code=code, vi=f"{entry['vi']}: {vi}", en=f"{entry['en']}: {en}",
                where=tuple({**where, **extra}.items()),
                # a part that names its own value of a column no longer needs that column's exclusion
                where_not=tuple((key, value) for key, value in where_not.items() if key not in extra),
                parent="" if entry.get("parts_only") else entry["code"],
                **common,
            )  # fmt: skip
    return sections, indicators


def indicators() -> dict[str, Indicator]:
    return catalogue()[1]


def sections() -> tuple[Section, ...]:
    return catalogue()[0]
