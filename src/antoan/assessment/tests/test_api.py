"""/api/v1/assessments over HTTP: the same rules as the forms, a typed result refused, errors bilingual."""

import json

import pytest

from antoan.accounts.models import Role
from antoan.accounts.services import api_token_create
from antoan.assessment.models import Assessment, Rating
from antoan.assessment.tests.conftest import points_for, results_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(officer):
    _, raw_key = api_token_create(user=officer, owner=officer, name="Phần mềm tổng hợp")
    return raw_key


def call(client, method, url, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def commune_body(**overrides):
    return {"unit_code": "23059", "year": 2026, "results": results_for("commune", 2026), **overrides}


def test_record_read_list_and_delete(client, token):
    created = call(client, "post", "/api/v1/assessments", token, commune_body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["unit_name"], body["criteria_passed"], body["recognised"]) == ("Xã Hàm Thuận", True, False)
    assert body["residential_area_share"] == {"residential_areas": 0, "recognised": 0, "share_min": 0.7}
    assert "chưa có khu dân cư" in body["explanation"][1]["vi"]
    assert [c["code"] for c in body["criteria"]][:2] == ["XA.1", "XA.2"]
    again = call(client, "post", "/api/v1/assessments", token, commune_body())
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    url = f"/api/v1/assessments/{body['id']}"
    assert call(client, "get", url, token).json()["year"] == 2026
    listed = call(client, "get", "/api/v1/assessments?year=2026&recognised=0", token).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]
    assert call(client, "get", "/api/v1/assessments?recognised=1", token).json()["count"] == 0
    assert call(client, "delete", url, token).status_code == 204
    assert not Assessment.objects.exists()


def test_a_2020_code_names_the_old_commune(client, token):
    response = call(
        client, "post", "/api/v1/assessments", token, commune_body(year=2020, results=results_for("commune", 2020))
    )
    assert response.status_code == 201, response.content
    assert (response.json()["unit_name"], response.json()["criteria_set"]) == ("Thị trấn Ma Lâm", "tt23_2012")


@pytest.mark.parametrize(
    "change",
    [{"recognised": True}, {"result": "đạt"}],
)
def test_a_typed_result_is_an_unknown_field(client, token, change):
    response = call(client, "post", "/api/v1/assessments", token, commune_body(**change))
    assert response.status_code == 422
    [(field, message)] = response.json()["errors"].items()
    assert field == next(iter(change)) and message["vi"] and message["en"]
    assert not Assessment.objects.exists()


def test_a_typed_result_inside_a_criterion_is_refused(client, token):
    results = results_for("commune", 2026)
    results["XA.1"]["recognised"] = True
    response = call(client, "post", "/api/v1/assessments", token, commune_body(results=results))
    assert response.status_code == 422
    assert "recognised" in response.json()["errors"]


def test_unknown_and_missing_criteria_get_a_bilingual_422(client, token):
    results = results_for("commune", 2026)
    results.pop("XA.6")
    results["XA.7"] = {"passed": "có"}
    response = call(client, "post", "/api/v1/assessments", token, commune_body(results=results))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"XA.6", "XA.7"}
    assert "Thiếu" in errors["XA.6"]["vi"] and "missing" in errors["XA.6"]["en"]


def test_another_communes_unit_is_404_and_a_viewer_403(client, make_user, hong_son, ham_thuan):
    other = make_user(Role.OFFICER, hong_son)
    _, other_key = api_token_create(user=other, owner=other, name="x")
    assert call(client, "post", "/api/v1/assessments", other_key, commune_body()).status_code == 404
    viewer = make_user(Role.VIEWER, ham_thuan)
    _, viewer_key = api_token_create(user=viewer, owner=viewer, name="y")
    response = call(client, "post", "/api/v1/assessments", viewer_key, commune_body())
    assert response.status_code == 403 and response.json()["errors"]["__all__"]["en"]


def test_shares_endpoint(client, make_user, district, district_communes):
    district_officer = make_user(Role.OFFICER, district)
    _, key = api_token_create(user=district_officer, owner=district_officer, name="z")
    for commune in district_communes[:2]:
        body = {"unit_id": commune.pk, "year": 2020, "results": results_for("commune", 2020)}
        assert call(client, "post", "/api/v1/assessments", key, body).status_code == 201
    response = call(client, "get", f"/api/v1/assessments/shares?unit={district.pk}&year=2020", key)
    assert response.status_code == 200, response.content
    communes = next(r for r in response.json()["rows"] if r["subject_type"] == "commune")
    assert (communes["total"], communes["assessed"], communes["recognised"], communes["share"]) == (17, 2, 0, 0.0)
    assert "0/17 xã" in response.json()["summary"]["vi"]


def test_ratings_over_http(client, token):
    body = {"unit_code": "23059", "year": 2026, "points": points_for("commune", 2026, overrides={"B.2": "4"})}
    created = call(client, "post", "/api/v1/assessments/ratings", token, body)
    assert created.status_code == 201, created.content
    assert (created.json()["total"], created.json()["grade"], created.json()["grade_label"]["vi"]) == (
        94,
        "excellent",
        "Xuất sắc",
    )
    url = f"/api/v1/assessments/ratings/{created.json()['id']}"
    assert call(client, "get", url, token).json()["points"]["B.2"] == 4
    assert call(client, "get", "/api/v1/assessments/ratings?grade=excellent", token).json()["count"] == 1


def test_a_typed_total_and_points_off_the_scale_are_422(client, token):
    body = {"unit_code": "23059", "year": 2026, "points": points_for("commune", 2026), "total": 100}
    response = call(client, "post", "/api/v1/assessments/ratings", token, body)
    assert response.status_code == 422 and "total" in response.json()["errors"]
    body = {"unit_code": "23059", "year": 2026, "points": points_for("commune", 2026, overrides={"C.1": 16})}
    response = call(client, "post", "/api/v1/assessments/ratings", token, body)
    assert response.status_code == 422
    assert "từ 0 đến 15" in response.json()["errors"]["C.1"]["vi"]
    assert not Rating.objects.exists()
