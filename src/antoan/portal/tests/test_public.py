"""The public pages: a citizen sends a tip without an account, gets a code, and tracks the tip with it;
nothing identifies the sender, and a script or a flood gets nowhere."""

import io
import time
import unicodedata
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.portal import views
from antoan.portal.forms import stamp_new
from antoan.portal.models import Tip, TipPhoto, TipStatus
from antoan.portal.selectors import vietnamese_key
from antoan.portal.services import tip_note

pytestmark = pytest.mark.django_db

SUBMIT = reverse("tip-submit")
TRACK = reverse("tip-track")
ADDRESS = "203.0.113.9"
BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 TestPhone/1.0"
SCRIPT = "<script>alert('x')</script>"
BILINGUAL = " / "  # a service's message: "Vietnamese / English"


@pytest.fixture(autouse=True)
def public_settings(settings, monkeypatch):
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0
    monkeypatch.setattr(views, "TRACK_MIN_SECONDS", 0)


def when(hours_ago=2) -> str:
    return (clock.local_now() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def tip_data(commune, **overrides) -> dict:
    data = {
        "category": "drugs",
        "province": commune.parent_id,
        "unit": commune.pk,
        "occurred_at": when(),
        "description": "Có người lạ tụ tập sử dụng ma túy ở bãi đất trống cuối thôn",
        "address": "Thôn Lâm Hòa",
        "started": stamp_new(),
    }
    data.update(overrides)
    return data


def send(client, commune, *, photos=(), source=ADDRESS, **overrides):
    data = tip_data(commune, **overrides)
    if photos:
        data["photos"] = list(photos)
    return client.post(SUBMIT, data, REMOTE_ADDR=source, HTTP_USER_AGENT=BROWSER)


def code_of(response) -> str:
    """The tracking code shown on the thank-you page the submission redirected to."""
    return response.context["code"].replace("-", "")


def assert_refused(response, photo_dir, status=400):
    assert response.status_code == status
    assert Tip.objects.count() == 0 and TipPhoto.objects.count() == 0
    assert not photo_dir.exists() or not any(photo_dir.iterdir())


def errors(response) -> dict:
    return response.context["form"].errors


# Sending -----------------------------------------------------------------------------------------


def test_the_form_needs_no_login_and_lists_the_34_provinces(client):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    assert len(response.context["form"].provinces) == 34
    body = response.content.decode()
    assert 'name="website"' in body and 'tabindex="-1"' in body and 'autocomplete="off"' in body
    assert 'accept="image/jpeg,image/png,image/webp"' in body and "multiple" in body
    assert 'name="share_photo_location"' in body and 'name="share_photo_location" checked' not in body


def test_the_commune_select_lists_the_chosen_provinces_communes(client, lam_dong, ham_thuan):
    response = client.get(reverse("tip-communes"), {"tinh": lam_dong.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{ham_thuan.pk}"' in body and "Xã Hàm Thuận" in body
    assert "data-lat=" in body and "<html" not in body
    for junk in ("", "abc", "999999", str(ham_thuan.pk)):
        response = client.get(reverse("tip-communes"), {"tinh": junk})
        assert response.status_code == 200 and response.content.decode().count("<option") == 1


def test_without_javascript_the_province_is_posted_first_and_nothing_is_saved(client, lam_dong, ham_thuan):
    response = client.post(SUBMIT, {"province": lam_dong.pk, "description": "Đang viết", "show_communes": "1"})
    assert response.status_code == 200
    assert any(c.pk == ham_thuan.pk for c in response.context["form"].communes)
    assert not response.context["form"].errors
    assert "Đang viết" in response.content.decode()
    assert Tip.objects.count() == 0


def test_an_anonymous_tip_is_stored_without_contact_and_its_code_is_shown(client, ham_thuan):
    response = send(client, ham_thuan)
    assert response.status_code == 302
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    tip = Tip.objects.get()
    assert (tip.contact_name, tip.contact_phone, tip.contact_email) == ("", "", "")
    assert tip.unit == ham_thuan and tip.status == TipStatus.RECEIVED
    assert code_of(sent) == tip.tracking_code
    shown = sent.context["code"]
    assert shown == "-".join(tip.tracking_code[i : i + 4] for i in (0, 4, 8)) and shown in sent.content.decode()
    assert "no-store" in sent["Cache-Control"]


def test_the_thank_you_link_cannot_be_forged_or_reused_for_long(client, ham_thuan, monkeypatch):
    assert client.get(reverse("tip-sent", args=["ABCDEFGHJKMN"])).status_code == 404
    location = send(client, ham_thuan)["Location"]
    monkeypatch.setattr(views, "SENT_MAX_AGE", -1)
    assert client.get(location).status_code == 404


def test_nothing_identifying_the_sender_is_stored(client, ham_thuan, photo):
    client.cookies["sessionid"] = "abc123cookie"
    response = send(client, ham_thuan, photos=[photo()])
    assert response.status_code == 302
    tip = Tip.objects.get()
    rows = [tip, *Tip.history.filter(id=tip.pk), *tip.photos.all()]
    values = " ".join(str(getattr(row, f.attname)) for row in rows for f in row._meta.concrete_fields)
    assert ADDRESS not in values and "TestPhone" not in values and "abc123cookie" not in values
    assert tip.contact_name == tip.contact_phone == tip.contact_email == ""


def test_contact_details_are_kept_when_given(client, ham_thuan):
    send(client, ham_thuan, contact_name="Nguyễn Văn An", contact_phone="0912 345 678", contact_email="an@example.vn")
    tip = Tip.objects.get()
    assert (tip.contact_name, tip.contact_phone, tip.contact_email) == (
        "Nguyễn Văn An",
        "0912 345 678",
        "an@example.vn",
    )


def test_text_is_stored_nfc_without_invisible_characters(client, ham_thuan):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng báo tin")
    send(client, ham_thuan, description=f"{nfd}\u200b gpj\u202e.exe\ufeff", contact_name=f"\u200d{nfd}")
    tip = Tip.objects.get()
    assert tip.description == "Nguyễn Thị Hồng báo tin gpj.exe"
    assert unicodedata.is_normalized("NFC", tip.description) and tip.contact_name == "Nguyễn Thị Hồng báo tin"


def test_missing_fields_are_named_in_both_languages(client, ham_thuan, photo_dir):
    response = send(client, ham_thuan, category="", description="", occurred_at="")
    assert_refused(response, photo_dir)
    for field in ("category", "description", "occurred_at"):
        assert BILINGUAL in errors(response)[field][0]


@pytest.mark.parametrize("which", ["missing", "province", "legacy commune"])
def test_an_unknown_commune_is_refused(client, unit, lam_dong, photo_dir, which):
    pk = {"missing": 999_999, "province": lam_dong.pk, "legacy commune": unit("23059", date(2020, 1, 1)).pk}[which]
    response = client.post(SUBMIT, tip_data(unit("23059"), unit=pk), REMOTE_ADDR=ADDRESS)
    assert_refused(response, photo_dir)
    assert "Chọn xã" in errors(response)["unit"][0] and BILINGUAL in errors(response)["unit"][0]


def test_a_commune_of_another_province_is_refused(client, ham_thuan, unit, photo_dir):
    hanoi = unit("01")
    response = client.post(SUBMIT, tip_data(ham_thuan, province=hanoi.pk))
    assert_refused(response, photo_dir)
    assert BILINGUAL in errors(response)["unit"][0]


# Photos ------------------------------------------------------------------------------------------


def test_photo_location_is_removed_unless_the_sender_shares_it(client, ham_thuan, photo, photo_dir):
    send(client, ham_thuan, photos=[photo(gps=True)])
    send(client, ham_thuan, photos=[photo(gps=True)], share_photo_location="on")
    plain, shared = Tip.objects.order_by("pk")
    assert (plain.share_photo_location, shared.share_photo_location) == (False, True)
    plain_exif = Image.open(photo_dir / plain.photos.get().stored_name).getexif()
    shared_exif = Image.open(photo_dir / shared.photos.get().stored_name).getexif()
    assert 0x8825 not in plain_exif and 0x010F not in plain_exif
    assert 0x8825 in shared_exif


def test_png_and_webp_photos_are_accepted(client, ham_thuan, photo):
    response = send(client, ham_thuan, photos=[photo("PNG"), photo("WEBP"), photo("JPEG")])
    assert response.status_code == 302
    assert sorted(Tip.objects.get().photos.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/png",
        "image/webp",
    ]


def test_a_script_named_jpg_is_refused_naming_the_photo(client, ham_thuan, photo, photo_dir):
    script = SimpleUploadedFile("anh.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    response = send(client, ham_thuan, photos=[photo(), script])
    assert_refused(response, photo_dir)
    message = errors(response)["photos"][0]
    assert "Ảnh thứ 2" in message and "Photo 2" in message


def test_a_photo_over_5_mb_is_refused(client, ham_thuan, photo_dir):
    big = SimpleUploadedFile("lon.jpg", b"\xff\xd8\xff" + b"\0" * (6 * 1024 * 1024), content_type="image/jpeg")
    response = send(client, ham_thuan, photos=[big])
    assert_refused(response, photo_dir)
    assert "5 MB" in errors(response)["photos"][0] and BILINGUAL in errors(response)["photos"][0]


def test_a_50_mb_upload_gets_a_clear_page_not_an_error(client, ham_thuan, photo_dir):
    huge = SimpleUploadedFile("rat-lon.jpg", b"\0" * (50 * 1024 * 1024), content_type="image/jpeg")
    response = send(client, ham_thuan, photos=[huge])
    assert_refused(response, photo_dir, status=413)
    assert response.templates[0].name == "portal/public_too_large.html"


def test_too_much_text_gets_a_clear_page_not_an_error(client, ham_thuan, photo_dir):
    response = send(client, ham_thuan, description="x" * (6 * 1024 * 1024))  # over DATA_UPLOAD_MAX_MEMORY_SIZE
    assert_refused(response, photo_dir, status=413)
    assert response.templates[0].name == "portal/public_too_large.html"


def test_a_decompression_bomb_is_refused(client, ham_thuan, photo_dir):
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, format="PNG")  # 400 million pixels, a few kB on disk
    bomb = SimpleUploadedFile("bom.png", out.getvalue(), content_type="image/png")
    response = send(client, ham_thuan, photos=[bomb])
    assert_refused(response, photo_dir)
    assert "Ảnh thứ 1" in errors(response)["photos"][0]


def test_more_than_3_photos_are_refused(client, ham_thuan, photo, photo_dir):
    response = send(client, ham_thuan, photos=[photo() for _ in range(4)])
    assert_refused(response, photo_dir)
    assert "Tối đa 3 ảnh" in errors(response)["photos"][0]


def test_a_refused_form_says_the_photos_must_be_chosen_again(client, ham_thuan, photo):
    response = send(client, ham_thuan, photos=[photo()], description="")
    assert response.status_code == 400 and response.context["photos_lost"]


# Escaping ----------------------------------------------------------------------------------------


def test_html_in_the_text_is_stored_as_text_and_never_rendered(client, ham_thuan, make_user):
    fields = ("description", "address", "contact_name")
    response = send(client, ham_thuan, **dict.fromkeys(fields, SCRIPT))
    tip = Tip.objects.get()
    assert [getattr(tip, field) for field in fields] == [SCRIPT] * 3
    sent = client.get(response["Location"])
    assert "<script>alert" not in sent.content.decode()

    officer = make_user(Role.OFFICER, ham_thuan)
    tip_note(user=officer, tip=tip, public_reply=f"Đã xác minh {SCRIPT}", officer_notes="Ghi chú nội bộ")
    tracked = Client().post(TRACK, {"code": tip.tracking_code}, REMOTE_ADDR=ADDRESS)
    body = tracked.content.decode()
    assert "Đã xác minh &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body and "<script>alert" not in body


def test_html_in_every_field_of_a_refused_form_is_escaped(client, ham_thuan, photo_dir):
    fields = ("category", "description", "address", "contact_name", "contact_phone", "contact_email")
    response = send(
        client, ham_thuan, **dict.fromkeys(fields, SCRIPT), latitude=SCRIPT, longitude=SCRIPT, occurred_at=SCRIPT
    )
    assert_refused(response, photo_dir)
    body = response.content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;" in body


# Abuse -------------------------------------------------------------------------------------------


def test_a_burst_from_one_source_gets_429_after_5_tips(client, ham_thuan, settings):
    settings.ANTOAN_TIPS_PER_HOUR = 5
    statuses = [send(client, ham_thuan).status_code for _ in range(100)]
    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Tip.objects.count() == 5
    limited = send(client, ham_thuan)
    assert limited.templates[0].name == "portal/public_limit.html" and int(limited["Retry-After"]) <= 3600
    assert send(client, ham_thuan, source="198.51.100.20").status_code == 302  # another source is not held up


def test_a_filled_honeypot_is_refused(client, ham_thuan, photo_dir):
    response = send(client, ham_thuan, website="http://spam.example")
    assert_refused(response, photo_dir)
    assert BILINGUAL in response.context["form"].non_field_errors()[0]


def test_a_tip_sent_too_fast_is_refused_then_accepted(client, ham_thuan, settings, photo_dir, time_machine):
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 5
    time_machine.move_to(clock.now())
    response = send(client, ham_thuan)
    assert_refused(response, photo_dir)
    message = response.context["form"].non_field_errors()[0]
    assert "quá nhanh" in message and "too quickly" in message
    stamp = response.context["form"].stamp  # the re-rendered form keeps the time it was first opened
    time_machine.shift(6)
    assert send(client, ham_thuan, started=stamp).status_code == 302


@pytest.mark.parametrize("stamp", ["", "1700000000.000:1rAbCd:forged", "not a stamp"])
def test_a_tampered_or_missing_timestamp_is_refused(client, ham_thuan, photo_dir, stamp):
    response = send(client, ham_thuan, started=stamp)
    assert_refused(response, photo_dir)
    assert "reloaded" in response.context["form"].non_field_errors()[0]
    assert response.context["form"].stamp != stamp  # a fresh form to send again from


def test_an_expired_form_is_refused(client, ham_thuan, photo_dir, time_machine):
    time_machine.move_to(clock.now())
    stamp = stamp_new()
    time_machine.shift(3 * 3600)
    assert_refused(send(client, ham_thuan, started=stamp), photo_dir)


def test_the_csrf_token_is_still_required(ham_thuan, photo_dir):
    response = Client(enforce_csrf_checks=True).post(SUBMIT, tip_data(ham_thuan))
    assert_refused(response, photo_dir, status=403)


# Tracking ----------------------------------------------------------------------------------------


def test_tracking_shows_the_status_and_reply_only(client, ham_thuan, make_user):
    send(client, ham_thuan, description="Mô tả bí mật của người gửi", contact_phone="0988 777 666")
    tip = Tip.objects.get()
    officer = make_user(Role.OFFICER, ham_thuan)
    tip_note(user=officer, tip=tip, officer_notes="Nghi vấn đối tượng Trần Văn B", public_reply="Đang xác minh")
    code = tip.tracking_code
    for typed in (code, code.lower(), f" {code[:4].lower()} {code[4:8]}-{code[8:]} "):
        response = client.post(TRACK, {"code": typed})
        assert response.status_code == 200
        assert response.context["result"].status == TipStatus.PROCESSING
        body = response.content.decode()
        assert "Đang xác minh" in body
        assert "Trần Văn B" not in body and "bí mật" not in body and "0988" not in body
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_code_gets_the_same_not_found_answer(client, ham_thuan):
    send(client, ham_thuan)
    for wrong in ("ABCDEFGHJKMN", "x", "", "' OR 1=1 --"):
        response = client.post(TRACK, {"code": wrong})
        assert response.status_code == 200
        assert response.context["looked_up"] and response.context["result"] is None
        assert response.templates[0].name == "portal/public_track.html"


def test_a_lookup_takes_the_same_minimum_time_whatever_the_answer(client, ham_thuan, monkeypatch):
    monkeypatch.setattr(views, "TRACK_MIN_SECONDS", 0.2)
    send(client, ham_thuan)
    for code in (Tip.objects.get().tracking_code, "ABCDEFGHJKMN"):
        started = time.monotonic()
        client.post(TRACK, {"code": code})
        assert time.monotonic() - started >= 0.2


def test_a_burst_of_lookups_gets_429(client, settings):
    settings.ANTOAN_TIP_LOOKUPS_PER_HOUR = 10
    statuses = [client.post(TRACK, {"code": f"ABCDEFGHJK{i:02d}"}, REMOTE_ADDR=ADDRESS).status_code for i in range(15)]
    assert statuses == [200] * 10 + [429] * 5
    assert client.get(TRACK).status_code == 200  # the page itself is not counted


# Access ------------------------------------------------------------------------------------------


def test_the_public_pages_need_no_login_and_the_rest_still_does(client, lam_dong):
    for url in (SUBMIT, TRACK, f"{reverse('tip-communes')}?tinh={lam_dong.pk}"):
        assert client.get(url).status_code == 200
    for url in ("/su-viec/", "/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_login_page_links_to_the_tip_form(client):
    assert f'href="{SUBMIT}"' in client.get(reverse("login")).content.decode()


def test_provinces_and_communes_are_in_vietnamese_alphabetical_order():
    names = ["Đồng Nai", "Điện Biên", "Cao Bằng", "Đắk Lắk", "An Giang", "Ăn Quán", "Dương Minh Châu", "Anh Sơn"]
    assert sorted(names, key=vietnamese_key) == [
        "An Giang",
        "Anh Sơn",
        "Ăn Quán",
        "Cao Bằng",
        "Dương Minh Châu",
        "Đắk Lắk",
        "Điện Biên",
        "Đồng Nai",
    ]


def test_one_form_sends_one_tip_and_a_replayed_stamp_is_refused(client, ham_thuan, photo_dir):
    """#27: a stamp fetched once could send tips for two hours, from any session; now a form (its stamp) sends one
    tip. A submission the service refuses leaves the form usable, so the citizen corrects it and sends again."""
    stamp = stamp_new()
    refused = send(client, ham_thuan, started=stamp, unit="")  # no commune: refused by the service's checks
    assert refused.status_code == 400 and Tip.objects.count() == 0
    first = send(client, ham_thuan, started=stamp)
    assert first.status_code == 302 and Tip.objects.count() == 1
    again = send(client, ham_thuan, started=stamp, source="203.0.113.77")  # the same stamp from elsewhere
    assert again.status_code == 400 and Tip.objects.count() == 1
    form = again.context["form"]
    assert "đã được dùng để gửi một tin báo" in form.non_field_errors()[0] and form.stamp != stamp
