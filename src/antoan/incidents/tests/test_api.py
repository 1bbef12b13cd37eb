"""/api/v1/incidents over HTTP: the same rules as the forms, scoped the same way, with API tokens."""

import json

import pytest

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create, api_token_revoke
from antoan.incidents.models import Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(officer):
    _, raw_key = api_token_create(user=officer, owner=officer, name="Phần mềm thống kê")
    return raw_key


def call(client, method, url, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


ACCIDENT = {
    "kind": "traffic",
    "unit_code": "23059",
    "occurred_at": "2026-03-02 18:30",
    "summary": "Xe máy va chạm ô tô",
    "dead": 1,
    "injured": 0,
    "latitude": 11.05,
    "longitude": 108.05,
}


def test_create_read_update_delete_with_a_token(client, token):
    created = call(client, "post", "/api/v1/incidents", token, ACCIDENT)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["unit_name"], body["severity"], body["severity_label"]) == ("Xã Hàm Thuận", "serious", "Nghiêm trọng")
    url = f"/api/v1/incidents/{body['id']}"
    assert call(client, "get", url, token).json()["summary"] == "Xe máy va chạm ô tô"
    patched = call(client, "patch", url, token, {"dead": 3})
    assert patched.json()["severity"] == "especially_serious"
    assert Incident.history.filter(id=body["id"]).count() == 2
    assert call(client, "delete", url, token).status_code == 204
    assert not Incident.objects.exists()


def test_a_2020_record_by_code_lands_in_the_old_commune(client, token):
    response = call(client, "post", "/api/v1/incidents", token, {**ACCIDENT, "occurred_at": "15/05/2020 07:00"})
    assert response.json()["unit_name"] == "Thị trấn Ma Lâm"


@pytest.mark.parametrize(
    ("change", "field", "vi_fragment"),
    [
        ({"dead": "hai"}, "dead", "Giá trị không hợp lệ"),
        ({"dead": -1}, "dead", "số âm"),
        ({"occurred_at": "2099-01-01"}, "occurred_at", "tương lai"),
        ({"unit_code": "99999"}, "unit_code", "Không có đơn vị"),
        ({"injured": None}, "injured", "Bắt buộc"),
        ({"colour": "red"}, "colour", "Giá trị không hợp lệ"),
        ({"summary": "x" * 10_000}, "summary", "quá giới hạn"),
    ],
)
def test_bad_input_gets_a_bilingual_422_and_writes_nothing(client, token, change, field, vi_fragment):
    response = call(client, "post", "/api/v1/incidents", token, {**ACCIDENT, **change})
    assert response.status_code == 422, response.content
    error = response.json()["errors"][field]
    assert vi_fragment in error["vi"] and error["en"]
    assert not Incident.objects.exists()


def test_outside_the_users_subtree_is_404(client, token, make_user, hong_son):
    other = make_user(Role.OFFICER, hong_son)
    incident = incident_create(
        user=other, unit=hong_son, kind="traffic", occurred_at=local(2026, 3, 1, 8), summary="x", dead=0, injured=1
    )
    assert call(client, "get", f"/api/v1/incidents/{incident.pk}", token).status_code == 404
    assert call(client, "patch", f"/api/v1/incidents/{incident.pk}", token, {"dead": 1}).status_code == 404
    assert call(client, "delete", f"/api/v1/incidents/{incident.pk}", token).status_code == 404
    response = call(client, "post", "/api/v1/incidents", token, {**ACCIDENT, "unit_code": "23086"})
    assert response.status_code == 404
    assert call(client, "get", "/api/v1/incidents", token).json()["count"] == 0


def test_a_viewer_reads_but_cannot_write(client, make_user, ham_thuan):
    viewer = make_user(Role.VIEWER, ham_thuan)
    _, key = api_token_create(user=viewer, owner=viewer, name="đọc")
    assert call(client, "get", "/api/v1/incidents", key).status_code == 200
    assert call(client, "post", "/api/v1/incidents", key, ACCIDENT).status_code == 403


