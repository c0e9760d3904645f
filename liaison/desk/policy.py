"""Who may log, see and change desk entries: one policy for the desk screen, the API, and the
apps that read entries through `selectors.interaction_get_for_user` (tickets' promote).
Selectors turn these answers into 404; services into PermissionDenied or a reason.

- Everyone with a desk role logs entries (supervisors, library staff, IT staff, student
  workers; administrators pass every rule).
- Student workers see the entries they logged; staff and supervisors see every desk's.
- Undo and correct: the person who logged the entry, for `UNDO_WINDOW` (2 minutes) after
  logging it; supervisors and administrators at any time. After the window the logger is told
  why (a reason with a code, services raise it), anyone else is refused (403).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role
from liaison.desk.models import UNDO_WINDOW, Interaction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from liaison.accounts.models import User

    Person = User | AnonymousUser
else:
    Person = Any


def can_log_interaction(user: Person) -> bool:
    return user_has_role(user, *DESK_ROLES)


def can_see_everyones_interactions(user: Person) -> bool:
    """Staff and supervisors see every desk's entries; student workers only their own."""
    return user_has_role(user, Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)


def is_logger(user: Person, interaction: Interaction) -> bool:
    """`user` is the person who logged this entry."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and interaction.recorded_by_id is not None
        and interaction.recorded_by_id == user.pk
    )


def can_see_interaction(user: Person, interaction: Interaction) -> bool:
    return can_see_everyones_interactions(user) or (can_log_interaction(user) and is_logger(user, interaction))


def visible_interactions(user: Person, interactions: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """`interactions` narrowed to the ones `user` may see (the queryset form of can_see_interaction)."""
    if can_see_everyones_interactions(user):
        return interactions
    if not can_log_interaction(user):
        return interactions.none()
    return interactions.filter(recorded_by_id=user.pk)


def can_change_any_interaction(user: Person) -> bool:
    """Supervisors (and administrators) undo and correct any entry, at any time."""
    return user_has_role(user, Role.SUPERVISOR)


def undo_window_open(interaction: Interaction, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) - interaction.logged_at <= UNDO_WINDOW


def can_change_interaction(user: Person, interaction: Interaction, *, now: dt.datetime | None = None) -> bool:
    """Undo or correct: supervisors any time; the logger while the undo window is open."""
    if can_change_any_interaction(user):
        return True
    return can_log_interaction(user) and is_logger(user, interaction) and undo_window_open(interaction, now=now)


def can_read_reports(user: Person) -> bool:
    """Desk reports (counts, never people) are for staff and supervisors; student workers see
    their own shift's tally on the desk screen."""
    return user_has_role(user, *STAFF_ROLES)
