from django.utils import timezone

from liaison.core import home
from liaison.core.access import SIGNED_IN
from liaison.places import selectors


def _open_now(request) -> dict:
    today = timezone.localdate()
    return {
        "points": [
            {"point": p, "open_now": selectors.is_open_at(p), "today": selectors.hours_on(p, today)}
            for p in selectors.service_point_list()
        ]
    }


home.register(
    home.HomePanel("open-now", "Service points today", "places/panel_open_now.html", SIGNED_IN, _open_now, order=20)
)
