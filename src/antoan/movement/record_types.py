"""The movement's record types and their own rules; everything else comes from movement.records."""

import unicodedata
from datetime import date

from django.utils.translation import gettext_lazy as _

from antoan.core import clock
from antoan.core.errors import Message
from antoan.core.functions import add_months
from antoan.movement.medal import medal_condition, medal_rule_on
from antoan.movement.models import (
    Award,
    Commendation,
    Conference,
    DirectionDocument,
    Exemplar,
    ForceDeployment,
    Inspection,
    ModelStatus,
    MovementModel,
    MovementResult,
    PropagandaSession,
    RecipientKind,
    RescueOperation,
    ResponsePlan,
    RoadSignage,
    SecurityEvent,
    TrafficPatrol,
    WantedPerson,
    WeaponRecovery,
)
from antoan.movement.records import RecordType, register
from antoan.units.scope import user_scope

MAX_INTERVAL_MONTHS = 60


def next_inspection_due(model: MovementModel) -> date:
    """The last inspection (or the start, before any) plus the model's interval."""
    last = model.inspections.order_by("-inspected_on").values_list("inspected_on", flat=True).first()
    return add_months(last or model.started_on, model.inspection_interval_months)


def _model_rules(clean: dict, instance, user) -> dict[str, Message]:
    errors = {}
    interval = clean.get("inspection_interval_months") or 0
    if not 1 <= interval <= MAX_INTERVAL_MONTHS:
        errors["inspection_interval_months"] = Message(
            f"Chu kỳ kiểm tra từ 1 đến {MAX_INTERVAL_MONTHS} tháng", f"From 1 to {MAX_INTERVAL_MONTHS} months"
        )
    ended, started = clean.get("ended_on"), clean.get("started_on")
    if ended is not None and clean.get("status") == ModelStatus.ACTIVE:
        errors["ended_on"] = Message(
            "Mô hình đang hoạt động thì không có ngày dừng", "An active model has no date it stopped"
        )
    elif ended is not None and started is not None and ended < started:
        errors["ended_on"] = Message("Ngày dừng trước ngày bắt đầu", "Stopped before it started")
    return errors


def _model_changed(model: MovementModel, user) -> None:
    if model.pk is None or not MovementModel.objects.filter(pk=model.pk).exists():
        return
    due = next_inspection_due(model)
    if due != model.next_inspection_due:
        MovementModel.objects.filter(pk=model.pk).update(next_inspection_due=due)
        model.next_inspection_due = due


def _inspection_rules(clean: dict, instance, user) -> dict[str, Message]:
    model = clean["model"]
    clean["unit"] = model.unit
    if clean["inspected_on"] < model.started_on:
        started = model.started_on.strftime("%d/%m/%Y")
        return {
            "inspected_on": Message(
                f"Ngày kiểm tra trước ngày mô hình bắt đầu ({started})",
                f"The inspection is dated before the model started ({started})",
            )
        }
    return {}


def _inspection_changed(inspection: Inspection, user) -> None:
    model = MovementModel.objects.filter(pk=inspection.model_id).first()
    if model is not None:  # (a deleted model keeps its date)
        _model_changed(model, user)


