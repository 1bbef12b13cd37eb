"""Writes of the incident registry. Forms, the API and the import all end here, so one set of rules
decides what a record needs: `incident_create`, `incident_update`, `incident_delete` (soft: `incident_restore`
brings it back) and the duplicate
review (`incident_dismiss_duplicate`, `incident_merge_duplicate`).
"""

import math
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.errors import DomainError, Message
from antoan.core.softdelete import REASON_MAX, deleted_get, mark_deleted, mark_restored
from antoan.core.values import (
    YEAR_MIN,
    is_empty,
    to_bool,
    to_date,
    to_datetime,
    to_float,
    to_int,
    to_text,
)
from antoan.incidents.categories import (
    ACCIDENT_CAUSES,
    CATEGORIES,
    CATEGORY_REQUIRED,
    CRIME_GRAVITIES,
    DRUG_SUBSTANCES,
    FIRE_CAUSES,
    GRAVITY_SOURCE,
    OFFENCES,
    IncidentKind,
    IncidentStatus,
    accident_cause_find,
    category_find,
    drug_substance_find,
    fire_cause_find,
    gravity_find,
    offence_find,
)
from antoan.incidents.daily import daily_totals_refresh, local_day
from antoan.incidents.models import DuplicateState, Incident
from antoan.incidents.severity import severity_rule_on
from antoan.units.locks import period_lock_check
from antoan.units.models import Unit
from antoan.units.reorg import attribute_communes
from antoan.units.scope import restore_require, scope_require

# Which fields each kind uses, beyond the ones every record has. A value in a field the kind does not use
# is refused rather than dropped.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    IncidentKind.CRIME: ("gravity", "solved", "solved_on", "suspects", "offence", "prosecuted", "dead", "injured",
                         "property_damage_vnd", "drug_substance", "drug_grams", "drug_tablets"),
    IncidentKind.SOCIAL_EVIL: ("persons_involved", "rehabilitation"),
    IncidentKind.TRAFFIC: (
        "dead",
        "injured",
        "injury_rate_total_pct",
        "property_damage_vnd",
        "vehicles",
        "road_name",
        "cause",
        "accident_cause",
        "road_cause",
    ),
    IncidentKind.DISASTER: (
        "ended_at",
        "dead",
        "missing",
        "injured",
        "houses_damaged",
        "houses_destroyed",
        "agriculture_ha",
        "transport_m",
        "transport_m3",
        "other_damage",
        "economic_loss_million_vnd",
        "recovery_support_vnd",
        "recovery_support_description",
    ),
    IncidentKind.FIRE: (
        "dead",
        "injured",
        "persons_involved",
        "rescued",
        "property_damage_vnd",
        "fire_cause",
    ),
}
COMMON_FIELDS = ("category", "latitude", "longitude", "address", "summary", "status", "external_id")
KIND_SPECIFIC_FIELDS = tuple(dict.fromkeys(f for fields in KIND_FIELDS.values() for f in fields))
EDITABLE_FIELDS = ("unit", "occurred_at", *COMMON_FIELDS, *KIND_SPECIFIC_FIELDS)
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    IncidentKind.CRIME: ("solved",),
    IncidentKind.SOCIAL_EVIL: (),
    IncidentKind.TRAFFIC: ("dead", "injured"),
    IncidentKind.DISASTER: (),
    IncidentKind.FIRE: ("dead", "injured"),
}

