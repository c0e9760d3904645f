from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from liaison.core.access import public, signed_in
from liaison.core.home import panels_for


@public
def root(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    return render(request, "core/welcome.html")


@signed_in
def home(request):
    return render(request, "core/home.html", {"panels": panels_for(request)})


@public
def healthz(request):
    """Is the service up and its database answering? One round trip, no template, and nothing
    about users or data (it is public). Also the benchmarks' floor. A database that does not
    answer gives the 503 of core/errors_views.py."""
    # This SELECT 1 is itself the connection's health check: skip Django's own one
    # (CONN_HEALTH_CHECKS), which would send a second SELECT 1 first. A dead connection fails
    # here, answers 503, and is closed at the end of the request like any failed one.
    setattr(connection, "health_check_done", True)  # noqa: B010 (not in Django's type stubs)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"ok": True, "db": True})
