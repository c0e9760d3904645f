"""The pool's home panel: who is on duty at each desk now, and (for a worker) their next shift."""

from liaison.core import home
from liaison.core.access import role_rule
from liaison.staffing import policy, selectors


def _on_duty(request) -> dict:
    worker = selectors.worker_for_user(request.user)
    return {
        "on_duty": selectors.on_duty_at(),
        "next_shift": selectors.upcoming_shifts_of(worker=worker, limit=None).first() if worker else None,
    }


home.register(
    home.HomePanel(
        "staffing-on-duty",
        "On duty now",
        "staffing/panel_on_duty.html",
        role_rule(*policy.POOL_ROLES),
        _on_duty,
        order=20,
    )
)
