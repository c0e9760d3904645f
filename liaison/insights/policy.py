"""Who may see insights and schedule reports.

- Supervisors, library staff and IT staff see every dashboard, export it and use the API.
  Administrators pass every rule.
- Student workers do not: dashboards compare colleagues' desks and departments, which is
  staff business (they still see their own desk tally on the desk screen).
- Supervisors schedule reports (they choose who receives figures by e-mail); staff see the
  schedule list.

No figure here names or counts a patron: every source is a count of interactions, tickets,
incidents, shifts or ledger entries, and counts under 5 are shown as "fewer than 5" where a
small group could be picked out (student technology issues)."""

from __future__ import annotations

from typing import Any

from liaison.core.access import user_has_role
from liaison.core.roles import Role

VIEW_ROLES = (Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)
SCHEDULE_ROLES = (Role.SUPERVISOR,)


def can_view_insights(user: Any) -> bool:
    return user_has_role(user, *VIEW_ROLES)


def can_schedule_reports(user: Any) -> bool:
    return user_has_role(user, *SCHEDULE_ROLES)