def person_key(name: str) -> str:
    """A name compared without case, spacing or Unicode form differences."""
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def _commendation_rules(clean: dict, instance, user) -> dict[str, Message]:
    if clean["decision_date"] > clock.today():
        return {"decision_date": Message("Ngày quyết định ở tương lai", "The decision date is in the future")}
    if clean["award"] != Award.MEDAL:
        return {}
    if clean["recipient_kind"] != RecipientKind.INDIVIDUAL:
        return {
            "recipient_kind": Message("Kỷ niệm chương chỉ tặng cho cá nhân", "The medal is awarded to individuals only")
        }
    if not clean.get("recipient_birth_year"):
        return {
            "recipient_birth_year": Message(
                "Cần năm sinh để phân biệt người được tặng Kỷ niệm chương (mỗi người chỉ một lần)",
                "The year of birth is needed: the medal is given once per person",
            )
        }
    rule = medal_rule_on(clean["decision_date"])
    for name in rule.excluded_if:
        if clean.get(name):
            vi, en = medal_condition(name)
            return {name: Message(f"Theo {rule.source}, không tặng Kỷ niệm chương cho người {vi}",
                                  f"Under {rule.source}, the medal is not given to a person who {en}")}  # fmt: skip
    for name in rule.deferred_if:
        if clean.get(name):
            vi, en = medal_condition(name)
            return {name: Message(f"Theo {rule.source}, chưa xét tặng Kỷ niệm chương khi người được đề nghị {vi}",
                                  f"Under {rule.source}, the medal waits while the person {en}")}  # fmt: skip
    if not rule.once_per_person:
        return {}
    earlier = Commendation.objects.filter(award=Award.MEDAL, recipient_birth_year=clean["recipient_birth_year"])
    if instance is not None:
        earlier = earlier.exclude(pk=instance.pk)
    key = person_key(clean["recipient_name"])
    for other in earlier.select_related("unit").only("unit", "recipient_name", "decision_number", "decision_date"):
        if person_key(other.recipient_name) != key:
            continue
        if not user_scope(user=user).covers(other.unit):  # another unit's record: that it exists, nothing more
            return {
                "recipient_name": Message(
                    f"{clean['recipient_name']} (sinh năm {clean['recipient_birth_year']}) đã được tặng Kỷ niệm "
                    "chương 'Bảo vệ an ninh Tổ quốc' (do đơn vị khác ghi nhận); Kỷ niệm chương chỉ tặng một lần",
                    f"{clean['recipient_name']} (born {clean['recipient_birth_year']}) already received the medal "
                    "(recorded by another unit); it is given once per person",
                )
            }
        when = other.decision_date.strftime("%d/%m/%Y")
        return {
            "recipient_name": Message(
                f"{other.recipient_name} (sinh năm {clean['recipient_birth_year']}) đã được tặng Kỷ niệm chương "
                f"'Bảo vệ an ninh Tổ quốc' theo quyết định số {other.decision_number} ngày {when}; "
                "Kỷ niệm chương chỉ tặng một lần",
                f"{other.recipient_name} (born {clean['recipient_birth_year']}) already received the medal "
                f"(decision {other.decision_number} of {when}); it is given once per person",
            )
        }
    return {}


def _security_event_rules(clean: dict, instance, user) -> dict[str, Message]:
    resolved, occurred = clean.get("resolved_on"), clean["occurred_on"]
    if resolved is None:
        return {}
    if resolved < occurred:
        return {"resolved_on": Message("Ngày giải quyết xong trước ngày xảy ra", "Resolved before it happened")}
    if resolved > clock.today():
        return {"resolved_on": Message("Ngày giải quyết xong ở tương lai", "The date is in the future")}
    return {}


def _weapon_rules(clean: dict, instance, user) -> dict[str, Message]:
    if not clean["quantity"]:
        return {"quantity": Message("Số lượng phải từ 1 trở lên", "The quantity must be 1 or more")}
    return {}


def _result_rules(clean: dict, instance, user) -> dict[str, Message]:
    if not clean["quantity"]:
        return {"quantity": Message("Số lượng phải từ 1 trở lên", "The quantity must be 1 or more")}
    if clean["funds_vnd"] and clean["kind"] != "cameras":
        return {"funds_vnd": Message("Kinh phí chỉ ghi cho camera do nhân dân đóng góp",
                                     "Funds are recorded for cameras paid by the people only")}  # fmt: skip
    return {}


def _patrol_rules(clean: dict, instance, user) -> dict[str, Message]:
    if clean["violations_handled"] > clean["violations_found"]:
        return {
            "violations_handled": Message("Số vụ xử lý nhiều hơn số vụ phát hiện", "More violations handled than found")
        }
    if clean["hours"] > 24 * 31:
        return {"hours": Message("Số giờ quá lớn", "Too many hours")}
    by_kind = sum(clean.get(f) or 0 for f in VIOLATION_KINDS)
    if by_kind > clean["violations_handled"]:
        return {"alcohol_violations": Message(
            f"Tổng số vi phạm theo loại ({by_kind}) nhiều hơn số trường hợp đã xử lý ({clean['violations_handled']})",
            f"The violations by kind ({by_kind}) exceed those handled ({clean['violations_handled']})")}  # fmt: skip
    return {}


VIOLATION_KINDS = ("alcohol_violations", "speed_violations", "helmet_violations", "overload_violations")


def _signage_rules(clean: dict, instance, user) -> dict[str, Message]:
    if not (clean["repaired"] or clean["installed"]):
        return {"installed": Message("Nhập số biển sửa chữa hoặc lắp mới", "Give signs repaired or installed")}
    return {}


def _plan_rules(clean: dict, instance, user) -> dict[str, Message]:
    if clean["next_review_on"] < clean["approved_on"]:
        return {"next_review_on": Message("Ngày rà soát trước ngày phê duyệt", "The review is before the approval")}
    return {}


def _deployment_rules(clean: dict, instance, user) -> dict[str, Message]:
    if not clean["officers"]:
        return {"officers": Message("Ít nhất 1 cán bộ", "At least 1 officer")}
    return {}


