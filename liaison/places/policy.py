"""Who may change places. Buildings, rooms, service points and weekly hours are set up in the
admin (administrators). Dated hours exceptions (a holiday, special hours) are for
supervisors (and administrators), through the API or the admin. Hours are public to read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.core.access import user_has_role
from liaison.core.roles import Role
from liaison.places.models import ServicePoint

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from liaison.accounts.models import User

    Person = User | AnonymousUser
else:
    Person = Any


def can_edit_hours(user: Person, service_point: ServicePoint | None = None) -> bool:
    """Close a service point on a date or give it special hours: supervisors, any point."""
    return user_has_role(user, Role.SUPERVISOR)
