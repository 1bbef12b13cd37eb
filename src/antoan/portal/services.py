"""Writes of the tip portal: a citizen's submission, and each step officers take on it.

A submission has no acting user (the audit trail says "hệ thống / system"); every officer's step checks
that the tip's commune is in their writing scope, is audited with their name, and the first one sets
`first_action_at` (for the median time to first action).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.errors import DomainError, Message
from antoan.core.values import is_empty, to_bool, to_datetime, to_float, to_text
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.portal.models import Tip, TipCategory, TipPhoto, TipStatus
from antoan.portal.photos import photo_clean, photo_path, photo_store
from antoan.units.models import Hierarchy, Kind, Unit
from antoan.units.scope import scope_require, user_scope

# Easy to read aloud and to type from a phone: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
TEXT_LIMITS = {
    "address": 300,
    "description": 5000,
    "contact_name": 100,
    "contact_phone": 20,
    "contact_email": 254,
}
REPLY_LIMIT = 2000
NOTES_LIMIT = 5000
_REQUIRED = Message("Bắt buộc nhập", "Required")


def tracking_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def tracking_code_normalise(text: str) -> str:
    """What a person types back ("abcd-efgh 2345", lower case, with spaces) as stored."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[: CODE_LENGTH + 4]


def _clean_submission(values: dict) -> dict:
    errors: dict[str, Message] = {}
    clean: dict = {}

    def take(field, convert):
        try:
            clean[field] = convert()
        except DomainError as exc:
            errors.update(exc.errors)

    for field, limit in TEXT_LIMITS.items():
        take(
            field, lambda f=field, n=limit: to_text(values.get(f), field=f, max_length=n, multiline=f == "description")
        )
    take("latitude", lambda: to_float(values.get("latitude"), field="latitude", low=7, high=24))
    take("longitude", lambda: to_float(values.get("longitude"), field="longitude", low=101, high=118))
    take("occurred_at", lambda: to_datetime(values.get("occurred_at"), field="occurred_at"))
    take(
        "share_photo_location", lambda: bool(to_bool(values.get("share_photo_location"), field="share_photo_location"))
    )

    category = values.get("category")
    if category not in TipCategory.values:
        errors["category"] = _REQUIRED if is_empty(category) else Message("Loại tin không hợp lệ", "Unknown category")
    clean["category"] = category
    if not clean.get("description") and "description" not in errors:
        errors["description"] = _REQUIRED
    occurred = clean.get("occurred_at")
    if occurred is None and "occurred_at" not in errors:
        errors["occurred_at"] = _REQUIRED
    elif occurred is not None and occurred > clock.now() + timedelta(minutes=10):
        errors["occurred_at"] = Message("Thời gian ở tương lai", "The time is in the future")
    elif occurred is not None and occurred < clock.now() - timedelta(days=3650):
        errors["occurred_at"] = Message("Thời gian quá xa (hơn 10 năm)", "More than 10 years ago")
    if (clean.get("latitude") is None) != (clean.get("longitude") is None) and not errors.keys() & {
        "latitude",
        "longitude",
    }:
        errors["latitude"] = Message("Cần cả vĩ độ và kinh độ", "Give both latitude and longitude")
    email = clean.get("contact_email")
    if email and ("@" not in email or " " in email or "." not in email.split("@")[-1]):
        errors["contact_email"] = Message("Địa chỉ email không hợp lệ", "Invalid email address")
    phone = clean.get("contact_phone")
    if phone and not all(ch.isdigit() or ch in "+ .-()" for ch in phone):
        errors["contact_phone"] = Message("Số điện thoại chỉ gồm chữ số", "A phone number has digits only")

    unit = values.get("unit")
    if not isinstance(unit, Unit) or unit.kind != Kind.COMMUNE or unit.hierarchy != Hierarchy.CURRENT:
        errors["unit"] = Message("Chọn xã, phường, đặc khu nơi xảy ra", "Choose the commune where it happened")
    clean["unit"] = unit
    if errors:
        raise DomainError(errors)
    return clean


