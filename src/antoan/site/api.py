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


# The refusals any operation may answer, each in the one bilingual shape (#27: the document declares what the server
# says). An operation's own declaration of a status (a 404 with another meaning) is kept.
ERROR_RESPONSES = {
    "400": "The body could not be read (not JSON, not a form) / nội dung gửi lên không đọc được",
    "401": "Not logged in, and no valid API token / cần đăng nhập hoặc khóa API",
    "403": "The user may read but not do this, or a session's write came without its CSRF token / không có quyền",
    "404": "No such record, or one outside the user's units / không tìm thấy",
    "422": "A value is refused; the field is named / giá trị không hợp lệ",
    "503": "The database (or LibreOffice, for a PDF) is unavailable for a moment; try again / tạm thời không phục vụ",
}
ERRORS_SCHEMA = {
    "title": "Errors",
    "type": "object",
    "properties": {"errors": {
        "type": "object",
        "description": "field → message; \"__all__\" for the request as a whole",
        "additionalProperties": {
            "type": "object", "properties": {"vi": {"type": "string"}, "en": {"type": "string"}},
            "required": ["vi", "en"],
        },
    }},
    "required": ["errors"],
}  # fmt: skip


class DocumentedApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares, for every operation, the error responses of ERROR_RESPONSES."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Errors"] = ERRORS_SCHEMA
        errors = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
        for path in schema["paths"].values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": errors})
        return schema


api = DocumentedApi(
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
