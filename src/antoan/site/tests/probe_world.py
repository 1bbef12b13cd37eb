"""The world of the authorization probe (test_authorization_probe.py).

Unit A is Xã Hàm Thuận (Tỉnh Lâm Đồng, current hierarchy); unit B is Phường Ba Đình (Thành phố Hà Nội): no
subtree, on either side of the 2025 reorganisation, holds both. Each has a user of every role; unit A also has one
record of every kind that a URL or an API operation addresses by id, made through the services. Every text of
unit A's records carries MARK, so an answer that shows one of them to an outsider is found by a substring
search; `fingerprint` reads everything unit A owns, so that a write that got through is found too.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import Client
from django.utils import timezone
from PIL import Image
from simple_history.models import HistoricalChanges

from antoan.accounts.models import Role, User
from antoan.accounts.services import api_token_create, membership_grant
from antoan.assessment import services as assessment_services
from antoan.assessment import transfer as assessment_transfer
from antoan.assessment.criteria import criteria_set_choose, subject_type_of
from antoan.assessment.ratings import rating_sheet_choose
from antoan.assessment.selectors import assessment_list, rating_list
from antoan.core import clock
from antoan.incidents import jobs as import_jobs
from antoan.incidents.services import incident_create, incident_delete
from antoan.incidents.transfer import COLUMNS as INCIDENT_COLUMNS
from antoan.incidents.transfer import export_csv as incidents_export_csv
from antoan.indicators.periods import period_parse
from antoan.indicators.target_services import target_create, target_delete
from antoan.indicators.window_services import special_window_create
from antoan.movement import record_types
from antoan.movement.records import services as record_services
from antoan.movement.records.transfer import export_csv as records_export_csv
from antoan.portal import views as portal_views
from antoan.portal.services import tip_submit
from antoan.reports import jobs as report_jobs
from antoan.reports.models import BatchJob
from antoan.reports.services import report_draft_save, report_profile_save
from antoan.units.models import Unit
from antoan.units.scope import user_scope
from antoan.units.selectors import unit_for_code
from antoan.units.services import establishment_create

A_CODE = "23059"  # Xã Hàm Thuận, Tỉnh Lâm Đồng (Thị trấn Ma Lâm before 1/7/2025)
A_PROVINCE_CODE = "68"
B_CODE = "00004"  # Phường Ba Đình, Thành phố Hà Nội
YEAR = 2025  # the records' year: after the reorganisation, and always in the past
MARK = "ZQAPROBE"  # in a text of every record of unit A
CHANGED = "ZQCHANGED"  # what the write attempts set (never MARK: a form that echoes it back is no leak)
ROLES = (Role.VIEWER, Role.OFFICER, Role.LEADER)
VOLATILE = frozenset({"last_used_at", "last_login"})  # set by a mere login or API call


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, format="JPEG")
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


# Each movement record type: one record of unit A, and the change the write attempts make.
MOVEMENT_VALUES = {
    "models": dict(name=f"{MARK}-model Tổ tự quản", model_type="self_managed", started_on=date(YEAR, 8, 1),
                   places="Thôn 1", lead_body="Công an xã", inspection_interval_months=1),
    "inspections": dict(inspected_on=date(YEAR, 9, 1), inspector=f"{MARK}-inspection", rating="good",
                        findings="Hoạt động đều"),
    "exemplars": dict(kind="individual", name=f"{MARK}-exemplar", year=YEAR, achievement="Phát hiện tội phạm"),
    "commendations": dict(award="merit", authority="province_chair", recipient_kind="individual",
                          recipient_name=f"{MARK}-commendation", year=YEAR, decision_number="12/QĐ-UBND",
                          decision_date=date(YEAR, 9, 2)),
    "deployments": dict(deployed_on=date(YEAR, 8, 5), officers=3, from_body=f"{MARK}-deployment"),
    "patrols": dict(patrolled_on=date(YEAR, 9, 3), hours=4, violations_found=5, violations_handled=4),
    "propaganda": dict(held_on=date(YEAR, 9, 4), topic="security", sessions=1, attendees=40, note=f"{MARK}-propaganda"),
    "signage": dict(done_on=date(YEAR, 9, 5), repaired=1, installed=2, location=f"{MARK}-signage QL28"),
    "plans": dict(hazard="flood", approved_on=date(YEAR, 8, 1), next_review_on=date(YEAR, 10, 1),
                  resources=f"{MARK}-plan"),
    "security_events": dict(occurred_on=date(YEAR, 9, 6), kind="group_complaint", summary=f"{MARK}-security-event",
                            people_involved=12),
    "wanted": dict(handled_on=date(YEAR, 9, 7), outcome="surrendered", notice_number="12/QĐ-TN", note=f"{MARK}-wanted"),
    "weapons": dict(recovered_on=date(YEAR, 9, 8), kind="firearm", quantity=1, note=f"{MARK}-weapon"),
    "documents": dict(issued_on=date(YEAR, 9, 9), doc_type="plan", number="15/KH-UBND", subject=f"{MARK}-document"),
    "conferences": dict(held_on=date(YEAR, 9, 10), kind="mid_year", subject=f"{MARK}-conference", attendees=40),
    "rescues": dict(started_on=date(YEAR, 9, 11), summary=f"{MARK}-rescue", forces=20, people_rescued=2),
    "results": dict(achieved_on=date(YEAR, 9, 12), kind="cameras", quantity=4, funds_vnd=40_000_000,
                    note=f"{MARK}-result"),
}  # fmt: skip
MOVEMENT_CHANGES = {
    "models": {"name": f"{CHANGED} model"},
    "inspections": {"inspector": CHANGED},
    "exemplars": {"name": CHANGED},
    "commendations": {"recipient_name": CHANGED},
    "deployments": {"from_body": CHANGED},
    "patrols": {"hours": 5},
    "propaganda": {"note": CHANGED},
    "signage": {"location": CHANGED},
    "plans": {"resources": CHANGED},
    "security_events": {"summary": CHANGED},
    "wanted": {"note": CHANGED},
    "weapons": {"note": CHANGED},
    "documents": {"subject": CHANGED},
    "conferences": {"subject": CHANGED},
    "rescues": {"summary": CHANGED},
    "results": {"note": CHANGED},
}
DETAIL_PATHS = {  # record name → the page that shows it (an answer linking there lists it)
    "incident": "/su-viec/{}/",
    "incident_copy": "/su-viec/{}/",
    "incident_legacy": "/su-viec/{}/",
    "tip": "/tin-bao/xu-ly/{}/",
    "tip_other": "/tin-bao/xu-ly/{}/",
    "assessment": "/danh-gia/{}/",
    "rating": "/xep-loai/{}/",
    "establishment": "/don-vi/{}/",
    "import_job": "/su-viec/nhap/{}/",
    "batch": "/bao-cao/lo/{}/",
    "target": "/chi-tieu/ke-hoach/{}/",
    **{rt.key: f"/{rt.slug}/{{}}/" for rt in record_types.ALL},
}


def record_values(rt, record) -> dict:
    """A record's editable values as a form or a JSON body sends them (a unit or another record by its id)."""
    values = {}
    for spec in rt.specs:
        value = getattr(record, spec.name)
        if spec.kind in ("unit", "ref"):
            value = value.pk if value is not None else ""
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "1" if value else "0"
        values[spec.name] = "" if value is None else value
    return values


