"""What operators watch: a request id on every request and its log records, one log line per request, and
request metrics in Prometheus' text format at /metrics.

Metrics (labels are bounded: the route is the URL pattern, never the path, so ids do not multiply them):
- `antoan_http_requests_total{method, route, status}` — requests answered;
- `antoan_http_request_duration_seconds{method, route}` — how long they took (histogram);
- `antoan_db_errors_total{error}` — requests that met a database error and were answered 503.

Under gunicorn's several workers each worker counts for itself; with PROMETHEUS_MULTIPROC_DIR set (`antoan
serve` sets it up) the workers write their counts to files there and /metrics adds them up.

/metrics answers a staff user, or a scraper sending `Authorization: Bearer $ANTOAN_METRICS_TOKEN`.
"""

import hmac
import logging
import os
import re
import time
import uuid

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from antoan.core import logs

access_log = logging.getLogger("antoan.request")

# A request id from the proxy is kept if it is a plain token (nginx's $request_id, a uuid, …); anything else
# (too long, spaces, control characters) is replaced by a new one.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # no URL pattern answered (a 404 of the resolver, a redirect by a middleware)
STATIC = "<static>"

REQUESTS = Counter("antoan_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "antoan_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
DB_ERRORS = Counter("antoan_db_errors", "Requests that met a database error and were answered 503", ["error"])


def request_id_from(header: str | None) -> str:
    if header and SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def metric_route(request) -> str:
    route = logs.route_of(request)
    if route is not None:
        return route
    return STATIC if request.path_info.startswith(settings.STATIC_URL) else UNMATCHED


def db_error_count(exc: BaseException) -> None:
    DB_ERRORS.labels(error=type(exc).__name__).inc()


class RequestObservabilityMiddleware:
    """First in MIDDLEWARE: sets the request id (also on the response's X-Request-ID header), makes it known
    to every log record of the request, then counts, times and logs the request once answered."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Records written after the middleware returned (Django's "Not Found: …") still belong to the request.
        request_finished.connect(logs.request_unbind, dispatch_uid="antoan.core.logs.request_unbind")

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        logs.request_bind(request)
        started = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - started
        response["X-Request-ID"] = request.request_id
        method = request.method if request.method in METHODS else "OTHER"
        route = metric_route(request)
        status = response.status_code
        REQUESTS.labels(method=method, route=route, status=str(status)).inc()
        LATENCY.labels(method=method, route=route).observe(duration)
        access_log.info(
            "%s %s %s", method, route, status, extra={"status": status, "duration_ms": round(duration * 1000, 1)}
        )
        return response


def _may_read_metrics(request) -> bool:
    token = settings.ANTOAN_METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[len("Bearer ") :].strip(), token):
        return True
    user = request.user
    return user.is_authenticated and user.is_staff


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@never_cache
@require_GET
def metrics(request):
    if not _may_read_metrics(request):
        return HttpResponse(
            "Chỉ quản trị viên hoặc máy thu thập số liệu có khóa (ANTOAN_METRICS_TOKEN) được xem trang này.\n"
            "Only staff, or a scraper sending the metrics token (ANTOAN_METRICS_TOKEN), may read this page.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
