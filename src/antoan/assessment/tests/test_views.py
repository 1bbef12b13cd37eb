"""The pages: they render, stay inside the user's scope, end in the services, and escape what people typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from antoan.accounts.models import Role
from antoan.assessment.models import Assessment, Rating
from antoan.assessment.services import assessment_record, rating_record
from antoan.assessment.tests.conftest import points_for, results_for

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def page(response, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def recorded(officer, ham_thuan, establishment):
    """Xã Hàm Thuận 2026 with one residential area recognised, evidence with markup in it."""
    area = establishment(ham_thuan, f"Thôn {SCRIPT}")
    assessment_record(
        user=officer, unit=area, year=2026, results=results_for("residential_area", 2026, evidence=SCRIPT)
    )
    commune, _ = assessment_record(
        user=officer, unit=ham_thuan, year=2026, results=results_for("commune", 2026, failed=("XA.2",), evidence=SCRIPT)
    )
    rating, _ = rating_record(user=officer, unit=ham_thuan, year=2026, points=points_for("commune", 2026))
    return commune, area, rating


def test_every_page_renders_and_escapes(officer_client, recorded, ham_thuan):
    commune, area, rating = recorded
    urls = [
        reverse("assessment-list"),
        reverse("assessment-list") + "?year=2026&subject_type=commune&recognised=0",
        reverse("assessment-detail", args=[commune.pk]),
        reverse("assessment-update", args=[commune.pk]),
        reverse("assessment-delete", args=[commune.pk]),
        reverse("assessment-unit", args=[ham_thuan.pk]),
        reverse("assessment-unit", args=[area.pk]),
        reverse("assessment-create"),
        reverse("assessment-import"),
        reverse("rating-list"),
        reverse("rating-detail", args=[rating.pk]),
        reverse("rating-update", args=[rating.pk]),
        reverse("rating-create"),
        reverse("rating-import"),
    ]
    for url in urls:
        html = page(officer_client.get(url))
        assert SCRIPT not in html, url
    detail = page(officer_client.get(reverse("assessment-detail", args=[commune.pk])))
    assert "&lt;script&gt;" in detail and "XA.2" in detail
    assert 'id="residential-areas"' in detail and "1/1 khu dân cư (100%)" in detail


def test_the_list_filters(officer_client, recorded):
    html = page(officer_client.get(reverse("assessment-list") + "?recognised=1"))
    assert "Thôn &lt;script&gt;" in html and "Xã Hàm Thuận</a>" not in html
    html = page(officer_client.get(reverse("assessment-list") + "?year=abc"), 400)  # a 400 since #25 (was 200)
    assert "errorlist" in html and 'data-field="year"' in html


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("/api/v1/assessments", "unit=²", "unit"),
        ("/api/v1/assessments", f"year={10**30}", "year"),
        ("/api/v1/assessments", "recognised=maybe", "recognised"),
        ("/api/v1/assessments/ratings", "grade=legendary", "grade"),
        ("/api/v1/assessments/ratings", "subject_type=planet", "subject_type"),
    ],
)
def test_the_api_lists_refuse_a_bad_filter_with_a_bilingual_422(officer_client, url, query, field):
    response = officer_client.get(f"{url}?{query}")
    assert response.status_code == 422
    assert set(response.json()["errors"][field]) == {"vi", "en"}


@pytest.mark.parametrize("name", ["assessment-export", "rating-export"])
def test_an_export_with_a_bad_filter_is_a_400_naming_it(officer_client, name):
    response = officer_client.get(reverse(name, args=["csv"]) + "?unit=%C2%B2&year=abc")
    assert response.status_code == 400
    assert [line.split(":")[0] for line in response.content.decode().splitlines()] == ["year", "unit"]


def test_the_unit_page_shows_the_shares_under_a_commune(officer_client, recorded, ham_thuan):
    html = page(officer_client.get(reverse("assessment-unit", args=[ham_thuan.pk])))
    assert "1/1 khu dân cư (100%)" in html


def test_create_form_one_row_per_criterion_and_save(officer_client, officer, ham_thuan):
    url = reverse("assessment-create") + f"?unit={ham_thuan.pk}&year=2026"
    html = page(officer_client.get(url))
    for code in results_for("commune", 2026):
        assert f'name="{code}"' in html and f'name="evidence:{code}"' in html
    data = {code: "1" for code in results_for("commune", 2026)}
    data["evidence:XA.1"] = "Nghị quyết số 05"
    data["XA.3"] = ""
    response = officer_client.post(url, data)
    assert "Chọn đạt hoặc không đạt cho tiêu chí XA.3" in page(response)
    data["XA.3"] = "0"
    response = officer_client.post(url, data)
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response.url == reverse("assessment-detail", args=[assessment.pk])
    assert not assessment.criteria_passed
    # Opening the form again for the same unit and year goes to the edit page.
    response = officer_client.get(url)
    assert response.url == reverse("assessment-update", args=[assessment.pk])


def test_create_without_a_unit_shows_the_picker_with_errors(officer_client, district):
    html = page(officer_client.get(reverse("assessment-create")))
    assert 'name="unit"' in html and "Xã Hàm Thuận" in html
    html = page(officer_client.get(reverse("assessment-create") + "?year=2099"))
    assert "2099" in html
    response = officer_client.get(reverse("assessment-create") + f"?unit={district.pk}&year=2020")
    assert response.status_code == 404  # the district is outside the officer's units


def test_another_communes_officer_gets_404_and_a_viewer_403(client, make_user, hong_son, ham_thuan, recorded):
    commune, _, rating = recorded
    client.force_login(make_user(Role.OFFICER, hong_son))
    assert client.get(reverse("assessment-detail", args=[commune.pk])).status_code == 404
    assert client.get(reverse("rating-detail", args=[rating.pk])).status_code == 404
    assert client.get(reverse("assessment-create") + f"?unit={ham_thuan.pk}&year=2026").status_code == 404
    client.force_login(make_user(Role.VIEWER, ham_thuan))
    assert client.get(reverse("assessment-detail", args=[commune.pk])).status_code == 200
    assert client.get(reverse("assessment-update", args=[commune.pk])).status_code == 403
    assert client.post(reverse("assessment-delete", args=[commune.pk])).status_code == 403
    assert client.get(reverse("assessment-create")).status_code == 403


def test_delete_page(officer_client, recorded):
    commune, _, _ = recorded
    response = officer_client.post(reverse("assessment-delete", args=[commune.pk]), {"reason": "Nhầm"})
    assert response.status_code == 302 and not Assessment.objects.filter(pk=commune.pk).exists()


def test_rating_form_refuses_points_off_the_scale(officer_client, ham_thuan):
    url = reverse("rating-create") + f"?unit={ham_thuan.pk}&year=2026"
    data = {**{k: str(v) for k, v in points_for("commune", 2026).items()}, "A.1": "12"}
    html = page(officer_client.post(url, data))
    assert "Điểm tiêu chí A.1 phải từ 0 đến 8 (nhận 12)" in html
    data["A.1"] = "8"
    response = officer_client.post(url, data)
    rating = Rating.objects.get()
    assert response.url == reverse("rating-detail", args=[rating.pk]) and rating.grade == "excellent"


def test_import_page_shows_the_report(officer_client):
    lines = ["unit_code,year,criterion_code,passed,evidence"]
    lines += [f"23059,2026,{code},1,{SCRIPT}" for code in results_for("commune", 2026)]
    lines[2] = "23059,2026,XA.2,hmm,"
    upload = SimpleUploadedFile("danh-gia.csv", "\n".join(lines).encode(), content_type="text/csv")
    html = page(officer_client.post(reverse("assessment-import"), {"file": upload}))
    assert "bị từ chối 6" in html and "hmm" in html and SCRIPT not in html
    upload = SimpleUploadedFile("danh-gia.txt", b"x", content_type="text/plain")
    assert "Chỉ nhận tệp .csv hoặc .xlsx" in page(officer_client.post(reverse("assessment-import"), {"file": upload}))


def test_exports(officer_client, recorded):
    response = officer_client.get(reverse("assessment-export", args=["csv"]) + "?year=2026")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "unit_code,unit_name,year,criteria_set,criterion_code,passed,evidence"
    assert "recognised" not in text.splitlines()[0]
    response = officer_client.get(reverse("rating-export", args=["xlsx"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert officer_client.get(reverse("assessment-import-template", args=["ratings"])).status_code == 200


def test_pages_need_a_login(client):
    response = client.get(reverse("assessment-list"))
    assert response.status_code == 302 and "dang-nhap" in response.url
