"""The database going away (stopped, restarting, unreachable, or a connection it cut) is answered with a
bilingual 503 — an HTML page, or the API's JSON error shape under /api/ — instead of a 500.

Three paths lead here: `DatabaseUnavailableMiddleware.process_exception` for an error raised by a view,
`server_error` (urls.handler500) for one raised by a middleware, and the API's exception handler (django-ninja
would otherwise answer with its own 500). Each also drops the connections the error left broken, so that the
next request opens a fresh one: nothing needs a restart once the database is back. (Django closes broken
connections at the start and end of each request as well; with CONN_MAX_AGE the settings turn on
CONN_HEALTH_CHECKS, so that a kept connection the database closed in between is not used again.)
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from antoan.core.errors import Message
from antoan.core.observability import db_error_count

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
MESSAGE = Message(
    "Cơ sở dữ liệu tạm thời không trả lời. Nội dung vừa gửi (nếu có) chưa được lưu; vui lòng thử lại sau ít phút.",
    "The database is not answering for the moment. Anything just sent has not been saved; "
    "please try again in a few minutes.",
)


def connections_discard_broken() -> None:
    """Close every connection the error left unusable (an open transaction is left to its owner)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def database_unavailable(request, exc: BaseException) -> HttpResponse:
    db_error_count(exc)
    logger.error("Database unavailable (%s)", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    connections_discard_broken()
    request_id = getattr(request, "request_id", "")
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"errors": {"__all__": MESSAGE.as_dict()}}, status=503)
    else:
        # Rendered without the request: the context processors would read the user, from the database.
        page = render_to_string("core/503.html", {"message": MESSAGE, "request_id": request_id})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request, exception)
        return None


def server_error(request):
    """handler500: a database error raised outside a view (in a middleware) is still a 503."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return database_unavailable(request, exc)
    return defaults.server_error(request)