MODELS = register(
    RecordType(
        key="models",
        slug="mo-hinh",
        model=MovementModel,
        fields=(
            "unit",
            "name",
            "model_type",
            "started_on",
            "places",
            "teams",
            "members",
            "lead_body",
            "status",
            "ended_on",
            "inspection_interval_months",
            "external_id",
        ),  # fmt: skip
        title=_("Movement model"),
        title_plural=_("Movement models"),
        date_field="started_on",
        list_columns=("name", "model_type", "unit", "started_on", "status", "next_inspection_due"),
        filter_fields=("model_type", "status"),
        search_fields=("name", "places", "lead_body"),
        validate=_model_rules,
        on_change=_model_changed,
    )
)
INSPECTIONS = register(
    RecordType(
        key="inspections",
        slug="kiem-tra-mo-hinh",
        model=Inspection,
        fields=("model", "inspected_on", "inspector", "rating", "findings", "external_id"),
        title=_("Inspection of a model"),
        title_plural=_("Inspections of models"),
        date_field="inspected_on",
        list_columns=("model", "unit", "inspected_on", "inspector", "rating"),
        filter_fields=("rating",),
        search_fields=("findings", "inspector"),
        validate=_inspection_rules,
        on_change=_inspection_changed,
    )
)
EXEMPLARS = register(
    RecordType(
        key="exemplars",
        slug="dien-hinh",
        model=Exemplar,
        fields=("unit", "kind", "name", "year", "achievement", "recognised_by", "external_id"),
        title=_("Exemplar"),
        title_plural=_("Exemplars"),
        year_field="year",
        list_columns=("name", "kind", "unit", "year", "recognised_by"),
        filter_fields=("kind",),
        search_fields=("name", "achievement"),
    )
)
COMMENDATIONS = register(
    RecordType(
        key="commendations",
        slug="khen-thuong",
        model=Commendation,
        fields=(
            "unit",
            "award",
            "authority",
            "recipient_kind",
            "recipient_name",
            "recipient_birth_year",
            "holds_police_medal",
            "prosecuted",
            "under_discipline",
            "year",
            "decision_number",
            "decision_date",
            "external_id",
        ),  # fmt: skip
        title=_("Commendation"),
        title_plural=_("Commendations"),
        year_field="year",
        list_columns=("recipient_name", "award", "authority", "unit", "year", "decision_number"),
        filter_fields=("award", "authority", "recipient_kind"),
        search_fields=("recipient_name", "decision_number"),
        validate=_commendation_rules,
    )
)
DEPLOYMENTS = register(
    RecordType(
        key="deployments",
        slug="tang-cuong-luc-luong",
        model=ForceDeployment,
        fields=("unit", "deployed_on", "officers", "from_body", "note", "external_id"),
        title=_("Force deployment"),
        title_plural=_("Force deployments"),
        date_field="deployed_on",
        list_columns=("unit", "deployed_on", "officers", "from_body"),
        search_fields=("from_body", "note"),
        validate=_deployment_rules,
    )
)
PATROLS = register(
    RecordType(
        key="patrols",
        slug="tuan-tra-giao-thong",
        model=TrafficPatrol,
        fields=(
            "unit",
            "patrolled_on",
            "hours",
            "violations_found",
            "violations_handled",
            "fines_vnd",
            "vehicles_impounded",
            "alcohol_violations",
            "speed_violations",
            "helmet_violations",
            "overload_violations",
            "licences_suspended",
            "external_id",
        ),  # fmt: skip
        title=_("Traffic patrol"),
        title_plural=_("Traffic patrols"),
        date_field="patrolled_on",
        list_columns=("unit", "patrolled_on", "hours", "violations_found", "violations_handled", "fines_vnd"),
        validate=_patrol_rules,
    )
)
PROPAGANDA = register(
    RecordType(
        key="propaganda",
        slug="tuyen-truyen",
        model=PropagandaSession,
        fields=("unit", "held_on", "topic", "sessions", "attendees", "materials", "note", "external_id"),
        title=_("Propaganda session"),
        title_plural=_("Propaganda sessions"),
        date_field="held_on",
        list_columns=("unit", "held_on", "topic", "sessions", "attendees", "materials"),
        filter_fields=("topic",),
        search_fields=("note",),
    )
)
SIGNAGE = register(
    RecordType(
        key="signage",
        slug="bien-bao",
        model=RoadSignage,
        fields=("unit", "done_on", "repaired", "installed", "location", "external_id"),
        title=_("Road signage"),
        title_plural=_("Road signage"),
        date_field="done_on",
        list_columns=("unit", "done_on", "repaired", "installed", "location"),
        search_fields=("location",),
        validate=_signage_rules,
    )
)
PLANS = register(
    RecordType(
        key="plans",
        slug="phuong-an-pctt",
        model=ResponsePlan,
        fields=("unit", "hazard", "approved_on", "next_review_on", "resources", "external_id"),
        title=_("Disaster response plan"),
        title_plural=_("Disaster response plans"),
        date_field="approved_on",
        list_columns=("unit", "hazard", "approved_on", "next_review_on"),
        filter_fields=("hazard",),
        search_fields=("resources",),
        validate=_plan_rules,
    )
)