@transaction.atomic
def tip_submit(*, photos: list | None = None, **values) -> Tip:
    """A citizen's tip: checked, stored with its photos re-encoded, given a tracking code."""
    photos = list(photos or [])
    errors = {}
    try:
        clean = _clean_submission(values)
    except DomainError as exc:
        errors.update(exc.errors)
        clean = {}
    if len(photos) > settings.ANTOAN_TIP_PHOTO_MAX_COUNT:
        n = settings.ANTOAN_TIP_PHOTO_MAX_COUNT
        errors["photos"] = Message(f"Tối đa {n} ảnh", f"At most {n} photos")
    cleaned_photos = []
    if "photos" not in errors:
        for number, uploaded in enumerate(photos, start=1):
            try:
                cleaned_photos.append(
                    photo_clean(uploaded, number=number, keep_location=clean.get("share_photo_location", False))
                )
            except DomainError as exc:
                errors.update(exc.errors)
                break
    if errors:
        raise DomainError(errors)

    tip = Tip(**clean)
    # Anonymous even when someone logged in sends it: the audit trail must not name the sender.
    tip._history_user = None
    while True:
        tip.tracking_code = tracking_code_new()
        if not Tip.objects.filter(tracking_code=tip.tracking_code).exists():
            break
    tip.save()
    stored = []
    try:
        for photo in cleaned_photos:
            name = photo_store(photo)
            stored.append(name)
            TipPhoto.objects.create(
                tip=tip,
                stored_name=name,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
                size_bytes=len(photo.data),
            )
    except Exception:
        for name in stored:  # nothing partial: no file outlives a tip that was not saved
            photo_path(name).unlink(missing_ok=True)
        raise
    return tip


# Officers' steps ----------------------------------------------------------------------------------


def _for_write(user: User, tip: Tip) -> Tip:
    tip = Tip.objects.select_for_update().select_related("unit").get(pk=tip.pk)
    scope_require(user=user, unit=tip.unit)
    return tip


def _save_step(user: User, tip: Tip, reason: str) -> Tip:
    now = clock.now()
    if tip.first_action_at is None:
        tip.first_action_at = now
    if tip.status in (TipStatus.HANDLED, TipStatus.NOT_ACTIONABLE):
        tip.closed_at = tip.closed_at or now
    tip._history_user = user
    tip._change_reason = reason
    tip.save()
    return tip


def _require_open(tip: Tip) -> None:
    if not tip.is_open:
        raise DomainError.single(
            "__all__",
            "Tin báo này đã xử lý xong; không thay đổi được nữa",
            "This tip has been closed; it cannot change any more",
        )


def _text(value, field: str, limit: int) -> str:
    return to_text(value, field=field, max_length=limit, multiline=True)


@transaction.atomic
def tip_assign(*, user: User, tip: Tip, assignee: User | None) -> Tip:
    """Give the tip to an officer who can act on its commune (or to nobody)."""
    tip = _for_write(user, tip)
    _require_open(tip)
    if assignee is not None and not user_scope(user=assignee, write=True).covers(tip.unit):
        raise DomainError.single(
            "assigned_to",
            f"{assignee} không có quyền xử lý tin báo của {tip.unit.name}",
            f"{assignee} cannot act on {tip.unit.name}'s tips",
        )
    tip.assigned_to = assignee
    tip.status = TipStatus.PROCESSING
    return _save_step(user, tip, f"Giao cho / assigned to {assignee or '—'}")


