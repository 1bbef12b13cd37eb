"""The portal's services: a submission, its tracking code, and the officers' steps, each audited."""

import io
import unicodedata
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.core.errors import DomainError, NotFound
from antoan.incidents.models import Incident
from antoan.portal.models import Tip, TipStatus
from antoan.portal.selectors import TipFilters, tip_figures, tip_list, tip_track
from antoan.portal.services import (
    CODE_ALPHABET,
    CODE_LENGTH,
    tip_assign,
    tip_convert,
    tip_mark_duplicate,
    tip_mark_not_actionable,
    tip_note,
    tip_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.ANTOAN_TIP_PHOTO_DIR = tmp_path
    return tmp_path


def submit(unit, **overrides):
    values = {
        "unit": unit,
        "category": "drugs",
        "occurred_at": clock.now() - timedelta(hours=2),
        "description": "Có người lạ tụ tập sử dụng ma túy ở bãi đất trống cuối thôn",
        "address": "Thôn Lâm Hòa",
    }
    values.update(overrides)
    return tip_submit(**values)


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "Camera"  # Make
    exif[0x8825] = {1: "N", 2: (11.0, 3.0, 0.0), 3: "E", 4: (108.0, 2.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_tip_gets_an_unguessable_code_easy_to_read_aloud(unit):
    codes = {submit(unit("23059")).tracking_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(c) == CODE_LENGTH >= 10 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_tracking_shows_status_and_public_reply_only(unit):
    tip = submit(unit("23059"), contact_phone="0912 345 678")
    grouped = f"{tip.tracking_code[:4].lower()}-{tip.tracking_code[4:8]} {tip.tracking_code[8:]}"
    status = tip_track(code=grouped)
    assert status.status == TipStatus.RECEIVED
    assert not {"description", "contact_phone", "officer_notes"} & set(vars(status))
    assert tip_track(code="ABCDEFGHJKMN") is None


def test_gps_is_stripped_from_photos_unless_the_sender_shares_it(unit, photo_dir):
    plain = submit(unit("23059"), photos=[jpeg_with_gps()])
    shared = submit(unit("23059"), photos=[jpeg_with_gps()], share_photo_location=True)
    stored = {tip.pk: Image.open(photo_dir / tip.photos.get().stored_name).getexif() for tip in (plain, shared)}
    assert 0x8825 not in stored[plain.pk] and 0x010F not in stored[plain.pk]
    assert 0x8825 in stored[shared.pk]


def test_a_refused_photo_leaves_nothing_behind(unit, photo_dir):
    script = SimpleUploadedFile("anh.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    with pytest.raises(DomainError) as error:
        submit(unit("23059"), photos=[jpeg_with_gps(), script])
    assert "Ảnh thứ 2" in error.value.errors["photos"].vi
    assert not Tip.objects.exists() and not list(photo_dir.iterdir())


def test_disguised_text_is_cleaned(unit):
    tip = submit(unit("23059"), description=unicodedata.normalize("NFD", "Cướp\u200b giật\u202e ở chợ"))
    assert tip.description == "Cướp giật ở chợ"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "ufo"}, "category"),
        ({"description": "  "}, "description"),
        ({"occurred_at": clock.now() + timedelta(days=2)}, "occurred_at"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_phone": "<script>"}, "contact_phone"),
        ({"latitude": 11.0}, "latitude"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_submissions_are_refused_field_by_field(unit, overrides, field):
    with pytest.raises(DomainError) as error:
        submit(unit("23059"), **overrides)
    assert error.value.errors[field].vi and error.value.errors[field].en
    assert not Tip.objects.exists()


@pytest.mark.parametrize("code_and_day", [("68", None), ("23059", "2020-01-01")])
def test_a_tip_belongs_to_a_current_commune(unit, code_and_day):
    from antoan.core.values import to_date

    code, day = code_and_day
    with pytest.raises(DomainError) as error:
        submit(unit(code, to_date(day, field="on")))
    assert "unit" in error.value.errors


@pytest.fixture
def officer(make_user, unit):
    return make_user(Role.OFFICER, unit("23059"))


def test_officers_steps_are_audited_and_the_first_one_is_timed(officer, unit):
    tip = submit(unit("23059"))
    tip = tip_assign(user=officer, tip=tip, assignee=officer)
    tip = tip_note(user=officer, tip=tip, officer_notes="Đã xác minh sơ bộ", public_reply="Đang xác minh")
    assert tip.status == TipStatus.PROCESSING and tip.first_action_at is not None
    first = tip.first_action_at
    tip = tip_mark_not_actionable(user=officer, tip=tip, reason="Không có dấu hiệu vi phạm")
    assert (tip.status, tip.first_action_at, tip.public_reply) == (
        TipStatus.NOT_ACTIONABLE,
        first,
        "Không có dấu hiệu vi phạm",
    )
    assert Tip.history.filter(id=tip.pk, history_user=officer).count() == 3
    with pytest.raises(DomainError):
        tip_note(user=officer, tip=tip, public_reply="Đổi ý")  # closed: no further step
    assert tip_track(code=tip.tracking_code).public_reply == "Không có dấu hiệu vi phạm"


def test_not_actionable_needs_a_reason(officer, unit):
    with pytest.raises(DomainError) as error:
        tip_mark_not_actionable(user=officer, tip=submit(unit("23059")), reason=" ")
    assert "public_reply" in error.value.errors


def test_converting_a_tip_records_an_incident_linked_to_it(officer, unit):
    tip = submit(unit("23059"), category="traffic")
    incident = tip_convert(
        user=officer,
        tip=tip,
        kind="traffic",
        unit=tip.unit,
        occurred_at=tip.occurred_at,
        summary=tip.description,
        dead=0,
        injured=1,
    )
    tip.refresh_from_db()
    assert tip.incident == incident and tip.status == TipStatus.HANDLED and tip.closed_at is not None
    assert incident.tip == tip and Incident.history.get(id=incident.pk).history_user == officer
    with pytest.raises(DomainError):
        tip_convert(user=officer, tip=tip, kind="traffic", unit=tip.unit, occurred_at=tip.occurred_at,
                    summary="again", dead=0, injured=0)  # fmt: skip


def test_a_refused_conversion_leaves_the_tip_open(officer, unit):
    tip = submit(unit("23059"))
    with pytest.raises(DomainError):
        tip_convert(user=officer, tip=tip, kind="traffic", unit=tip.unit, occurred_at=tip.occurred_at, summary="x")
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED and tip.incident is None and not Incident.objects.exists()


def test_another_communes_officer_cannot_touch_the_tip(make_user, unit):
    other = make_user(Role.OFFICER, unit("23086"))
    tip = submit(unit("23059"))
    with pytest.raises(NotFound):
        tip_assign(user=other, tip=tip, assignee=other)
    assert tip_list(user=other).count() == 0


def test_a_duplicate_points_at_the_original_and_closes(officer, unit):
    first, second = submit(unit("23059")), submit(unit("23059"))
    second = tip_mark_duplicate(user=officer, tip=second, original=first)
    assert (second.duplicate_of, second.status) == (first, TipStatus.NOT_ACTIONABLE)
    assert "tin báo khác" in tip_track(code=second.tracking_code).public_reply


def test_figures_count_what_became_of_the_tips(officer, unit):
    tips = [submit(unit("23059")) for _ in range(3)]
    tip_mark_not_actionable(user=officer, tip=tips[0], reason="Không đủ thông tin")
    tip_convert(user=officer, tip=tips[1], kind="crime", unit=tips[1].unit, occurred_at=tips[1].occurred_at,
                summary="Mua bán ma túy", category="drugs", solved=False)  # fmt: skip
    Tip.objects.filter(pk=tips[0].pk).update(received_at=clock.now() - timedelta(minutes=30))
    today = clock.today()
    *communes, total = tip_figures(user=officer, date_from=today - timedelta(days=1), date_to=today)
    assert (total.received, total.handled, total.converted, total.not_actionable, total.open) == (3, 1, 1, 1, 1)
    assert communes[0].unit_name == "Xã Hàm Thuận"
    assert total.median_minutes_to_first_action is not None and total.median_minutes_to_first_action > 0
    assert tip_list(user=officer, filters=TipFilters(status=TipStatus.RECEIVED)).count() == 1


def test_demo_tips_are_seeded_once_through_the_services(make_user, unit):
    from antoan.portal.demo import DEMO_TIPS, seed_tips

    admin = make_user(Role.ADMIN, unit("68"))
    assert seed_tips(user=admin) == len(DEMO_TIPS)
    assert seed_tips(user=admin) == 0
    assert Tip.objects.filter(incident__isnull=False).count() == 1
    assert tip_list(user=admin, filters=TipFilters(overdue=True)).count() == 2  # 30 h and 40 h, untouched


def test_a_logged_in_sender_is_not_named_in_the_audit_trail(client, officer, unit):
    from simple_history.models import HistoricalRecords

    class Request:
        user = officer

    HistoricalRecords.context.request = Request()
    try:
        tip = submit(unit("23059"))
    finally:
        del HistoricalRecords.context.request
    assert Tip.history.get(id=tip.pk).history_user is None
