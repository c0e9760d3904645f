"""Who may do what in the student-worker pool: the one policy the pages, the API, the
services and the feeds ask.

- **Supervisors** (of either department; administrators pass every rule) run the pool: terms,
  budgets, workers, training sign-off, notes, needs, the schedule, approvals. Only they read
  notes on workers and see draft shifts.
- **Student workers** in the pool give their own availability and unavailable dates, record
  training they completed (a supervisor signs it off), see the published schedule, offer their
  own shifts and pick up shifts they are eligible for.
- **Library and IT staff** see the published schedule and who is on duty.

Selectors turn these answers into 404 (not yours to see) and 403 (seen, not yours to change).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, Role

if TYPE_CHECKING:
    from liaison.staffing.models import Shift, ShiftOffer, Worker

MANAGER_ROLES = (Role.SUPERVISOR,)
POOL_ROLES = DESK_ROLES  # who sees the published schedule
WORKER_ROLES = (Role.STUDENT_WORKER,)


def can_manage_pool(user: Any) -> bool:
    """Terms, budgets, workers, needs, the schedule, approvals, training sign-off."""
    return user_has_role(user, *MANAGER_ROLES)


def can_read_notes(user: Any) -> bool:
    """Notes on workers: supervisors of both departments, nobody else (not the worker)."""
    return can_manage_pool(user)


def can_view_schedule(user: Any) -> bool:
    return user_has_role(user, *POOL_ROLES)


def can_see_drafts(user: Any) -> bool:
    return can_manage_pool(user)


def is_pool_member(user: Any, worker: Worker | None) -> bool:
    return worker is not None and worker.is_active and getattr(user, "pk", None) == worker.user_id


def can_see_worker(user: Any, worker: Worker) -> bool:
    """A worker's page (training, availability, hours): supervisors and the worker."""
    return can_manage_pool(user) or getattr(user, "pk", None) == worker.user_id


def can_edit_availability(user: Any, worker: Worker) -> bool:
    return can_manage_pool(user) or is_pool_member(user, worker)


def can_see_shift(user: Any, shift: Shift) -> bool:
    if not can_view_schedule(user):
        return False
    return shift.state != "draft" or can_see_drafts(user)


def can_offer_shift(user: Any, shift: Shift, *, today: dt.date | None = None) -> bool:
    """Only a published shift of one's own that has not started yet."""
    today = today or timezone.localdate()
    return (
        shift.state == "published"
        and shift.worker is not None
        and is_pool_member(user, shift.worker)
        and shift.date >= today
    )


def can_take_offer(user: Any, offer: ShiftOffer, worker: Worker | None) -> bool:
    """Any active worker in the pool but the one who offered it; eligibility (hours, training,
    availability) is the service's check, with reasons."""
    return (
        worker is not None
        and worker.is_active
        and getattr(user, "pk", None) == worker.user_id
        and offer.offered_by_id != worker.pk
    )


def can_decide_offer(user: Any) -> bool:
    return can_manage_pool(user)


def can_assign_shift(user: Any) -> bool:
    return can_manage_pool(user)
