"""Behind nginx, the client's address comes from X-Real-IP — only when nginx (a trusted proxy) sent the request:
the tip portal's per-source limit then counts each citizen apart, and a client cannot pose as another."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

NGINX = "127.0.0.1"
OUTSIDER = "198.51.100.20"


@pytest.fixture(autouse=True)
def one_lookup_an_hour(settings):
    settings.ANTOAN_TIP_LOOKUPS_PER_HOUR = 1
    cache.clear()
    yield
    cache.clear()


def lookup(client, *, peer, real_ip=None):
    headers = {"X-Real-IP": real_ip} if real_ip else {}
    return client.post(reverse("tip-track"), {"code": "ABCD-EFGH-JKMN"}, REMOTE_ADDR=peer, headers=headers).status_code


def test_behind_the_proxy_each_client_has_its_own_limit(client, monkeypatch):
    monkeypatch.setattr("antoan.portal.views.TRACK_MIN_SECONDS", 0)
    assert lookup(client, peer=NGINX, real_ip="203.0.113.10") == 200
    assert lookup(client, peer=NGINX, real_ip="203.0.113.10") == 429
    assert lookup(client, peer=NGINX, real_ip="203.0.113.11") == 200  # another citizen
    assert lookup(client, peer=NGINX, real_ip="2001:db8::7") == 200
    assert lookup(client, peer=NGINX, real_ip="not an address") == 200  # the proxy's own address, once
    assert lookup(client, peer=NGINX) == 429


def test_a_client_that_is_not_the_proxy_cannot_choose_its_address(client, monkeypatch):
    monkeypatch.setattr("antoan.portal.views.TRACK_MIN_SECONDS", 0)
    assert lookup(client, peer=OUTSIDER, real_ip="203.0.113.12") == 200
    assert lookup(client, peer=OUTSIDER, real_ip="203.0.113.13") == 429  # still counted as itself
