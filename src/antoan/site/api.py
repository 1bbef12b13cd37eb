"""The REST API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each app contributes a router. A caller authenticates with the browser session (CSRF-checked) or with an
API token (`Authorization: Bearer at_…`, created on the "Khóa API" page). Every error is JSON of the form
{"errors": {field: {"vi": …, "en": …}}}: from services, from request validation and from authentication.
"""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from antoan.accounts.services import api_token_authenticate
from antoan.core.errors import DomainError, Forbidden, Message, NotFound


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="antoan API",
    version="1",
    description="Đơn vị, sự việc và chỉ tiêu an ninh trật tự / units, incidents and public-safety indicators",
    auth=[ApiTokenAuth(), django_auth],
    urls_namespace="api-v1",
)


def _errors_response(request, errors: dict[str, Message], status: int):
    return api.create_response(request, {"errors": DomainError(errors).as_dict()}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden) else 422
    return _errors_response(request, exc.errors, status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """Wrong types in a request (a word where a number goes, an unknown field) name the field, bilingually."""
    errors = {}
    for error in exc.errors:
        names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        field = names[-1] if len(names) > 1 else "__all__"
        detail = str(error.get("msg", ""))
        errors.setdefault(field, Message(f"Giá trị không hợp lệ ({detail})", f"Invalid value ({detail})"))
    return _errors_response(request, errors, 422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """ninja's own refusals (a body that is not JSON, a session's write without its CSRF token, …), in the same
    bilingual shape."""
    if exc.status_code == 403 and "CSRF" in str(exc):
        message = Message(
            "Bị từ chối: yêu cầu dùng phiên đăng nhập phải kèm mã CSRF (tiêu đề X-CSRFToken), hoặc dùng khóa API",
            "Refused: a request made with a login session must carry its CSRF token (X-CSRFToken header), "
            "or use an API token",
        )
        return _errors_response(request, {"__all__": message}, 403)
    message = Message(
        f"Yêu cầu không hợp lệ: nội dung gửi lên không đọc được (mã {exc.status_code})",
        f"Bad request: the body could not be read ({exc.status_code})",
    )
    return _errors_response(request, {"__all__": message}, exc.status_code)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    message = Message(
        "Cần đăng nhập, hoặc gửi khóa API hợp lệ (Authorization: Bearer …)",
        "Log in, or send a valid API token (Authorization: Bearer …)",
    )
    return _errors_response(request, {"__all__": message}, 401)


def _register_routers() -> None:
    from antoan.assessment.api import router as assessment_router
    from antoan.incidents.api import router as incidents_router
    from antoan.indicators.api import router as indicators_router
    from antoan.movement.api import router as movement_router
    from antoan.portal.api import router as tips_router
    from antoan.reports.api import router as reports_router
    from antoan.units.api import router as units_router

    api.add_router("/units", units_router)
    api.add_router("/incidents", incidents_router)
    api.add_router("/tips", tips_router)
    api.add_router("/movement", movement_router)
    api.add_router("/assessments", assessment_router)
    api.add_router("/indicators", indicators_router)
    api.add_router("/reports", reports_router)


_register_routers()
