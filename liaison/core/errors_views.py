"""Error pages that reveal nothing but a request id a person can quote.

When the database is unreachable (restarting, failing over, a dropped connection), the answer
is 503 with Retry-After rather than 500: nothing was stored, and the request can simply be sent
again. The desk screen keeps an entry in its outbox on any 5xx and resends it with the same
client id, so nothing typed is lost or doubled (security reference Rel3)."""

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

from liaison.core.errors import error_body

logger = logging.getLogger("liaison.errors")

RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = "The database is briefly unavailable. Nothing was saved; try again in a few seconds."


def is_database_unavailable(exc: BaseException | None) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable_response(request) -> HttpResponse:
    request_id = getattr(request, "request_id", "")
    logger.warning("database unavailable; answered 503 (request %s)", request_id or "-")
    if request.path.startswith("/api/"):
        response = HttpResponse(
            json.dumps(error_body(DATABASE_UNAVAILABLE, code="database_unavailable")),
            content_type="application/json",
            status=503,
        )
    else:
        try:
            html = loader.get_template("503.html").render({"request_id": request_id})
        except Exception:  # the error page must never fail itself
            html = f"<h1>Back in a moment</h1><p>{DATABASE_UNAVAILABLE}</p>"
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs):
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    try:
        html = loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "")})
    except Exception:  # the error page must never fail itself
        html = "<h1>Something went wrong</h1>"
    return HttpResponseServerError(html)
