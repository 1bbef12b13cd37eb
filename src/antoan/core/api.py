"""The REST API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each app contributes a router; errors from services become JSON with bilingual messages.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from antoan.core.errors import DomainError, Forbidden, NotFound

api = NinjaAPI(
    title="antoan API",
    version="1",
    description="Đơn vị, sự việc và chỉ tiêu an ninh trật tự / units, incidents and public-safety indicators",
    auth=django_auth,
    urls_namespace="api-v1",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden) else 422
    return api.create_response(request, {"errors": exc.as_dict()}, status=status)


def _register_routers() -> None:
    from antoan.units.api import router as units_router

    api.add_router("/units", units_router)


_register_routers()