def _csv_changed(lines, changes: dict) -> bytes:
    """An export (header and rows) with some columns changed: the file a user uploads back."""
    rows = list(csv.reader(io.StringIO("".join(lines))))
    header = rows[0]
    for row in rows[1:]:
        for column, value in changes.items():
            row[header.index(column)] = str(value)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass
class World:
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # "a.officer", "b.viewer", "a.batch", "b.admin", …
    keys: dict = field(default_factory=dict)  # the users' API keys
    records: dict = field(default_factory=dict)  # unit A's records by name
    files: dict = field(default_factory=dict)  # name → (file name, bytes) to upload
    texts: dict = field(default_factory=dict)  # other values the rules fill in (the tip's sent-page token)
    territory: list = field(default_factory=list)  # ids of unit A's units, on both sides of the reorganisation
    sessions: dict = field(default_factory=dict)  # user key → session key, logged in once for the module
    queries: list = field(default_factory=list)  # the fingerprint's, compiled once

    def value(self, expression: str):
        """What a rule fills in: "=csv" is literal, "incident" a record's id, "unit_a.code" an attribute."""
        if expression.startswith("="):
            return expression[1:]
        if expression in self.texts:
            return self.texts[expression]
        if expression in self.users:
            return self.users[expression].pk
        for key, user in self.users.items():
            if expression.startswith(f"{key}."):
                return getattr(user, expression[len(key) + 1 :])
        name, _, attribute = expression.partition(".")
        target = self.records.get(name) or self.units.get(name) or self.users[name]
        return getattr(target, attribute or "pk")

    @property
    def a_users(self) -> list[User]:
        return [u for key, u in self.users.items() if key.startswith("a.")]

    def markers(self) -> list[str]:
        """Strings only an answer about unit A's records contains: MARK, and the pages of its records."""
        paths = [DETAIL_PATHS[name].format(record.pk) for name, record in self.records.items() if name in DETAIL_PATHS]
        return [MARK, f"/don-vi/{self.units['unit_a'].pk}/", *paths]


