"""Who may do what with lab equipment. Selectors turn these answers into 404/403; services
ask them again themselves.

- Every desk role (supervisors, library staff, IT staff, student workers) sees the inventory,
  the incidents and the figures, reports a fault and prints QR labels: the lab desk is staffed
  by all of them.
- IT staff and supervisors change the inventory, work incidents (acknowledge, in repair,
  resolve) and plan maintenance. Administrators pass every rule.
- Anyone, without an account, sees an asset's public page and the status board, and reports a
  fault through the QR page.
- A lab's agent account posts usage for its own lab's workstations only; IT staff may post for
  any lab (to test an agent by hand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, Role

if TYPE_CHECKING:
    from liaison.labs.models import Asset, Incident

STAFF_VIEW_ROLES = DESK_ROLES
EQUIPMENT_ROLES = (Role.SUPERVISOR, Role.IT_STAFF)


def can_view_equipment(user) -> bool:
    return user_has_role(user, *STAFF_VIEW_ROLES)


def can_report_fault_as_staff(user) -> bool:
    return user_has_role(user, *STAFF_VIEW_ROLES)


def can_edit_asset(user, asset: Asset | None = None) -> bool:
    return user_has_role(user, *EQUIPMENT_ROLES)


def can_work_incident(user, incident: Incident | None = None) -> bool:
    return user_has_role(user, *EQUIPMENT_ROLES)


def can_plan_maintenance(user, asset: Asset | None = None) -> bool:
    return user_has_role(user, *EQUIPMENT_ROLES)


def can_post_usage(user, room_id: int | None) -> bool:
    """The lab's own agent account, or IT staff and supervisors testing by hand."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    agent = getattr(user, "lab_agent", None) if _has_agent(user) else None
    if agent is not None:
        return room_id is not None and agent.room_id == room_id
    return user_has_role(user, *EQUIPMENT_ROLES)


def _has_agent(user) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        user.lab_agent  # noqa: B018 (a reverse one-to-one raises when absent)
    except ObjectDoesNotExist:
        return False
    return True


def is_agent_account(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and _has_agent(user)
