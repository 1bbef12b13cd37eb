"""Structured logs: every record written while answering a request carries that request's id (from the proxy's
X-Request-ID when it is a sane token), route and user id; the JSON handler writes one object per line; and the
tip portal's public pages leave nothing about the sender in any log."""

import io
import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.signing import dumps
from django.db import connection
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.core import clock
from antoan.core.logs import JsonFormatter, RequestContextFilter, TextFormatter
from antoan.portal import views as portal_views
from antoan.portal.forms import stamp_new
from antoan.portal.models import Tip

pytestmark = pytest.mark.django_db

UUID4_HEX = re.compile(r"^[0-9a-f]{32}$")
# What a tip's sender typed or sent, none of which may reach a log.
SENDER_NAME = "Trần Thị Mỹ Duyên"
SENDER_PHONE = "0987654321"
SENDER_EMAIL = "myduyen.bao.tin@example.vn"
SENDER_PLACE = "Hẻm 14 đường Lê Hồng Phong"
SENDER_ADDRESS = "198.51.100.77"
SENDER_QUERY = "ref=zalo-0987654321"
DESCRIPTION = "Nhóm thanh niên đua xe trái phép mỗi tối gần chợ"


@pytest.fixture
def captured():
    """Everything logged during the test, through the JSON handler as settings.LOGGING builds it, at DEBUG (SQL
    included): captured() → the parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    loggers = [logging.getLogger(name) for name in ("", "django", "antoan.request")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    handled = [logging.getLogger(""), logging.getLogger("antoan.request")]  # (the latter does not propagate)
    for logger in handled:
        logger.addHandler(handler)
    connection.force_debug_cursor = True  # django.db.backends logs every query with its parameters
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()], stream
    finally:
        connection.force_debug_cursor = False
        for logger in handled:
            logger.removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def lines_of(captured):
    parse, _ = captured
    return parse()


def raw_of(captured) -> str:
    _, stream = captured
    return stream.getvalue()


# Request id ------------------------------------------------------------------------------------------------


def test_a_sane_request_id_from_the_proxy_is_kept_and_returned(client):
    response = client.get(reverse("login"), headers={"X-Request-ID": "f3a9c1d2e4b5a6978812aabbccddeeff"})
    assert response["X-Request-ID"] == "f3a9c1d2e4b5a6978812aabbccddeeff"


@pytest.mark.parametrize(
    "sent", [None, "", "abc", "has spaces in it", "x" * 200, "id\r\nSet-Cookie: a=b", "ümlaut-1234"]
)
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, sent):
    headers = {} if sent is None else {"X-Request-ID": sent}
    first = client.get(reverse("login"), headers=headers)["X-Request-ID"]
    second = client.get(reverse("login"), headers=headers)["X-Request-ID"]
    assert UUID4_HEX.match(first) and UUID4_HEX.match(second) and first != second


def test_every_record_of_a_request_carries_its_id_route_and_user_id(client, make_user, unit, captured):
    officer = make_user(Role.OFFICER, unit("23059"), username="canbo.nhatky")
    client.force_login(officer)
    response = client.get("/su-viec/987654321/", headers={"X-Request-ID": "req-0001-nhat-ky"})
    assert response.status_code == 404
    mine = [line for line in lines_of(captured) if line.get("request_id") == "req-0001-nhat-ky"]
    # (Records written before the URL is resolved — a library imported on the first request — have no route.)
    watched = [line for line in mine if line["logger"] in ("antoan.request", "django.request", "django.db.backends")]
    assert {line["logger"] for line in watched} == {"antoan.request", "django.request", "django.db.backends"}
    for line in watched:
        assert line["route"] == "su-viec/<int:pk>/" and line["method"] == "GET", line
        # The session and user queries come before the user is known.
        assert line["user_id"] == officer.pk or line["logger"] == "django.db.backends", line
    summary = next(line for line in mine if line["logger"] == "antoan.request")
    assert summary["status"] == 404 and isinstance(summary["duration_ms"], float)
    assert summary["message"] == "GET su-viec/<int:pk>/ 404"
    assert list(summary)[:4] == ["time", "level", "logger", "message"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$", summary["time"])
    assert "canbo.nhatky" not in json.dumps(mine, ensure_ascii=False)  # the id, never the name


def test_records_outside_a_request_have_no_request_fields(captured):
    logging.getLogger("antoan.test").warning("Sao lưu xong / backup done")
    (line,) = [line for line in lines_of(captured) if line["logger"] == "antoan.test"]
    assert line["message"] == "Sao lưu xong / backup done" and line["level"] == "WARNING"
    assert not {"request_id", "route", "user_id"} & set(line)


def test_the_text_format_shows_the_request_id():
    record = logging.LogRecord("antoan.test", logging.INFO, __file__, 1, "xin chào %s", ("bạn",), None)
    assert "[-] xin chào bạn" in TextFormatter().format(record)
    record.request_id = "req-0002-text"
    assert "INFO antoan.test [req-0002-text] xin chào bạn" in TextFormatter().format(record)


# The tip portal's senders ----------------------------------------------------------------------------------


@pytest.fixture
def portal(settings, tmp_path, monkeypatch):
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0
    settings.ANTOAN_TIP_PHOTO_DIR = tmp_path / "tip-photos"
    monkeypatch.setattr(portal_views, "TRACK_MIN_SECONDS", 0)
    cache.clear()
    yield
    cache.clear()


def _tip(commune, **overrides):
    data = {
        "category": "other",
        "province": commune.parent_id,
        "unit": commune.pk,
        "occurred_at": (clock.local_now() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "description": DESCRIPTION,
        "address": SENDER_PLACE,
        "contact_name": SENDER_NAME,
        "contact_phone": SENDER_PHONE,
        "contact_email": SENDER_EMAIL,
        "started": stamp_new(),
    }
    data.update(overrides)
    return data


def test_nothing_about_a_tip_sender_reaches_the_logs(client, unit, portal, captured):
    commune = unit("23059")
    submit = f"{reverse('tip-submit')}?{SENDER_QUERY}"
    sent = client.post(submit, _tip(commune), REMOTE_ADDR=SENDER_ADDRESS)
    assert sent.status_code == 302
    tip = Tip.objects.get()  # (not filtered by phone: the test's own query is logged too)
    assert tip.contact_phone == SENDER_PHONE
    thanks = client.get(sent["Location"], REMOTE_ADDR=SENDER_ADDRESS)
    assert thanks.status_code == 200
    token = sent["Location"].rstrip("/").rsplit("/", 1)[-1]
    # Refused and failing requests are the ones Django itself logs, with their path.
    refused = client.post(submit, _tip(commune, category="", unit=""), REMOTE_ADDR=SENDER_ADDRESS)
    assert refused.status_code == 400
    forged = dumps(tip.tracking_code, salt="not-the-portal")  # a wrong token still names the code
    assert client.get(f"/tin-bao/da-gui/{forged}/?{SENDER_QUERY}", REMOTE_ADDR=SENDER_ADDRESS).status_code == 404
    tracked = client.post(reverse("tip-track"), {"code": tip.tracking_code}, REMOTE_ADDR=SENDER_ADDRESS)
    assert tracked.status_code == 200

    raw = raw_of(captured)
    lines = lines_of(captured)
    # The requests were logged — a test that captured nothing would prove nothing.
    routes = {(line["route"], line["status"]) for line in lines if line["logger"] == "antoan.request"}
    assert {("tin-bao/", 302), ("tin-bao/da-gui/<str:token>/", 200), ("tin-bao/", 400)} <= routes
    assert ("tin-bao/da-gui/<str:token>/", 404) in routes and ("tin-bao/tra-cuu/", 200) in routes
    warnings = [line["message"] for line in lines if line["logger"] == "django.request"]
    assert "Not Found: tin-bao/da-gui/<str:token>/" in warnings and "Bad Request: tin-bao/" in warnings
    for secret in (
        SENDER_NAME,
        SENDER_PHONE,
        SENDER_EMAIL,
        SENDER_PLACE,
        SENDER_ADDRESS,
        SENDER_QUERY,
        DESCRIPTION,
        token,
        forged,
        tip.tracking_code,
    ):
        assert secret not in raw, secret
    assert json.dumps(SENDER_NAME, ensure_ascii=True)[1:-1] not in raw  # nor escaped
    public = {line["request_id"] for line in lines if line["logger"] == "antoan.request"}
    assert len(public) == 5
    of_public = [line for line in lines if line.get("request_id") in public]
    assert not [line for line in of_public if line["logger"].startswith("django.db.backends")]  # SQL: dropped
    assert all(line["user_id"] is None for line in of_public)
    assert any(line["logger"] == "django.db.backends" for line in lines)  # (logged outside those requests)


def test_the_triage_pages_are_logged_as_usual(client, make_user, unit, captured):
    """The officers' pages under /tin-bao/xu-ly/ are not the public ones: their queries and user ids are logged."""
    officer = make_user(Role.OFFICER, unit("23059"))
    client.force_login(officer)
    assert client.get(reverse("tip-queue")).status_code == 200
    lines = [line for line in lines_of(captured) if line.get("route") == "tin-bao/xu-ly/"]
    assert any(line["logger"] == "django.db.backends" for line in lines)
    (summary,) = [line for line in lines if line["logger"] == "antoan.request"]
    assert summary["user_id"] == officer.pk and summary["status"] == 200


def test_an_exception_on_a_public_tip_page_keeps_its_traceback_but_not_its_message(rf, captured):
    from antoan.core import logs

    request = rf.post("/tin-bao/?phone=0987654321", {"contact_phone": SENDER_PHONE})
    request.request_id = "req-0003-exc"
    logs.request_bind(request)
    try:
        try:
            raise ValueError(f"value too long for contact_phone: {SENDER_PHONE}")
        except ValueError:
            logging.getLogger("django.request").error("Internal Server Error: %s", request.path, exc_info=True)
    finally:
        logs.request_unbind()
    (line,) = [line for line in lines_of(captured) if line.get("request_id") == "req-0003-exc"]
    assert line["message"] == "Internal Server Error: <tin-bao>"
    assert "Traceback" in line["exc_info"] and "builtins.ValueError (message withheld" in line["exc_info"]
    assert SENDER_PHONE not in raw_of(captured)
