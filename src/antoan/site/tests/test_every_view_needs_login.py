"""Security by default: every URL needs a login, except the login page itself, the language switch, the
public tip pages, the API's documentation and the health check (/metrics needs staff or its token). A new view
that forgets its decorator fails here."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

PUBLIC = (
    r"^dang-nhap/$",
    r"^i18n/setlang/$",
    r"^tin-bao/(?!xu-ly/)",  # the citizen tip portal (the form, communes, sent page, tracking), not triage
    r"^api/v1/(docs|openapi\.json)$",
    r"^healthz$",  # the health check (database, migrations) for load balancers and monitoring
)


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _example(route: str) -> str:
    """A concrete URL for a route: 1 for every parameter."""
    path = re.sub(r"<(?:int:)?[a-z_]+>", "1", route)
    path = re.sub(r"<str:[a-z_]+>", "csv", path)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def test_every_route_but_the_public_ones_needs_a_login(client):
    routes = [r for r in _routes(get_resolver().url_patterns) if not r.startswith("admin/")]
    assert len(routes) > 30
    checked = []
    for route in routes:
        if any(re.match(public, route) for public in PUBLIC):
            continue
        url = _example(route)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            allowed = (302, 401, 403, 404, 405)
            assert response.status_code in allowed, (method, url, response.status_code)
            if response.status_code == 302:
                assert response.url.startswith("/dang-nhap/"), (method, url, response.url)
            assert response.status_code != 200, (method, url)
        checked.append(url)
    assert "/su-viec/" in checked and "/tin-bao/xu-ly/" in checked