INT_FIELDS = (
    "suspects",
    "persons_involved",
    "dead",
    "injured",
    "injury_rate_total_pct",
    "property_damage_vnd",
    "vehicles",
    "missing",
    "houses_damaged",
    "houses_destroyed",
    "agriculture_ha",
    "transport_m",
    "transport_m3",
    "economic_loss_million_vnd",
    "recovery_support_vnd",
    "rescued",
    "prosecuted",
    "drug_grams",
    "drug_tablets",
    "rehabilitation",
)
# The largest number each column holds (PostgreSQL's integer is 32-bit): beyond it, a clear error.
_INT_MAXIMUM = {
    f: 10**15 if isinstance(Incident._meta.get_field(f), models.PositiveBigIntegerField) else 2**31 - 1
    for f in INT_FIELDS
}
TEXT_LIMITS = {
    "address": 300,
    "summary": 4000,
    "external_id": 64,
    "road_name": 200,
    "cause": 300,
    "other_damage": 1000,
    "recovery_support_description": 1000,
}
# Fields a kind that does not use them stores as "" (the others: None).
TEXT_FIELDS = (*TEXT_LIMITS, "gravity", "fire_cause", "accident_cause", "offence", "drug_substance")
# Vietnam with its islands, generously: a coordinate outside is a typing error (swapped or mis-scaled).
LATITUDE_RANGE = (7.0, 24.0)
LONGITUDE_RANGE = (101.0, 118.0)
DUPLICATE_WINDOW = timedelta(minutes=30)
DUPLICATE_DISTANCE_M = 200
# A clock a few minutes fast on the officer's phone is not an error.
FUTURE_TOLERANCE = timedelta(minutes=10)

_REQUIRED = Message("Bắt buộc nhập", "Required")


def _kind_label(kind: str) -> tuple[str, str]:
    labels = {
        IncidentKind.CRIME: ("vụ phạm pháp hình sự", "criminal case"),
        IncidentKind.SOCIAL_EVIL: ("vụ tệ nạn xã hội", "social-evil case"),
        IncidentKind.TRAFFIC: ("vụ tai nạn giao thông", "traffic accident"),
        IncidentKind.DISASTER: ("thiên tai", "natural disaster"),
        IncidentKind.FIRE: ("vụ cháy, nổ", "fire or explosion"),
    }
    return labels[kind]


def _clean(values: dict) -> dict:
    """Every field of a record, typed and checked; all problems at once in one DomainError."""
    errors: dict[str, Message] = {}
    clean: dict = {}

    def take(field, convert):
        try:
            clean[field] = convert()
        except DomainError as exc:
            errors.update(exc.errors)

    kind = values.get("kind")
    if kind not in IncidentKind.values:
        allowed = ", ".join(IncidentKind.values)
        raise DomainError.single(
            "kind",
            f"Loại sự việc '{kind}' không hợp lệ (chọn: {allowed})",
            f"Unknown kind '{kind}' (one of: {allowed})",
        )
    clean["kind"] = kind

    for field in INT_FIELDS:
        take(field, lambda f=field: to_int(values.get(f), field=f, maximum=_INT_MAXIMUM[f]))
    for field, limit in TEXT_LIMITS.items():
        take(field, lambda f=field, n=limit: to_text(values.get(f), field=f, max_length=n, multiline=f == "summary"))
    take("latitude", lambda: to_float(values.get("latitude"), field="latitude", low=-90, high=90))
    take("longitude", lambda: to_float(values.get("longitude"), field="longitude", low=-180, high=180))
    take("solved", lambda: to_bool(values.get("solved"), field="solved"))
    take("road_cause", lambda: to_bool(values.get("road_cause"), field="road_cause"))
    take("solved_on", lambda: to_date(values.get("solved_on"), field="solved_on"))
    take("occurred_at", lambda: to_datetime(values.get("occurred_at"), field="occurred_at"))
    take("ended_at", lambda: to_datetime(values.get("ended_at"), field="ended_at"))
    take("gravity", lambda: _gravity(values.get("gravity")))
    take("fire_cause", lambda: _listed("fire_cause", values.get("fire_cause"), FIRE_CAUSES, fire_cause_find))
    take("accident_cause",
         lambda: _listed("accident_cause", values.get("accident_cause"), ACCIDENT_CAUSES, accident_cause_find))
    take("offence", lambda: _listed("offence", values.get("offence"), OFFENCES, offence_find))
    take("drug_substance",
         lambda: _listed("drug_substance", values.get("drug_substance"), DRUG_SUBSTANCES, drug_substance_find))
    if "injury_rate_total_pct" in clean and (clean["injury_rate_total_pct"] or 0) > 1000:
        errors["injury_rate_total_pct"] = Message("Tỷ lệ quá lớn", "Rate too large")

    status = values.get("status") or IncidentStatus.RECEIVED
    if status not in IncidentStatus.values:
        errors["status"] = Message(f"Trạng thái '{status}' không hợp lệ", f"Unknown status '{status}'")
    clean["status"] = status

    category_text = values.get("category")
    clean["category"] = ""
    if not is_empty(category_text):
        category = category_find(kind, str(category_text))
        if category is None:
            allowed = "; ".join(f"{c.code} ({c.vi})" for c in CATEGORIES[kind])
            errors["category"] = Message(
                f"Phân loại '{category_text}' không có trong danh mục của {_kind_label(kind)[0]} (chọn: {allowed})",
                f"'{category_text}' is not a category of {_kind_label(kind)[1]} (one of: {allowed})",
            )
        else:
            clean["category"] = category.code
    elif CATEGORY_REQUIRED[kind]:
        errors["category"] = _REQUIRED

    unit = values.get("unit")
    if unit is None:
        errors["unit"] = _REQUIRED
    clean["unit"] = unit

    if not clean.get("summary") and "summary" not in errors:
        errors["summary"] = _REQUIRED
    if clean.get("occurred_at") is None and "occurred_at" not in errors:
        errors["occurred_at"] = _REQUIRED
    for field in REQUIRED_FIELDS[kind]:
        if clean.get(field) is None and field not in errors:
            errors[field] = _REQUIRED
    kind_vi, kind_en = _kind_label(kind)
    for field in KIND_SPECIFIC_FIELDS:
        if field not in KIND_FIELDS[kind] and clean.get(field) not in (None, "") and field not in errors:
            errors[field] = Message(
                f"Trường này không dùng cho {kind_vi}; để trống",
                f"This field is not used for a {kind_en}; leave it empty",
            )
            clean[field] = None
    errors.update(_cross_checks(clean, errors))
    if errors:
        raise DomainError(errors)
    # Fields the kind does not use are stored empty, in their own type.
    for field in KIND_SPECIFIC_FIELDS:
        if field not in KIND_FIELDS[kind]:
            clean[field] = "" if field in TEXT_FIELDS else None
    return clean


