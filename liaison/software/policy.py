"""Who may do what with software access: the one policy the pages, the API, the services and
the importers ask.

- Staff of both departments (library staff, IT staff, supervisors) read everything here: the
  catalogue, images and profiles, courses, needs, the gap matrix, requests and drift. Both
  departments must see the gaps before term; student workers and the public do not.
- Staff enter course needs (for themselves or for the faculty they work with) until the
  term's deadline. After it, only IT staff and supervisors may add a (late) need.
- Instructors enter needs for their own courses through a signed link (no account), until
  the deadline.
- Any staff member may turn a gap into a request to IT. Only IT (IT staff and supervisors of
  an IT department) work requests: take, resolve (applying the fix) or decline.
- IT and supervisors import images, profiles, workstations and the registrar's courses.
- Baselines are set by supervisors; drift decisions (change request or exception) by
  supervisors and IT staff.
Administrators pass every rule.
"""

from __future__ import annotations

from typing import Any

from liaison.core.access import user_has_role
from liaison.core.roles import STAFF_ROLES, Role

READER_ROLES = STAFF_ROLES
NEED_ROLES = STAFF_ROLES
REQUEST_ROLES = STAFF_ROLES
LATE_NEED_ROLES = (Role.IT_STAFF, Role.SUPERVISOR)
IT_ROLES = (Role.IT_STAFF, Role.SUPERVISOR)
IMPORT_ROLES = (Role.IT_STAFF, Role.SUPERVISOR)
BASELINE_ROLES = (Role.SUPERVISOR,)
DRIFT_ROLES = (Role.IT_STAFF, Role.SUPERVISOR)
IT_KIND = "it"  # accounts.Department.Kind.IT


def _is_admin(user: Any) -> bool:
    return bool(
        user and user.is_authenticated and (user.is_superuser or getattr(user, "role", "") == Role.ADMINISTRATOR)
    )


def can_read(user: Any) -> bool:
    return user_has_role(user, *READER_ROLES)


def can_enter_needs(user: Any) -> bool:
    return user_has_role(user, *NEED_ROLES)


def can_enter_late_needs(user: Any) -> bool:
    return user_has_role(user, *LATE_NEED_ROLES)


def can_edit_need(user: Any, need: Any) -> bool:
    return can_enter_needs(user)


def can_request(user: Any) -> bool:
    """Turn a gap into a request to IT."""
    return user_has_role(user, *REQUEST_ROLES)


def is_it(user: Any) -> bool:
    """IT staff or a supervisor in an IT department (or an administrator)."""
    if _is_admin(user):
        return True
    if not user_has_role(user, *IT_ROLES):
        return False
    department = getattr(user, "department", None)
    return department is not None and department.kind == IT_KIND


def can_work_request(user: Any, request: Any = None) -> bool:
    return is_it(user)


def can_import(user: Any) -> bool:
    return user_has_role(user, *IMPORT_ROLES)


def can_set_baseline(user: Any) -> bool:
    return user_has_role(user, *BASELINE_ROLES)


def can_decide_drift(user: Any) -> bool:
    return user_has_role(user, *DRIFT_ROLES)