SECURITY_EVENTS = register(
    RecordType(
        key="security_events",
        slug="an-ninh-chinh-tri",
        model=SecurityEvent,
        fields=("unit", "occurred_on", "kind", "summary", "place", "people_involved", "handling", "hot_spot",
                "resolved_on", "external_id"),  # fmt: skip
        title=_("Political security event"),
        title_plural=_("Political security events"),
        date_field="occurred_on",
        list_columns=("occurred_on", "kind", "unit", "summary", "people_involved", "hot_spot", "resolved_on"),
        filter_fields=("kind",),
        search_fields=("summary", "place", "handling"),
        validate=_security_event_rules,
    )
)
WANTED = register(
    RecordType(
        key="wanted",
        slug="truy-na",
        model=WantedPerson,
        fields=("unit", "handled_on", "outcome", "notice_number", "note", "external_id"),
        title=_("Wanted person dealt with"),
        title_plural=_("Wanted persons"),
        date_field="handled_on",
        list_columns=("handled_on", "outcome", "unit", "notice_number"),
        filter_fields=("outcome",),
        search_fields=("notice_number", "note"),
    )
)
WEAPONS = register(
    RecordType(
        key="weapons",
        slug="vu-khi-vat-lieu-no",
        model=WeaponRecovery,
        fields=("unit", "recovered_on", "kind", "quantity", "handed_in", "note", "external_id"),
        title=_("Weapons recovered"),
        title_plural=_("Weapons, explosives and fireworks recovered"),
        date_field="recovered_on",
        list_columns=("recovered_on", "kind", "quantity", "handed_in", "unit"),
        filter_fields=("kind",),
        search_fields=("note",),
        validate=_weapon_rules,
    )
)
DOCUMENTS = register(
    RecordType(
        key="documents",
        slug="van-ban-chi-dao",
        model=DirectionDocument,
        fields=("unit", "issued_on", "doc_type", "number", "subject", "external_id"),
        title=_("Document of direction"),
        title_plural=_("Documents of direction"),
        date_field="issued_on",
        list_columns=("issued_on", "doc_type", "number", "subject", "unit"),
        filter_fields=("doc_type",),
        search_fields=("number", "subject"),
    )
)
CONFERENCES = register(
    RecordType(
        key="conferences",
        slug="hoi-nghi",
        model=Conference,
        fields=("unit", "held_on", "kind", "subject", "attendees", "external_id"),
        title=_("Conference"),
        title_plural=_("Conferences"),
        date_field="held_on",
        list_columns=("held_on", "kind", "subject", "attendees", "unit"),
        filter_fields=("kind",),
        search_fields=("subject",),
    )
)
RESCUES = register(
    RecordType(
        key="rescues",
        slug="tim-kiem-cuu-nan",
        model=RescueOperation,
        fields=("unit", "started_on", "summary", "forces", "vehicles", "people_rescued", "bodies_recovered",
                "property_saved_vnd", "external_id"),  # fmt: skip
        title=_("Search and rescue operation"),
        title_plural=_("Search and rescue operations"),
        date_field="started_on",
        list_columns=("started_on", "unit", "summary", "forces", "people_rescued"),
        search_fields=("summary",),
    )
)
RESULTS = register(
    RecordType(
        key="results",
        slug="ket-qua-phong-trao",
        model=MovementResult,
        fields=("unit", "achieved_on", "kind", "quantity", "funds_vnd", "note", "external_id"),
        title=_("Result of the movement"),
        title_plural=_("Other results of the movement"),
        date_field="achieved_on",
        list_columns=("achieved_on", "kind", "quantity", "funds_vnd", "unit"),
        filter_fields=("kind",),
        search_fields=("note",),
        validate=_result_rules,
    )
)

ALL = (MODELS, INSPECTIONS, EXEMPLARS, COMMENDATIONS, DEPLOYMENTS, PATROLS, PROPAGANDA, SIGNAGE, PLANS, SECURITY_EVENTS,
       WANTED, WEAPONS, DOCUMENTS, CONFERENCES, RESCUES, RESULTS)  # fmt: skip