def _gravity(text) -> str:
    if is_empty(text):
        return ""
    gravity = gravity_find(str(text))
    if gravity is None:
        allowed = "; ".join(f"{g.code} ({g.vi})" for g in CRIME_GRAVITIES)
        raise DomainError.single(
            "gravity",
            f"Mức độ '{text}' không có trong phân loại tội phạm của {GRAVITY_SOURCE} (chọn: {allowed})",
            f"'{text}' is not a class of crime in {GRAVITY_SOURCE} (one of: {allowed})",
        )
    return gravity.code


def _listed(field: str, text, listed, find) -> str:
    """A value of a controlled list (a fire's cause, an accident's, an offence, a drug), by its code or label."""
    if is_empty(text):
        return ""
    found = find(str(text))
    if found is None:
        allowed = "; ".join(f"{c.code} ({c.vi})" for c in listed)
        raise DomainError.single(
            field,
            f"Giá trị '{text}' không có trong danh mục (chọn: {allowed})",
            f"'{text}' is not in the list (one of: {allowed})",
        )
    return found.code


def _people_checks(clean: dict, errors: dict) -> dict[str, Message]:
    """A fire's casualties and rescued are among the people who were there, when that number is given."""
    present = clean.get("persons_involved")
    counted = {"persons_involved", "dead", "injured", "rescued"}
    if clean.get("kind") != IncidentKind.FIRE or present is None or errors.keys() & counted:
        return {}
    found = {}
    dead, injured, rescued = (clean.get(f) or 0 for f in ("dead", "injured", "rescued"))
    if dead + injured > present:
        found["dead"] = Message(
            f"Số người chết và bị thương ({dead + injured}) nhiều hơn số người có mặt ({present})",
            f"More dead and injured ({dead + injured}) than people who were there ({present})",
        )
    elif rescued > present - dead:
        found["rescued"] = Message(
            f"Số người được cứu ({rescued}) nhiều hơn số người có mặt còn sống ({present - dead})",
            f"More people rescued ({rescued}) than people there who survived ({present - dead})",
        )
    return found


