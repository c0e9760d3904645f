"""The desk's home panel: today's count at each service point, and a way in."""

from django.utils import timezone

from liaison.core import home
from liaison.core.access import role_rule
from liaison.core.roles import DESK_ROLES
from liaison.desk import selectors


def _desk_today(request) -> dict:
    totals = selectors.desk_totals_for_day(timezone.localdate())
    points = list(selectors.desk_service_points())
    return {
        "rows": [{"point": point, "count": totals.get(point.pk, 0)} for point in points],
        "last_slug": request.session.get("desk_service_point", ""),
    }


home.register(
    home.HomePanel(
        "desk-today", "At the desks today", "desk/panel_today.html", role_rule(*DESK_ROLES), _desk_today, order=10
    )
)
