"""Error pages that reveal nothing but a request id a person can quote."""

from django.http import HttpResponseServerError
from django.template import loader


def server_error(request, *args, **kwargs):
    try:
        html = loader.get_template("500.html").render({"request_id": getattr(request, "request_id", "")})
    except Exception:  # the error page must never fail itself
        html = "<h1>Something went wrong</h1>"
    return HttpResponseServerError(html)
