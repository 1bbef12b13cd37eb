"""/healthz: does the database answer, and is every migration applied? For load balancers, systemd watchdogs
and monitoring; public (no login), answers nothing that is not already known from the code."""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from antoan.core.observability import db_error_count
from antoan.core.unavailable import connections_discard_broken

logger = logging.getLogger(__name__)


def migrations_pending() -> list:
    """The migrations of the code that the database has not applied (a few ms once the files are loaded)."""
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


@never_cache
@require_safe
def healthz(request):
    result = {"status": "ok", "database": "ok", "migrations": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        pending = migrations_pending()
    except DatabaseError as exc:
        logger.warning("Health check: the database does not answer (%s: %s)", type(exc).__name__, exc)
        db_error_count(exc)
        connections_discard_broken()
        result.update(status="error", database="error", migrations="unknown")
    else:
        if pending:
            result.update(status="error", migrations="pending", pending=len(pending))
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)
