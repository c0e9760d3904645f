"""The one API object. Each domain adds its router here; errors share one format."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from liaison.accounts.api import router as accounts_router
from liaison.core.api_access import UNDECLARED
from liaison.core.api_json import OrjsonParser, OrjsonRenderer
from liaison.core.errors import django_validation_errors, error_body, pydantic_errors
from liaison.core.errors_views import database_unavailable_response
from liaison.core.idempotency import IdempotencyError
from liaison.demand.api import router as demand_router
from liaison.desk.api import router as desk_router
from liaison.directory.api import router as directory_router
from liaison.imports.api import router as imports_router
from liaison.insights.api import router as insights_router
from liaison.kb.api import router as kb_router
from liaison.labs.api import router as labs_router
from liaison.partnership.api import router as partnership_router
from liaison.pilots.api import router as pilots_router
from liaison.places.api import router as places_router
from liaison.software.api import router as software_router
from liaison.staffing.api import router as staffing_router
from liaison.tickets.api import router as tickets_router


class LiaisonAPI(NinjaAPI):
    """The document also lists every operation's errors in the one error format (core/api_docs.py)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        from liaison.core.api_docs import complete

        return complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = LiaisonAPI(
    title="Liaison API",
    version="1",
    description=(
        "The library–IT operations API. Authenticate with a personal token "
        "(`Authorization: Bearer lsn_…`, made under API tokens) or a browser session. "
        "Errors are `{detail, code, errors: [{field, message, code}]}`; `code` is stable (see each domain's errors)."
    ),
    auth=UNDECLARED,
    urls_namespace="api",
    # Swagger UI from our own static files (templates/ninja/swagger.html), and no request to
    # the public validator: without internet that request hung the page for 15-19 seconds.
    docs=Swagger(settings={"validatorUrl": None, "deepLinking": True, "docExpansion": "list"}),
    parser=OrjsonParser(),
    renderer=OrjsonRenderer(),
)


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc: NinjaValidationError):
    return api.create_response(
        request, error_body("The request has invalid fields.", pydantic_errors(exc.errors), code="invalid"), status=400
    )


@api.exception_handler(DjangoValidationError)
def on_rejected_by_service(request, exc: DjangoValidationError):
    return api.create_response(
        request, error_body("The request was rejected.", django_validation_errors(exc), code="invalid"), status=400
    )


@api.exception_handler(AuthenticationError)
def on_not_authenticated(request, exc):
    return api.create_response(
        request,
        error_body("Sign in or send a valid API token (Authorization: Bearer …).", code="not_authenticated"),
        status=401,
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, error_body(str(exc) or "Not allowed.", code="forbidden"), status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body(str(exc) or "Not found.", code="not_found"), status=404)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    # Nothing was stored; the client may send the same request again (see core/errors_views.py).
    return database_unavailable_response(request)


@api.exception_handler(IdempotencyError)
def on_idempotency_problem(request, exc: IdempotencyError):
    return api.create_response(
        request,
        error_body(
            exc.message, [{"field": "Idempotency-Key", "message": exc.message, "code": exc.code}], code=exc.code
        ),
        status=exc.status_code,
    )


HTTP_STATUS_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found", 409: "conflict", 429: "rate_limited"}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    message = str(exc)
    # A body that is not JSON at all is still "the field that was wrong": the body.
    malformed = message.startswith("Cannot parse request body")
    errors = [{"field": "body", "message": message, "code": "malformed_body"}] if malformed else []
    code = "malformed_body" if malformed else HTTP_STATUS_CODES.get(exc.status_code, "invalid")
    return api.create_response(request, error_body(message, errors, code=code), status=exc.status_code)


api.add_router("/accounts", accounts_router, tags=["accounts"])
api.add_router("/places", places_router, tags=["places"])
api.add_router("/directory", directory_router, tags=["directory"])
api.add_router("/kb", kb_router, tags=["knowledge base"])
api.add_router("/desk", desk_router, tags=["desk"])
api.add_router("/tickets", tickets_router, tags=["tickets"])
api.add_router("/imports", imports_router, tags=["imports"])
api.add_router("/labs", labs_router, tags=["labs"])
api.add_router("/partnership", partnership_router, tags=["partnership"])
api.add_router("/software", software_router, tags=["software access"])
api.add_router("/staffing", staffing_router, tags=["staffing"])
api.add_router("/pilots", pilots_router, tags=["pilots"])
api.add_router("/insights", insights_router, tags=["insights"])
api.add_router("/demand", demand_router, tags=["demand"])