def build_world(tmp: Path) -> World:
    w = World()
    w.units["unit_a"] = unit_a = unit_for_code(code=A_CODE)
    w.units["unit_b"] = unit_b = unit_for_code(code=B_CODE)
    w.units["province_a"] = province_a = unit_for_code(code=A_PROVINCE_CODE)
    for side, unit in (("a", unit_a), ("b", unit_b)):
        for role in ROLES:
            w.users[f"{side}.{role}"] = _user(f"probe.{side}.{role}", unit, role)
    # The admin role is global (accounts.models.Role): an admin of unit B is no outsider of unit A.
    w.users["b.admin"] = _user("probe.b.admin", unit_b, Role.ADMIN)
    w.users["staff"] = User.objects.create(username="probe.staff", is_staff=True)  # reads /metrics, no unit
    # Batches are written for a unit with units under it: the province's leader owns unit A's batch.
    w.users["a.batch"] = _user("probe.a.batch", province_a, Role.LEADER)
    for key, user in w.users.items():
        name = f"{MARK}-token" if key == "a.officer" else f"probe {key}"
        token, w.keys[key] = api_token_create(user=user, owner=user, name=name)
        if key == "a.officer":
            w.records["token"] = token

    officer, leader = w.users["a.officer"], w.users["a.leader"]
    w.records["establishment"] = establishment_create(
        user=officer, commune=unit_a, name=f"{MARK}-establishment Trường THCS", establishment_type="school"
    )
    incident = dict(kind="crime", category="social_order", solved=False, latitude=11.1128, longitude=107.997)
    w.records["incident"] = incident_create(
        user=officer, unit=unit_a, occurred_at=local(YEAR, 9, 15, 10, 0), summary=f"{MARK}-incident Trộm cắp xe máy",
        address="Thôn 2", external_id=f"{MARK}-INC-1", **incident,
    )  # fmt: skip
    # A second report of the same case, minutes later and metres away: flagged as a possible duplicate.
    w.records["incident_copy"] = incident_create(
        user=officer, unit=unit_a, occurred_at=local(YEAR, 9, 15, 10, 10), summary=f"{MARK}-incident-copy",
        **incident,
    )  # fmt: skip
    assert w.records["incident_copy"].duplicate_of_id == w.records["incident"].pk

    # Before the reorganisation unit A's officer keeps Thị trấn Ma Lâm's records (its commune since 1/7/2025).
    w.records["incident_legacy"] = incident_create(
        user=officer, unit=unit_for_code(code=A_CODE, day=date(2020, 1, 1)), occurred_at=local(2020, 5, 4, 21, 0),
        summary=f"{MARK}-incident-legacy", kind="social_evil", category="gambling",
    )  # fmt: skip

    for name, description in (("tip", f"{MARK}-tip Có người lạ"), ("tip_other", f"{MARK}-tip-other")):
        w.records[name] = tip_submit(
            photos=[_photo()] if name == "tip" else [], unit=unit_a, category="security_order",
            occurred_at=clock.now() - timedelta(days=1), description=description, contact_name="Nguyễn Văn A",
        )  # fmt: skip
    w.records["photo"] = w.records["tip"].photos.get()
    w.texts["tip_sent_token"] = signing.dumps(w.records["tip"].tracking_code, salt=portal_views._SENT_SALT)

    for rt in record_types.ALL:
        values = dict(MOVEMENT_VALUES[rt.key], external_id=f"{MARK}-{rt.key}")
        if rt.key == "inspections":
            values["model"] = w.records["models"]
        else:
            values["unit"] = unit_a
        w.records[rt.key] = record_services.record_create(rt, user=officer, **values)

    # The Kỷ niệm chương is given once per person, nationally: the rule looks at every unit's medals.
    w.records["medal"] = record_services.record_create(
        record_types.COMMENDATIONS, user=officer, unit=unit_a, award="medal", authority="ministry",
        recipient_kind="individual", recipient_name="Trần Văn Bảo", recipient_birth_year=1970, year=YEAR,
        decision_number=f"8888/QĐ-BCA-{MARK}", decision_date=date(YEAR, 8, 19),
    )  # fmt: skip

    _, subject = criteria_set_choose(subject_type="commune", year=YEAR)
    results = {c.code: {"passed": True, "evidence": f"{MARK}-assessment {c.code}"} for c in subject.criteria}
    w.records["assessment"], _ = assessment_services.assessment_record(
        user=officer, unit=unit_a, year=YEAR, results=results
    )
    _, sheet = rating_sheet_choose(subject_type="commune", year=YEAR)
    points = {c.code: c.max_points for c in sheet.criteria}
    w.records["rating"], _ = assessment_services.rating_record(user=officer, unit=unit_a, year=YEAR, points=points)

    _deleted_records(w)

    w.records["window"] = special_window_create(
        user=leader, slug="zqaprobe-window", name=f"{MARK}-window Đại hội", start=f"{YEAR}-09-01",
        end=f"{YEAR}-09-10", unit=unit_a.pk, note="",
    )  # fmt: skip
    w.records["target"] = target_create(
        user=leader, unit=unit_a, year=YEAR, indicator="traffic.accidents", kind="reduce_by_pct", value="5",
        document=f"{MARK}-target Nghị quyết HĐND xã",
    )  # fmt: skip
    deleted = target_create(
        user=leader, unit=unit_a, year=YEAR, indicator="crime.cases", kind="at_most", value="10",
        document=f"{MARK}-target-deleted",
    )  # fmt: skip
    target_delete(user=leader, target=deleted, reason="nhập nhầm")
    w.records["target_deleted"] = deleted
    w.records["draft"] = report_draft_save(
        user=officer, unit=unit_a, period=period_parse(str(YEAR)), shortcomings=f"{MARK}-draft Còn hạn chế",
        tasks="Tăng cường tuần tra", number="05",
    )  # fmt: skip
    w.records["profile"] = report_profile_save(user=officer, unit=unit_a, signer_name=f"{MARK}-signer")

    # An import of two rows, one refused: a job with a problems file.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INCIDENT_COLUMNS, restval="")
    writer.writeheader()
    row = dict(kind="crime", category="social_order", unit_code=A_CODE, solved="0")
    writer.writerow(dict(row, occurred_at=f"{YEAR}-10-01 08:00", summary=f"{MARK}-imported"))
    writer.writerow(dict(row, occurred_at="không phải ngày", summary=f"{MARK}-refused"))
    upload = SimpleUploadedFile(f"{MARK}-import.csv", out.getvalue().encode(), content_type="text/csv")
    job = import_jobs.import_job_start(user=officer, uploaded=upload)
    if job.state == job.State.QUEUED:  # the probe keeps tasks queued (no worker): run this one here
        job = import_jobs.import_job_run(job, runner="probe-world")
    w.records["import_job"] = job
    assert w.records["import_job"].rejected_rows == 1 and import_jobs.problems_path(w.records["import_job"]).exists()

    # A batch for the province, finished: its ZIP is on disk (writing 124 communes' reports is not this test's job).
    batch = report_jobs.batch_create(
        user=w.users["a.batch"], unit=province_a, period=period_parse(str(YEAR)), kind="annual", formats="html"
    )
    zip_path = report_jobs.batch_root() / "batch.zip"  # an archive is served from the batches' folder only
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("manifest.csv", f"{MARK}-batch\n")
    BatchJob.objects.filter(pk=batch.pk).update(state=BatchJob.State.DONE, zip_path=str(zip_path), done=batch.children)
    batch.refresh_from_db()
    w.records["batch"] = batch

    _upload_files(w)
    w.territory = list(Unit.objects.filter(user_scope(user=officer).q()).values_list("pk", flat=True))
    for key, user in w.users.items():
        client = Client()
        client.force_login(user)
        _second_step(client, user)
        w.sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return w


