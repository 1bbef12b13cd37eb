"""/api/v1/indicators/figures (#24): historical figures through the same services as the pages and the command —
scoped, bilingual 422s, 403 for an officer confirming — and an old report's figures extracted from an upload; the
indicators' answer says which values come from them."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from antoan.accounts.models import Role
from antoan.indicators.models import FigureState, HistoricalFigure

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicators/figures"
DATA = Path(__file__).parent / "data"


@pytest.fixture
def leader_api(client, leader, login_verified):
    login_verified(client, leader)
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def a_figure(**more):
    return {"unit_code": "597", "on": "2018-12-31", "period": "2018", "indicator": "traffic.accidents", "value": 20,
            "document": "Báo cáo số 15/BC-UBND", "quote": "xảy ra 20 vụ tai nạn giao thông", **more}  # fmt: skip


def test_an_officer_enters_a_leader_confirms_and_the_indicators_say_so(client, officer, leader, login_verified):
    client.force_login(officer)
    made = post(client, URL, a_figure())
    assert made.status_code == 201, made.content
    draft = made.json()
    assert (draft["state"], draft["value"], draft["entered_by"]) == ("draft", 20, str(officer))
    assert post(client, f"{URL}/{draft['id']}/confirm", {}).status_code == 403
    login_verified(client, leader)
    done = post(client, f"{URL}/{draft['id']}/confirm", {}).json()
    assert done["state"] == "confirmed" and done["confirmed_by"] == str(leader)
    answer = client.get("/api/v1/indicators", {"unit": "597", "on": "2019-12-31", "period": "2019",
                                               "indicators": "traffic.accidents"}).json()  # fmt: skip
    [figure] = answer["indicators"]
    assert figure["comparison"] == 20
    assert figure["comparison_history"]["source_vi"] == "theo Báo cáo số 15/BC-UBND"
    assert figure["comparison_history"]["figure"]["quote"] == "xảy ra 20 vụ tai nạn giao thông"
    history = client.get(f"{URL}/{draft['id']}/history").json()
    assert [h["who"] for h in history] == [str(leader), str(officer)]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"period": "2018-13"}, "period"), ({"indicator": "nonsense"}, "indicator"), ({"value": "abc"}, "value"),
     ({"unit_code": ""}, "unit_code")],
)  # fmt: skip
def test_bad_input_is_a_bilingual_422_naming_the_field(leader_api, change, field):
    response = post(leader_api, URL, a_figure(**change))
    assert response.status_code == 422, response.content
    message = response.json()["errors"][field]
    assert message["vi"] and message["en"] and message["vi"] != message["en"]
    assert not HistoricalFigure.all_objects.exists()


def test_a_stranger_gets_404_and_lists_nothing(client, leader_api, make_user, unit, login_verified):
    made = post(leader_api, URL, a_figure(confirm=True)).json()
    stranger = make_user(Role.LEADER, unit("23086", date(2019, 1, 1)))
    login_verified(client, stranger)
    assert client.get(f"{URL}/{made['id']}").status_code == 404
    assert client.get(URL).json()["count"] == 0
    assert post(client, f"{URL}/{made['id']}/correct", {"value": 1, "reason": "x"}).status_code == 404


def test_a_correction_needs_a_reason_and_a_delete_of_a_confirmed_one_too(leader_api):
    made = post(leader_api, URL, a_figure(confirm=True)).json()
    assert post(leader_api, f"{URL}/{made['id']}/correct", {"value": 21, "reason": ""}).status_code == 422
    fixed = post(leader_api, f"{URL}/{made['id']}/correct", {"value": 21, "reason": "In nhầm"}).json()
    assert (fixed["value"], fixed["reason"]) == (21, "In nhầm")
    assert leader_api.delete(f"{URL}/{made['id']}").status_code == 422
    assert leader_api.delete(f"{URL}/{made['id']}?reason=Nh%E1%BA%A7m").status_code == 204
    assert not HistoricalFigure.objects.exists() and HistoricalFigure.all_objects.count() == 1


def test_extract_from_an_upload_shows_then_saves_drafts(leader_api):
    seed = (DATA / "seed_ham_thuan_bac_2020.txt").read_bytes()
    upload = SimpleUploadedFile("tong-ket-2020.txt", seed, content_type="text/plain")
    shown = leader_api.post(f"{URL}/extract", {"file": upload, "unit_code": "597", "year": 2020, "on": "2020-12-31"})
    assert shown.status_code == 200, shown.content
    found = {(f["indicator"], f["year"]): f for f in shown.json()["figures"]}
    crimes = found[("crime.social_order", 2020)]
    assert crimes["value"] == 44 and crimes["sentence"][crimes["start"]:crimes["end"]] == crimes["phrase"]
    assert found[("crime.social_order", 2019)]["value"] == 49
    assert not HistoricalFigure.all_objects.exists()  # nothing stored without `save`
    upload.seek(0)
    saved = leader_api.post(f"{URL}/extract", {"file": upload, "unit_code": "597", "year": 2020, "on": "2020-12-31",
                                               "save": "true"}).json()  # fmt: skip
    assert saved["saved"] and {f["state"] for f in saved["saved"]} == {FigureState.DRAFT}
    assert saved["saved"][0]["document"] == "tong-ket-2020.txt"


def test_extract_refuses_a_scan_and_an_unknown_file(leader_api, tmp_path):
    writer, scan = PdfWriter(), tmp_path / "scan.pdf"
    writer.add_blank_page(width=595, height=842)
    writer.write(scan)
    for upload in (SimpleUploadedFile("scan.pdf", scan.read_bytes()), SimpleUploadedFile("bang.xls", b"\xd0\xcf")):
        response = leader_api.post(f"{URL}/extract", {"file": upload, "unit_code": "597", "year": 2018,
                                                      "on": "2018-12-31"})  # fmt: skip
        assert response.status_code == 422, response.content
        assert response.json()["errors"]["file"]["en"]


def test_the_openapi_schema_documents_the_routes(client, officer):
    client.force_login(officer)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (URL, f"{URL}/extract", URL + "/{figure_id}", URL + "/{figure_id}/confirm"):
        assert path in paths