def _cross_checks(clean: dict, errors: dict) -> dict[str, Message]:
    found = {}
    now = clock.now()
    occurred = clean.get("occurred_at")
    if occurred is not None and "occurred_at" not in errors:
        if occurred > now + FUTURE_TOLERANCE:
            found["occurred_at"] = Message(
                f"Thời gian xảy ra ở tương lai ({timezone.localtime(occurred):%d/%m/%Y %H:%M})",
                f"The time is in the future ({timezone.localtime(occurred):%d/%m/%Y %H:%M})",
            )
        elif occurred.year < YEAR_MIN:
            found["occurred_at"] = Message(
                f"Năm {occurred.year} quá xa (từ {YEAR_MIN})", f"Year {occurred.year} is too early"
            )
    lat, lon = clean.get("latitude"), clean.get("longitude")
    if "latitude" not in errors and "longitude" not in errors:
        if (lat is None) != (lon is None):
            missing = "longitude" if lon is None else "latitude"
            found[missing] = Message("Cần nhập cả vĩ độ và kinh độ", "Give both latitude and longitude")
        elif lat is not None and not (
            LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]
        ):
            found["latitude"] = Message(
                f"Tọa độ ({lat}, {lon}) nằm ngoài lãnh thổ Việt Nam (vĩ độ trước, kinh độ sau?)",
                f"({lat}, {lon}) is outside Vietnam (latitude first, then longitude?)",
            )
    solved_on = clean.get("solved_on")
    if solved_on is not None and "solved_on" not in errors:
        if clean.get("solved") is not True:
            found["solved_on"] = Message("Chỉ nhập ngày khám phá khi vụ án đã khám phá", "Only for a solved case")
        elif occurred is not None and solved_on < timezone.localtime(occurred).date():
            found["solved_on"] = Message("Ngày khám phá trước ngày xảy ra", "Solved before it happened")
        elif solved_on > clock.today():
            found["solved_on"] = Message("Ngày khám phá ở tương lai", "The date is in the future")
    ended = clean.get("ended_at")
    if ended is not None and occurred is not None and "ended_at" not in errors and ended < occurred:
        found["ended_at"] = Message("Kết thúc trước khi bắt đầu", "Ends before it starts")
    found.update(_people_checks(clean, errors))
    prosecuted, suspects = clean.get("prosecuted"), clean.get("suspects")
    if prosecuted is not None and "prosecuted" not in errors and prosecuted > (suspects or 0):
        found["prosecuted"] = Message(f"Số bị can khởi tố ({prosecuted}) nhiều hơn số đối tượng ({suspects or 0})",
                                      f"More prosecuted ({prosecuted}) than suspects ({suspects or 0})")  # fmt: skip
    seized = clean.get("drug_grams") or clean.get("drug_tablets")
    if seized and not clean.get("drug_substance") and "drug_substance" not in errors:
        found["drug_substance"] = Message("Ghi loại ma túy thu giữ", "Say which drug was seized")
    return found


def _check_unit(unit: Unit, occurred_at) -> None:
    """Records belong to communes of the hierarchy in force on the day they happened."""
    if unit.commune_id != unit.pk:
        raise DomainError.single(
            "unit",
            f"Sự việc phải gắn với một xã, phường, thị trấn; {unit.name} là cấp {unit.get_kind_display().lower()}",
            f"A record belongs to a commune; {unit.name} is a {unit.get_kind_display().lower()}",
        )
    day = timezone.localtime(occurred_at).date()
    if (unit.valid_from and day < unit.valid_from) or (unit.valid_to and day > unit.valid_to):
        span = f"{unit.valid_from or '…'} – {unit.valid_to or '…'}"
        raise DomainError.single(
            "unit",
            f"Ngày {day:%d/%m/%Y} {unit.name} không tồn tại ({span}); dùng đơn vị hành chính có hiệu lực vào ngày đó",
            f"On {day:%d/%m/%Y} {unit.name} did not exist ({span}); use the unit in force on that day",
        )


def _apply_severity(incident: Incident) -> None:
    if incident.kind == IncidentKind.CRIME:  # entered as its gravity
        incident.severity_source = GRAVITY_SOURCE if incident.severity else ""
        return
    if incident.kind != IncidentKind.TRAFFIC:
        incident.severity = incident.severity_source = ""
        return
    rule = severity_rule_on(timezone.localtime(incident.occurred_at).date())
    facts = {
        "dead": incident.dead,
        "injured": incident.injured,
        "injury_rate_total_pct": incident.injury_rate_total_pct,
        "property_damage_vnd": incident.property_damage_vnd,
    }
    incident.severity = rule.classify(facts).code
    incident.severity_source = rule.source


