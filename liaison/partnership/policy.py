"""Who may do what in the partnership: one answer for the pages, the API and the services.

- Staff (supervisors, library staff, IT staff) see the partnership page, the ledger, goals
  and needs, the survey's results and resource requests of their department. Student workers
  see the rollout calendar and the skills exchange (they staff the desks the rollouts touch,
  and they teach and learn too).
- Supervisors lead: they post their department's goals and needs, accept or decline offers
  made against them, run survey rounds, start the ledger's derivation by hand and withdraw
  an orphaned derived entry.
- IT staff plan and change rollouts; library staff record what the library said when
  consulted. The library triages, fulfils and declines requests for library resources, which
  staff of any other department make.
- Administrators pass every rule: they run the site.

Department kinds (library, IT, other) come from the person's department; a person without a
department may read but not act for a department.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role

if TYPE_CHECKING:
    from liaison.partnership.models import LedgerEntry, Match, Need, Offer, ResourceRequest, Rollout, Skill

LIBRARY, IT = "library", "it"  # accounts.Department.Kind values


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "role", None) == Role.ADMINISTRATOR or bool(getattr(user, "is_superuser", False))
    )


def is_staff(user: Any) -> bool:
    return user_has_role(user, *STAFF_ROLES)


def is_supervisor(user: Any) -> bool:
    return user_has_role(user, Role.SUPERVISOR)


def department_kind(user: Any) -> str | None:
    department = getattr(user, "department", None)
    return department.kind if department is not None else None


def _in_department(user: Any, department_id: int | None) -> bool:
    return department_id is not None and getattr(user, "department_id", None) == department_id


# --- The ledger and the partnership page -------------------------------------------------------


def can_view_partnership(user: Any) -> bool:
    return is_staff(user)


def can_create_ledger_entry(user: Any) -> bool:
    return is_admin(user) or (is_staff(user) and getattr(user, "department_id", None) is not None)


def can_correct_ledger_entry(user: Any, entry: LedgerEntry) -> bool:
    """Typed entries: their author or a supervisor. Derived entries: only once orphaned, and
    only a supervisor (a live derived entry is corrected by fixing its source)."""
    if not is_staff(user):
        return False
    if entry.origin == "derived":
        return is_supervisor(user)
    return is_supervisor(user) or (entry.created_by_id is not None and entry.created_by_id == user.pk)


def can_run_derivation(user: Any) -> bool:
    return is_supervisor(user)


# --- Goals, needs, offers, matches ---------------------------------------------------------------


def can_post_for_department(user: Any, department_id: int | None) -> bool:
    """Goals and needs are posted by the department's supervisors."""
    return is_admin(user) or (is_supervisor(user) and _in_department(user, department_id))


def can_change_need(user: Any, need: Need) -> bool:
    return can_post_for_department(user, need.department_id) or (
        is_staff(user) and need.created_by_id is not None and need.created_by_id == user.pk
    )


def can_offer_help(user: Any, need: Need) -> bool:
    """Any staff member of another department may offer help against a need. (Whether the
    need is still open is the service's rule: `partnership.need_not_open`.)"""
    return (
        is_staff(user) and getattr(user, "department_id", None) is not None and user.department_id != need.department_id
    )


def can_answer_offer(user: Any, offer: Offer) -> bool:
    return can_change_need(user, offer.need)


def can_record_delivery(user: Any, match: Match) -> bool:
    """Either side's supervisors, or the person who offered."""
    if is_admin(user):
        return True
    if is_supervisor(user) and (
        _in_department(user, match.need.department_id) or _in_department(user, match.offer.department_id)
    ):
        return True
    return is_staff(user) and match.offer.offered_by_id is not None and match.offer.offered_by_id == user.pk


# --- The survey -------------------------------------------------------------------------------------


def can_manage_survey(user: Any) -> bool:
    return is_supervisor(user)


def can_answer_survey(user: Any) -> bool:
    return is_staff(user)


def can_view_survey_results(user: Any) -> bool:
    return is_staff(user)


# --- Rollouts -----------------------------------------------------------------------------------------


def can_view_rollouts(user: Any) -> bool:
    return user_has_role(user, *DESK_ROLES)


def can_plan_rollout(user: Any) -> bool:
    return is_admin(user) or (is_staff(user) and department_kind(user) == IT)


def can_edit_rollout(user: Any, rollout: Rollout) -> bool:
    return is_admin(user) or (can_plan_rollout(user) and _in_department(user, rollout.department_id))


def can_record_consultation(user: Any, rollout: Rollout | None = None) -> bool:
    return is_admin(user) or (is_staff(user) and department_kind(user) == LIBRARY)


# --- Requests for library resources ----------------------------------------------------------------


def can_request_resources(user: Any) -> bool:
    """Staff of any department but the library (the library does not ask itself)."""
    return is_staff(user) and getattr(user, "department_id", None) is not None and department_kind(user) != LIBRARY


def can_handle_resource_requests(user: Any) -> bool:
    return is_admin(user) or (is_staff(user) and department_kind(user) == LIBRARY)


def resource_requests_visible_filter(user: Any) -> Q:
    """A Q over ResourceRequest: the library and administrators see every request; others
    their department's, and their own."""
    if not is_staff(user):
        return Q(pk__in=[])
    if can_handle_resource_requests(user):
        return Q()
    rule = Q(requester_id=user.pk)
    if getattr(user, "department_id", None) is not None:
        rule |= Q(department_id=user.department_id)
    return rule


def can_view_resource_request(user: Any, request: ResourceRequest) -> bool:
    if not is_staff(user):
        return False
    return (
        can_handle_resource_requests(user)
        or request.requester_id == user.pk
        or _in_department(user, request.department_id)
    )


# --- Skills exchange -----------------------------------------------------------------------------------


def can_view_skills(user: Any) -> bool:
    return user_has_role(user, *DESK_ROLES)


def can_list_skill(user: Any) -> bool:
    return user_has_role(user, *DESK_ROLES)


def can_edit_skill(user: Any, skill: Skill) -> bool:
    return is_admin(user) or (can_list_skill(user) and skill.person_id == user.pk)


def can_record_session(user: Any, skill: Skill) -> bool:
    """The teacher records their own sessions; a supervisor may record anyone's."""
    return can_edit_skill(user, skill) or is_supervisor(user)
