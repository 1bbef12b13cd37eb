"""/metrics: Prometheus' text format, for staff and for a scraper with the token; requests are counted by
method, route (the URL pattern, never the path) and status, and timed."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from antoan.accounts.models import Role

pytestmark = pytest.mark.django_db

TOKEN = "m3tr1cs-t0ken-for-the-scraper-9f8e7d6c5b4a"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.ANTOAN_METRICS_TOKEN = TOKEN


def scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value(text: str, name: str, **labels) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def label_values(text: str, label: str) -> set[str]:
    return {
        sample.labels[label]
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if label in sample.labels
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_metrics_are_refused_without_the_token(client, headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 403
    assert "antoan_http_requests_total" not in response.content.decode()
    assert "Only staff" in response.content.decode() and "Chỉ quản trị viên" in response.content.decode()


def test_no_token_is_accepted_when_none_is_set(client, settings):
    settings.ANTOAN_METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer"}).status_code == 403


def test_a_logged_in_official_who_is_not_staff_is_refused_and_staff_may_read(client, make_user, unit, login_verified):
    officer = make_user(Role.ADMIN, unit("68"))
    login_verified(client, officer)
    assert client.get("/metrics").status_code == 403
    officer.is_staff = True
    officer.save()
    response = client.get("/metrics")
    assert response.status_code == 200 and "antoan_http_requests_total" in response.content.decode()


def test_requests_are_counted_by_route_method_and_status(client, make_user, unit):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/tin-bao/tra-cuu/").status_code == 200
    client.force_login(make_user(Role.OFFICER, unit("23059")))
    for pk in (987654321, 987654322):
        assert client.get(f"/su-viec/{pk}/").status_code == 404
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("antoan_http_requests_total", method="GET", route="tin-bao/tra-cuu/", status="200") == 3
    assert grew("antoan_http_requests_total", method="GET", route="su-viec/<int:pk>/", status="404") == 2
    assert grew("antoan_http_request_duration_seconds_count", method="GET", route="tin-bao/tra-cuu/") == 3
    assert grew("antoan_http_request_duration_seconds_bucket", method="GET", route="tin-bao/tra-cuu/", le="+Inf") == 3
    # Bounded labels: the pattern, never the ids.
    routes = label_values(after, "route")
    assert "su-viec/<int:pk>/" in routes and not [r for r in routes if "98765432" in r]


def test_a_path_no_pattern_answers_is_counted_as_unmatched(client):
    before = scrape(client)
    assert client.get("/khong-co-trang-nay/12345/").status_code in (302, 404)
    after = scrape(client)
    grown = sum(
        value(after, "antoan_http_requests_total", method="GET", route="<unmatched>", status=status)
        - value(before, "antoan_http_requests_total", method="GET", route="<unmatched>", status=status)
        for status in ("302", "404")
    )
    assert grown == 1
    assert not [r for r in label_values(after, "route") if "12345" in r or "khong-co" in r]