def severity_reclassify(*, write: bool = True, batch: int = 2000) -> dict[tuple[str, str], int]:
    """Classify every traffic accident again by the severity rule in force on its day (after a version of
    rules/traffic_severity.json was added or corrected) and, when ``write``, save those whose class or source changed
    — with a history row saying why (who: nobody, the rule did it) — and recount their days. Deleted records too: a
    restored record must come back in the right class. Month locks do not hold: a lock keeps users' figures, and a
    rule correction is not a user's edit. Returns how many records moved, per (old class, new class); an unchanged
    source with an unchanged class is not counted."""
    moved: dict[tuple[str, str], int] = {}
    accidents = Incident.all_objects.filter(kind=IncidentKind.TRAFFIC).order_by("pk")
    with transaction.atomic():
        changed, days = [], set()
        for incident in accidents.iterator(chunk_size=batch):
            before = (incident.severity, incident.severity_source)
            _apply_severity(incident)
            if (incident.severity, incident.severity_source) == before:
                continue
            if incident.severity != before[0]:
                moved[(before[0], incident.severity)] = moved.get((before[0], incident.severity), 0) + 1
            changed.append(incident)
            days.add(local_day(incident.occurred_at))
        if write and changed:
            for incident in changed:
                incident._change_reason = f"Phân loại lại theo {incident.severity_source}"
            bulk_update_with_history(
                changed, Incident, ["severity", "severity_source"], batch_size=batch,
                default_change_reason="Phân loại lại mức độ theo quy định có hiệu lực vào ngày xảy ra",
            )  # fmt: skip
            daily_totals_refresh(days)
    return moved


def _distance_m(lat1, lon1, lat2, lon2) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _find_duplicate(incident: Incident) -> Incident | None:
    """Another record of the same kind in the same commune within 30 minutes and 200 metres."""
    if incident.latitude is None:
        return None
    box = DUPLICATE_DISTANCE_M / 111_000  # degrees of latitude; longitude is never wider in Vietnam × 1.1
    candidates = Incident.objects.filter(
        unit_id=incident.unit_id,
        kind=incident.kind,
        occurred_at__range=(incident.occurred_at - DUPLICATE_WINDOW, incident.occurred_at + DUPLICATE_WINDOW),
        latitude__range=(incident.latitude - box, incident.latitude + box),
        longitude__range=(incident.longitude - box * 1.1, incident.longitude + box * 1.1),
    ).only("pk", "latitude", "longitude")
    if incident.pk is not None:  # on an update, neither itself nor the copies that point at it
        candidates = candidates.exclude(pk=incident.pk).exclude(duplicate_of_id=incident.pk)
    near = [(_distance_m(incident.latitude, incident.longitude, c.latitude, c.longitude), c.pk, c) for c in candidates]
    near = [n for n in near if n[0] <= DUPLICATE_DISTANCE_M]
    return min(near)[2] if near else None


def _flag_duplicate(incident: Incident) -> None:
    if incident.duplicate_state == DuplicateState.DISMISSED:
        return
    other = _find_duplicate(incident)
    incident.duplicate_of = other
    incident.duplicate_state = DuplicateState.FLAGGED if other else DuplicateState.NONE


def _external_id_taken(unit: Unit, external_id: str) -> DomainError:
    return DomainError.single(
        "external_id",
        f"Mã '{external_id}' đã dùng cho một sự việc khác của {unit.name}",
        f"'{external_id}' is already used by another record of {unit.name}",
    )


def _check_external_id(unit: Unit, external_id: str, *, exclude_pk=None) -> None:
    if external_id and Incident.objects.filter(unit=unit, external_id=external_id).exclude(pk=exclude_pk).exists():
        raise _external_id_taken(unit, external_id)


def _prepare_new(user: User, values: dict) -> Incident:
    """A new record, validated, in scope, outside any locked month, with its severity; not yet saved."""
    clean = _clean(values)
    scope_require(user=user, unit=clean["unit"])
    _check_unit(clean["unit"], clean["occurred_at"])
    period_lock_check(unit=clean["unit"], day=timezone.localtime(clean["occurred_at"]).date())
    incident = Incident(**clean, created_by=user, updated_by=user)
    _apply_severity(incident)
    return incident


