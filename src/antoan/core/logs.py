"""Log records that say which request they belong to, as JSON lines or plain text.

`settings.LOGGING` puts `RequestContextFilter` on every handler: a record written while a request is being
answered gets its `request_id` (the X-Request-ID the proxy sent, or a new uuid4), `method`, `route` (the URL
pattern, never the raw path) and `user_id` (never a name). `JsonFormatter` writes one JSON object per line
(`LOG_FORMAT=json`, the default in production), `TextFormatter` one readable line.

The citizen tip portal's public pages (/tin-bao/…, not the officers' /tin-bao/xu-ly/) belong to people who
may want to stay unknown. On those requests the filter rewrites every record so that nothing identifying
can reach a log: the path in a message (Django's "Not Found: /tin-bao/da-gui/<signed code>/") becomes the
route, an exception keeps its traceback but not its message (which may quote what was sent), SQL statements
(with their parameters) are dropped, and no user id is written. antoan itself never logs a query string, a
body or a client address, on any route.

This module is loaded while logging is configured, before the apps: it imports nothing that needs them.
"""

import contextvars
import logging
import re
import traceback
from datetime import datetime

from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

# The public pages of the tip portal (the triage pages under /tin-bao/xu-ly/ are the officers').
PRIVATE_PATH = re.compile(r"^/tin-bao/(?!xu-ly/)")
REQUEST_FIELDS = ("request_id", "method", "route", "user_id")
WITHHELD = "message withheld: public tip page"

_current_request = contextvars.ContextVar("antoan_request", default=None)


def request_bind(request) -> None:
    """From now until `request_unbind`, records written by this thread belong to `request`."""
    _current_request.set(request)


def request_unbind(**_kwargs) -> None:
    """Also a receiver of `request_finished`, which comes after Django has logged the response."""
    _current_request.set(None)


def is_private(request) -> bool:
    return bool(PRIVATE_PATH.match(request.path_info or ""))


def route_of(request) -> str | None:
    """The URL pattern that answered (`su-viec/<int:pk>/`), None before the URL is resolved or if none did."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else None


def user_id_of(request):
    """The id of a user already known to the request; never reads the session for it (that would query the
    database, maybe while it is down)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # request.user is a lazy object until something reads it
    if wrapped is empty or wrapped is None:
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


def _withheld_traceback(exc_info) -> str:
    kind, _value, tb = exc_info
    frames = "".join(traceback.format_tb(tb))
    return f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__} ({WITHHELD})"


class RequestContextFilter(logging.Filter):
    """Adds the current request's fields to a record, and on the tip portal's public pages takes out
    anything that could identify the sender. Put it on handlers (a logger's filter misses the records its
    children pass up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        if request is None:
            return True
        route = route_of(request)
        record.request_id = getattr(request, "request_id", None)
        record.method = request.method
        record.route = route
        if not is_private(request):
            record.user_id = user_id_of(request)
            return True
        if record.name.startswith("django.db.backends"):
            return False  # SQL with its parameters: what the sender typed
        record.user_id = None
        message = record.getMessage()
        for raw in sorted({request.get_full_path(), request.path, request.path_info}, key=len, reverse=True):
            if raw and raw != "/":
                message = message.replace(raw, route or "<tin-bao>")
        record.msg, record.args = message, None
        if record.exc_info:
            record.exc_text = _withheld_traceback(record.exc_info)
            record.exc_info = None
        return True


def _local_time(record: logging.LogRecord) -> str:
    """ISO 8601 with the offset, in the server's time zone (Django sets TZ to settings.TIME_ZONE)."""
    return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object per line: time, level, logger, message, then the request's fields, then any other
    `extra` (status, duration_ms, …) and the traceback. Objects passed as `extra` that are not data (Django
    adds the request itself, whose repr shows the query string) are left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request", "server_time"])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(["levelname", "name", "message"], **kwargs)

    def add_fields(self, log_data, record, message_dict) -> None:
        fields = {}
        super().add_fields(fields, record, message_dict)
        log_data["time"] = _local_time(record)
        for key in ("level", "logger", "message", *REQUEST_FIELDS):
            if key in fields:
                log_data[key] = fields.pop(key)
        log_data.update(fields)


class TextFormatter(logging.Formatter):
    """time level logger [request id] message — the request id is "-" outside a request."""

    def __init__(self, fmt=None, datefmt=None, style="%", validate=True, **kwargs):
        fmt = fmt or "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        kwargs.setdefault("defaults", {"request_id": "-"})
        super().__init__(fmt, datefmt, style, validate, **kwargs)