def _deleted_records(w: World) -> None:
    """One deleted record of every kind that can be restored (soft delete, core.softdelete): what an administrator
    restores, and what nobody else may."""
    officer, unit_a = w.users["a.officer"], w.units["unit_a"]
    incident = incident_create(
        user=officer, unit=unit_a, occurred_at=local(YEAR, 9, 16, 8, 0), summary=f"{MARK}-incident-deleted Cướp giật",
        kind="crime", category="social_order", solved=False, external_id=f"{MARK}-INC-DEL",
    )  # fmt: skip
    incident_delete(user=officer, incident=incident, reason=f"{MARK} nhập nhầm")
    w.records["incident_deleted"] = incident
    for rt in record_types.ALL:
        values = dict(MOVEMENT_VALUES[rt.key], external_id=f"{MARK}-{rt.key}-deleted")
        if rt.key == "inspections":
            values["model"] = w.records["models"]
        else:
            values["unit"] = unit_a
        if rt.key == "models":
            values["name"] = f"{MARK}-model-deleted"
        record = record_services.record_create(rt, user=officer, **values)
        record_services.record_delete(rt, user=officer, instance=record, reason="nhập nhầm")
        w.records[f"{rt.key}_deleted"] = record
    # On an establishment of its own: records, even deleted ones, keep an establishment from being deleted.
    establishment = establishment_create(
        user=officer, commune=unit_a, name=f"{MARK}-school-deleted-records Trường THPT", establishment_type="school"
    )
    establishment_subject = subject_type_of(establishment)
    _, subject = criteria_set_choose(subject_type=establishment_subject, year=YEAR)
    results = {c.code: {"passed": True, "evidence": f"{MARK}-assessment-deleted"} for c in subject.criteria}
    assessment, _ = assessment_services.assessment_record(user=officer, unit=establishment, year=YEAR, results=results)
    assessment_services.assessment_delete(user=officer, assessment=assessment, reason="nhập nhầm")
    w.records["assessment_deleted"] = assessment
    _, sheet = rating_sheet_choose(subject_type=establishment_subject, year=YEAR)
    points = {c.code: c.max_points for c in sheet.criteria}
    rating, _ = assessment_services.rating_record(user=officer, unit=establishment, year=YEAR, points=points)
    assessment_services.rating_delete(user=officer, rating=rating, reason="nhập nhầm")
    w.records["rating_deleted"] = rating