def _near_each_other(a: Incident, b: Incident) -> bool:
    return (
        a.unit_id == b.unit_id
        and a.kind == b.kind
        and a.latitude is not None
        and b.latitude is not None
        and abs(a.occurred_at - b.occurred_at) <= DUPLICATE_WINDOW
        and _distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= DUPLICATE_DISTANCE_M
    )


@transaction.atomic
def incident_create(*, user: User, unit: Unit | None, kind: str, occurred_at, **fields) -> Incident:
    """Validate, check scope and period lock, compute severity, flag a possible duplicate, save (audited)."""
    [result] = incident_create_many(
        user=user, items=[{**fields, "unit": unit, "kind": kind, "occurred_at": occurred_at}]
    )
    if isinstance(result, DomainError):
        raise result
    return result


@transaction.atomic
def incident_create_many(*, user: User, items: list[dict]) -> list[Incident | DomainError]:
    """`incident_create` for many records at once (a batch of an import): each item is judged exactly as
    one would be, and the valid ones are written with one bulk insert and their audit rows. The result
    holds, in the items' order, each saved record or the error that refused the item."""
    results: list[Incident | DomainError] = []
    for values in items:
        try:
            results.append(_prepare_new(user, values))
        except DomainError as exc:
            results.append(exc)
    new = [r for r in results if isinstance(r, Incident)]
    attribute_communes(new)
    wanted = {(i.unit_id, i.external_id) for i in new if i.external_id}
    taken = set()
    if wanted:
        taken = set(
            Incident.objects.filter(
                unit_id__in={u for u, _ in wanted}, external_id__in={e for _, e in wanted}
            ).values_list("unit_id", "external_id")
        )
    pending: list[Incident] = []

    def flush():
        if pending:
            bulk_create_with_history(pending, Incident, batch_size=500, default_user=user)
            pending.clear()

    for position, incident in enumerate(results):
        if not isinstance(incident, Incident):
            continue
        key = (incident.unit_id, incident.external_id)
        if incident.external_id and key in taken:
            results[position] = _external_id_taken(incident.unit, incident.external_id)
            continue
        taken.add(key)
        if incident.latitude is not None:
            if any(_near_each_other(incident, other) for other in pending):
                flush()  # so that the duplicate check below finds the earlier one in the database
            _flag_duplicate(incident)
        pending.append(incident)
    flush()
    daily_totals_refresh(local_day(r.occurred_at) for r in results if isinstance(r, Incident))
    return results


def incident_values(incident: Incident) -> dict:
    """The editable values of a record, as `incident_update` takes them."""
    return {field: getattr(incident, field) for field in EDITABLE_FIELDS}


