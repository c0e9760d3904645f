"""Who may do what with a pilot: the one policy the pages, the API, the services and the
object-access test ask.

- Everyone at a desk (student workers up) may see pilots, and record an answer for someone
  at the desk while a pilot runs.
- Staff (library, IT, supervisors) of the library or IT may propose a pilot.
- A pilot has two sides: its IT department and its library department. Staff of either side
  may change its details, build its forms and move it to reporting; the side that did not
  propose it agrees to it; the library (the host) starts it, records what hosting cost, groups
  free text into themes and delivers the report (which closes it).
- Free-text answers are personal data where they can be: only staff of the pilot's two sides
  read them. Everyone else with access sees counts, with small groups suppressed.
- Administrators pass every rule.

Selectors turn these answers into 404 (not yours to see) and 403 (seen, not yours to change).
"""

from __future__ import annotations

from typing import Any

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role
from liaison.pilots.models import Pilot

READER_ROLES = DESK_ROLES
STAFF = STAFF_ROLES
LIBRARY, IT = "library", "it"


def _admin(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active) and (
        getattr(user, "role", None) == Role.ADMINISTRATOR or user.is_superuser
    )


def _staff(user: Any) -> bool:
    return user_has_role(user, *STAFF_ROLES)


def side_of(user: Any, pilot: Pilot) -> str | None:
    """Which side of the pilot `user` works on: 'it', 'library' or None."""
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return None
    if department_id == pilot.it_department_id:
        return IT
    if department_id == pilot.library_department_id:
        return LIBRARY
    return None


def _on_side(user: Any, pilot: Pilot, *sides: str) -> bool:
    if _admin(user):
        return True
    return _staff(user) and side_of(user, pilot) in sides


def can_view_pilots(user: Any) -> bool:
    return user_has_role(user, *READER_ROLES)


def can_see_pilot(user: Any, pilot: Pilot) -> bool:
    return can_view_pilots(user)


def can_propose_pilot(user: Any) -> bool:
    """Staff of a library or IT department (the pilot names both sides)."""
    if _admin(user):
        return True
    department = getattr(user, "department", None)
    return _staff(user) and department is not None and department.kind in (LIBRARY, IT)


def can_edit_pilot(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, IT, LIBRARY)


def can_agree_pilot(user: Any, pilot: Pilot) -> bool:
    """The side that did not propose it says yes."""
    if _admin(user):
        return True
    return _on_side(user, pilot, IT, LIBRARY) and user.department_id != pilot.proposed_by_id


def can_start_pilot(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, LIBRARY)


def can_move_to_reporting(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, IT, LIBRARY)


def can_deliver_report(user: Any, pilot: Pilot) -> bool:
    """Write the recommendation and deliver the report to IT (closes the pilot)."""
    return _on_side(user, pilot, LIBRARY)


def can_record_cost(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, LIBRARY)


def can_manage_forms(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, IT, LIBRARY)


def can_read_free_text(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, IT, LIBRARY)


def can_theme_answers(user: Any, pilot: Pilot) -> bool:
    return _on_side(user, pilot, LIBRARY)


def can_view_results(user: Any, pilot: Pilot) -> bool:
    """Results and the report: counts and charts, small groups suppressed."""
    return _staff(user)


def can_record_desk_answer(user: Any, pilot: Pilot) -> bool:
    return can_view_pilots(user)
