"""Home panels: the rollouts coming up from IT (for everyone at a desk: the desk screen
itself belongs to the desk app, so the calendar shows here), and the partnership balance
this term for staff."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.core import home
from liaison.core.access import role_rule
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.partnership import selectors


def _coming_up(request) -> dict:
    rollouts = list(selectors.upcoming_rollouts(days=selectors.FLAG_DAYS))
    return {
        "rollouts": rollouts,
        "unconsulted": sum(1 for r in rollouts if not r.was_consulted),
        "days": selectors.FLAG_DAYS,
    }


def _balance(request) -> dict:
    term = selectors.current_term()
    today = timezone.localdate()
    balance = selectors.balance(start=term.start, end=min(term.end, today + dt.timedelta(days=1)))
    return {"term": term, "balance": balance}


home.register(
    home.HomePanel(
        "partnership-rollouts",
        "Coming up from IT",
        "partnership/panel_rollouts.html",
        role_rule(*DESK_ROLES),
        _coming_up,
        order=40,
    )
)
home.register(
    home.HomePanel(
        "partnership-balance",
        "Partnership this term",
        "partnership/panel_balance.html",
        role_rule(*STAFF_ROLES),
        _balance,
        order=60,
    )
)
