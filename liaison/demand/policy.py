"""Who may do what with demand figures and READ calibration (ADR 0053).

- Supervisors, library staff and IT staff see the demand page, its forecasts and downloads,
  and the calibration report (agreement per desk and per level): both departments plan seats,
  printers and desk training from them.
- Everyone who logs desk questions rates in a calibration round: supervisors, library staff,
  IT staff and student workers (the shared student pool staffs the desks and gives READ levels
  every day, so their drift matters most). A rater never sees the original level, and sees
  only the question's text, kind and category.
- Student workers do not see the reports: agreement is aggregated over raters, and a round
  with few raters could point at one of them.
- Supervisors start a round by hand (the monthly task starts it otherwise) and import
  aggregate history; library and IT staff import it too, through the imports app's own rules.
Administrators pass every rule.
"""

from __future__ import annotations

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES, Role

REPORT_ROLES = STAFF_ROLES
RATE_ROLES = DESK_ROLES
ROUND_ROLES = (Role.SUPERVISOR,)


def can_view_demand(user) -> bool:
    return user_has_role(user, *REPORT_ROLES)


def can_view_calibration_report(user) -> bool:
    return user_has_role(user, *REPORT_ROLES)


def can_rate(user) -> bool:
    return user_has_role(user, *RATE_ROLES)


def can_start_round(user) -> bool:
    return user_has_role(user, *ROUND_ROLES)
