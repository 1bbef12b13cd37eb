"""Behind nginx every request reaches the web server from 127.0.0.1. The tip portal's per-source limits and the
login throttling (django-axes) key on the client's address, so it is taken from the X-Real-IP header — but only
when the request comes from a trusted proxy (ANTOAN_TRUSTED_PROXIES, default this machine), which sets that
header itself and so overwrites whatever the client sent. The address is used for those counters only: it is
never logged nor stored (see core/logs.py and portal/limits.py)."""

import ipaddress

from django.conf import settings


def _address(value: str) -> str | None:
    """An address in one spelling: "::ffff:10.0.0.5" (an IPv4 client on a dual-stack socket) is 10.0.0.5 — else one
    client would have two sets of counters (#27)."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return str(getattr(address, "ipv4_mapped", None) or address)


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = frozenset(filter(None, (_address(a) for a in settings.ANTOAN_TRUSTED_PROXIES)))

    def __call__(self, request):
        peer = _address(request.META.get("REMOTE_ADDR", ""))
        if peer:
            request.META["REMOTE_ADDR"] = peer
        if peer in self.trusted:
            client = _address(request.headers.get("X-Real-IP", ""))
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