def incident_update(*, user: User, incident: Incident, **fields) -> tuple[Incident, bool]:
    """Change the given fields (the others keep their values). Returns the record and whether it changed."""
    if "kind" in fields and fields.pop("kind") != incident.kind:
        raise DomainError.single(
            "kind",
            "Không đổi được loại sự việc; xóa bản ghi và nhập lại",
            "A record's kind cannot change; delete it and enter it again",
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError({f: Message("Trường không sửa được", "Not an editable field") for f in sorted(unknown)})
    scope_require(user=user, unit=incident.unit)
    clean = _clean({**incident_values(incident), **fields, "kind": incident.kind})
    if all(getattr(incident, field) == value for field, value in clean.items()):
        # Nothing to write (a re-import of the same file): no lock taken, even in a locked month.
        return incident, False
    with transaction.atomic():
        return _update_locked(user, incident, clean), True


def _update_locked(user: User, incident: Incident, clean: dict) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    scope_require(user=user, unit=incident.unit)
    period_lock_check(unit=incident.unit, day=timezone.localtime(incident.occurred_at).date())
    if clean["unit"].pk != incident.unit_id:
        scope_require(user=user, unit=clean["unit"])
    _check_unit(clean["unit"], clean["occurred_at"])
    period_lock_check(unit=clean["unit"], day=timezone.localtime(clean["occurred_at"]).date())
    _check_external_id(clean["unit"], clean["external_id"], exclude_pk=incident.pk)
    old_day = local_day(incident.occurred_at)
    for field, value in clean.items():
        setattr(incident, field, value)
    _apply_severity(incident)
    attribute_communes([incident])
    _flag_duplicate(incident)
    incident.updated_by = user
    incident._history_user = user
    incident.save()
    daily_totals_refresh([old_day, local_day(incident.occurred_at)])
    return incident


@transaction.atomic
def incident_delete(*, user: User, incident: Incident, reason: str = "") -> None:
    """A soft delete (core.softdelete): the record is marked deleted by `user`, with the reason, and leaves every
    list and count; its history keeps every entry and gains this one. An administrator can restore it."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    scope_require(user=user, unit=incident.unit)
    period_lock_check(unit=incident.unit, day=timezone.localtime(incident.occurred_at).date())
    mark_deleted(incident, user=user, reason=to_text(reason, field="reason", max_length=REASON_MAX))
    daily_totals_refresh([local_day(incident.occurred_at)])


@transaction.atomic
def incident_restore(*, user: User, instance: Incident) -> Incident:
    """Bring a deleted record back, as it was (same id and figures): administrators only, not into a locked
    month, and not when a live record of its commune took its external id meanwhile."""
    incident = deleted_get(Incident, instance.pk)
    restore_require(user=user, unit=incident.unit)
    period_lock_check(unit=incident.unit, day=timezone.localtime(incident.occurred_at).date())
    _check_external_id(incident.unit, incident.external_id, exclude_pk=incident.pk)
    mark_restored(incident, user=user)
    daily_totals_refresh([local_day(incident.occurred_at)])
    return incident


def _require_flagged(incident: Incident) -> Incident:
    if incident.duplicate_state != DuplicateState.FLAGGED or incident.duplicate_of_id is None:
        raise DomainError.single(
            "__all__", "Bản ghi này không bị đánh dấu trùng lặp", "This record is not flagged as a duplicate"
        )
    return incident


@transaction.atomic
def incident_dismiss_duplicate(*, user: User, incident: Incident) -> Incident:
    """A person checked: it is a different event. It stays, and is not flagged again."""
    incident = _require_flagged(Incident.objects.select_for_update().get(pk=incident.pk))
    scope_require(user=user, unit=incident.unit)
    incident.duplicate_state = DuplicateState.DISMISSED
    incident.updated_by = user
    incident._history_user = user
    incident._change_reason = f"Không trùng với #{incident.duplicate_of_id} / not a duplicate"
    incident.save()
    return incident


@transaction.atomic
def incident_merge_duplicate(*, user: User, incident: Incident) -> Incident:
    """The same event entered twice: what the duplicate adds fills the original's empty fields, then the
    duplicate is deleted — softly, restorable (both steps in the audit history). Returns the original."""
    incident = _require_flagged(Incident.objects.select_for_update().get(pk=incident.pk))
    original = Incident.objects.select_for_update().filter(pk=incident.duplicate_of_id).first()
    if original is None:  # the original was deleted since
        raise DomainError.single(
            "__all__",
            f"Bản ghi gốc #{incident.duplicate_of_id} đã bị xóa; không gộp được",
            f"The original record #{incident.duplicate_of_id} was deleted; nothing to merge into",
        )
    for record in (incident, original):
        scope_require(user=user, unit=record.unit)
        period_lock_check(unit=record.unit, day=timezone.localtime(record.occurred_at).date())
    filled = {
        f: getattr(incident, f)
        for f in (*COMMON_FIELDS, *KIND_FIELDS[original.kind])
        if is_empty(getattr(original, f)) and not is_empty(getattr(incident, f)) and f != "external_id"
    }
    if filled:
        for field, value in filled.items():
            setattr(original, field, value)
        _apply_severity(original)
        original.updated_by = user
        original._history_user = user
        original._change_reason = f"Gộp từ #{incident.pk} / merged from #{incident.pk}"
        original.save()
    mark_deleted(incident, user=user, reason=f"Gộp vào #{original.pk} / merged into #{original.pk}")
    daily_totals_refresh([local_day(incident.occurred_at), local_day(original.occurred_at)])
    return original
