from liaison.audit.selectors import audit_event_recent_for_user
from liaison.core import home
from liaison.core.access import role_rule
from liaison.core.roles import Role


def _recent(request) -> dict:
    return {"events": audit_event_recent_for_user(user=request.user)}


home.register(
    home.HomePanel(
        "recent-changes", "Recent changes", "audit/panel_recent.html", role_rule(Role.ADMINISTRATOR), _recent, order=90
    )
)
