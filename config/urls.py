"""URL wiring. Every pattern carries an access rule (see liaison/core/access.py)."""

from django.contrib import admin
from django.urls import include, path

from config.api import api
from liaison.core.access import API_OPERATIONS, declare_all, public, role_rule, roles
from liaison.core.roles import STAFF_ROLES, Role


def _api_urls():
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "openapi-json":
            public(pattern.callback)  # the schema holds no data; integrators need it
        elif pattern.name == "openapi-view":
            roles(*STAFF_ROLES)(pattern.callback)  # interactive docs: for staff, as the README says
    declare_all(patterns, API_OPERATIONS)  # each operation declares its own rule
    return patterns, app_name, namespace


API_URLS = _api_urls()
# The API's busiest call, a lab agent's heartbeat (ADR 0060), is also matched ahead of the
# API's other patterns: trying sixty patterns in turn cost it about as much as its one Redis
# round trip. Same view, same operation and access rule; reversing still finds the API's own.
HOT_API_ROUTES = ("labs/agent/events",)
HOT_API_URLS = [path(f"api/v1/{p.pattern}", p.callback) for p in API_URLS[0] if str(p.pattern) in HOT_API_ROUTES]

urlpatterns = [
    *HOT_API_URLS,
    # The API first: machines (the desk screen's log, lab agents) call it most, and Django tries
    # patterns in order, so it should not wait behind every page's patterns.
    path("api/v1/", API_URLS),
    path("", include("liaison.core.urls")),
    path("accounts/", include("liaison.accounts.urls")),
    path("places/", include("liaison.places.urls")),
    path("audit/", include("liaison.audit.urls")),
    path("directory/", include("liaison.directory.urls")),
    path("kb/", include("liaison.kb.urls")),
    path("help/", include("liaison.kb.urls_public")),
    path("desk/", include("liaison.desk.urls")),
    path("imports/", include("liaison.imports.urls")),
    path("partnership/", include("liaison.partnership.urls")),
    path("software/", include("liaison.software.urls")),
    path("labs/", include("liaison.labs.urls")),
    path("staffing/", include("liaison.staffing.urls")),
    path("insights/", include("liaison.insights.urls")),
    path("demand/", include("liaison.demand.urls")),
    path("", include("liaison.pilots.urls")),  # /pilots/… and the public short link /p/<code>/
    path("", include("liaison.tickets.urls")),  # /tickets/… and the patron's /status/<token>/
    # Setup screens: administrators only (the admin also requires is_staff, which they have).
    path("admin/", (declare_all(admin.site.urls[0], role_rule(Role.ADMINISTRATOR)), "admin", "admin")),
]

handler500 = "liaison.core.errors_views.server_error"
