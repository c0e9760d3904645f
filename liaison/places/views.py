from django.shortcuts import render
from django.utils import timezone

from liaison.core.access import public, signed_in
from liaison.places import selectors


def _points_with_week():
    today = timezone.localdate()
    return [
        {"point": point, "week": selectors.week_of_hours(point, today), "open_now": selectors.is_open_at(point)}
        for point in selectors.service_point_list()
    ]


@signed_in
def place_list(request):
    return render(
        request,
        "places/list.html",
        {"points": _points_with_week(), "labs": selectors.lab_list()},
    )


@public
def public_hours(request):
    """Patrons need no account to see when and where help is available."""
    return render(request, "places/public_hours.html", {"points": _points_with_week()})