@transaction.atomic
def tip_note(*, user: User, tip: Tip, officer_notes: str | None = None, public_reply: str | None = None) -> Tip:
    """Write the officers' notes (never shown to the public) and/or the public reply."""
    tip = _for_write(user, tip)
    _require_open(tip)
    errors = {}
    if officer_notes is not None:
        try:
            tip.officer_notes = _text(officer_notes, "officer_notes", NOTES_LIMIT)
        except DomainError as exc:
            errors.update(exc.errors)
    if public_reply is not None:
        try:
            tip.public_reply = _text(public_reply, "public_reply", REPLY_LIMIT)
        except DomainError as exc:
            errors.update(exc.errors)
    if errors:
        raise DomainError(errors)
    if tip.status == TipStatus.RECEIVED:
        tip.status = TipStatus.PROCESSING
    return _save_step(user, tip, "Ghi chú / note")


def _close_reason(reason) -> str:
    text = _text(reason, "public_reply", REPLY_LIMIT)
    if not text:
        raise DomainError.single(
            "public_reply",
            "Ghi lý do (người gửi sẽ đọc được khi tra cứu)",
            "Give the reason (the sender reads it when tracking the tip)",
        )
    return text


@transaction.atomic
def tip_mark_not_actionable(*, user: User, tip: Tip, reason: str) -> Tip:
    tip = _for_write(user, tip)
    _require_open(tip)
    tip.public_reply = _close_reason(reason)
    tip.status = TipStatus.NOT_ACTIONABLE
    return _save_step(user, tip, "Không có cơ sở xử lý / not actionable")


@transaction.atomic
def tip_mark_duplicate(*, user: User, tip: Tip, original: Tip, reason: str = "") -> Tip:
    """The same matter was already reported: this tip closes, pointing at the other one."""
    tip = _for_write(user, tip)
    _require_open(tip)
    if original.pk == tip.pk or not user_scope(user=user).covers(original.unit):
        raise DomainError.single("duplicate_of", "Không tìm thấy tin báo gốc", "The original tip was not found")
    tip.duplicate_of = original
    tip.public_reply = _text(reason, "public_reply", REPLY_LIMIT) or (
        "Nội dung này đã được tiếp nhận qua một tin báo khác và đang được xử lý."
    )
    tip.status = TipStatus.NOT_ACTIONABLE
    return _save_step(user, tip, f"Trùng với tin báo #{original.pk} / duplicate of #{original.pk}")


@transaction.atomic
def tip_convert(*, user: User, tip: Tip, kind: str, public_reply: str = "", **incident_fields) -> Incident:
    """Record the tip as an incident (through the registry's own service), link the two, close the tip."""
    tip = _for_write(user, tip)
    _require_open(tip)
    incident = incident_create(user=user, kind=kind, **incident_fields)
    tip.incident = incident
    tip.status = TipStatus.HANDLED
    tip.public_reply = _text(public_reply, "public_reply", REPLY_LIMIT) or (
        "Tin báo đã được tiếp nhận và đưa vào hồ sơ xử lý. Cảm ơn bạn đã chung tay bảo vệ an ninh trật tự."
    )
    _save_step(user, tip, f"Chuyển thành sự việc #{incident.pk} / recorded as incident #{incident.pk}")
    return incident


def tip_incident_initial(tip: Tip) -> dict:
    """What a tip already says about the incident it becomes (the officer completes the rest)."""
    return {
        "unit": tip.unit,
        "occurred_at": tip.occurred_at,
        "latitude": tip.latitude,
        "longitude": tip.longitude,
        "address": tip.address,
        "summary": tip.description,
        "category": TIP_TO_INCIDENT.get(tip.category, ("", ""))[1],
    }


# The incident kind and category a tip's category most likely becomes.
TIP_TO_INCIDENT = {
    TipCategory.SECURITY_ORDER: ("crime", "social_order"),
    TipCategory.DRUGS: ("crime", "drugs"),
    TipCategory.GAMBLING: ("social_evil", "gambling"),
    TipCategory.LOAN_SHARKING: ("social_evil", "loan_sharking"),
    TipCategory.TRAFFIC: ("traffic", "road"),
    TipCategory.DISASTER: ("disaster", ""),
}