def test_list_filters_like_the_web_list(client, token, officer, ham_thuan, unit):
    for occurred, dead in ((local(2026, 1, 5, 8), 0), (local(2026, 2, 5, 8), 2)):
        incident_create(
            user=officer, unit=ham_thuan, kind="traffic", occurred_at=occurred, summary="x", dead=dead, injured=0
        )
    incident_create(
        user=officer,
        unit=ham_thuan,
        kind="crime",
        occurred_at=local(2026, 2, 6, 8),
        summary="x",
        category="drugs",
        solved=False,
    )
    listing = call(client, "get", "/api/v1/incidents?kind=traffic&severity=very_serious", token).json()
    assert [i["dead"] for i in listing["items"]] == [2]
    by_date = call(client, "get", "/api/v1/incidents?date_from=2026-02-01&date_to=06/02/2026", token).json()
    assert by_date["count"] == 2
    assert call(client, "get", "/api/v1/incidents?solved=0", token).json()["count"] == 1
    bad = call(client, "get", "/api/v1/incidents?date_from=tomorrow", token)
    assert bad.status_code == 422 and "date_from" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("unit=²", "unit"),  # a digit to Python ("²".isdigit()), no id: was a 500 for an administrator
        ("unit=٣", "unit"),
        (f"unit={10**30}", "unit"),
        ("unit=-5", "unit"),
        ("date_from=2026-02-30", "date_from"),
        ("date_to=9999-12-31", "date_to"),  # the day after it was an OverflowError
        ("date_from=2026-03-01&date_to=2026-02-01", "date_to"),
        ("severity=catastrophic", "severity"),
        ("q=a%00b", "q"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_a_bad_filter_is_a_bilingual_422_naming_it_even_for_an_admin(client, make_user, ham_thuan, query, field):
    admin = make_user(Role.ADMIN, ham_thuan.parent)
    _, key = api_token_create(user=admin, owner=admin, name="Quản trị")
    response = call(client, "get", f"/api/v1/incidents?{query}", key)
    assert response.status_code == 422, response.content
    message = response.json()["errors"][field]
    assert message["vi"] and message["en"]


def test_a_revoked_or_wrong_token_is_refused_bilingually(client, officer, token):
    assert call(client, "get", "/api/v1/incidents", "at_wrong").status_code == 401
    api_token_revoke(user=officer, token=officer.api_tokens.get())
    response = call(client, "get", "/api/v1/incidents", token)
    assert response.status_code == 401 and "khóa API" in response.json()["errors"]["__all__"]["vi"]


def test_only_the_owner_or_an_admin_manages_tokens(make_user, officer, ham_thuan):
    from antoan.core.errors import Forbidden

    colleague = make_user(Role.OFFICER, ham_thuan)
    admin = make_user(Role.ADMIN, ham_thuan)
    with pytest.raises(Forbidden):
        api_token_create(user=colleague, owner=officer, name="x")
    token, key = api_token_create(user=admin, owner=officer, name="do quản trị tạo")
    assert key.startswith("at_") and token.key_hash != key and key not in token.prefix + token.name
    with pytest.raises(Forbidden):
        api_token_revoke(user=colleague, token=token)
    api_token_revoke(user=officer, token=token)


def test_openapi_documents_incidents(client, officer):
    client.force_login(officer)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/incidents" in schema["paths"] and "/api/v1/incidents/{incident_id}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_session_writes_need_csrf(officer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    response = browser.post("/api/v1/incidents", data=json.dumps(ACCIDENT), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Incident.objects.exists()


def test_a_patch_by_code_reads_the_code_on_the_records_own_day(client, token):
    created = call(client, "post", "/api/v1/incidents", token, {**ACCIDENT, "occurred_at": "2020-05-15 07:00"})
    url = f"/api/v1/incidents/{created.json()['id']}"
    moved = call(client, "patch", url, token, {"unit_code": "23083"})  # Xã Thuận Minh in 2020
    assert moved.status_code == 200, moved.content
    assert moved.json()["unit_name"] == "Xã Thuận Minh"