def _second_step(client: Client, user: User) -> None:
    """Where two-factor login is on (accounts.two_factor: administrators, leaders and staff must pass it), the user
    enrols a device through the service, and the session is marked as having given its code."""
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.oath import totp

        from antoan.accounts import two_factor
    except ImportError:
        return
    if not two_factor.two_factor_state(user=user).needed:
        return
    device = two_factor.two_factor_enrol_start(user=user)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    two_factor.two_factor_enrol_confirm(user=user, code=f"{code:0{device.digits}d}")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _user(username: str, unit, role) -> User:
    user = User.objects.create(username=username, full_name=username)
    membership_grant(actor=None, user=user, unit=unit, role=role)
    return user


def _upload_files(w: World) -> None:
    """The files the import pages are sent: unit A's own records, exported and changed, as a user uploads them
    back. Imported by unit A's officer they change the records; by anyone else they must change nothing."""
    officer = w.users["a.officer"]
    w.files["incidents"] = _csv_changed(
        incidents_export_csv([w.records["incident"]]), {"summary": f"{CHANGED} nhập lại"}
    )
    for rt in record_types.ALL:
        change = {spec.column: v for spec in rt.specs for k, v in MOVEMENT_CHANGES[rt.key].items() if spec.name == k}
        if rt.key == "inspections":  # a row names no unit, so it cannot update a record: it adds one
            change["external_id"] = CHANGED
        w.files[rt.key] = _csv_changed(records_export_csv(rt, [w.records[rt.key]]), change)
    assessments = assessment_list(user=officer).filter(pk=w.records["assessment"].pk).prefetch_related("criteria")
    w.files["assessments"] = _csv_changed(
        assessment_transfer.export_csv(assessment_transfer.assessment_rows(assessments)), {"evidence": CHANGED}
    )
    rows = list(assessment_transfer.rating_rows(rating_list(user=officer).filter(pk=w.records["rating"].pk)))
    header, first = rows[0], rows[1]
    first[header.index("points")] = int(first[header.index("points")]) - 1  # one point less on one criterion
    w.files["ratings"] = "".join(assessment_transfer.export_csv(iter(rows))).encode("utf-8")


