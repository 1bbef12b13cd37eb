"""The officers' pages of the portal: the triage queue stays inside the officer's units, a tip's page shows all
the tip holds, and each step (assign, notes, not actionable, duplicate, record as an incident) ends in the
portal's services, audited with the officer's name."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.incidents.models import Incident
from antoan.portal.models import Tip, TipStatus
from antoan.portal.selectors import tip_track
from antoan.portal.services import tip_assign, tip_mark_not_actionable, tip_submit

pytestmark = pytest.mark.django_db

QUEUE = reverse("tip-queue")
HAM_THUAN = "23059"
HONG_SON = "23086"
PROVINCE = "68"


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.ANTOAN_TIP_PHOTO_DIR = tmp_path
    return tmp_path


@pytest.fixture
def ham_thuan(unit):
    return unit(HAM_THUAN)


@pytest.fixture
def hong_son(unit):
    return unit(HONG_SON)


@pytest.fixture
def officer(make_user, ham_thuan):
    return make_user(Role.OFFICER, ham_thuan, username="canbo.hamthuan")


@pytest.fixture
def colleague(make_user, ham_thuan):
    return make_user(Role.OFFICER, ham_thuan, username="canbo2.hamthuan")


@pytest.fixture
def hong_son_officer(make_user, hong_son):
    return make_user(Role.OFFICER, hong_son, username="canbo.hongson")


@pytest.fixture
def province_officer(make_user, unit):
    return make_user(Role.OFFICER, unit(PROVINCE), username="canbo.tinh")


@pytest.fixture
def viewer(make_user, ham_thuan):
    return make_user(Role.VIEWER, ham_thuan, username="xem.hamthuan")


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, format="PNG")
    return SimpleUploadedFile("anh.png", out.getvalue(), content_type="image/png")


def submit(unit, **overrides) -> Tip:
    values = {
        "unit": unit,
        "category": "gambling",
        "occurred_at": clock.now() - timedelta(hours=3),
        "description": "Nhóm người tụ tập đánh bạc ăn tiền trong quán cà phê cuối thôn",
        "address": "Thôn Lâm Hòa",
    }
    values.update(overrides)
    return tip_submit(**values)


def age(tip: Tip, hours: float) -> Tip:
    Tip.objects.filter(pk=tip.pk).update(received_at=clock.now() - timedelta(hours=hours))
    tip.refresh_from_db()
    return tip


def as_user(client, user):
    client.force_login(user)
    return client


def page_of(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


def listed(response, status: int = 200) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-tip="(\d+)"', page_of(response, status))}


def detail(tip) -> str:
    return reverse("tip-detail", args=[tip.pk])


def step(name, tip, **kwargs) -> str:
    return reverse(name, args=[tip.pk], kwargs=kwargs or None)


# Who sees what -----------------------------------------------------------------------------------


def test_commune_officer_sees_only_their_communes_tips(client, officer, ham_thuan, hong_son):
    own, other = submit(ham_thuan), submit(hong_son, photos=[png()])
    as_user(client, officer)
    assert listed(client.get(QUEUE)) == {own.pk}
    assert client.get(detail(own)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    photo = other.photos.get()
    assert client.get(reverse("tip-photo", args=[other.pk, photo.pk])).status_code == 404
    for name in ("tip-assign", "tip-note", "tip-not-actionable", "tip-duplicate"):
        assert client.post(step(name, other), {"close-public_reply": "x"}).status_code == 404
    assert client.get(reverse("tip-convert", args=[other.pk, "crime"])).status_code == 404
    assert Tip.objects.get(pk=other.pk).status == TipStatus.RECEIVED


def test_province_officer_sees_both_communes(client, province_officer, ham_thuan, hong_son):
    tips = {submit(ham_thuan).pk, submit(hong_son).pk}
    as_user(client, province_officer)
    assert listed(client.get(QUEUE)) == tips
    assert all(client.get(reverse("tip-detail", args=[pk])).status_code == 200 for pk in tips)


def test_the_queue_needs_a_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "next=" in response["Location"]


# The queue's filters -----------------------------------------------------------------------------


def test_filters_narrow_the_queue(client, province_officer, officer, ham_thuan, hong_son):
    gambling = submit(ham_thuan)
    drugs = submit(ham_thuan, category="drugs")
    hong_son_tip = submit(hong_son, category="traffic")
    old = age(submit(hong_son), hours=30)
    tip_assign(user=province_officer, tip=drugs, assignee=province_officer)
    as_user(client, province_officer)
    assert listed(client.get(QUEUE, {"category": "drugs"})) == {drugs.pk}
    assert listed(client.get(QUEUE, {"status": "received"})) == {gambling.pk, hong_son_tip.pk, old.pk}
    assert listed(client.get(QUEUE, {"unit": ham_thuan.pk})) == {gambling.pk, drugs.pk}
    assert listed(client.get(QUEUE, {"overdue": "1"})) == {old.pk}
    assert listed(client.get(QUEUE, {"mine": "1"})) == {drugs.pk}
    today = clock.today()
    yesterday = timezone.localtime(old.received_at).date()
    assert listed(client.get(QUEUE, {"date_to": yesterday.isoformat()})) == {old.pk}
    assert listed(client.get(QUEUE, {"date_from": today.isoformat()})) == {gambling.pk, drugs.pk, hong_son_tip.pk}


def test_overdue_tips_are_marked_in_the_queue(client, officer, ham_thuan):
    fresh, old = submit(ham_thuan), age(submit(ham_thuan), hours=25)
    handled_late = age(submit(ham_thuan), hours=40)
    tip_assign(user=officer, tip=handled_late, assignee=officer)
    html = page_of(as_user(client, officer).get(QUEUE))
    rows = {int(pk): cls for cls, pk in re.findall(r'<tr class="([^"]*)" data-tip="(\d+)"', html)}
    assert "overdue" in rows[old.pk].split()
    assert "overdue" not in rows[fresh.pk].split()
    assert "overdue" not in rows[handled_late.pk].split()


@pytest.mark.parametrize(
    ("params", "field", "vi_fragment"),
    [
        ({"status": "xong"}, "status", "không hợp lệ"),
        ({"category": "<b>x</b>"}, "category", "không hợp lệ"),
        ({"overdue": "maybe"}, "overdue", ""),
        ({"date_from": "31/02/2026"}, "date_from", "Ngày không hợp lệ"),
        ({"unit": "abc"}, "unit", "không hợp lệ"),
        ({"unit": "999999999"}, "unit", "Không tìm thấy"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to", "trước ngày bắt đầu"),
        ({"unit": "²"}, "unit", "không hợp lệ"),
        ({"mine": "on\x00"}, "mine", "ký tự điều khiển"),
    ],
)
def test_bad_filter_values_get_a_bilingual_message_not_an_error_page(
    client, officer, ham_thuan, params, field, vi_fragment
):
    """A 400 (since #25; a 200 before) showing the queue's form and the message naming the parameter, no tips."""
    submit(ham_thuan)
    response = as_user(client, officer).get(QUEUE, params)
    text = page_of(response, 400)
    assert listed(response, 400) == set()
    assert f'data-field="{field}"' in text
    assert field in response.context["error"].errors
    message = response.context["error"].errors[field]
    assert vi_fragment in message.vi and message.en
    assert message.vi in unescape(text)
    assert "<b>x</b>" not in text


def test_the_queue_pages_by_fifty(client, officer, ham_thuan):
    for _ in range(51):
        submit(ham_thuan)
    as_user(client, officer)
    assert len(listed(client.get(QUEUE))) == 50
    assert len(listed(client.get(QUEUE, {"page": 2}))) == 1


# A tip's page ------------------------------------------------------------------------------------


def test_tip_page_shows_the_contact_photos_map_and_history(client, officer, ham_thuan):
    tip = submit(
        ham_thuan, contact_name="Nguyễn Văn An", contact_phone="0912 345 678", latitude=11.05, longitude=108.05,
        photos=[png()],
    )  # fmt: skip
    html = page_of(as_user(client, officer).get(detail(tip)))
    assert "Nguyễn Văn An" in html and "0912 345 678" in html
    photo = tip.photos.get()
    assert f'src="{reverse("tip-photo", args=[tip.pk, photo.pk])}"' in html
    assert 'data-map="view"' in html and 'data-lat="11.05"' in html
    assert "Thôn Lâm Hòa" in html
    assert "hệ thống / system" in html  # the submission in the audit history
    assert 'id="tip-actions"' in html
    assert tip.tracking_code not in html


def test_a_photo_is_served_inline_and_never_sniffed(client, officer, ham_thuan):
    tip = submit(ham_thuan, photos=[png()])
    photo = tip.photos.get()
    response = as_user(client, officer).get(reverse("tip-photo", args=[tip.pk, photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "inline"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (40, 30)
    assert client.get(reverse("tip-photo", args=[tip.pk, photo.pk + 1000])).status_code == 404


def test_a_photo_of_another_tip_is_not_reached_through_this_one(client, officer, ham_thuan):
    tip, other = submit(ham_thuan), submit(ham_thuan, photos=[png()])
    url = reverse("tip-photo", args=[tip.pk, other.photos.get().pk])
    assert as_user(client, officer).get(url).status_code == 404


# The steps ---------------------------------------------------------------------------------------


def test_assign_to_a_colleague(client, officer, colleague, ham_thuan):
    tip = submit(ham_thuan)
    response = as_user(client, officer).post(step("tip-assign", tip), {"assign-assigned_to": colleague.pk})
    assert response.status_code == 302 and response["Location"] == detail(tip)
    tip.refresh_from_db()
    assert (tip.assigned_to, tip.status) == (colleague, TipStatus.PROCESSING)
    assert tip.first_action_at is not None
    last = tip.history.latest()
    assert last.history_user == officer and last.assigned_to_id == colleague.pk


def test_assign_only_to_someone_who_may_act_on_the_commune(client, officer, hong_son_officer, ham_thuan):
    tip = submit(ham_thuan)
    response = as_user(client, officer).post(step("tip-assign", tip), {"assign-assigned_to": hong_son_officer.pk})
    assert response.status_code == 200
    assert response.context["assign_form"].errors["assigned_to"]
    tip.refresh_from_db()
    assert (tip.assigned_to, tip.status, tip.first_action_at) == (None, TipStatus.RECEIVED, None)
    with pytest.raises(DomainError) as refused:
        tip_assign(user=officer, tip=tip, assignee=hong_son_officer)
    assert "không có quyền xử lý" in refused.value.errors["assigned_to"].vi


def test_the_assignee_select_offers_the_communes_officers(client, officer, colleague, hong_son_officer, ham_thuan):
    tip = submit(ham_thuan)
    response = as_user(client, officer).get(detail(tip))
    offered = set(response.context["assign_form"].fields["assigned_to"].queryset)
    assert {officer, colleague} <= offered and hong_son_officer not in offered


def test_notes_never_reach_the_public_tracking(client, officer, ham_thuan):
    tip = submit(ham_thuan)
    response = as_user(client, officer).post(
        step("tip-note", tip),
        {"note-officer_notes": "Nguồn tin: anh Bình, tổ trưởng tổ dân phố", "note-public_reply": "Đã cử tổ công tác"},
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.officer_notes.startswith("Nguồn tin") and tip.status == TipStatus.PROCESSING
    tracked = tip_track(code=tip.tracking_code)
    assert tracked.public_reply == "Đã cử tổ công tác"
    assert "Nguồn tin" not in repr(tracked)
    html = page_of(client.get(detail(tip)))
    assert "Nguồn tin: anh Bình" in html


def test_not_actionable_needs_a_reason_and_closes_the_tip(client, officer, ham_thuan):
    tip = submit(ham_thuan)
    as_user(client, officer)
    refused = client.post(step("tip-not-actionable", tip), {"close-public_reply": "  "})
    assert "Ghi lý do" in page_of(refused)
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED and tip.first_action_at is None
    reason = "Kiểm tra tại chỗ không phát hiện vi phạm"
    assert client.post(step("tip-not-actionable", tip), {"close-public_reply": reason}).status_code == 302
    tip.refresh_from_db()
    assert (tip.status, tip.public_reply) == (TipStatus.NOT_ACTIONABLE, reason)
    assert tip.closed_at is not None and tip.first_action_at is not None
    assert tip_track(code=tip.tracking_code).public_reply == reason


def test_duplicate_closes_the_tip_pointing_at_the_original(client, officer, ham_thuan, hong_son):
    original, copy = submit(ham_thuan), submit(ham_thuan)
    other_commune = submit(hong_son)
    as_user(client, officer)
    html = page_of(client.get(detail(copy)))
    assert f'<option value="{original.pk}">' in html  # suggested
    for wrong in ("", "abc", str(copy.pk), str(other_commune.pk)):
        response = client.post(step("tip-duplicate", copy), {"dup-duplicate_of": wrong})
        assert response.status_code == 200 and response.context["duplicate_form"].errors, wrong
    assert Tip.objects.get(pk=copy.pk).status == TipStatus.RECEIVED
    response = client.post(step("tip-duplicate", copy), {"dup-duplicate_of": f"#{original.pk}"})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert (copy.duplicate_of, copy.status) == (original, TipStatus.NOT_ACTIONABLE)
    assert copy.public_reply  # the default reply for the sender
    assert f'href="{detail(original)}"' in page_of(client.get(detail(copy)))


def test_convert_form_is_prefilled_from_the_tip(client, officer, ham_thuan):
    # At 17 seconds past the minute: a time on the minute is shown without seconds (forms.initial_from)
    occurred_at = clock.now().replace(second=17, microsecond=0) - timedelta(hours=3)
    tip = submit(ham_thuan, latitude=11.05, longitude=108.05, occurred_at=occurred_at)
    as_user(client, officer)
    response = client.get(reverse("tip-convert", args=[tip.pk, "social_evil"]))
    form = response.context["form"]
    assert form["unit"].value() == ham_thuan.pk
    assert form["summary"].value() == tip.description
    assert form["category"].value() == "gambling"
    assert form["latitude"].value() == "11.05"
    assert form["occurred_at"].value() == timezone.localtime(tip.occurred_at).strftime("%Y-%m-%dT%H:%M:%S")
    # The category only when it is one of the kind's.
    assert client.get(reverse("tip-convert", args=[tip.pk, "crime"])).context["form"]["category"].value() == ""
    assert client.get(reverse("tip-convert", args=[tip.pk, "theft"])).status_code == 404


def test_the_kind_select_leads_to_that_kinds_form(client, officer, ham_thuan):
    tip = submit(ham_thuan)
    response = as_user(client, officer).get(step("tip-convert-choose", tip), {"kind": "traffic"})
    assert response["Location"] == reverse("tip-convert", args=[tip.pk, "traffic"])


def _prefilled(response) -> dict:
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else getattr(value, "pk", value)
    return data


def test_convert_the_prefilled_form_records_the_incident_and_closes_the_tip(client, officer, ham_thuan):
    tip = submit(ham_thuan)
    as_user(client, officer)
    url = reverse("tip-convert", args=[tip.pk, "social_evil"])
    data = {**_prefilled(client.get(url)), "public_reply": "Công an xã đã xử lý vụ việc"}
    response = client.post(url, data)
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("incident-detail", args=[incident.pk])
    assert (incident.unit, incident.kind, incident.category) == (ham_thuan, "social_evil", "gambling")
    assert incident.summary == tip.description
    assert incident.history.get().history_user == officer
    tip.refresh_from_db()
    assert (tip.incident, tip.status, tip.public_reply) == (incident, TipStatus.HANDLED, "Công an xã đã xử lý vụ việc")
    assert tip.first_action_at is not None and tip.closed_at is not None
    last = tip.history.latest()
    assert last.history_user == officer and f"#{incident.pk}" in last.history_change_reason
    # The record's page links back to the tip.
    html = page_of(client.get(reverse("incident-detail", args=[incident.pk])))
    assert f'href="{detail(tip)}"' in html


def test_a_tip_whose_incident_was_deleted_says_so_and_links_it_only_for_an_administrator(
    client, officer, ham_thuan, make_user, login_verified
):
    from antoan.incidents.services import incident_delete

    tip = submit(ham_thuan)
    as_user(client, officer)
    url = reverse("tip-convert", args=[tip.pk, "social_evil"])
    client.post(url, _prefilled(client.get(url)))
    incident = Incident.objects.get()
    link = f'href="{reverse("incident-detail", args=[incident.pk])}"'
    html = page_of(client.get(detail(tip)))
    assert link in html and "tip-incident-deleted" not in html

    incident_delete(user=officer, incident=incident, reason="Nhập trùng")
    html = page_of(client.get(detail(tip)))
    notice = re.search(r'<p class="notice" id="tip-incident">(.*?)</p>', html, re.S).group(1)
    assert link not in notice  # the record's page would answer 404 to the officer
    assert f"đã xóa ngày {clock.today():%d/%m/%Y}" in notice
    assert client.get(reverse("incident-detail", args=[incident.pk])).status_code == 404

    admin = make_user(Role.ADMIN, ham_thuan)
    login_verified(client, admin)
    notice = re.search(r'<p class="notice" id="tip-incident">(.*?)</p>', page_of(client.get(detail(tip))), re.S)
    assert link in notice.group(1) and "đã xóa ngày" in notice.group(1)
    assert client.get(reverse("incident-detail", args=[incident.pk])).status_code == 200


def test_convert_shows_the_registrys_errors_and_changes_nothing(client, officer, ham_thuan):
    tip = submit(ham_thuan, category="traffic")
    as_user(client, officer)
    url = reverse("tip-convert", args=[tip.pk, "traffic"])
    data = _prefilled(client.get(url))  # dead and injured are required for an accident
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Bắt buộc" in str(response.context["form"].errors["dead"])
    assert not Incident.objects.exists()
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED and tip.incident is None and tip.first_action_at is None


def test_a_closed_tip_refuses_further_steps(client, officer, colleague, ham_thuan):
    tip = submit(ham_thuan)
    tip_mark_not_actionable(user=officer, tip=tip, reason="Không có cơ sở")
    as_user(client, officer)
    html = page_of(client.get(detail(tip)))
    assert 'id="tip-actions"' not in html
    response = client.post(step("tip-assign", tip), {"assign-assigned_to": colleague.pk}, follow=True)
    assert "đã xử lý xong" in page_of(response)
    response = client.post(step("tip-duplicate", tip), {"dup-duplicate_of": submit(ham_thuan).pk})
    assert response.status_code == 302
    url = reverse("tip-convert", args=[tip.pk, "social_evil"])
    assert client.get(url)["Location"] == detail(tip)
    response = client.post(url, {"unit": ham_thuan.pk, "occurred_at": "2026-01-05T21:00", "summary": "x"})
    assert "đã xử lý xong" in str(response.context["form"].non_field_errors())
    tip.refresh_from_db()
    assert (tip.status, tip.assigned_to, tip.duplicate_of, tip.incident) == (TipStatus.NOT_ACTIONABLE, None, None, None)
    assert not Incident.objects.exists()


def test_a_viewer_reads_the_tip_but_cannot_act(client, viewer, colleague, ham_thuan):
    tip = submit(ham_thuan)
    as_user(client, viewer)
    html = page_of(client.get(detail(tip)))
    assert 'id="tip-actions"' not in html
    posts = {
        "tip-assign": {"assign-assigned_to": colleague.pk},
        "tip-note": {"note-officer_notes": "x"},
        "tip-not-actionable": {"close-public_reply": "x"},
        "tip-duplicate": {"dup-duplicate_of": submit(ham_thuan).pk},
    }
    for name, data in posts.items():
        assert client.post(step(name, tip), data).status_code == 403, name
    assert client.post(reverse("tip-convert", args=[tip.pk, "social_evil"]), {}).status_code == 403
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED and tip.first_action_at is None


def test_text_from_the_public_is_never_markup(client, officer, ham_thuan):
    tip = submit(ham_thuan, description='<script>alert("x")</script> đánh bạc', contact_name="<b>An</b>")
    html = page_of(as_user(client, officer).get(detail(tip)))
    assert "<script>alert" not in html and "<b>An</b>" not in html
    assert "<script>alert" not in page_of(client.get(QUEUE))


# Elsewhere ---------------------------------------------------------------------------------------


def test_home_page_shows_the_overdue_count(client, officer, ham_thuan, hong_son):
    for _ in range(3):
        age(submit(ham_thuan), hours=30)
    submit(ham_thuan)
    age(submit(hong_son), hours=30)  # not the officer's
    html = page_of(as_user(client, officer).get(reverse("home")))
    assert re.search(r'id="overdue-tips" data-count="3"', html)
    assert f'href="{QUEUE}?overdue=1"' in html
    assert f'href="{QUEUE}"' in html  # the menu


def test_home_page_without_units_shows_no_tip_count(client, make_user, ham_thuan):
    age(submit(ham_thuan), hours=30)
    html = page_of(as_user(client, make_user()).get(reverse("home")))
    assert 'id="overdue-tips"' not in html


def test_an_incident_made_by_hand_has_no_tip_link(client, officer, ham_thuan):
    from antoan.incidents.services import incident_create

    incident = incident_create(
        user=officer, unit=ham_thuan, kind="social_evil", occurred_at=clock.now(), category="gambling",
        summary="Đánh bạc",
    )  # fmt: skip
    html = page_of(as_user(client, officer).get(reverse("incident-detail", args=[incident.pk])))
    assert 'id="from-tip"' not in html


def test_the_admin_shows_tips_read_only(client, make_user, ham_thuan, login_verified):
    tip = submit(ham_thuan, photos=[png()])
    admin = make_user(username="quantri")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    login_verified(client, admin)  # staff and superusers pass two-factor login first
    change = reverse("admin:portal_tip_change", args=[tip.pk])
    assert change in page_of(client.get(reverse("admin:portal_tip_changelist")))
    html = page_of(client.get(change))
    assert tip.tracking_code not in html and tip.photos.get().stored_name in html
    assert client.get(reverse("admin:portal_tip_add")).status_code == 403
