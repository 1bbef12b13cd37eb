"""The one place antoan reads the time.

Every "now" and "today" the code needs comes from here — the day in Asia/Ho_Chi_Minh (settings.TIME_ZONE), never
the machine's: at 06:30 local time UTC is still on the previous day. Tests pin it with time-machine (the
`--now` option of the test suite, conftest.py), which moves these functions and everything built on them
(auto_now fields, session and token expiry) at once; ruff's banned-API rule keeps other modules from reading the
clock themselves.
"""

import time
from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, aware (UTC)."""
    return timezone.now()


def local_now() -> datetime:
    """The current moment where the users are (settings.TIME_ZONE)."""
    return timezone.localtime()


def today() -> date:
    """Today's date where the users are (settings.TIME_ZONE)."""
    return timezone.localdate()


def timestamp() -> float:
    """Seconds since the epoch, for rate windows and signed form stamps (not for measuring durations: that is
    time.monotonic's job)."""
    return time.time()
