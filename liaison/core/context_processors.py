from django.conf import settings

from liaison.core.navigation import navigation_for


def shell(request):
    """What the base layout needs on every page: the site name and this user's navigation."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "nav_items": navigation_for(user, request.path) if user is not None else [],
    }
