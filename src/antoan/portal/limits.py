"""Per-source limits for the public pages, without keeping who the source is.

A source is a keyed hash of the client address with a key that changes every hour (derived from
SECRET_KEY), kept only as a cache counter that expires with the hour. The address itself is never
stored, and yesterday's hashes cannot be linked to today's.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache

from antoan.core import clock

WINDOW_SECONDS = 3600


def _source(request, bucket: int) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), f"tip-source:{bucket}".encode(), hashlib.sha256).digest()
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def limit_reached(request, *, action: str, per_hour: int) -> bool:
    """Count one `action` from this request's source; True when it is over `per_hour` in this hour."""
    bucket = int(clock.timestamp()) // WINDOW_SECONDS
    counter = f"antoan:limit:{action}:{bucket}:{_source(request, bucket)}"
    cache.add(counter, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, WINDOW_SECONDS)
        count = 1
    return count > per_hour
