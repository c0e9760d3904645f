"""Who may do what with lab equipment. Selectors turn these answers into 404/403; services
ask them again themselves.

- Every desk role (supervisors, library staff, IT staff, student workers) sees the inventory,
  the incidents and the figures, reports a fault and prints QR labels: the lab desk is staffed
  by all of them.
- IT staff and supervisors change the inventory, work incidents (acknowledge, in repair,
  resolve) and plan maintenance. Administrators pass every rule.
- Anyone, without an account, sees an asset's public page and the status board, and reports a
  fault through the QR page.
- A lab's agent account posts usage for its own lab's workstations only, and nothing else
  here; IT staff may post for any lab (to test an agent by hand). The agent account holds the
  library-staff role only because accounts gives API tokens to staff roles (ADR 0021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, Role

if TYPE_CHECKING:
    from liaison.labs.models import Asset, Incident

STAFF_VIEW_ROLES = DESK_ROLES
EQUIPMENT_ROLES = (Role.SUPERVISOR, Role.IT_STAFF)


def _person_with(user, roles) -> bool:
    """A person holding one of the roles; a lab's agent account is never one (it only posts usage)."""
    return user_has_role(user, *roles) and not is_agent_account(user)


def can_view_equipment(user) -> bool:
    return _person_with(user, STAFF_VIEW_ROLES)


def can_report_fault_as_staff(user) -> bool:
    return _person_with(user, STAFF_VIEW_ROLES)


def can_edit_asset(user, asset: Asset | None = None) -> bool:
    return _person_with(user, EQUIPMENT_ROLES)


def can_work_incident(user, incident: Incident | None = None) -> bool:
    return _person_with(user, EQUIPMENT_ROLES)


def can_plan_maintenance(user, asset: Asset | None = None) -> bool:
    return _person_with(user, EQUIPMENT_ROLES)


def can_post_usage_for_any_lab(user) -> bool:
    """IT staff and supervisors testing an agent by hand (never an agent account: asked only
    once the caller is known not to be one)."""
    return user_has_role(user, *EQUIPMENT_ROLES)


def can_post_usage(user, room_id: int | None) -> bool:
    """The lab's own agent account, or IT staff and supervisors testing by hand."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _has_agent(user):
        from liaison.labs.models import LabAgent

        return room_id is not None and LabAgent.objects.filter(user_id=user.pk, room_id=room_id).exists()
    return user_has_role(user, *EQUIPMENT_ROLES)


def _has_agent(user) -> bool:
    """Asked once per user object (remembered on it): is this a lab's agent account?"""
    known = getattr(user, "_labs_is_agent", None)
    if known is not None:
        return known
    from liaison.labs.models import LabAgent

    known = LabAgent.objects.filter(user_id=user.pk).exists()
    user._labs_is_agent = known
    return known


def is_agent_account(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and _has_agent(user)


# --- The library's systems that IT supports (ADR 0058) -----------------------------------------


SYSTEM_OWNER_ROLES = (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)


def can_view_systems(user) -> bool:
    """Every desk role sees the catalogue: the desk must know what is down."""
    return _person_with(user, STAFF_VIEW_ROLES)


def can_edit_system(user, system=None) -> bool:
    """IT staff and supervisors keep the catalogue; a system's own owners (either side) may
    also change its entry and its status."""
    if _person_with(user, EQUIPMENT_ROLES):
        return True
    if system is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.pk in (system.library_owner_id, system.it_owner_id) and _person_with(user, STAFF_VIEW_ROLES)


def can_add_system(user) -> bool:
    return _person_with(user, EQUIPMENT_ROLES)


def can_link_system(user) -> bool:
    """Naming a system on a ticket or an incident: any desk role (they see both)."""
    return _person_with(user, STAFF_VIEW_ROLES)


def sees_system_banner(user) -> bool:
    """The desk's outage banner: a role check only (no query), so the desk's page costs what it
    did. Agent accounts cannot sign in to pages (no password), so they never meet it."""
    return user_has_role(user, *STAFF_VIEW_ROLES)