# What unit A owns ---------------------------------------------------------------------------------------------

STATIC = frozenset({"units.Succession"})  # the official succession map: loaded from the package, no page writes it


@cache
def _tracked_models() -> list:
    found = []
    for model in apps.get_models():  # the project's and the libraries' (a user's two-factor device, …)
        if issubclass(model, HistoricalChanges):  # the audit's copies, not HistoricalFigure (a figure of a past year)
            continue
        if model._meta.label in STATIC:
            continue
        keys = [f for f in model._meta.fields if isinstance(f, models.ForeignKey)]
        by_unit = [f.name for f in keys if f.related_model is Unit]
        by_user = [f.name for f in keys if f.related_model is User]
        if model is Unit or model is User or by_unit or by_user:
            found.append((model, by_unit, by_user))
    return found


def fingerprint(w: World) -> dict:
    """Every row unit A owns — its units (the commune, its establishments and, across the reorganisation, the old
    communes it covers), the records in them, its users and what they own — as values, to compare before and
    after a request. The queries are built once (the ORM's own work would be most of the probe's time)."""
    if not w.queries:
        w.queries = _fingerprint_queries(w)
    found = {}
    with connection.cursor() as cursor:
        for label, columns, sql, params in w.queries:
            cursor.execute(sql, params)
            found[label] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return found


def _fingerprint_queries(w: World) -> list:
    units = models.Q(pk__in=w.territory) | models.Q(parent__in=w.territory)  # and what was added under them since
    user_ids = [u.pk for u in w.a_users]
    queries = []
    for model, by_unit, by_user in _tracked_models():
        if model is Unit:
            rows = Unit.objects.filter(units)
        elif model is User:
            rows = User.objects.filter(pk__in=user_ids)
        else:
            q = models.Q(pk__in=[])
            for name in by_unit:
                q |= models.Q(**{f"{name}__in": Unit.objects.filter(units).values("pk")})
            for name in by_user:
                q |= models.Q(**{f"{name}__in": user_ids})
            rows = model.objects.filter(q)
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
        sql, params = rows.order_by("pk").values_list(*columns).query.sql_with_params()
        queries.append((model._meta.label, ["id" if c == model._meta.pk.attname else c for c in columns], sql, params))
    return queries


def differences(before: dict, after: dict) -> list[str]:
    """What changed, readably: "incidents.Incident #12: summary", "+ movement.Inspection #40", …"""
    out = []
    for label in before:
        old = {row["id"]: row for row in before[label]}
        new = {row["id"]: row for row in after[label]}
        out += [f"+ {label} #{pk}" for pk in new.keys() - old.keys()]
        out += [f"- {label} #{pk}" for pk in old.keys() - new.keys()]
        for pk in old.keys() & new.keys():
            changed = sorted(k for k in old[pk] if old[pk][k] != new[pk].get(k))
            if changed:
                out.append(f"{label} #{pk}: {', '.join(changed)}")
    return out
